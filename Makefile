# Mote: build a service into a bootable AArch64 image, run it, test it.
#   make [SERVICE=dns]   [BOARD=virt]   build/<board>/<service>.elf and .img
#   make run                            boot it in QEMU, console in this terminal (Ctrl-A x quits)
#   make test                           every test: format, host unit tests, system tests in QEMU
#   make bench                          benchmarks (figures printed, never asserted)
# Non-recursive: the parts live in mk/*.mk.

BOARD ?= virt
SERVICE ?= dns
B := build/$(BOARD)
include mk/debug.mk

.DEFAULT_GOAL := image
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/setup.mk
include mk/toolchain.mk
include mk/board.mk
include mk/lwip.mk
include mk/mbedtls.mk
include mk/image.mk
include mk/run.mk
include mk/test.mk
include mk/bench.mk
include mk/format.mk
include mk/tools.mk
include mk/sdcard.mk

.PHONY: clean
clean:
	rm -rf build
