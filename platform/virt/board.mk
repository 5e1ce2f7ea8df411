# QEMU virt: everything the build, `make run`, tools/mote and the tests know
# about the board (mk/board.mk reads it; docs/porting.md explains each line).

# Linked into every image of the board: the platform, console, interrupts, RTC,
# the power key's GPIO, and the virtio transport with the devices every image
# drives (virtio-rng feeds the random source, the virtio console is the debug port).
BOARD_SRCS := platform/virt/platform.c drivers/uart/pl011.c drivers/irq/gicv2.c \
	drivers/irq/gicv3.c drivers/rtc/pl031.c drivers/gpio/pl061.c drivers/virtio/mmio.c \
	drivers/virtio/virtq.c drivers/virtio/rng.c drivers/virtio/console.c
# Features (services/<name>/service.mk, service_uses) and their drivers here.
BOARD_USES_net := drivers/virtio/net.c
BOARD_USES_block := drivers/virtio/blk.c

# How QEMU runs it. QEMU_MEM is the default -m; QEMU_MEM_FIXED is empty, as any -m works.
QEMU_MACHINE := virt
QEMU_CPU := cortex-a53
QEMU_MEM := 128M
QEMU_MEM_FIXED :=
QEMU_BOARD_ARGS = -M $(QEMU_MACHINE) -cpu $(QEMU_CPU) -m $(QEMU_MEM)
# The network device that carries QEMU's -netdev n0 (mk/run.mk, tools/mote).
QEMU_NIC := virtio-net-device
# How a disk image is attached (make run DISK=, tools/mote -v, tests): {file} is
# the host file, {n} the disk's number from 0 (it becomes virtio{n} in the image).
QEMU_DISK := -drive if=none,id=disk{n},format=raw,file={file} -device virtio-blk-device,drive=disk{n}
# The entropy device `make run`, tools/mote and the tests attach (kernel/random.c
# waits for its first answer before drawing the stack guard).
QEMU_RNG := virtio-rng-device
# How many UARTs print the console (one: QEMU's first -serial).
QEMU_SERIALS := 1
# QMP system_powerdown reaches the image (the PL061's gpio-keys power key).
QEMU_POWER_BUTTON := yes
# What -kernel boots: the ELF (QEMU reads its entry point).
QEMU_KERNEL := elf
# A debug image's debug port (gdb=serial, core=serial): a virtio console on
# 127.0.0.1:$(DEBUG_PORT).
QEMU_DEBUG_PORT_ARGS = -device virtio-serial-device \
	-chardev socket,id=dbg,host=127.0.0.1,port=$(DEBUG_PORT),server=on,wait=off \
	-device virtconsole,chardev=dbg
# What `make run` adds after the console (-serial mon:stdio): nothing else on virt.
QEMU_RUN_SERIALS :=
