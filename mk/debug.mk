# make DEBUG=1: a debug image, with the GDB stub (kernel/gdbstub.c, lib/gdb,
# arch/aarch64/gdb_arch.c, net/gdb_tcp.c), built into build/<board>-debug so
# release and debug images coexist. A release image has none of that code:
# those sources are left out of its build (and tests/system/test_gdb_release.py
# checks its symbol table).
DEBUG ?= 0
DEBUG_ONLY_SRCS := kernel/gdbstub.c arch/aarch64/gdb_arch.c lib/gdb/rsp.c
# make DEBUG=1 run also gives the image its debug port on 127.0.0.1:$(DEBUG_PORT),
# for gdb=serial and core=serial (how: the board.mk's QEMU_DEBUG_PORT_ARGS).
DEBUG_PORT ?= 1234
ifeq ($(DEBUG),1)
B := build/$(BOARD)-debug
DEBUG_CPPFLAGS := -DMOTE_DEBUG=1
else
DEBUG_CPPFLAGS :=
endif

.PHONY: debug-images
debug-images:
	@$(MAKE) --no-print-directory DEBUG=1 images
