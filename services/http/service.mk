# http: a small static HTTP/1.1 server on TCP port 80 (lib/http parses requests).
service_srcs := main.c pages.c
service_args :=
service_uses := net
# With make run's default PORTS (mk/run.mk).
service_try := curl -v http://127.0.0.1:8080/
