// SPDX-License-Identifier: MIT
/*
 * IPv4 input checks Mote makes before lwIP's, from its LWIP_HOOK_IP4_INPUT
 * hook (net/hooks.h), for inputs lwIP 2.1.3 mishandles; lwIP itself stays
 * unchanged.
 *
 * An empty fragment (MF set or an offset, and no data after the header) is
 * dropped. lwIP's reassembly chains it into the datagram as a zero-length
 * pbuf; when that datagram is an ICMP echo request whose reply has to wait
 * for ARP (a spoofed on-link sender), etharp_query() asserts "no packet
 * queues allowed!" on the chain, and an assertion is a panic in the image.
 * Found by tests/fuzz/fuzz_lwip_input.c. A fragment with no data carries
 * nothing a datagram needs (RFC 791 §3.2: fragments hold the data), so
 * nothing is lost. Counted as an IPv4 length error and drop, logged once.
 *
 * Without IGMP (net/lwipopts.h: only images with mDNS join an IPv4 group),
 * lwIP 2.1.3 takes in a datagram sent to any multicast group; a host that
 * has joined none discards them (RFC 1112 §7.2), as lwIP does with IGMP on.
 * Counted as a drop.
 */
#include <stdbool.h>

#include <mote/log.h>

#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/stats.h"
#include "net/hooks.h"

int net_ip4_guard_input(struct pbuf *p, struct netif *inp)
{
    static bool said;
    (void)inp;
    if (p->len < IP_HLEN) /* lwIP drops it as short */
        return 0;
    const struct ip_hdr *h = p->payload;
#if !LWIP_IGMP
    ip4_addr_t dest;
    ip4_addr_copy(dest, h->dest);
    if (ip4_addr_ismulticast(&dest)) {
        IP_STATS_INC(ip.drop);
        pbuf_free(p);
        return 1; /* eaten */
    }
#endif
    bool fragment = (lwip_ntohs(IPH_OFFSET(h)) & (IP_MF | IP_OFFMASK)) != 0;
    if (!fragment || lwip_ntohs(IPH_LEN(h)) > IPH_HL_BYTES(h))
        return 0;
    IP_STATS_INC(ip.lenerr);
    IP_STATS_INC(ip.drop);
    if (!said) {
        mote_log(MOTE_LOG_WARN, "net: dropped an IPv4 fragment with no data (said once)");
        said = true;
    }
    pbuf_free(p);
    return 1; /* eaten */
}
