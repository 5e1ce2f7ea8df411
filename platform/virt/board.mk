# QEMU virt: what the build and `make run` need to know about the board.
BOARD_SRCS := platform/virt/platform.c drivers/uart/pl011.c drivers/irq/gicv2.c \
	drivers/irq/gicv3.c drivers/rtc/pl031.c drivers/gpio/pl061.c $(wildcard drivers/virtio/*.c)
QEMU_MACHINE ?= virt
QEMU_CPU ?= cortex-a53
QEMU_MEM ?= 128M
QEMU_BOARD_ARGS = -M $(QEMU_MACHINE) -cpu $(QEMU_CPU) -m $(QEMU_MEM)
