# lwIP 2.1.3, from Debian's source package (scripts/setup puts it in
# third_party/lwip), built unchanged together with Mote's port in net/
# (lwipopts.h, arch/cc.h, sys_arch.c) into $(B)/libnet.a. Images link the
# archive, so only the parts a service uses end up in an image.
LWIPDIR := third_party/lwip/src
LWIP_CPPFLAGS := -Inet -I$(LWIPDIR)/include

# lwIP's own list of its files. On a fresh machine it does not exist yet: make
# runs scripts/setup to create it, then restarts with it read.
include $(LWIPDIR)/Filelists.mk
$(LWIPDIR)/Filelists.mk:
	scripts/setup

# lwIP's own applications Mote uses, each linked only when called: SNTP
# (net/sntp.c: ntp=), MQTT (net/mqtt.c), the mDNS responder (net/mdns.c).
LWIP_SRCS := $(COREFILES) $(CORE4FILES) $(CORE6FILES) $(LWIPDIR)/netif/ethernet.c \
	$(SNTPFILES) $(MQTTFILES) $(MDNSFILES)
LWIP_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(LWIP_SRCS))
# net/tls*.c need altcp: only the TLS build has them (mk/mbedtls.mk).
TLS_NET_SRCS := $(wildcard net/tls*.c)
NET_SRCS := $(filter-out $(TLS_NET_SRCS),$(wildcard net/*.c))
ifneq ($(DEBUG),1)
NET_SRCS := $(filter-out $(DEBUG_ONLY_SRCS),$(NET_SRCS))
endif
NET_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(NET_SRCS))

# Third-party code is compiled as it is: its warnings are its maintainers' business.
$(LWIP_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(CFLAGS) -w -c $< -o $@

$(NET_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/libnet.a: $(LWIP_OBJS) $(NET_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^
