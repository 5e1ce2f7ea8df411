# blockcheck: writes a pattern to a block of the first block device and reads it back.
service_srcs := main.c
service_args := block=1
service_uses := block
