# make bench: the benchmarks. Figures are printed and written to bench/results/,
# never asserted (bench/README.md, docs/benchmarks.md).
#   make bench            boot/size/idle of hello (virt and raspi3b), then the DNS
#                         experiment on virt with REPS=5 and on raspi3b with PI_REPS=3
#   make bench-full       the DNS experiment as the paper ran it: REPS=100 (PI_REPS=30)
#   make bench-quick      boot/size/idle only, fewer boots
#   make bench-dns        the DNS experiment on virt only;  bench-dns-raspi3: raspi3b only
#   make bench-tls        HTTPS against HTTP in the http service (bench/tls.py)
#   make bench-mqtt       MQTT publish rate, QoS 0 and 1: the gateway next to mosquitto_pub
#   make bench-deps       what the DNS experiment needs besides the images (virt);
#                         bench-deps-raspi3: the same for raspi3b
REPS ?= 5
BENCH_ARGS ?=
# raspi3b: a Linux boot (USB enumeration) takes seconds, so fewer of everything.
PI_REPS ?= 3
PI_BOOTS ?= 5
PI_BENCH_ARGS ?=
BENCH_DIR := $(B)/bench
BENCH_PLUGIN := build/bench/libinsn.so
PROFILE_PLUGIN := build/bench/libprofile.so
PROFILE_ARGS ?=
# The Linux twin links the lib/dns objects of the Mote image: compiled once.
DNS_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard lib/dns/*.c))
LINUX_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ilib/dns/include

$(BENCH_DIR)/dns_linux.elf: bench/linux/dns_linux.c $(DNS_LIB_OBJS) lib/dns/include/dns/dns.h | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LINUX_CFLAGS) -static bench/linux/dns_linux.c $(DNS_LIB_OBJS) -o $@

$(BENCH_DIR)/dns_linux: $(BENCH_DIR)/dns_linux.elf
	$(CROSS)strip -o $@ $<

# The Linux guest's initramfs, one per board (its NIC's modules differ); both
# carry the same dns_linux. The kernel's version is known only once
# scripts/setup has unpacked it.
LINUX_MODULES_DIR = $(lastword $(sort $(wildcard third_party/linux/lib/modules/*)))
PI_BENCH_DIR := build/raspi3/bench
INITRAMFS_DEPS := $(BENCH_DIR)/dns_linux bench/linux/init bench/linux/mkinitramfs.py
$(BENCH_DIR)/initramfs.cpio.gz: BENCH_BOARD := virt
$(PI_BENCH_DIR)/initramfs.cpio.gz: BENCH_BOARD := raspi3
# (sort: one target when make runs with BOARD=raspi3, where the two folders are one)
$(sort $(BENCH_DIR)/initramfs.cpio.gz $(PI_BENCH_DIR)/initramfs.cpio.gz): $(INITRAMFS_DEPS) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(PYTHON) bench/linux/mkinitramfs.py --board $(BENCH_BOARD) --modules-dir $(LINUX_MODULES_DIR) \
	    --busybox third_party/busybox/bin/busybox --dns $< --init bench/linux/init -o $@

# The TCG plugin is a host shared object loaded by QEMU.
# Both plugins answer on a Unix socket (bench/plugin/plugin_socket.c).
PLUGIN_SOCKET := bench/plugin/plugin_socket.c bench/plugin/plugin_socket.h
plugin_build = $(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared \
	-Ithird_party/qemu/include $(filter %.c,$(1)) -o $(2) -lpthread
$(BENCH_PLUGIN): bench/plugin/insn_count.c $(PLUGIN_SOCKET) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(call plugin_build,$^,$@)

# TLS: what HTTPS costs the http service (bench/tls.py): guest instructions and
# wall time per request over HTTP and HTTPS, heap per TLS connection, image size.
.PHONY: bench-tls
bench-tls: images $(BENCH_PLUGIN)
	$(PYTHON) bench/tls.py --build $(B) --plugin $(BENCH_PLUGIN)
# The profiler: per-function counts of guest instructions, calls, MMIO accesses.
$(PROFILE_PLUGIN): bench/plugin/profile.c $(PLUGIN_SOCKET) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(call plugin_build,$^,$@)

# make profile SERVICE=dns: boot, idle, paced and back-to-back query profiles
# by function and subsystem (bench/README.md); other services: boot and idle.
.PHONY: profile
profile: images $(PROFILE_PLUGIN)
	$(PYTHON) bench/profiler.py --build $(B) --service $(SERVICE) $(PROFILE_ARGS)

# make size [SERVICE=dns]: the image's bytes by component (bench/size.py).
.PHONY: size
size: $(B)/$(SERVICE).elf $(B)/$(SERVICE).img
	$(PYTHON) bench/size.py $(B)/$(SERVICE).elf

.PHONY: bench bench-full bench-quick bench-deps bench-dns bench-deps-raspi3 bench-dns-raspi3 \
	bench-mqtt
bench-deps: images $(BENCH_DIR)/initramfs.cpio.gz $(BENCH_PLUGIN) $(PROFILE_PLUGIN)
# images-raspi3 (mk/test.mk) builds build/raspi3/: every service's image, bootargs.dtb.
bench-deps-raspi3: images-raspi3 $(PI_BENCH_DIR)/initramfs.cpio.gz $(BENCH_PLUGIN)

bench: images bench-deps bench-deps-raspi3
	$(PYTHON) bench/size.py $(B)/dns.elf
	$(PYTHON) bench/boot.py --image-dir $(B) --pi-image-dir build/raspi3
	$(MAKE) --no-print-directory bench-dns
	$(MAKE) --no-print-directory bench-dns-raspi3
	$(MAKE) --no-print-directory bench-tls
	$(MAKE) --no-print-directory bench-mqtt
	$(MAKE) --no-print-directory bench-tcp-loss

# MQTT publish rate at QoS 0 and 1: the gateway image next to mosquitto_pub (bench/mqtt.py).
bench-mqtt: images $(BENCH_PLUGIN)
	$(PYTHON) bench/mqtt.py $(MQTT_BENCH_ARGS)

bench-dns: bench-deps
	$(PYTHON) bench/dns_cpu.py --build $(B) --plugin $(BENCH_PLUGIN) --reps $(REPS) $(BENCH_ARGS)

# --skip-unserved: an image that cannot serve on the Pi (one built without the
# USB network drivers) leaves its column empty, with the reason in the table,
# instead of ending make bench.
bench-dns-raspi3: bench-deps-raspi3
	$(PYTHON) bench/dns_cpu.py --board raspi3 --build build/raspi3 --plugin $(BENCH_PLUGIN) \
	    --reps $(PI_REPS) --boots $(PI_BOOTS) --skip-unserved $(PI_BENCH_ARGS)

bench-full:
	$(MAKE) --no-print-directory bench REPS=100 PI_REPS=30

bench-quick: images images-raspi3
	$(PYTHON) bench/boot.py --image-dir $(B) --pi-image-dir build/raspi3 --quick

# The bench's own tests: unit tests of its parsing, statistics and initramfs
# code, and a small run of the whole DNS experiment (tests/bench/). Part of make test.
.PHONY: test-bench
test-bench: bench-deps bench-deps-raspi3
	MOTE_BUILD=$(CURDIR)/$(B) $(PYTHON) -m pytest -q -p no:cacheprovider tests/bench $(PYTEST_ARGS)

# The file-system benchmark (bench/fs_io.py): lib/fat against Linux's vfat on
# virtio-blk. fs_linux is a static aarch64 program in the guest's initramfs.
#   make bench-fs [FS_BENCH_ARGS="--reps 5 --size 32"]
FS_BENCH_ARGS ?=
$(BENCH_DIR)/fs_linux: bench/linux/fs_linux.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -s $< -o $@
.PHONY: bench-fs bench-fs-deps
bench-fs-deps: images $(BENCH_DIR)/fs_linux
bench-fs: bench-fs-deps
	$(PYTHON) bench/fs_io.py --build $(B) $(FS_BENCH_ARGS)
# The storage benchmark (bench/blk_io.py): services/blockbench against
# bench/linux/blk_linux.c on Linux's virtio-blk, sequential write and read.
#   make bench-blk [BLK_REPS=3] [BLK_ARGS="--size 32 --chunk 64"]
BLK_REPS ?= 3
BLK_ARGS ?=
$(BENCH_DIR)/blk_linux: bench/linux/blk_linux.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LINUX_CFLAGS) -static $< -o $@.elf
	$(CROSS)strip -o $@ $@.elf
.PHONY: bench-blk bench-blk-deps
bench-blk-deps: images $(BENCH_DIR)/blk_linux
bench-blk: bench-blk-deps
	$(PYTHON) bench/blk_io.py --build $(B) --reps $(BLK_REPS) $(BLK_ARGS)

# TCP under loss: a 1 MiB and a 4 MiB upload to http and to a Linux guest through the same
# lossy link (tests/system/relay.py: 10% loss, 20 ms delay, 25% reordering each way).
.PHONY: bench-tcp-loss
bench-tcp-loss: images
	$(PYTHON) bench/tcp_loss.py --build $(B) --size 1048576
	$(PYTHON) bench/tcp_loss.py --build $(B) --size 4194304
