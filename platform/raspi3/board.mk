# Raspberry Pi 3 (BCM2837), QEMU -M raspi3b: everything the build, `make run`,
# tools/mote and the tests know about the board (mk/board.mk reads it;
# docs/porting.md explains each line).

# Linked into every image of the board: platform, both UARTs, interrupts,
# timers, GPIO, the firmware's mailbox, the hardware RNG, power control.
BOARD_SRCS := platform/raspi3/platform.c drivers/uart/pl011.c drivers/uart/mini_uart.c \
	drivers/irq/bcm2836_local.c drivers/irq/bcm2835_intc.c drivers/timer/bcm2835_systimer.c \
	drivers/gpio/bcm2835_gpio.c drivers/mbox/bcm2835_mbox.c drivers/mbox/property.c \
	drivers/rng/bcm2835_rng.c \
	drivers/power/bcm2835_pm.c
# Features (services/<name>/service.mk, service_uses) and their drivers here:
# the SD card slot (block), the framebuffer console (fb, a screen mirror of the console).
BOARD_USES_block := platform/raspi3/sd.c drivers/sd/sdhci.c drivers/sd/sdcard.c drivers/sd/csd.c
BOARD_USES_fb := platform/raspi3/fb.c drivers/video/bcm2835_fb.c drivers/video/fbcon.c \
	$(B)/gen/font.c
# The network (net): the Pi's Ethernet sits on USB. The USB host stack
# (drivers/usb/, docs/usb.md: DWC2 controller, core, hub) and its Ethernet
# class drivers (drivers/usb/net/), started by platform/raspi3/usb.c.
BOARD_USB_SRCS := drivers/usb/core.c drivers/usb/descriptor.c drivers/usb/hub.c \
	drivers/usb/dwc2/core.c drivers/usb/dwc2/port.c drivers/usb/dwc2/channel.c \
	drivers/usb/dwc2/schedule.c drivers/usb/dwc2/split.c
BOARD_USES_net := platform/raspi3/usb.c $(BOARD_USB_SRCS) $(wildcard drivers/usb/net/*.c)

# How QEMU runs it. raspi3b has 1 GiB whatever -m says.
QEMU_MACHINE := raspi3b
QEMU_CPU := cortex-a53
QEMU_MEM := 1G
QEMU_MEM_FIXED := 1024M
# The Pi boots kernel8.img; boot arguments reach it in a DTB's /chosen/bootargs,
# which QEMU fills from -append (build/raspi3/bootargs.dtb is otherwise empty).
QEMU_BOARD_ARGS = -M $(QEMU_MACHINE) -cpu $(QEMU_CPU) -m $(QEMU_MEM) -dtb $(B)/bootargs.dtb
# The Pi 3's Ethernet sits on USB: QEMU's usb-net on the DWC2 host controller.
QEMU_NIC := usb-net
# How a disk image is attached (make run DISK=, tools/mote -v, tests): the SD
# card, sd0 in the image ({file} the host file; the Pi has one slot, so no {n}).
QEMU_DISK := -drive if=sd,format=raw,file={file}
# Two UARTs print the console: QEMU's first -serial is the PL011, the second the mini UART.
QEMU_SERIALS := 2
QEMU_POWER_BUTTON :=
QEMU_KERNEL := img
# In a debug image the mini UART (the second -serial) is the debug port when
# gdb=serial or core=serial asks for it, on 127.0.0.1:$(DEBUG_PORT).
QEMU_DEBUG_PORT_ARGS = -serial tcp:127.0.0.1:$(DEBUG_PORT),server=on,wait=off
# What `make run` adds after the console (-serial mon:stdio): the mini UART on
# a pty QEMU names at start; in a debug image the debug port takes its place.
QEMU_RUN_SERIALS = $(if $(filter 1,$(DEBUG)),,-serial pty)
RUN_KERNEL = $(B)/kernel8.img

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
