# blockbench: sequential write and read throughput of a block device (bench/blk_io.py).
service_srcs := main.c
service_args := size=16 chunk=64 inflight=1
service_uses := block
