# dns: the IncludeOS paper's DNS server, on lib/dns (the same code the Linux baseline links).
service_srcs := main.c tcp.c
service_args := records=10000
service_uses := net
