# apicheck: connects out, sends random bytes, echoes; defines functions named like kernel internals.
service_srcs := main.c
service_args :=
service_uses := net
