# The board: platform/$(BOARD)/board.mk is the one place that describes it
# (docs/porting.md lists what it sets). The build, `make run`, tools/mote and
# tests/system all learn the board from it; the last two through
#   make -s board-info BOARD=b      one key=value per line, as below
BOARD_DIR := platform/$(BOARD)
ifeq ($(wildcard $(BOARD_DIR)/board.mk),)
$(error no board '$(BOARD)': there is no $(BOARD_DIR)/board.mk (boards: $(notdir $(patsubst %/board.mk,%,$(wildcard platform/*/board.mk)))))
endif

# The features a service may name in its service.mk (service_uses). A board
# maps each to the driver sources that provide it there (BOARD_USES_<feature>;
# empty when the board's always-linked drivers already do, or it has none, in
# which case the service's calls fail at run time with -ENODEV, as documented).
FEATURES := net block fb gpio fs tls mdns
BOARD_USES_net :=
BOARD_USES_block :=
BOARD_USES_fb :=
BOARD_USES_gpio :=
# Files (include/mote/fs.h): lib/fat over the block API, the same on every board
# (a service names block too, for the board's disk drivers).
BOARD_USES_fs := kernel/fs/mount.c kernel/fs/api.c
# The log on the volume (logfile=PATH) writes through the file API.
BOARD_USES_fs += kernel/logfile/log_file.c
# tls needs no driver: it names mbedTLS and lwIP's TLS build (mk/mbedtls.mk) and implies net.
BOARD_USES_tls :=
# mdns needs no driver: it lets the service call include/mote/mdns.h (lwIP's
# responder and IGMP for its group) and implies net.
BOARD_USES_mdns :=
# The QEMU -device that feeds the random source, if the board needs one (virt:
# virtio-rng; the Pi's RNG is on the SoC).
QEMU_RNG :=
# The QEMU arguments that attach disk image {file} as disk number {n} (none: no disks).
QEMU_DISK :=
include $(BOARD_DIR)/board.mk

# feature_srcs(features): the driver sources behind a service's features on this board.
feature_srcs = $(foreach f,$(1),$(BOARD_USES_$(f)))
# Extra features for every service of one build (e.g. `make BOARD=raspi3 USES=fb B=build/raspi3-fb`).
USES ?=

# What the board.mk must set: checked here, so a new board's omission is named.
BOARD_REQUIRED := BOARD_SRCS QEMU_MACHINE QEMU_CPU QEMU_MEM QEMU_NIC QEMU_SERIALS
$(foreach v,$(BOARD_REQUIRED),$(if $($(v)),,$(error $(BOARD_DIR)/board.mk does not set $(v) (docs/porting.md))))

# `make -s board-info`: the board's facts for tools/mote and tests/system (qemu.py).
# The debug port's arguments carry {port} where the TCP port goes.
.PHONY: board-info
board-info:
	$(info name=$(BOARD))
	$(info machine=$(QEMU_MACHINE))
	$(info cpu=$(QEMU_CPU))
	$(info mem=$(QEMU_MEM))
	$(info mem_fixed=$(QEMU_MEM_FIXED))
	$(info nic=$(QEMU_NIC))
	$(info rng=$(QEMU_RNG))
	$(info disk=$(QEMU_DISK))
	$(info serials=$(QEMU_SERIALS))
	$(info power_button=$(QEMU_POWER_BUTTON))
	$(info kernel=$(QEMU_KERNEL))
	$(info dtb=$(notdir $(filter %.dtb,$(BOARD_IMAGES))))
	$(info debug_port=$(subst $(DEBUG_PORT),{port},$(QEMU_DEBUG_PORT_ARGS)))
	$(info features=$(sort $(foreach f,$(FEATURES),$(if $(BOARD_USES_$(f)),$(f)))))
	@:
