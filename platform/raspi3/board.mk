# Raspberry Pi 3 (BCM2837), QEMU -M raspi3b: what the build and `make run` need.
BOARD_SRCS := platform/raspi3/platform.c drivers/uart/pl011.c drivers/uart/mini_uart.c \
	drivers/irq/bcm2836_local.c drivers/irq/bcm2835_intc.c drivers/timer/bcm2835_systimer.c \
	drivers/gpio/bcm2835_gpio.c drivers/mbox/bcm2835_mbox.c drivers/rng/bcm2835_rng.c \
	drivers/power/bcm2835_pm.c drivers/sd/sdhci.c drivers/sd/sdcard.c drivers/sd/csd.c \
	drivers/video/bcm2835_fb.c drivers/video/fbcon.c $(B)/gen/font.c
QEMU_MACHINE ?= raspi3b
QEMU_CPU ?= cortex-a53
QEMU_MEM ?= 1G
# The Pi boots kernel8.img; boot arguments reach it in a DTB's /chosen/bootargs,
# which QEMU fills from -append (build/raspi3/bootargs.dtb is otherwise empty).
QEMU_BOARD_ARGS = -M $(QEMU_MACHINE) -cpu $(QEMU_CPU) -m $(QEMU_MEM) -dtb $(B)/bootargs.dtb
# The Pi's Ethernet is on USB; QEMU models neither of its chips but has usb-net
# (CDC-ECM), which drivers/usb/net/ drives: the port forwards of mk/run.mk's
# QEMU_FWD (expanded when used), as on virt.
QEMU_NET ?= -netdev user,id=n0,$(QEMU_FWD) -device usb-net,netdev=n0
RUN_KERNEL = $(B)/kernel8.img
# raspi3b's first -serial is the PL011 (this terminal, with the monitor behind
# Ctrl-A c), the second the mini UART, on a pty QEMU names at start. In a debug
# image's run the mini UART is the debug port (gdb=serial, core=serial), on
# 127.0.0.1:$(DEBUG_PORT) as the virtio console is on virt, which the Pi lacks.
ifeq ($(DEBUG),1)
QEMU_DEBUG_PORT :=
QEMU_RUN_EXTRA ?= -serial mon:stdio -serial tcp:127.0.0.1:$(DEBUG_PORT),server=on,wait=off
endif
QEMU_RUN_EXTRA ?= -serial mon:stdio -serial pty

# The name the firmware looks for on the boot partition: the image of $(SERVICE),
# copied each time (the copy is cheap and SERVICE may have changed).
.PHONY: $(B)/kernel8.img
$(B)/kernel8.img: $(B)/$(SERVICE).img
	cp $< $@
BOARD_IMAGE := $(B)/kernel8.img
BOARD_IMAGES := $(B)/bootargs.dtb

$(B)/bootargs.dtb: platform/raspi3/bootargs.dts | $(SETUP_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

# The framebuffer console's font: a Linux console font from Debian's
# console-setup-linux (scripts/setup unpacks it), converted to C at build time.
FONT_PSF := third_party/consolefonts/usr/share/consolefonts/Lat15-VGA16.psf.gz
$(FONT_PSF): | $(SETUP_STAMP)
$(B)/gen/font.c: $(FONT_PSF) scripts/psf2c.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/psf2c.py $< $@
