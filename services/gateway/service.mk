# gateway: a sensor gateway: readings published over MQTT (mqtts=: over TLS,
# with the broker's CA named here or by make TLS_CA=), commands taken from it to
# drive a GPIO output, its reading served over HTTP (and HTTPS on 443 with a
# certificate and key: service_tls_cert, service_tls_key); its configuration and
# certificates may also come from /gateway/ on the volume fs= mounts, where it also keeps
# its readings while the broker is away (docs/iot.md).
service_srcs := main.c command.c reading.c files.c spool.c
service_args := mqtt=10.0.2.2:1883 hostname=mote
service_uses := net tls block fs mdns
service_tls_ca :=
service_tls_cert :=
service_tls_key :=
# With make run's default PORTS (mk/run.mk) and a broker on the host.
service_try := mosquitto_sub -v -t 'sensors/#' (and mosquitto_pub -t actuators/mote/output -m on)
