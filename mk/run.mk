# make run: boot $(SERVICE) on QEMU with the console in this terminal, with the
# board's QEMU arguments (platform/$(BOARD)/board.mk).
#   make run [SERVICE=dns] [BOARD=virt] [ARGS="..."]   ARGS: boot arguments (default: the service's)
#   make run PORTS="udp:5353:53 tcp:8080:80"         the host ports forwarded to the guest
#   make run NET=none                                 no network device
#   make run DISK="a.img [b.img]"                     raw disk images: virtio0, virtio1 (virt), sd0 (raspi3)
QEMU := qemu-system-aarch64
ARGS ?= $(SERVICE_ARGS_$(SERVICE))
# Port forwards on QEMU's user network, PROTO:HOSTPORT:GUESTPORT on 127.0.0.1.
# The default serves every network service here: DNS (53) on 5353, HTTP (80) on 8080.
PORTS ?= udp:5353:53 tcp:5353:53 tcp:8080:80
comma := ,
empty :=
space := $(empty) $(empty)
port_fwd = hostfwd=$(word 1,$(1)):127.0.0.1:$(word 2,$(1))-:$(word 3,$(1))
QEMU_FWD := $(subst $(space),$(comma),$(foreach p,$(PORTS),$(call port_fwd,$(subst :, ,$(p)))))
# Without -nic none, QEMU virt would add a default NIC of its own before ours.
NET ?= user
QEMU_NET := -nic none $(if $(filter user,$(NET)),-netdev user$(comma)id=n0$(if $(QEMU_FWD),$(comma)$(QEMU_FWD)) \
	-device $(QEMU_NIC)$(comma)netdev=n0)
# Disk images, each attached by the board's QEMU_DISK line with {file} and {n} filled in.
DISK ?=
disk_args = $(subst {n},$(2),$(subst {file},$(1),$(QEMU_DISK)))
QEMU_DISKS := $(if $(DISK),$(if $(QEMU_DISK),,$(error board $(BOARD) takes no disk (QEMU_DISK is empty)))\
	$(foreach i,$(shell seq 0 $$(($(words $(DISK)) - 1))),$(call disk_args,$(word $(shell echo $$(($(i) + 1))),$(DISK)),$(i))))
QEMU_RUN := $(QEMU) $(QEMU_BOARD_ARGS) -nographic $(QEMU_NET) $(if $(QEMU_RNG),-device $(QEMU_RNG)) $(QEMU_DISKS) \
	-serial mon:stdio $(QEMU_RUN_SERIALS) \
	$(if $(filter 1,$(DEBUG)),$(QEMU_DEBUG_PORT_ARGS)) -semihosting-config enable=on,target=native
# What QEMU boots: the ELF, or the raw image (QEMU_KERNEL := img), unless the board.mk names
# another file (the Pi's kernel8.img).
RUN_KERNEL ?= $(B)/$(SERVICE).$(QEMU_KERNEL)

.PHONY: run
run: image
	@echo "Booting $(RUN_KERNEL) on QEMU $(QEMU_MACHINE) (quit: Ctrl-A then x)"
	@$(if $(filter net,$(SERVICE_USES_$(SERVICE))),$(if $(PORTS),echo "Forwarded from 127.0.0.1: $(PORTS) (PROTO:HOST:GUEST; change with PORTS=...)"))
	@$(if $(and $(SERVICE_TRY_$(SERVICE)),$(filter file,$(origin PORTS))),echo "Try from another terminal: $(SERVICE_TRY_$(SERVICE))")
	$(QEMU_RUN) -kernel $(RUN_KERNEL) -append '$(subst ','\'',$(ARGS))'
