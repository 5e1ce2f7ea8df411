# A Raspberry Pi 3 SD card image (scripts/mksdcard, docs/raspi3.md):
#   make sdcard BOARD=raspi3 SERVICE=hello [ARGS="..."] [FIRMWARE=dir] [UBOOT=1]
# writes build/raspi3/sdcard-<service>.img (sdcard-uboot-<service>.img with UBOOT=1):
# an MBR and a FAT32 boot partition with kernel8.img, config.txt, cmdline.txt
# (ARGS, the service's boot arguments) and Debian's Pi 3 device trees. FIRMWARE
# names a folder with the Pi's bootcode.bin, start.elf and fixup.dat; UBOOT=1
# boots through Debian's U-Boot (u-boot-rpi) and a boot.scr.
# `mote sdcard IMAGE` runs this target with SDCARD_KERNEL (the stored image) and
# SDCARD (its -o) set, so the DTB list and the U-Boot path live here only.

SDCARD_DTB_DIR = $(firstword $(wildcard third_party/linux/usr/lib/linux-image-*/broadcom))
SDCARD_DTBS = $(addprefix $(SDCARD_DTB_DIR)/,bcm2837-rpi-3-b.dtb bcm2837-rpi-3-b-plus.dtb)
SDCARD_UBOOT := /usr/lib/u-boot/rpi_arm64/u-boot.bin
# The kernel to put on the card; `mote sdcard` names a stored image's kernel8.img.
SDCARD_KERNEL = $(B)/kernel8.img
SDCARD = $(B)/sdcard-$(if $(filter 1,$(UBOOT)),uboot-)$(SERVICE).img
ARGS ?=

.PHONY: sdcard
sdcard: $(if $(filter raspi3,$(BOARD)),$(SDCARD_KERNEL)) | $(SETUP_STAMP)
	@[ "$(BOARD)" = raspi3 ] || { echo "make sdcard: BOARD=raspi3 only (the Pi 3's card)" >&2; exit 1; }
	@[ -n "$(SDCARD_DTB_DIR)" ] || { echo "make sdcard: no Pi 3 device trees in third_party/linux: run scripts/setup --force" >&2; exit 1; }
	FIRMWARE="$(FIRMWARE)" UBOOT="$(if $(filter 1,$(UBOOT)),$(SDCARD_UBOOT))" \
		scripts/mksdcard $(SDCARD) $(SDCARD_KERNEL) "$(ARGS)" $(SDCARD_DTBS)
