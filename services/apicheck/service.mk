# apicheck: connects out, sends random bytes, echoes; defines functions named like kernel internals;
# answers <hostname>.local with mdns=1 (the image that runs lwIP's mDNS build without TLS).
service_srcs := main.c
service_args :=
service_uses := net mdns
