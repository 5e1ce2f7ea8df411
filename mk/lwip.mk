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

# Off the per-packet path, optimised for size (SIZE_OPT, mk/toolchain.mk): TCP
# (a DNS query over TCP, a web page: each costs a connection's handshake in
# any case), IPv6's neighbour discovery, MLD and reassembly, DHCP, IGMP, ICMP,
# fragments, the applications, and the lwIP start-up. What a UDP datagram
# crosses both ways (ethernet, ARP, IPv4/IPv6, UDP, pbufs, checksums, timers,
# the netif) stays -O2, as does Mote's glue for it (net.c, udp.c, endpoint.c).
LWIP_SIZE_SRCS := $(addprefix $(LWIPDIR)/core/,init.c dns.c raw.c stats.c sys.c tcp.c tcp_in.c \
	tcp_out.c ipv4/autoip.c ipv4/dhcp.c ipv4/icmp.c ipv4/igmp.c ipv4/ip4_frag.c ipv6/dhcp6.c \
	ipv6/icmp6.c ipv6/inet6.c ipv6/ip6_frag.c ipv6/mld6.c ipv6/nd6.c) \
	$(SNTPFILES) $(MDNSFILES)
NET_SIZE_SRCS := $(addprefix net/,errno.c gdb_filter.c gdb_tcp.c ipconfig.c mdns.c sntp.c stats.c \
	syslog.c tcp.c tcp_guard.c tcp_isn.c tcp_server.c)
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
