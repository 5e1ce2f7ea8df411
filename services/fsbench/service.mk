# fsbench: small-file operations per second on the mounted volume (bench/blk_io.py).
service_srcs := main.c
service_args := fs=virtio0p1 files=200 size=1024
service_uses := block fs
