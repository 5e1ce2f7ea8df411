# lwIP 2.1.3, from Debian's source package (scripts/setup puts it in
# third_party/lwip), built unchanged together with Mote's port in net/
# (lwipopts.h, arch/cc.h, sys_arch.c) into $(B)/libnet.a. Images link the
# archive, so only the parts a service uses end up in an image.
LWIPDIR := third_party/lwip/src
# lwIP's assertions name their file (net/arch/cc.h): as lwip/core/tcp.c, not
# with the path of the shared source tree, which every image would carry.
LWIP_CPPFLAGS := -Inet -I$(LWIPDIR)/include -fmacro-prefix-map=$(LWIPDIR)/=lwip/

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
# net/mdns.c needs lwIP's responder and IGMP (net/lwipopts.h): only the mDNS
# build below and the TLS build have them.
MDNS_NET_SRCS := net/mdns.c
NET_SRCS := $(filter-out $(TLS_NET_SRCS) $(MDNS_NET_SRCS),$(wildcard net/*.c))
ifneq ($(DEBUG),1)
NET_SRCS := $(filter-out $(DEBUG_ONLY_SRCS),$(NET_SRCS))
endif
NET_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(NET_SRCS))

# Off the per-packet path, optimised for size (SIZE_OPT, mk/toolchain.mk): most
# of lwIP. A UDP service's datagrams no longer cross it: Mote's glue (net.c,
# udp.c, endpoint.c, csum.c, timeouts.c, all -O2) takes a frame from the
# driver to the service and the reply back (`make profile`: lwIP's functions
# run less than one instruction per DNS query, for its timers and IPv6 router
# solicitations). What a datagram crosses when it does go through lwIP
# (udp_in_place=never, lwIP's own UDP applications) stays -O2: pbufs, UDP,
# IPv4/IPv6 output and addresses, ARP, Ethernet, checksums (LWIP_HOT_SRCS;
# all of lwIP -Os cost that path 35 of its 3,400 instructions per query).
# TCP (a DNS query over TCP, a web page: each costs a connection's handshake
# in any case), ND, MLD, DHCP, ICMP, fragments, the netif, pools, timers, the
# applications and the start-up are -Os.
LWIP_HOT_SRCS := $(addprefix $(LWIPDIR)/,core/def.c core/inet_chksum.c core/ip.c core/pbuf.c \
	core/udp.c core/ipv4/etharp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv6/ethip6.c \
	core/ipv6/ip6.c core/ipv6/ip6_addr.c netif/ethernet.c)
LWIP_SIZE_SRCS := $(filter-out $(LWIP_HOT_SRCS),$(LWIP_SRCS))
NET_SIZE_SRCS := $(addprefix net/,errno.c gdb_filter.c gdb_tcp.c ip_guard.c ipconfig.c mdns.c mqtt.c \
	mqtt_queue.c mqtt_topic.c sntp.c stats.c syslog.c tcp.c tcp_guard.c tcp_isn.c tcp_server.c)
$(patsubst %.c,$(B)/obj/%.o,$(LWIP_SIZE_SRCS) $(NET_SIZE_SRCS)): OBJ_OPT := $(SIZE_OPT)

# Third-party code is compiled as it is: its warnings are its maintainers' business.
$(LWIP_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(CFLAGS) $(OBJ_OPT) -w -c $< -o $@

$(NET_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(CFLAGS) $(OBJ_OPT) -c $< -o $@

$(B)/libnet.a: $(LWIP_OBJS) $(NET_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

# The mDNS build: lwIP and net/ once more with MOTE_MDNS=1 (net/lwipopts.h: IGMP
# and lwIP's responder), plus net/mdns.c, in $(B)/obj-mdns, for the images
# whose service names mdns and not tls (mk/image.mk; the TLS build has mDNS
# too). The others link $(B)/libnet.a, without IGMP: about 2 KB less.
MDNS_CPPFLAGS := -DMOTE_MDNS=1
LWIP_MDNS_OBJS := $(patsubst %.c,$(B)/obj-mdns/%.o,$(LWIP_SRCS))
NET_MDNS_OBJS := $(patsubst %.c,$(B)/obj-mdns/%.o,$(NET_SRCS) $(MDNS_NET_SRCS))
$(patsubst %.c,$(B)/obj-mdns/%.o,$(LWIP_SIZE_SRCS) $(NET_SIZE_SRCS)): OBJ_OPT := $(SIZE_OPT)

$(LWIP_MDNS_OBJS): $(B)/obj-mdns/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(MDNS_CPPFLAGS) $(CFLAGS) $(OBJ_OPT) -w -c $< -o $@

$(NET_MDNS_OBJS): $(B)/obj-mdns/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(MDNS_CPPFLAGS) $(CFLAGS) $(OBJ_OPT) -c $< -o $@

$(B)/libnet_mdns.a: $(LWIP_MDNS_OBJS) $(NET_MDNS_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

-include $(shell find $(B)/obj-mdns -name '*.d' 2>/dev/null)
