# TLS: mbedTLS 2.28, from Debian's source package (scripts/setup puts it in
# third_party/mbedtls), built unchanged with Mote's configuration header
# (net/mbedtls_config.h, which says why each option is on) into
# $(B)/libmbedtls.a. Only images whose service names tls in its service.mk
# link it (mk/image.mk), together with $(B)/libnet_tls.a: lwIP and net/ built
# once more with MOTE_TLS=1 (net/lwipopts.h turns on altcp and
# altcp_tls_mbedtls), plus Mote's TLS API (net/tls*.c). Images without TLS
# link $(B)/libnet.a as before, so they do not change by a byte.
MBEDTLSDIR := third_party/mbedtls
MBEDTLS_CPPFLAGS := -I$(MBEDTLSDIR)/include -DMBEDTLS_CONFIG_FILE='"net/mbedtls_config.h"'
MBEDTLS_SRCS := $(wildcard $(MBEDTLSDIR)/library/*.c)
MBEDTLS_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(MBEDTLS_SRCS))

# Third-party code is compiled as it is: its warnings are its maintainers' business.
$(MBEDTLS_OBJS): $(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(MBEDTLS_CPPFLAGS) $(CFLAGS) -w -c $< -o $@

$(B)/libmbedtls.a: $(MBEDTLS_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

# The TLS build of lwIP and net/: the same sources and altcp's TLS layer, in
# $(B)/obj-tls so both builds coexist.
TLS_CPPFLAGS := -DMOTE_TLS=1 $(MBEDTLS_CPPFLAGS)
LWIP_TLS_SRCS := $(LWIP_SRCS) $(LWIPDIR)/apps/altcp_tls/altcp_tls_mbedtls.c \
	$(LWIPDIR)/apps/altcp_tls/altcp_tls_mbedtls_mem.c
LWIP_TLS_OBJS := $(patsubst %.c,$(B)/obj-tls/%.o,$(LWIP_TLS_SRCS))
NET_TLS_OBJS := $(patsubst %.c,$(B)/obj-tls/%.o,$(NET_SRCS) $(TLS_NET_SRCS) $(MDNS_NET_SRCS))

$(LWIP_TLS_OBJS): $(B)/obj-tls/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(TLS_CPPFLAGS) $(CFLAGS) -w -c $< -o $@

$(NET_TLS_OBJS): $(B)/obj-tls/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LWIP_CPPFLAGS) $(TLS_CPPFLAGS) $(CFLAGS) -c $< -o $@

# altcp_tls_mbedtls's assertions mark its TODOs, and lwIP's assertions panic
# (net/arch/cc.h); each has a fallback, and a peer must never stop Mote.
$(B)/obj-tls/$(LWIPDIR)/apps/altcp_tls/altcp_tls_mbedtls.o: TLS_CPPFLAGS += -DLWIP_NOASSERT

$(B)/libnet_tls.a: $(LWIP_TLS_OBJS) $(NET_TLS_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

-include $(shell find $(B)/obj-tls -name '*.d' 2>/dev/null)
