# make bench: the benchmarks. Figures are printed and written to bench/results/,
# never asserted (bench/README.md, docs/benchmarks.md).
#   make bench            boot/size/idle of hello, then the DNS experiment with REPS=5
#   make bench-full       the DNS experiment as the paper ran it: REPS=100
#   make bench-quick      boot/size/idle only, fewer boots
#   make bench-deps       what the DNS experiment needs besides the images
REPS ?= 5
BENCH_ARGS ?=
BENCH_DIR := $(B)/bench
BENCH_PLUGIN := build/bench/libinsn.so
# The Linux twin links the lib/dns objects of the Mote image: compiled once.
DNS_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard lib/dns/*.c))
LINUX_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ilib/dns/include

$(BENCH_DIR)/dns_linux.elf: bench/linux/dns_linux.c $(DNS_LIB_OBJS) lib/dns/include/dns/dns.h | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LINUX_CFLAGS) -static bench/linux/dns_linux.c $(DNS_LIB_OBJS) -o $@

$(BENCH_DIR)/dns_linux: $(BENCH_DIR)/dns_linux.elf
	$(CROSS)strip -o $@ $<

# The kernel's version is known only once scripts/setup has unpacked it.
$(BENCH_DIR)/initramfs.cpio.gz: $(BENCH_DIR)/dns_linux bench/linux/init bench/linux/mkinitramfs.py | $(SETUP_STAMP)
	$(PYTHON) bench/linux/mkinitramfs.py \
	    --modules-dir $(lastword $(sort $(wildcard third_party/linux/lib/modules/*))) \
	    --busybox third_party/busybox/bin/busybox --dns $< --init bench/linux/init -o $@

# The TCG plugin is a host shared object loaded by QEMU.
$(BENCH_PLUGIN): bench/plugin/insn_count.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared \
	    -Ithird_party/qemu/include $< -o $@ -lpthread

.PHONY: bench bench-full bench-quick bench-deps bench-dns
bench-deps: images $(BENCH_DIR)/initramfs.cpio.gz $(BENCH_PLUGIN)

bench: images bench-deps
	$(PYTHON) bench/boot.py --image-dir $(B)
	$(MAKE) --no-print-directory bench-dns

bench-dns: bench-deps
	$(PYTHON) bench/dns_cpu.py --build $(B) --plugin $(BENCH_PLUGIN) --reps $(REPS) $(BENCH_ARGS)

bench-full:
	$(MAKE) --no-print-directory bench REPS=100

bench-quick: images
	$(PYTHON) bench/boot.py --image-dir $(B) --quick

# The bench's own tests: unit tests of its parsing, statistics and initramfs
# code, and a small run of the whole DNS experiment (tests/bench/). Part of make test.
.PHONY: test-bench
test-bench: bench-deps
	MOTE_BUILD=$(CURDIR)/$(B) $(PYTHON) -m pytest -q -p no:cacheprovider tests/bench $(PYTEST_ARGS)
