# tlsclient: connects to a TLS server (connect=ADDR:PORT, name=HOST) with the
# CA the build embedded (service_tls_ca, or make TLS_CA=ca.pem), sends an HTTP
# request and logs the answer's first line, or why the server was refused;
# tries again every retry= seconds until one exchange succeeded. What the
# TLS client API (include/mote/tls.h) does, seen from the console.
service_srcs := main.c
service_args :=
service_uses := net tls
service_tls_ca :=
service_try := openssl s_server -accept 8443 -cert CERT -key KEY -www, then boot with connect=10.0.2.2:8443 name=HOST
