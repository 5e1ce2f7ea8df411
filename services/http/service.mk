# http: a small static HTTP/1.1 server on TCP port 80 (lib/http parses requests),
# serving the files of the volume when one is mounted (fs=virtio0p1).
service_srcs := main.c pages.c files.c files_http.c
service_args :=
service_uses := net block fs
# With make run's default PORTS (mk/run.mk).
service_try := curl -v http://127.0.0.1:8080/
