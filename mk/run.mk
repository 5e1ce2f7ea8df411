# make run: boot $(SERVICE) on QEMU with the console in this terminal.
QEMU := qemu-system-aarch64
ARGS ?= $(SERVICE_ARGS_$(SERVICE))
# A virtio-net device on QEMU's user network. The guest's port 53 (UDP and TCP) is
# 127.0.0.1:5353 here, its TCP port 80 is 127.0.0.1:8080.
QEMU_FWD := hostfwd=udp:127.0.0.1:5353-:53,hostfwd=tcp:127.0.0.1:5353-:53,hostfwd=tcp:127.0.0.1:8080-:80
QEMU_NET ?= -nic none -netdev user,id=n0,$(QEMU_FWD) -device virtio-net-device,netdev=n0
QEMU_RUN := $(QEMU) $(QEMU_BOARD_ARGS) -nographic $(QEMU_NET) $(QEMU_RUN_EXTRA) $(QEMU_DEBUG_PORT) \
	-semihosting-config enable=on,target=native
# What QEMU boots (a board.mk may name another, e.g. the Pi's kernel8.img).
RUN_KERNEL ?= $(B)/$(SERVICE).elf

.PHONY: run
run: image
	@echo "Booting $(RUN_KERNEL) on QEMU $(QEMU_MACHINE) (quit: Ctrl-A then x)"
	@if [ "$(SERVICE)" = dns ]; then echo "Query it with: dig @127.0.0.1 -p 5353 host42.mote.test [+tcp]"; fi
	@if [ "$(SERVICE)" = http ]; then echo "Fetch a page with: curl http://127.0.0.1:8080/"; fi
	$(QEMU_RUN) -kernel $(RUN_KERNEL) -append '$(subst ','\'',$(ARGS))'
