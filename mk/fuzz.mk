# Fuzz targets (libFuzzer via clang): every parser of outside input.
#   make fuzz            each target for FUZZ_SECONDS (default 60)
#   make fuzz-smoke      each for a few seconds: part of make test
#   make fuzz-long       each for FUZZ_LONG_SECONDS (600): hours in all
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_DIR := build/host/fuzz
FUZZ_FLAGS := -std=gnu11 -g -O1 -I. -Iinclude $(SERVICE_LIB_CPPFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Each target is tests/fuzz/fuzz_<name>.c, found here, linked with the sources
# mk/unit.mk lists for the module of the same name (unit_srcs_<name>,
# unit_libs_<name>); fuzz_srcs_<name> is only for a target with no unit test.
FUZZ_TARGETS := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
fuzz_srcs = $(or $(fuzz_srcs_$(1)),$(unit_srcs_$(1)))
fuzz_libs = $(or $(fuzz_libs_$(1)),$(unit_libs_$(1)))

# libfdt is built from its source (scripts/setup: U-Boot's copy of dtc's libfdt)
# with the fuzzer's instrumentation and sanitizers, so the fuzzer sees into it
# and ASan checks its reads, instead of linking the prebuilt -lfdt.
LIBFDT_SRC := third_party/libfdt-src
fuzz_srcs_devtree := lib/devtree/devtree.c $(addprefix $(LIBFDT_SRC)/,fdt.c fdt_ro.c fdt_wip.c \
	fdt_sw.c fdt_rw.c fdt_strerror.c fdt_addresses.c)
# libfdt reads its 32-bit cells through plain pointers, so a blob whose
# structure block is misaligned is an unaligned access: undefined in C, harmless
# on AArch64 (normal memory, SCTLR_EL1.A clear). Only that check is off.
fuzz_libs_devtree := -I$(LIBFDT_SRC) -fno-sanitize=alignment

# USB seeds: a parser byte (tests/fuzz/fuzz_usb_descriptor.c), then what QEMU's
# usb-net sends: device, CDC-ECM configuration, a string; QEMU's hub descriptor.
$(FUZZ_DIR)/corpus_usb_descriptor/.seeded:
	@mkdir -p $(@D)
	printf '\000\022\001\000\002\002\000\000\100\045\005\242\244\000\001\001\002\003\002' > $(@D)/seed1
	printf '\002\011\002\120\000\002\001\000\300\062\011\004\000\000\001\002\006\000\000\005\044\000\020\001\005\044\006\000\001\015\044\017\004\000\000\000\000\352\005\000\000\000\007\005\201\003\020\000\040\011\004\001\000\000\012\000\000\000\011\004\001\001\002\012\000\000\000\007\005\202\002\100\000\000\007\005\002\002\100\000\000' > $(@D)/seed2
	printf '\003\010\003Q\000E\000M\000' > $(@D)/seed3
	printf '\004\011\051\010\012\000\001\000\000\377' > $(@D)/seed4
	@touch $@
# Enumeration seed (tests/fuzz/fuzz_usb_enumerate.c): each answer a length byte and
# its bytes: a 2-port hub, a keyboard on port 1, then a status change unplugging it.
fuzz_srcs_usb_enumerate := drivers/usb/descriptor.c

# Boot arguments' values (tests/fuzz/fuzz_bootargs.c), with lwIP's address
# parsers built for the host with Mote's lwipopts.h.
fuzz_srcs_bootargs := net/ipconfig.c net/endpoint.c lib/args/args.c lib/args/number.c \
	lib/syslog/message.c kernel/debugargs.c \
	$(addprefix third_party/lwip/src/core/,ipv4/ip4_addr.c ipv6/ip6_addr.c def.c)
fuzz_libs_bootargs := -Inet -Ithird_party/lwip/src/include
$(FUZZ_DIR)/corpus_bootargs/.seeded:
	@mkdir -p $(@D)
	printf 'ip=10.0.2.77/24 gw=10.0.2.2 dns=fe80::1 syslog=10.0.2.2:514 gdb=tcp:1234,wait core=serial' > $(@D)/seed1
	printf '[fe80::5054:ff:fe12:3456]:53' > $(@D)/seed2
	printf 'ip=dhcp dns=10.0.2.3 gdb=serial' > $(@D)/seed3
	@touch $@

# The firmware's mailbox answers (tests/fuzz/fuzz_mbox.c): a 640x480
# framebuffer whose pitch is patched to 2560; a tag list.
fuzz_srcs_mbox := drivers/mbox/property.c drivers/video/bcm2835_fb.c # and mk/unit.mk: test_mbox_property
$(FUZZ_DIR)/corpus_mbox/.seeded:
	@mkdir -p $(@D)
	printf '\000\200\002\000\000\340\001\000\000\044\000\012\000\000' > $(@D)/seed1
	printf '\001\002\002\003\001\004\010\005\000' > $(@D)/seed2
	@touch $@

# A stopped image's frame filter (tests/fuzz/fuzz_gdb_filter.c): the port, then
# a frame: a SYN to port 1234 over IPv4, an ARP request.
fuzz_srcs_gdb_filter := net/gdb_filter.c
$(FUZZ_DIR)/corpus_gdb_filter/.seeded:
	@mkdir -p $(@D)
	printf '\004\322%012d\010\000\105\000\000\050\000\000\000\000\100\006%010d\300\000\004\322' 0 0 > $(@D)/seed1
	printf '\004\322%012d\010\006\000\001\010\000\006\004\000\001' 0 > $(@D)/seed2
	@touch $@

# The SD card driver against a card answering anything (tests/fuzz/fuzz_sdcard.c);
# seeds: an SDHC card and an oversized SDSC card (tests/fuzz/seeds/sdcard.py).
fuzz_srcs_sdcard := drivers/sd/sdcard.c drivers/sd/csd.c
$(FUZZ_DIR)/corpus_sdcard/.seeded: tests/fuzz/seeds/sdcard.py
	@mkdir -p $(@D)
	python3 $< $(@D)
	@touch $@

# DNS over TCP (tests/fuzz/fuzz_dns_tcp.c): the service's framing on the shared
# per-connection buffering; seeds: two pipelined queries in one segment, and a
# query split across segments then a zero length.
fuzz_srcs_dns_tcp := services/dns/tcp.c net/tcp_server.c tests/fuzz/tcp_fake.c $(unit_srcs_dns)
DNS_TCP_QUERY := \000\042\022\064\001\000\000\001\000\000\000\000\000\000\006host42\004mote\004test\000\000\001\000\001
$(FUZZ_DIR)/corpus_dns_tcp/.seeded:
	@mkdir -p $(@D)
	printf '\110$(DNS_TCP_QUERY)$(DNS_TCP_QUERY)' > $(@D)/seed1
	printf '\005$(DNS_TCP_QUERY)\002\000\000' > $(@D)/seed2
	@touch $@

# The http service as a client drives it (tests/fuzz/fuzz_http_service.c): two
# pipelined requests, then a large file streamed as the client acknowledges.
fuzz_srcs_http_service := services/http/main.c services/http/pages.c services/http/files.c \
	services/http/files_http.c lib/http/request.c net/tcp_server.c tests/fuzz/tcp_fake.c
$(FUZZ_DIR)/corpus_http_service/.seeded:
	@mkdir -p $(@D)
	printf '\065GET /index.html HTTP/1.1\r\nHost: a\r\n\r\nHEAD /sub/ HTTP/1.1\r\n\r\n' > $(@D)/seed1
	printf '\046GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n\377\377\377' > $(@D)/seed2
	printf '\067POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdeGET / HTTP/1.0\r\n\r\n' > $(@D)/seed3
	@touch $@

# Virtqueue seed (tests/fuzz/fuzz_virtq.c): a 4-descriptor queue with EVENT_IDX;
# offer a 1+1 chain, the device uses it (id 0, 64 bytes), collect, watch.
$(FUZZ_DIR)/corpus_virtq/.seeded:
	@mkdir -p $(@D)
	printf '\202\000\005\001\000\000\100\000\000\000\003\007\004' > $(@D)/seed1
	@touch $@
# Preset chains (tests/fuzz/fuzz_virtq_fixed.c): receive buffers of 2 descriptors
# on an 8-descriptor queue (post, publish, used, take, end of pass, watch), and
# transmit buffers of one (post, publish, used, reap, move, end of pass).
$(FUZZ_DIR)/corpus_virtq_fixed/.seeded:
	@mkdir -p $(@D)
	printf '\343\000\000\001\002\000\000\100\000\000\000\004\006\011' > $(@D)/seed1
	printf '\203\000\001\001\002\001\000\000\000\000\000\005\010\007\001\005\006' > $(@D)/seed2
	@touch $@
$(FUZZ_DIR)/corpus_usb_enumerate/.seeded:
	@mkdir -p $(@D)
	printf '\010\022\001\000\002\011\000\000\100\022\022\001\000\002\011\000\000\100\011\004\252\125\001\001\000\000\000\001\011\011\002\031\000\001\001\000\340\000\031\011\002\031\000\001\001\000\340\000\011\004\000\000\001\011\000\000\000\007\005\201\003\002\000\377\011\011\051\002\012\000\001\000\000\377\004\001\001\001\000\004\001\001\000\000\004\003\001\020\000\010\022\001\000\002\000\000\000\100\022\022\001\000\002\000\000\000\100\047\006\001\000\000\000\000\000\000\001\011\011\002\042\000\001\001\000\240\062\042\011\002\042\000\001\001\000\240\062\011\004\000\000\001\003\001\001\000\011\041\021\001\000\001\042\077\000\007\005\201\003\010\000\012\004\000\001\000\000\001\002\004\000\001\001\000' > $(@D)/seed1
	@touch $@

# Certificate and key loading (tests/fuzz/fuzz_tls_pem.c): mbedTLS from source
# with Mote's configuration, like the unit test (mk/unit.mk).
fuzz_libs_tls_pem := $(MBEDTLS_CPPFLAGS) -w
$(FUZZ_DIR)/corpus_tls_pem/.seeded: tests/unit/test_tls_pem.c
	@mkdir -p $(@D)
	printf '\000' > $(@D)/cert && awk '/BEGIN CERT/,/END CERT/' $< | sed 's/^.*"-/-/; s/^ *"//; s/\\n"[;]*$$//' >> $(@D)/cert
	printf '\001' > $(@D)/key && awk '/BEGIN EC/,/END EC/' $< | sed 's/^.*"-/-/; s/^ *"//; s/\\n"[;]*$$//' >> $(@D)/key
	@touch $@

# MQTT seeds: a filter NUL a topic (tests/fuzz/fuzz_mqtt.c); the gateway's: a topic NUL
# a payload (tests/fuzz/fuzz_gateway.c).
$(FUZZ_DIR)/corpus_mqtt/.seeded:
	@mkdir -p $(@D)
	printf 'sensors/+/reading\000sensors/gw1/reading' > $(@D)/seed1
	printf 'a/#\000a' > $(@D)/seed2
	printf '#\000$$SYS/uptime' > $(@D)/seed3
	@touch $@
$(FUZZ_DIR)/corpus_gateway/.seeded:
	@mkdir -p $(@D)
	printf 'actuators/gw1/output\000toggle' > $(@D)/seed1
	printf 'actuators/gw1/period_ms\000 250\n' > $(@D)/seed2
	@touch $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $< $(call fuzz_srcs,$*) $(call fuzz_libs,$*) -o $@

# A target without seeds of its own (a rule below) starts from an empty corpus.
$(FUZZ_DIR)/corpus_%/.seeded:
	@mkdir -p $(@D)
	@touch $@

# Seeds: real inputs to start from (QEMU's own device tree, typical boot arguments).
$(FUZZ_DIR)/corpus_devtree/.seeded: | $(SETUP_STAMP)
	@mkdir -p $(@D)
	qemu-system-aarch64 -M virt,dumpdtb=$(@D)/virt.raw -cpu cortex-a53 -m 128M -nic none -display none >/dev/null 2>&1
	qemu-system-aarch64 -M virt,gic-version=2,dumpdtb=$(@D)/virt-gicv2.raw -m 64M -nic none -display none >/dev/null 2>&1
	@# QEMU pads its trees to 1 MiB; dtc rewrites them compact, so each run stays fast.
	for f in $(@D)/*.raw; do dtc -q -I dtb -O dtb -o $${f%.raw}.dtb $$f && rm $$f; done
	@touch $@

$(FUZZ_DIR)/corpus_args/.seeded:
	@mkdir -p $(@D)
	printf '\003tickticks=5 interval_ms=100 name="a b"' > $(@D)/seed1
	printf '\002ipip=dhcp gw=10.0.2.2 loglevel=debug' > $(@D)/seed2
	@touch $@

# DNS seeds: a control byte (tests/fuzz/fuzz_dns.c), then a query as dig sends it.
DNS_SEED_HEADER := \022\064\001\000\000\001\000\000\000\000
DNS_SEED_OPT := \000\000\051\020\000\000\000\000\000\000\000
$(FUZZ_DIR)/corpus_dns/.seeded:
	@mkdir -p $(@D)
	@# host42.mote.test A; then with an OPT (payload 4096) over TCP
	printf '\342$(DNS_SEED_HEADER)\000\000\006host42\004mote\004test\000\000\001\000\001' > $(@D)/seed1
	printf '\353$(DNS_SEED_HEADER)\000\001\006host42\004mote\004test\000\000\001\000\001$(DNS_SEED_OPT)' > $(@D)/seed2
	@# mote.test ANY; host5 AAAA with EDNS version 1, the OPT's root a pointer; example.com A
	printf '\342$(DNS_SEED_HEADER)\000\000\004mote\004test\000\000\377\000\001' > $(@D)/seed3
	printf '\342$(DNS_SEED_HEADER)\000\001\005host5\004mote\004test\000\000\034\000\001\300\012\000\051\004\320\000\001\000\000\000\000' > $(@D)/seed4
	printf '\342$(DNS_SEED_HEADER)\000\000\007example\003com\000\000\001\000\001' > $(@D)/seed5
	@# host42.mote.test AAAA with an OPT (the one pass's NODATA), ns.mote.test AAAA
	printf '\342$(DNS_SEED_HEADER)\000\001\006host42\004mote\004test\000\000\034\000\001$(DNS_SEED_OPT)' > $(@D)/seed6
	printf '\342$(DNS_SEED_HEADER)\000\000\002ns\004mote\004test\000\000\034\000\001' > $(@D)/seed7
	@touch $@

# GDB seeds: a control byte (tests/fuzz/fuzz_gdb.c), then what gdb sends on attach.
$(FUZZ_DIR)/corpus_gdb/.seeded:
	@mkdir -p $(@D)
	printf '\000+$$qSupported:multiprocess+;swbreak+#c9+$$?#3f+$$g#67+$$m40000000,40#8b+' > $(@D)/seed1
	printf '\001$$QStartNoAckMode#b0$$X40000004,2:}\003a#00$$Z0,40000000,4#00$$vCont;s:1;c#00' > $(@D)/seed2
	printf '\005$$qXfer:features:read:target.xml:0,ffb#79$$P21=00000000#00$$D#44' > $(@D)/seed3
	@touch $@

# CSD seeds: the 16-byte response (tests/fuzz/fuzz_sdcsd.c), then a bit range:
# an SDHC card's CSD 2.0 reading its structure field, an SDSC card's 1.0 its C_SIZE.
$(FUZZ_DIR)/corpus_sdcsd/.seeded:
	@mkdir -p $(@D)
	printf '\000\000\000\000\000\000\037\000\000\000\000\000\000\000\100\000\177\176' > $(@D)/seed1
	printf '\000\000\000\000\000\200\377\000\000\000\017\000\000\000\000\000\111\076' > $(@D)/seed2
	@touch $@

$(FUZZ_DIR)/corpus_http/.seeded:
	@mkdir -p $(@D)
	printf 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n' > $(@D)/seed1
	printf 'HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' > $(@D)/seed2
	printf 'POST /f?a=b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' > $(@D)/seed3
	@touch $@

# USB Ethernet: bulk-in aggregates (LAN9514, LAN7800), CDC-ECM frames, notifications, descriptors.
fuzz_srcs_usbnet_rx := drivers/usb/net/framing.c lib/args/number.c
$(FUZZ_DIR)/corpus_usbnet_rx/.seeded:
	@mkdir -p $(@D)
	@# LAN9514: two records (60 and 61 bytes with FCS); LAN7800: one; ECM link-up notification
	printf '\000\000\000\100\000%064d\000\000\101\000%065d' 0 0 > $(@D)/seed1
	printf '\001\100\000\000\000\000\000\000\000\000\000%064d' 0 > $(@D)/seed2
	printf '\003\241\000\001\000\000\000\000\000' > $(@D)/seed3
	@# a CDC-ECM configuration as QEMU's usb-net gives it
	printf '\004\011\002\120\000\002\001\007\300\062\011\004\000\000\001\002\006\000\005\005\044\000\020\001\005\044\006\000\001\015\044\017\017\000\000\000\000\352\005\000\000\000\007\005\201\003\020\000\011\011\004\001\000\000\012\000\000\006\011\004\001\001\002\012\000\000\006\007\005\202\002\100\000\000\007\005\002\002\100\000\000' > $(@D)/seed4
	@touch $@

# Partition tables: an MBR disk with logical partitions and a GPT disk, both
# correct, so the fuzzer starts past signatures and CRCs (tests/fuzz/seeds/part.py).
$(FUZZ_DIR)/corpus_part/.seeded: tests/fuzz/seeds/part.py
	@mkdir -p $(@D)
	/usr/bin/python3 $< $(@D)
	@touch $@

# FAT: images made by mkfs.fat (FAT12, FAT16, FAT32) and filled by mtools, in the
# sparse form tests/fuzz/fuzz_fat.c reads (tests/fuzz/fat_seed.py).
fuzz_srcs_fat := $(FAT_SRCS)
FAT_SEED_FILL = MTOOLS_SKIP_CHECK=1 mmd -i $(1) '::/A long directory' && \
	printf 'hello, FAT\n' > $(1).txt && MTOOLS_SKIP_CHECK=1 mcopy -i $(1) $(1).txt ::/HELLO.TXT && \
	head -c 5000 /dev/zero | tr '\0' 'm' > $(1).txt && \
	MTOOLS_SKIP_CHECK=1 mcopy -i $(1) $(1).txt '::/A long directory/a file with a long name.log'
$(FUZZ_DIR)/corpus_fat/.seeded: tests/fuzz/fat_seed.py | $(SETUP_STAMP)
	@mkdir -p $(@D)
	mkfs.fat -C -F 12 $(@D)/f12.img 256 >/dev/null
	mkfs.fat -C -F 16 -s 1 $(@D)/f16.img 4096 >/dev/null
	mkfs.fat -C -F 32 -s 1 $(@D)/f32.img 34000 >/dev/null
	for b in 12 16 32; do $(call FAT_SEED_FILL,$(@D)/f$$b.img) && \
	    /usr/bin/python3 tests/fuzz/fat_seed.py $(@D)/f$$b.img $(@D)/seed$$b && \
	    rm $(@D)/f$$b.img $(@D)/f$$b.img.txt || exit 1; done
	@touch $@

.PHONY: fuzz fuzz-smoke
# Each run's libFuzzer output goes to a log; a crash prints the log's end and fails.
fuzz: $(foreach t,$(sort $(FUZZ_TARGETS)),$(FUZZ_DIR)/fuzz_$(t) $(FUZZ_DIR)/corpus_$(t)/.seeded)
	@for t in $(sort $(FUZZ_TARGETS)); do \
	    log=$(FUZZ_DIR)/fuzz_$$t.log; \
	    if $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_DIR)/ \
	        $(FUZZ_DIR)/corpus_$$t > $$log 2>&1; then \
	        echo "fuzz_$$t: $$(grep -o 'Done [0-9]* runs' $$log) in $(FUZZ_SECONDS) s," \
	            "$$(grep -o 'cov: [0-9]* ft: [0-9]*' $$log | tail -1), no failure"; \
	    else tail -40 $$log; echo "fuzz_$$t: FAILED (log: $$log)"; exit 1; fi; done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

# The long run: each target for FUZZ_LONG_SECONDS (10 minutes by default, about
# five hours in all), growing the corpora in build/host/fuzz/corpus_* that the
# next run starts from.
FUZZ_LONG_SECONDS ?= 600
.PHONY: fuzz-long
fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_LONG_SECONDS)

# tools/mote: references and port specs users type, manifests and configs from registries and
# layouts; lib/syslog: the datagrams mote's collector parses.
fuzz_srcs_mote_port := tools/mote/spec.c tools/mote/strbuf.c tools/mote/util.c
$(FUZZ_DIR)/corpus_mote_port/.seeded:
	@mkdir -p $(@D)
	printf '127.0.0.1:5353:53/udp' > $(@D)/seed1
	printf '8080:80' > $(@D)/seed2
	@touch $@
$(FUZZ_DIR)/corpus_mote_ref/.seeded:
	@mkdir -p $(@D)
	printf 'dns' > $(@D)/seed1
	printf '127.0.0.1:5000/team/dns:v1.2_rc-1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' > $(@D)/seed2
	printf 'docker.io/library/a__b---c.d' > $(@D)/seed3
	@touch $@
fuzz_srcs_mote_manifest := $(MOTE_OCI_SRCS)
fuzz_libs_mote_manifest := -ljansson -lcrypto -larchive
MOTE_SEED_H1 := 1111111111111111111111111111111111111111111111111111111111111111
$(FUZZ_DIR)/corpus_mote_manifest/.seeded:
	@mkdir -p $(@D)
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.mote.image.config.v1+json","digest":"sha256:$(MOTE_SEED_H1)","size":9},"layers":[{"mediaType":"application/vnd.mote.image.kernel.v1","digest":"sha256:$(MOTE_SEED_H1)","size":4},{"mediaType":"application/vnd.mote.image.elf.v1","digest":"sha256:$(MOTE_SEED_H1)","size":4}],"annotations":{"io.mote.image.board":"virt"}}\000{"name":"dns","tag":"latest","board":"virt","qemu":{"machine":"virt","cpu":"","nic":"","rng":"","fixed_mem_mib":0,"serials":1},"service":"dns","size":4,"sha256":"$(MOTE_SEED_H1)","elf_size":4,"elf_sha256":"$(MOTE_SEED_H1)","created":"2026-11-23T12:00:00Z"}' > $(@D)/seed1
	@touch $@

$(FUZZ_DIR)/corpus_syslog_parse/.seeded:
	@mkdir -p $(@D)
	printf '<14>1 2026-11-23T12:00:00.000Z dns1 mote - - - \357\273\277mote: ready' > $(@D)/seed1
	printf '<165>1 - host app 12 ID47 [a@1 x="q\\\\"]"][b@2] message' > $(@D)/seed2
	@touch $@

# lwIP's input path as Mote configures it (tests/fuzz/fuzz_lwip_input.c): lwIP's core built
# for the host unchanged with net/lwipopts.h, and Mote's glue in that path. lwIP reads its
# headers through casts at Ethernet's 14-byte offset, which AArch64 (and x86) allow, and
# takes ip_2_ip6() of a NULL address before checking it (icmp6.c, offset 0): alignment and
# member access through NULL are not checked for this target (a real NULL read still faults).
fuzz_srcs_lwip_input := $(COREFILES) $(CORE4FILES) $(CORE6FILES) $(LWIPDIR)/netif/ethernet.c \
	net/tcp.c net/udp.c net/timeouts.c net/tcp_guard.c net/ip_guard.c net/tcp_isn.c net/endpoint.c net/ipconfig.c net/errno.c \
	net/csum.c \
	lib/siphash/siphash.c lib/args/args.c lib/args/number.c
# With MOTE_MDNS=1 (net/lwipopts.h): the mDNS images' lwIP, the superset, IGMP's input included.
fuzz_libs_lwip_input := -Inet -I$(LWIPDIR)/include -DMOTE_MDNS=1 -fno-sanitize=alignment,null
$(FUZZ_DIR)/corpus_lwip_input/.seeded: tests/fuzz/lwip_seed.py
	@mkdir -p $(@D)
	/usr/bin/python3 tests/fuzz/lwip_seed.py $(@D)
	@touch $@
$(FUZZ_DIR)/fuzz_lwip_input: net/lwipopts.h net/hooks.h

# Every target is rebuilt when Mote's sources it links change (and the headers
# beside them), not only its own file; third-party sources do not change.
fuzz_deps = $(foreach f,$(filter-out third_party/%,$(call fuzz_srcs,$(1))),$(f) $(wildcard $(f:.c=.h)))
$(foreach t,$(FUZZ_TARGETS),$(eval $(FUZZ_DIR)/fuzz_$(t): $(call fuzz_deps,$(t))))
