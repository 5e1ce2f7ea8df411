# http: a small static HTTP/1.1 server on TCP port 80 (lib/http parses requests),
# serving the files of the volume when one is mounted (fs=virtio0p1),
# and HTTPS on port 443 when the image has a certificate and key: name them
# here (paths from the repository's root) or per build with
# `make SERVICE=http TLS_CERT=cert.pem TLS_KEY=key.pem` (docs/iot.md).
service_srcs := main.c pages.c https.c files.c files_http.c
service_args :=
service_uses := net tls block fs mdns
service_tls_cert :=
service_tls_key :=
# With make run's default PORTS (mk/run.mk).
service_try := curl -v http://127.0.0.1:8080/
