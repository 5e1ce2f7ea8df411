# make run: boot $(SERVICE) on QEMU with the console in this terminal.
QEMU := qemu-system-aarch64
ARGS ?= $(SERVICE_ARGS_$(SERVICE))
QEMU_RUN := $(QEMU) $(QEMU_BOARD_ARGS) -nographic -nic none -semihosting-config enable=on,target=native

.PHONY: run
run: image
	@echo "Booting $(B)/$(SERVICE).elf on QEMU $(QEMU_MACHINE) (quit: Ctrl-A then x)"
	$(QEMU_RUN) -kernel $(B)/$(SERVICE).elf -append '$(subst ','\'',$(ARGS))'
