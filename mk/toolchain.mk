# Cross toolchain and flags: Debian's gcc-aarch64-linux-gnu with picolibc, freestanding.
CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
NM := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
# libfdt is built here from its source (scripts/setup: U-Boot's copy of dtc's
# libfdt, which the fuzz targets build too), one function per section, so that
# an image keeps only the functions it calls: Debian's prebuilt libfdt.a brings
# whole files (fdt_rw.o for one fdt_open_into). It keeps -O2 although only the
# boot uses it: walking the device tree is most of the boot's instructions.
LIBFDT_SRC := third_party/libfdt-src
LIBFDT := $(B)/libfdt.a
LIBFDT_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(addprefix $(LIBFDT_SRC)/,fdt.c fdt_ro.c fdt_wip.c \
	fdt_sw.c fdt_rw.c fdt_strerror.c fdt_addresses.c))

# Frame records in every function that calls another, for the crash report's
# backtrace (arch/aarch64/trap.c); a leaf function's caller is in x30 there.
COMMON_FLAGS := --specs=picolibc.specs -march=armv8-a -mcpu=cortex-a53 -mno-outline-atomics \
	-fno-pie -ffreestanding -fno-common -ffunction-sections -fdata-sections \
	-fno-omit-frame-pointer -momit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
# Branch protection (arch/aarch64/pauth.h): return addresses signed and checked
# (PAC), indirect branches land only on landing pads (BTI); hints on a Cortex-A53.
# `make BRANCH_PROTECTION=` builds without (to measure what it costs: bench/README.md).
BRANCH_PROTECTION ?= -mbranch-protection=standard
COMMON_FLAGS += $(BRANCH_PROTECTION)
# Address-space layout randomisation (arch/aarch64/aslr.c): position-independent
# code, linked as a static PIE whose R_AARCH64_RELATIVE relocations the boot
# applies for the address it picks. `make ASLR=0` builds without (to measure
# what it costs: bench/README.md): fixed addresses, the image where it is loaded.
ASLR ?= 1
ifneq ($(ASLR),0)
COMMON_FLAGS := $(filter-out -fno-pie,$(COMMON_FLAGS)) -fpie
# The Mote object's globals hidden (arch/aarch64/hidden.h says why): C only, as
# a pragma, for the kernel, drivers, lwIP, net/ and libfdt (KERNEL_CFLAGS and
# mk/lwip.mk), not the service's code, which keeps its own globals global. The
# final link makes hidden symbols local; mk/image.mk makes the API global again.
PIE_CFLAGS := -include arch/aarch64/hidden.h
ASLR_LDFLAGS := -static-pie -Wl,-z,text
else
ASLR_CPPFLAGS := -DMOTE_NO_ASLR
endif
# The stack protector: a canary in the frames that hold arrays (kernel/random.c
# draws it). `make STACK_PROTECTOR=` builds without, to measure what it costs.
# Its address is in a system register the kernel has no other use for
# (boot.S sets it): mrs + ldr where the GOT took adrp + ldr + ldr, in each
# protected function's entry and exit. Not SP_EL0 (the loop's stack pointer)
# nor TPIDR_EL0 (picolibc's TLS).
STACK_GUARD_SYSREG := tpidr_el1
STACK_PROTECTOR ?= -fstack-protector-strong -mstack-protector-guard=sysreg \
	-mstack-protector-guard-reg=$(STACK_GUARD_SYSREG) -mstack-protector-guard-offset=0
# Functions start on any instruction, not on 16 bytes as -O2 places them for
# the Cortex-A53: the padding is never executed (guest instructions per query
# unchanged), and it was 1.3 KB of zeros between dns.elf's -O2 functions.
# Loops too, not on 8 bytes: that padding is nops, run on the way into the
# loop (tx_gather: one fewer a query), 324 B of dns.elf's -O2 code.
FUNCTION_ALIGN := -falign-functions=4 -falign-loops=4
CFLAGS := -std=gnu11 -O2 $(FUNCTION_ALIGN) -g $(COMMON_FLAGS) -Wall -Wextra -Werror -Wvla $(STACK_PROTECTOR)
CPPFLAGS := -I. -Iinclude -Iplatform/$(BOARD) -Ithird_party/libfdt/usr/include -MMD -MP \
	$(DEBUG_CPPFLAGS) $(ASLR_CPPFLAGS) -DSTACK_GUARD_SYSREG=$(STACK_GUARD_SYSREG)
