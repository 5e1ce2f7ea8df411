# gateway: a sensor gateway: readings published over MQTT, commands taken from
# it to drive a GPIO output, its reading served over HTTP (docs/iot.md).
service_srcs := main.c command.c reading.c
service_args := mqtt=10.0.2.2:1883 hostname=mote
service_uses := net
# With make run's default PORTS (mk/run.mk) and a broker on the host.
service_try := mosquitto_sub -v -t 'sensors/#' (and mosquitto_pub -t actuators/mote/output -m on)
