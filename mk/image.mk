# Images: the kernel objects for $(BOARD), each service's objects, and a
# two-step link that embeds the image's own symbol table (kernel/symtab.h).
#
# The API boundary is enforced by the link (Solo5's recipe): the kernel,
# drivers, libfdt and what the service needs of libnet.a are linked into one
# relocatable object, $(B)/<service>.mote.o, whose global symbols are only
# those mk/global.syms names (the public API, what picolibc needs); everything
# else is made local there. The service's objects and the service libraries
# it calls are then linked against that object: a service can neither call an
# internal function nor collide with one. Local symbols stay in the ELF, so
# the embedded symbol table and gdb still name every function.

# Service libraries: lib/<name>/ with a public header folder lib/<name>/include/
# (lib/dns, lib/http). Each is an archive offered to every service's link, so
# an image holds only what its service calls; services see their headers.
SERVICE_LIBS := $(patsubst lib/%/include/,%,$(wildcard lib/*/include/))
SERVICE_LIB_CPPFLAGS := $(foreach l,$(SERVICE_LIBS),-Ilib/$(l)/include)
SERVICE_LIB_ARCHIVES := $(foreach l,$(SERVICE_LIBS),$(B)/lib$(l).a)
# Services see only the public API and the service libraries' headers.
SERVICE_CPPFLAGS := -Iinclude $(SERVICE_LIB_CPPFLAGS) -MMD -MP $(DEBUG_CPPFLAGS)

KERNEL_SRCS := $(wildcard arch/aarch64/*.c arch/aarch64/*.S kernel/*.c) \
	$(filter-out $(foreach l,$(SERVICE_LIBS),lib/$(l)/%),$(wildcard lib/*/*.c)) \
	drivers/timer/generic_timer.c platform/probe.c $(BOARD_SRCS)
