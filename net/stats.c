// SPDX-License-Identifier: MIT
/* mote_net_stats(): lwIP's per-protocol counters, in the API's shape. */
#include <errno.h>
#include <string.h>

#include <mote/net.h>

#include "lwip/stats.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/tcp_guard.h"

static void counters_from(struct mote_net_counters *c, const struct stats_proto *p)
{
    c->rx = p->recv;
    c->tx = p->xmit;
    c->drops = p->drop;
    c->errors =
        (uint64_t)p->chkerr + p->lenerr + p->memerr + p->rterr + p->proterr + p->opterr + p->err;
}

int mote_net_stats(struct mote_net_stats *stats)
{
    if (!stats)
        return -EINVAL;
    if (!net_started())
        return -ENETDOWN;
    memset(stats, 0, sizeof(*stats));
    counters_from(&stats->link, &lwip_stats.link);
    counters_from(&stats->arp, &lwip_stats.etharp);
    counters_from(&stats->ipv4, &lwip_stats.ip);
    counters_from(&stats->icmp, &lwip_stats.icmp);
    counters_from(&stats->ipv6, &lwip_stats.ip6);
    counters_from(&stats->icmp6, &lwip_stats.icmp6);
    counters_from(&stats->udp, &lwip_stats.udp);
    counters_from(&stats->tcp, &lwip_stats.tcp);
    stats->rx_copied = net_rx_copied();
    tcp_guard_stats(stats);
    struct netdev *dev = netdev_get(0);
    if (dev && dev->stats)
        dev->stats(dev, stats);
    return 0;
}
