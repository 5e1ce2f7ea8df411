# make DEBUG=1: a debug image, with the GDB stub (kernel/gdbstub.c, lib/gdb,
# arch/aarch64/gdb_arch.c) and its transports (kernel/gdb_serial.c,
# net/gdb_tcp.c), built into build/<board>-debug so release and debug images
# coexist. A release build leaves those sources out (tests/system/
# test_gdb_release.py checks the symbol tables). In a debug build the TCP
# transport sits in libnet.a, and only images that use the network link it:
# the network's boot hook registers it, nothing else names it (test_gdb.py
# checks that a debug hello carries no lwIP).
DEBUG ?= 0
DEBUG_ONLY_SRCS := kernel/gdbstub.c kernel/gdb_serial.c arch/aarch64/gdb_arch.c lib/gdb/rsp.c \
	net/gdb_tcp.c
# make DEBUG=1 run also gives the image its debug port on 127.0.0.1:$(DEBUG_PORT),
# for gdb=serial and core=serial (how: the board.mk's QEMU_DEBUG_PORT_ARGS).
DEBUG_PORT ?= 1234
ifeq ($(DEBUG),1)
B := build/$(BOARD)-debug
DEBUG_CPPFLAGS := -DMOTE_DEBUG=1
# Erratum 843419 fixed with veneers where an adr cannot reach (mk/toolchain.mk):
# a debug image's size is no target.
ERRATUM_843419_FIX := full
else
DEBUG_CPPFLAGS :=
endif

.PHONY: debug-images
debug-images:
	@$(MAKE) --no-print-directory DEBUG=1 images
