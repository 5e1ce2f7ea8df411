# blink: the IoT "hello world": toggles a GPIO pin on a timer, reports edges on another.
service_srcs := main.c
service_args := out=21 in=20 interval_ms=500
service_uses := gpio
