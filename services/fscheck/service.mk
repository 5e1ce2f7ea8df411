# fscheck: exercises the file API (include/mote/fs.h) as its boot arguments say and prints
# what it did, for tests/system/test_fs*.py to check on the host with mtools and fsck.fat.
service_srcs := main.c
service_args := fs=virtio0 do=list
service_uses := block fs
