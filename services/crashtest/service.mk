# crashtest: crashes on purpose, as its boot argument says, to prove the crash path.
service_srcs := main.c
service_args := crash=null
service_uses :=
