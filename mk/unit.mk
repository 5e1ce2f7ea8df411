# Host unit tests (cmocka): each pure-logic module built for the host with its
# test, under AddressSanitizer and UBSan, and run directly.
#   make test-unit       build and run every test; any failure fails make
HOST_CC := cc
UNIT_DIR := build/host/unit
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. -Iinclude $(SERVICE_LIB_CPPFLAGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=all

# Each test is tests/unit/test_<name>.c, found here (a test cannot be forgotten),
# linked with the module(s) it tests: unit_srcs_<name> (and unit_libs_<name>).
# mk/fuzz.mk links tests/fuzz/fuzz_<name>.c with the same lists, so a module's
# sources are named once. A test whose sources are not listed fails to link.
UNIT_NAMES := $(sort $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c)))
unit_srcs_timerq := kernel/timerq.c
unit_srcs_kstring := # the test includes kernel/kstring.c
unit_srcs_tick_scale := # drivers/timer/tick_scale.h is all inline
# The symbol table test reads the table scripts/symtab.py makes of a listing (as the image build does).
unit_srcs_symtab := kernel/symtab.c $(UNIT_DIR)/symtab_table.S
$(UNIT_DIR)/symtab_table.S: tests/unit/symtab.nm scripts/symtab.py
	@mkdir -p $(@D)
	$(PYTHON) scripts/symtab.py < $< > $@
unit_srcs_esr := arch/aarch64/esr.c
unit_srcs_args := lib/args/args.c lib/args/number.c
unit_srcs_memregion := kernel/memregion.c
unit_srcs_heap_check := kernel/heap_check.c
unit_srcs_devtree := lib/devtree/devtree.c
unit_libs_devtree := -lfdt
unit_srcs_dns := lib/dns/wire.c lib/dns/query.c lib/dns/zone.c lib/dns/answer.c lib/dns/fast.c
unit_srcs_virtq := drivers/virtio/virtq.c tests/unit/dma_identity.c
unit_srcs_virtq_fixed := drivers/virtio/virtq.c tests/unit/dma_identity.c
unit_srcs_sdcsd := drivers/sd/csd.c
unit_srcs_mbox_property := drivers/mbox/property.c
unit_srcs_part := lib/part/part.c lib/crc32/crc32.c
unit_srcs_http_files := services/http/files_http.c
unit_srcs_siphash := lib/siphash/siphash.c
unit_srcs_random := lib/blake2s/blake2s.c lib/chacha20/chacha20.c # the test includes kernel/random.c
unit_srcs_strerror := kernel/strerror.c
unit_srcs_http := lib/http/request.c
unit_srcs_gdb := lib/gdb/rsp.c lib/args/number.c
unit_srcs_syslog := lib/syslog/message.c lib/args/number.c
unit_srcs_syslog_parse := lib/syslog/parse.c
unit_srcs_elfcore := lib/elfcore/elfcore.c
FAT_SRCS := lib/fat/volume.c lib/fat/name.c lib/fat/dir.c lib/fat/file.c
unit_srcs_fat := $(FAT_SRCS) tests/unit/fat_disk.c # images made by mkfs.fat and mtools
unit_srcs_fat_power := $(unit_srcs_fat)
unit_srcs_tcp_server := net/tcp_server.c
unit_srcs_csum := net/csum.c
# Certificate and key loading, checked against mbedTLS's parsers built for the
# host with Mote's configuration (net/mbedtls_config.h); tests/fuzz/fuzz_tls_pem.c too.
MBEDTLS_PARSE_SRCS := $(addprefix third_party/mbedtls/library/,x509_crt.c x509.c pk.c pkparse.c \
	pk_wrap.c pem.c base64.c asn1parse.c asn1write.c oid.c bignum.c ecp.c ecp_curves.c ecdsa.c \
	rsa.c rsa_internal.c md.c sha256.c sha512.c platform.c platform_util.c constant_time.c \
	cipher.c cipher_wrap.c aes.c gcm.c chacha20.c chachapoly.c poly1305.c error.c ctr_drbg.c)