ifneq ($(DEBUG),1)
KERNEL_SRCS := $(filter-out $(DEBUG_ONLY_SRCS),$(KERNEL_SRCS))
endif
KERNEL_OBJS := $(patsubst %,$(B)/obj/%.o,$(basename $(KERNEL_SRCS)))
SERVICES := $(notdir $(patsubst %/,%,$(wildcard services/*/)))
LDS := $(B)/image.ld
GLOBAL_SYMS := mk/global.syms

# Kernel code that runs at boot, on a crash or for a debugger, optimised for
# size (SIZE_OPT, mk/toolchain.mk); the event loop, timers, interrupts, heap,
# DMA translation and the drivers of the per-packet path stay -O2. The boards'
# own bring-up (platform/) is boot-only too; their device drivers are not.
# The virtio-mmio transport (drivers/virtio/mmio.c) is probe, negotiation and
# queue setup: what a packet needs of it (notify, interrupt ack) is inline in
# mmio.h, compiled with its caller.
KERNEL_SIZE_SRCS := $(addprefix kernel/,boothook.c console.c coredump.c debugargs.c debugport.c \
	gdb_serial.c gdbstub.c log.c main.c memregion.c panic.c random.c random_bytes.c ready.c \
	strerror.c symtab.c symtab_image.c system.c) \
	$(addprefix arch/aarch64/,aslr.c cpu.c esr.c gdb_arch.c mmu.c pauth.c psci.c rndr.c semihost.c) \
	$(addprefix lib/,$(addsuffix /%.c,args blake2s chacha20 devtree elfcore gdb siphash syslog)) \
	platform/probe.c platform/%/platform.c drivers/virtio/console.c drivers/virtio/rng.c \
	drivers/rtc/pl031.c drivers/gpio/pl061.c drivers/virtio/mmio.c
$(filter $(patsubst %.c,$(B)/obj/%.o,$(KERNEL_SIZE_SRCS)),$(patsubst %.c,$(B)/obj/%.o,$(KERNEL_SRCS) \
	$(foreach f,$(FEATURES),$(BOARD_USES_$(f))))): OBJ_OPT := $(SIZE_OPT)

$(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OBJ_OPT) $(KERNEL_CFLAGS) -c $< -o $@

$(B)/obj/services/%.o: services/%.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(SERVICE_CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

$(B)/%.o: $(B)/%.S
	$(CC) $(ASFLAGS) -c $< -o $@

# service_lib(name): lib/<name>/*.c into $(B)/lib<name>.a. Service code: free
# to use FP/SIMD like the services that call it.
define service_lib
SERVICE_LIB_OBJS_$(1) := $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard lib/$(1)/*.c))
$$(SERVICE_LIB_OBJS_$(1)): $(B)/obj/lib/$(1)/%.o: lib/$(1)/%.c | $(SETUP_STAMP)
	@mkdir -p $$(@D)
	$(CC) $(CPPFLAGS) $(SERVICE_LIB_CPPFLAGS) $(CFLAGS) -c $$< -o $$@

$(B)/lib$(1).a: $$(SERVICE_LIB_OBJS_$(1))
	rm -f $$@
	$(CROSS)ar rcs $$@ $$^
endef
$(foreach l,$(SERVICE_LIBS),$(eval $(call service_lib,$(l))))

$(LDS): arch/aarch64/image.ld.in platform/$(BOARD)/memmap.h | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) -E -P -x c -Iplatform/$(BOARD) $(ASLR_CPPFLAGS) $< -o $@

$(B)/symtab_empty.S: scripts/symtab.py
	@mkdir -p $(@D)
	$(PYTHON) scripts/symtab.py < /dev/null > $@

# The first link's empty relocation table (scripts/relocs.py: the second link's is filled).
$(B)/relocs_empty.S: scripts/relocs.py
	@mkdir -p $(@D)
	$(PYTHON) scripts/relocs.py --empty > $@

# The API functions a service calls, as -u options: they pull the libnet.a
# members that define them (and what those need: the network's boot hook
# brings remote logs and, in debug images, the GDB TCP transport) into the
# image's Mote object.
# (mote_service_* are the service's own data: the TLS files, tls_files below.)
api_calls = $(shell $(NM) -u $(1) 2>/dev/null | \
	awk '$$2 ~ /^mote_/ && $$2 !~ /^mote_service_/ { print "-Wl,-u," $$2 }' | sort -u)

# What the Mote object leaves undefined is resolved outside it: service_start
# by the service, the rest by picolibc and libgcc. A service that defined one
# of those (malloc, memcpy, strtoul) would take Mote's calls: the link refuses.
check_no_capture = captured=$$({ $(NM) -u $(1) | awk '{ print "U", $$2 }'; \
	$(NM) -g --defined-only $(2) 2>/dev/null | awk 'NF == 3 { print "D", $$3 }'; } | \
	awk '$$1 == "U" && $$2 != "service_start" { u[$$2] = 1 } $$1 == "D" { d[$$2] = 1 } \
	END { for (n in u) if (n in d) print n }'); \
	if [ -n "$$captured" ]; then echo "$(1): the service defines what Mote calls in the C library:" \
	$$captured >&2; exit 1; fi

# The relocatable link keeps every input section apart, so that the final
# link's --gc-sections still drops what nothing calls: --unique for the
# per-function sections (.text.<name>), and by name for the plain ones, which
# its default script would merge (assembly, libfdt's objects).
UNIQUE_SECTIONS := -Wl,--unique -Wl,--unique=.text -Wl,--unique=.rodata -Wl,--unique=.data \
	-Wl,--unique=.bss

# A service that calls the network API without naming the net feature would
# carry lwIP but no network driver, and find out only at run time: the build
# says so instead. check_uses_net(objects, features)
check_uses_net = if [ -z "$(filter net,$(2))" ] && \
	$(NM) -u $(1) 2>/dev/null | grep -qE ' mote_(udp|tcp|net|endpoint|mqtt|mdns)_'; then \
	echo "$(firstword $(1)): the service calls the network API: add net to service_uses" \
	"in its service.mk" >&2; exit 1; fi

# The same for TLS (include/mote/tls.h): only images that name tls link mbedTLS.
check_uses_tls = if [ -z "$(filter tls,$(2))" ] && \
	$(NM) -u $(1) 2>/dev/null | grep -qE ' mote_tls_'; then \
	echo "$(firstword $(1)): the service calls the TLS API: add tls to service_uses" \
	"in its service.mk" >&2; exit 1; fi

# And for mDNS (include/mote/mdns.h): a service opts in by naming mdns, so an
# image that only serves (dns) carries no responder it was never asked for.
check_uses_mdns = if [ -z "$(filter mdns,$(2))" ] && \
	$(NM) -u $(1) 2>/dev/null | grep -qE ' mote_mdns_'; then \
	echo "$(firstword $(1)): the service calls the mDNS API: add mdns to service_uses" \
	"in its service.mk" >&2; exit 1; fi

# tls_files(service, ca, cert, key): the certificate files a TLS service's
# service.mk names (service_tls_ca, service_tls_cert, service_tls_key; or
# make TLS_CA=... TLS_CERT=... TLS_KEY=... for one build), embedded as the
# mote_service_tls_* arrays include/mote/tls.h declares (empty when not
# named). The paths are recorded, so naming other files rebuilds the image.
define tls_files
$(B)/obj/services/$(1)/tls_files.S: $(2) $(3) $(4) scripts/tls_files.sh FORCE | $(SETUP_STAMP)
	@mkdir -p $$(@D)
	@scripts/tls_files.sh "$(2)" "$(3)" "$(4)" > $$@.new
	@cmp -s $$@.new $$@ && rm -f $$@.new || mv $$@.new $$@
endef
.PHONY: FORCE
FORCE:

# picolibc's release build (mk/toolchain.mk) has string functions in unrolled
# assembly, up to 440 bytes each on 64-byte boundaries. Those the images call
# only while booting or configuring (make profile: no DNS query reaches them;
# the dns image's boot calls strncmp 230 times, strcmp 16, strchr once) come
# from its default build instead: loops of 24 to 108 bytes, which even take
# fewer instructions for such short strings (the boot: 407,460 where it took
# 411,516). Not strlen, memcmp, memchr, strnlen: libfdt calls them over
# longer strings, and as loops they cost the boot 9% more instructions.
# Objects, not an archive, so that they take precedence over the release
# libc.a whichever object calls them; --gc-sections drops those an image
# does not call.
PICOLIBC_SMALL := strchr strcmp strcpy strncmp
PICOLIBC_DEFAULT_LIBC := /usr/lib/picolibc/$(patsubst %-,%,$(CROSS))/lib/libc.a
PICOLIBC_SMALL_OBJS := $(patsubst %,$(B)/picolibc-small/%-stub.c.o,$(PICOLIBC_SMALL))
$(PICOLIBC_SMALL_OBJS): $(B)/picolibc-small/%: | $(SETUP_STAMP)
	@mkdir -p $(@D)
	cd $(@D) && $(CROSS)ar x $(PICOLIBC_DEFAULT_LIBC) $*
	@touch $@ # ar keeps the member's date, older than the images that need it

IMAGE_LIBS := $(PICOLIBC_SMALL_OBJS) $(LIBFDT) -Wl,--start-group -lc -lgcc -Wl,--end-group

# The checked heap (kernel/malloc.c): every call of malloc's family, from the
# kernel, the service or picolibc itself, goes to its __wrap_ function, which
# frames and checks the block around picolibc's __real_ one.
HEAP_WRAPPED := malloc free calloc realloc memalign aligned_alloc posix_memalign malloc_usable_size
HEAP_WRAP := $(foreach f,$(HEAP_WRAPPED),-Wl,--wrap=$(f))

# picolibc's functions that picolibc calls through pointers: sent to their BTI
# landing pads (arch/aarch64/libc_bti.S), so that all of an image's code can
# be on guarded pages. After the link, scripts/landing_pads.py refuses an
# image where a pointer reaches a function without a pad.
# (Apart from HEAP_WRAP, which `make HEAP_WRAP=` empties to measure the checked heap.)
LIBC_BTI_WRAPPED := __file_str_put __file_str_get
LIBC_BTI_WRAP := $(foreach f,$(LIBC_BTI_WRAPPED),-Wl,--wrap=$(f))
# The check applies where there are landing pads to check (`make BRANCH_PROTECTION=` has none).
check_landing_pads = $(if $(BRANCH_PROTECTION),$(PYTHON) scripts/landing_pads.py $(1),true)

# service_image(name): each service is services/<name>/ with a service.mk that
# sets service_srcs (files in its folder), service_args (its default boot
# arguments), service_uses (the features it needs: mk/board.mk) and
# service_try (what `make run` suggests trying from the host). The
# drivers behind those features on $(BOARD) are linked into its image's Mote
# object only, next to KERNEL_OBJS; they register themselves (BOARD_DRIVER), so the image
# starts exactly the drivers it carries.
# The kernel's relocatable link wraps memcpy and memset: picolibc's use SIMD
# registers, which kernel code may not touch (kernel/kstring.c says why).
# Defined here, outside service_image, so that every image's link sees it.
KERNEL_WRAPS := -Wl,--wrap=memcpy -Wl,--wrap=memset $(KERNEL_LTO_FLAGS)

# The linker's own relocations and dynamic symbols are not part of the flat
# image (arch/aarch64/image.ld.in: the boot applies .mote_relr instead).
IMAGE_DROP := -R .rela.dyn -R .dynsym -R .dynstr -R .gnu.hash -R .hash

define service_image
service_srcs :=
service_args :=
service_uses :=
service_try :=
service_tls_ca :=
service_tls_cert :=
service_tls_key :=
include services/$(1)/service.mk
$$(foreach f,$$(service_uses),$$(if $$(filter $$(f),$(FEATURES)),,$$(error services/$(1)/service.mk: service_uses names '$$(f)'; the features are $(FEATURES))))
SERVICE_USES_$(1) := $$(sort $$(service_uses) $(USES) $$(if $$(filter tls mdns,$$(service_uses) $(USES)),net))
# The network library: TLS images take lwIP's TLS build and mbedTLS (mk/mbedtls.mk),
# those with mDNS and no TLS lwIP's mDNS build (mk/lwip.mk), the others the plain one.
NETLIBS_$(1) := $$(if $$(filter tls,$$(SERVICE_USES_$(1))),$(B)/libnet_tls.a $(B)/libmbedtls.a,$$(if \
	$$(filter mdns,$$(SERVICE_USES_$(1))),$(B)/libnet_mdns.a,$(B)/libnet.a))
SERVICE_OBJS_$(1) := $$(patsubst %.c,$(B)/obj/services/$(1)/%.o,$$(service_srcs))
ifneq ($$(filter tls,$$(SERVICE_USES_$(1))),)
$$(eval $$(call tls_files,$(1),$$(or $(TLS_CA),$$(service_tls_ca)),$$(or $(TLS_CERT),$$(service_tls_cert)),$$(or $(TLS_KEY),$$(service_tls_key))))
SERVICE_OBJS_$(1) += $(B)/obj/services/$(1)/tls_files.o
endif
# The drivers of its features: kernel code (built with KERNEL_CFLAGS), linked beside KERNEL_OBJS.
DRIVER_OBJS_$(1) := $$(patsubst %,$(B)/obj/%.o,$$(basename $$(call feature_srcs,$$(SERVICE_USES_$(1)))))
SERVICE_ARGS_$(1) := $$(service_args)
SERVICE_TRY_$(1) := $$(service_try)

# The relocatable link leaves libc's and libgcc's functions undefined: the
# final link resolves them. memcpy and memset are wrapped (KERNEL_WRAPS).
$(B)/$(1).mote.o: $(KERNEL_OBJS) $$(DRIVER_OBJS_$(1)) $$(SERVICE_OBJS_$(1)) $$(NETLIBS_$(1)) $(LIBFDT) $(GLOBAL_SYMS)
	@$$(call check_uses_net,$$(SERVICE_OBJS_$(1)),$$(SERVICE_USES_$(1)))
	@$$(call check_uses_tls,$$(SERVICE_OBJS_$(1)),$$(SERVICE_USES_$(1)))
	@$$(call check_uses_mdns,$$(SERVICE_OBJS_$(1)),$$(SERVICE_USES_$(1)))
	$(CC) -nostdlib -r $(UNIQUE_SECTIONS) $(KERNEL_WRAPS) $$(call api_calls,$$(SERVICE_OBJS_$(1))) \
	    -o $$@.r $(KERNEL_OBJS) $$(DRIVER_OBJS_$(1)) -Wl,--start-group $$(NETLIBS_$(1)) \
	    -Wl,--end-group $(LIBFDT)
	$(OBJCOPY) --wildcard --keep-global-symbols=$(GLOBAL_SYMS) $$@.r $$@
	@rm -f $$@.r

$(B)/$(1).stage1.elf: $(B)/$(1).mote.o $$(SERVICE_OBJS_$(1)) $(SERVICE_LIB_ARCHIVES) $(B)/symtab_empty.o $(B)/relocs_empty.o $(LDS) $(PICOLIBC_SMALL_OBJS)
	@$$(call check_no_capture,$(B)/$(1).mote.o,$$(SERVICE_OBJS_$(1)) $(SERVICE_LIB_ARCHIVES))
	$(CC) $(LDFLAGS) $(HEAP_WRAP) $(LIBC_BTI_WRAP) -T $(LDS) -o $$@ $(B)/$(1).mote.o $$(SERVICE_OBJS_$(1)) $(SERVICE_LIB_ARCHIVES) $(B)/symtab_empty.o $(B)/relocs_empty.o $(IMAGE_LIBS)

$(B)/$(1).symtab.S: $(B)/$(1).stage1.elf scripts/symtab.py
	$(NM) -n -S --defined-only $$< | $$(PYTHON) scripts/symtab.py > $$@

$(B)/$(1).relocs.S: $(B)/$(1).stage1.elf scripts/relocs.py
	$$(PYTHON) scripts/relocs.py $$< > $$@

$(B)/$(1).elf: $(B)/$(1).stage1.elf $(B)/$(1).symtab.o $(B)/$(1).relocs.o
	$(CC) $(LDFLAGS) $(HEAP_WRAP) $(LIBC_BTI_WRAP) -T $(LDS) -o $$@ $(B)/$(1).mote.o $$(SERVICE_OBJS_$(1)) $(SERVICE_LIB_ARCHIVES) $(B)/$(1).symtab.o $(B)/$(1).relocs.o $(IMAGE_LIBS)
	@# The table sits after all code; if any function moved, the table would lie.
	@# An erratum 843419 veneer (e843419@...) is not a function: the linker makes
	@# none with mk/toolchain.mk's =adr fix, but a build that overrides it may.
	@$(NM) -n $(B)/$(1).stage1.elf | grep ' [tTW] ' | grep -v ' e843419@' > $$@.code1
	@$(NM) -n $$@ | grep ' [tTW] ' | grep -v ' e843419@' > $$@.code2
	@cmp -s $$@.code1 $$@.code2 || { echo "symbol table moved code in $$@" >&2; rm -f $$@; exit 1; }
	@rm -f $$@.code1 $$@.code2
	@# The relocation table came from the first link: the second's must be the same.
	@$$(PYTHON) scripts/relocs.py $$@ | cmp -s - $(B)/$(1).relocs.S || \
	    { echo "relocations moved in $$@ (scripts/relocs.py)" >&2; rm -f $$@; exit 1; }
	@$$(call check_landing_pads,$$@) || { rm -f $$@; exit 1; }
	@# Hidden symbols the link left global (the symbol table's own) become local too;
	@# the Mote object's API (mk/global.syms) and service_start, hidden for the
	@# Mote object's accesses (arch/aarch64/hidden.h), global again; the tables
	@# of symbols and relocations that the pattern mote_* also matches stay local.
	$(OBJCOPY) --localize-hidden $$@
	$(OBJCOPY) --wildcard --globalize-symbols=$(GLOBAL_SYMS) --globalize-symbol=service_start $$@
	$(OBJCOPY) --wildcard --localize-symbol='mote_relr_*' --localize-symbol='mote_symtab*' $$@

$(B)/$(1).img: $(B)/$(1).elf
	$(OBJCOPY) -O binary $(IMAGE_DROP) $$< $$@
endef
$(foreach s,$(SERVICES),$(eval $(call service_image,$(s))))

.PHONY: image images
# A board may add its own outputs (board.mk: BOARD_IMAGE for `image`, BOARD_IMAGES for both).
image: $(B)/$(SERVICE).elf $(B)/$(SERVICE).img $(BOARD_IMAGE) $(BOARD_IMAGES)
images: $(foreach s,$(SERVICES),$(B)/$(s).elf $(B)/$(s).img) $(BOARD_IMAGES)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
