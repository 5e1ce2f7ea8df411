# hello: greets, ticks a timer, echoes what is typed on the console.
service_srcs := main.c fpspin.c
service_args := ticks=5
service_uses :=
