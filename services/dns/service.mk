# dns: the IncludeOS paper's DNS server, on lib/dns (the same code the Linux baseline links).
service_srcs := main.c tcp.c
service_args := records=10000
service_uses := net
# With make run's default PORTS (mk/run.mk).
service_try := dig @127.0.0.1 -p 5353 host42.mote.test (add +tcp for TCP)