unit_srcs_tls_pem := net/tls_pem.c $(MBEDTLS_PARSE_SRCS)
# Their headers and configuration; mbedTLS's own warnings are its maintainers' business.
$(UNIT_DIR)/obj/tests/unit/test_tls_pem.o: UNIT_CFLAGS += $(MBEDTLS_CPPFLAGS)
$(UNIT_DIR)/obj/third_party/mbedtls/%.o: UNIT_CFLAGS += $(MBEDTLS_CPPFLAGS) -w
unit_srcs_mqtt := net/mqtt_topic.c net/mqtt_queue.c
unit_srcs_gateway := services/gateway/command.c services/gateway/reading.c
unit_srcs_debugargs := kernel/debugargs.c lib/args/args.c lib/args/number.c
unit_srcs_usb_descriptor := drivers/usb/descriptor.c
unit_srcs_usb_split := drivers/usb/dwc2/split.c
unit_srcs_usb_dwc2 := drivers/usb/dwc2/split.c # the test includes channel.c and schedule.c

# The USB Ethernet drivers against device models (drivers/usb/net/)
USBNET_UNIT_SRCS := drivers/usb/net/usbnet.c drivers/usb/net/framing.c lib/args/number.c \
	drivers/usb/descriptor.c \
	drivers/usb/net/mchp.c drivers/usb/net/cdc_ecm.c drivers/usb/net/smsc95xx.c \
	drivers/usb/net/lan78xx.c tests/unit/usbnet_fake.c tests/unit/usbnet_phy.c
unit_srcs_usbnet_cdc_ecm := $(USBNET_UNIT_SRCS)
unit_srcs_usbnet_smsc95xx := $(USBNET_UNIT_SRCS)
unit_srcs_usbnet_lan78xx := $(USBNET_UNIT_SRCS)

# tools/mote (host C): the parsers of what users type and of outside input
# (JSON, digests and tar are libjansson's, libcrypto's and libarchive's, tested upstream)
MOTE_UNIT_CORE := tools/mote/json.c tools/mote/strbuf.c tools/mote/util.c
unit_srcs_mote_spec := tools/mote/spec.c tools/mote/strbuf.c tools/mote/util.c
unit_srcs_mote_ref := tools/mote/ref.c tools/mote/spec.c tools/mote/strbuf.c tools/mote/util.c
unit_srcs_mote_board := tools/mote/board.c $(MOTE_UNIT_CORE)
unit_libs_mote_board := -ljansson
unit_srcs_mote_template := tools/mote/template.c $(MOTE_UNIT_CORE)
unit_libs_mote_template := -ljansson
unit_srcs_mote_entropy := tools/mote/entropy.c $(MOTE_UNIT_CORE)
unit_libs_mote_entropy := -ljansson
# The checks of manifests and configs read from a layout or a registry, and of tar members.
MOTE_OCI_SRCS := tools/mote/oci.c tools/mote/image.c tools/mote/board.c tools/mote/ref.c \
	tools/mote/spec.c tools/mote/sha256.c tools/mote/store.c tools/mote/instance.c \
	tools/mote/entropy.c tools/mote/tar.c tools/mote/libvirt_runtime.c $(MOTE_UNIT_CORE)
unit_srcs_mote_oci := $(MOTE_OCI_SRCS)
unit_libs_mote_oci := -ljansson -lcrypto -larchive
unit_srcs_mote_tar := tools/mote/tar.c tools/mote/sha256.c tools/mote/spec.c tools/mote/strbuf.c \
	tools/mote/util.c
unit_libs_mote_tar := -larchive -lcrypto

UNIT_TESTS := $(foreach t,$(sort $(UNIT_NAMES)),$(UNIT_DIR)/test_$(t))

$(UNIT_DIR)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -MMD -MP -c $< -o $@

define unit_test
$(UNIT_DIR)/test_$(1): $(patsubst %.c,$(UNIT_DIR)/obj/%.o,tests/unit/test_$(1).c $(unit_srcs_$(1)))
	$(HOST_CC) $(UNIT_CFLAGS) $$^ -lcmocka $(unit_libs_$(1)) -o $$@
endef
$(foreach t,$(sort $(UNIT_NAMES)),$(eval $(call unit_test,$(t))))

.PHONY: test-unit
# Every test runs even when an earlier one fails; make fails at the end if any did.
test-unit: $(UNIT_TESTS)
	@failed=; for t in $(UNIT_TESTS); do \
	    $$t || failed="$$failed $${t##*/}"; done; \
	if [ -n "$$failed" ]; then echo "test-unit: FAILED:$$failed"; exit 1; fi; \
	echo "test-unit: $(words $(UNIT_TESTS)) test programs passed"

-include $(shell find $(UNIT_DIR)/obj -name '*.d' 2>/dev/null)