ASFLAGS := $(COMMON_FLAGS) -g
# Code off the hot path (boot, TCP, IPv6 neighbour discovery, DHCP, mDNS, the
# debugging tools: SIZE_SRCS in mk/image.mk and mk/lwip.mk) is optimised for
# size; the per-packet path keeps -O2 (docs/benchmarks.md: dns.img and the
# guest instructions per query, before and after). `make SIZE_OPT=-O2`
# builds everything for speed.
SIZE_OPT ?= -Os
# Code that can run in exception context may not touch FP/SIMD registers, which
# the vectors do not save (see arch/aarch64/vectors.S). Services are free to.
KERNEL_CFLAGS := -mgeneral-regs-only $(PIE_CFLAGS)
# picolibc's release build: its string functions are the optimised assembly
# ones (one byte per step in the default build; mk/image.mk takes the few the
# images hardly call from that one: PICOLIBC_SMALL). Headers are the same.
# Kernel code keeps its own general-register copies (kernel/kstring.c).
PICOLIBC_LDFLAGS := --picolibc-buildtype=release
# Integer-only printf and scanf (picolibc's __i_vfprintf): Mote formats no
# floating point, and the default one with its float-to-decimal engine is
# about 8 KiB of every image.
PICOLIBC_LDFLAGS += -DPICOLIBC_INTEGER_PRINTF_SCANF
LDFLAGS := --specs=picolibc.specs $(PICOLIBC_LDFLAGS) -nostartfiles -static -no-pie -Wl,--gc-sections \
	-Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,--no-warn-rwx-segments
ifneq ($(ASLR),0)
LDFLAGS := $(filter-out -static -no-pie,$(LDFLAGS)) $(ASLR_LDFLAGS)
endif
# Cortex-A53 erratum 843419 (the Raspberry Pi 3's r0p4 has it): the linker
# rewrites an affected adrp as an adr, which reaches anything in an image
# (well under its 1 MiB range), instead of its default that may branch to a
# veneer in a page-aligned section of its own: 4 KiB more in the image, for
# one adrp that falls on a page's last 8 bytes by chance. ld refuses the link
# if an adr could not reach, rather than leave the erratum unfixed.
# A debug image (mk/debug.mk) uses the veneers: the largest (gateway, over
# 1 MiB with its BSS) has affected adrp's whose target an adr cannot reach.
ERRATUM_843419_FIX ?= adr
LDFLAGS += -Wl,--fix-cortex-a53-843419=$(ERRATUM_843419_FIX)
# Third-party code is compiled as it is: its warnings are its maintainers' business.
$(LIBFDT_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(KERNEL_CFLAGS) -w -c $< -o $@

$(LIBFDT): $(LIBFDT_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

LDLIBS := $(B)/libnet.a $(LIBFDT) -Wl,--start-group -lc -lgcc -Wl,--end-group

# make LTO=1: link-time optimisation, opt-in (docs/benchmarks.md: dns 4,461 ->
# 3,834 guest instructions per query, dns.img 230 -> 267 KB). The kernel's
# relocatable link (mk/image.mk) then optimises the kernel, drivers and lwIP
# together, still with general registers only, and emits plain code.
#
# The link-time compilation keeps one section per function and datum, as the
# compilation does: the final link's --gc-sections can then still drop what
# nothing calls (without, LTO made dns.img 65 KB larger, not smaller).
ifeq ($(LTO),1)
CFLAGS += -flto
LTO_SECTIONS := -ffunction-sections -fdata-sections
LDFLAGS += -flto -O2 $(FUNCTION_ALIGN) $(LTO_SECTIONS)
KERNEL_LTO_FLAGS := -flto -O2 $(FUNCTION_ALIGN) $(LTO_SECTIONS) -mgeneral-regs-only -flinker-output=nolto-rel
endif
