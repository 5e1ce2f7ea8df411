# Images: the kernel objects for $(BOARD), each service's objects, and a
# two-step link that embeds the image's own symbol table (kernel/symtab.h).

KERNEL_SRCS := $(wildcard arch/aarch64/*.c arch/aarch64/*.S kernel/*.c lib/*/*.c) \
	drivers/timer/generic_timer.c platform/probe.c $(BOARD_SRCS)
ifneq ($(DEBUG),1)
KERNEL_SRCS := $(filter-out $(DEBUG_ONLY_SRCS),$(KERNEL_SRCS))
endif
KERNEL_OBJS := $(patsubst %,$(B)/obj/%.o,$(basename $(KERNEL_SRCS)))
SERVICES := $(notdir $(patsubst %/,%,$(wildcard services/*/)))
LDS := $(B)/image.ld

$(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(if $(filter services/%,$<),,$(KERNEL_CFLAGS)) -c $< -o $@

$(B)/obj/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

$(B)/%.o: $(B)/%.S
	$(CC) $(ASFLAGS) -c $< -o $@

$(LDS): arch/aarch64/image.ld.in platform/$(BOARD)/memmap.h | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) -E -P -x c -Iplatform/$(BOARD) $< -o $@

$(B)/symtab_empty.S: scripts/symtab.awk
	@mkdir -p $(@D)
	awk -f scripts/symtab.awk /dev/null > $@

# service_image(name): each service is services/<name>/ with a service.mk that
# sets service_srcs (files in its folder), service_args (its default boot
# arguments), service_uses (the features it needs: mk/board.mk) and
# service_try (what `make run` suggests trying from the host). The
# drivers behind those features on $(BOARD) are linked into its image only,
# next to KERNEL_OBJS; they register themselves (BOARD_DRIVER), so the image
# starts exactly the drivers it carries.
define service_image
service_srcs :=
service_args :=
service_uses :=
service_try :=
include services/$(1)/service.mk
$$(foreach f,$$(service_uses),$$(if $$(filter $$(f),$(FEATURES)),,$$(error services/$(1)/service.mk: service_uses names '$$(f)'; the features are $(FEATURES))))
SERVICE_USES_$(1) := $$(sort $$(service_uses) $(USES))
SERVICE_OBJS_$(1) := $$(patsubst %.c,$(B)/obj/services/$(1)/%.o,$$(service_srcs))
# The drivers of its features: kernel code (built with KERNEL_CFLAGS), linked beside KERNEL_OBJS.
DRIVER_OBJS_$(1) := $$(patsubst %,$(B)/obj/%.o,$$(basename $$(call feature_srcs,$$(SERVICE_USES_$(1)))))
SERVICE_ARGS_$(1) := $$(service_args)
SERVICE_TRY_$(1) := $$(service_try)

$(B)/$(1).stage1.elf: $(KERNEL_OBJS) $$(DRIVER_OBJS_$(1)) $$(SERVICE_OBJS_$(1)) $(B)/symtab_empty.o $(LDS) $(B)/libnet.a
	$(CC) $(LDFLAGS) -T $(LDS) -o $$@ $(KERNEL_OBJS) $$(DRIVER_OBJS_$(1)) $$(SERVICE_OBJS_$(1)) $(B)/symtab_empty.o $(LDLIBS)

$(B)/$(1).symtab.S: $(B)/$(1).stage1.elf scripts/symtab.awk
	$(NM) -n -S --defined-only $$< | awk -f scripts/symtab.awk > $$@

$(B)/$(1).elf: $(B)/$(1).stage1.elf $(B)/$(1).symtab.o
	$(CC) $(LDFLAGS) -T $(LDS) -o $$@ $(KERNEL_OBJS) $$(DRIVER_OBJS_$(1)) $$(SERVICE_OBJS_$(1)) $(B)/$(1).symtab.o $(LDLIBS)
	@# The table sits after all code; if any function moved, the table would lie.
	@$(NM) -n $(B)/$(1).stage1.elf | grep ' [tTW] ' > $$@.code1
	@$(NM) -n $$@ | grep ' [tTW] ' > $$@.code2
	@cmp -s $$@.code1 $$@.code2 || { echo "symbol table moved code in $$@" >&2; rm -f $$@; exit 1; }
	@rm -f $$@.code1 $$@.code2

$(B)/$(1).img: $(B)/$(1).elf
	$(OBJCOPY) -O binary $$< $$@
endef
$(foreach s,$(SERVICES),$(eval $(call service_image,$(s))))

.PHONY: image images
# A board may add its own outputs (board.mk: BOARD_IMAGE for `image`, BOARD_IMAGES for both).
image: $(B)/$(SERVICE).elf $(B)/$(SERVICE).img $(BOARD_IMAGE) $(BOARD_IMAGES)
images: $(foreach s,$(SERVICES),$(B)/$(s).elf $(B)/$(s).img) $(BOARD_IMAGES)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
