// SPDX-License-Identifier: MIT
/*
 * lwIP's timers, Mote's way (LWIP_TIMERS_CUSTOM, net/lwipopts.h): no periodic
 * wake-up beyond what a protocol needs at the moment.
 *
 * lwIP's own timeouts.c runs every cyclic timer of the stack all the time:
 * IGMP and MLD every 100 ms, ARP, ND, reassembly every second, DHCP, so an
 * idle guest woke 10 times a second. Here each cyclic timer runs only while
 * the state it looks after needs it, seen from lwIP's public state:
 *   TCP (100 ms)        while connections are active or in TIME-WAIT (what
 *                       lwIP's tcp_timer_needed asks for)
 *   IGMP, MLD (100 ms)  while a group has a report pending (its timer is set)
 *   DHCP fine (500 ms)  while a request waits for its answer
 *   DHCP coarse (60 s)  while a lease runs (its renew/rebind/expiry count)
 *   ARP (1 s)           every second for a while after ARP traffic (a pending
 *                       entry is re-requested each second, RFC 826/1122);
 *                       then, while stable entries age, a slow tick
 *   ND (1 s)            every second while something is urgent (neighbour
 *                       resolution, probes, DAD, router solicitations); a slow
 *                       tick while only lifetimes count down (reachable time,
 *                       routers, prefixes, SLAAC addresses); off otherwise
 *                       (STALE entries and the destination cache only count
 *                       their age for lwIP's choice of what to replace)
 *   reassembly (1 s)    for as long as a fragment received may wait (MAXAGE)
 * The slow tick (SLOW_TICKS seconds) runs the handler SLOW_TICKS times in a
 * row: what ages still ages at the same rate, by SLOW_TICKS seconds at a time,
 * so an expiry comes up to SLOW_TICKS seconds early or late; a switch from the
 * slow tick to the fast one forgives the seconds of the slow period so far
 * (replaying them would age what was just created). lwIP's one-shot
 * timeouts (sys_timeout: mDNS, SNTP, MQTT) are kept in a small table.
 *
 * All of them share one Mote timer, armed for the earliest deadline.
 * net_timeouts_changed() runs after anything that enters lwIP (several times
 * a packet) and only notes that; once per pass of the event loop
 * (event_pass_hook_add) a check compares a sum of lwIP's counters that move
 * when one of these timers may become needed (ARP, ND, MLD, IGMP, fragments,
 * the interfaces' flags and IPv6 address states, DHCP's state) with its last
 * value, so an ordinary packet costs a few dozen instructions; a change looks
 * at the state in full. A datagram the UDP fast path (net/udp.c) delivers and
 * answers never enters lwIP, and costs a test of the flag. The timers stop
 * themselves when they find nothing to do.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/log.h>
#include <mote/system.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/igmp.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/mld6.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/dhcp.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "kernel/event.h"
#include "net/net.h"

#if !LWIP_TIMERS_CUSTOM
#error "net/timeouts.c replaces lwIP's timeouts.c: LWIP_TIMERS_CUSTOM must be 1 (net/lwipopts.h)"
#endif
#if (LWIP_ARP && !ETHARP_STATS) || (IP_REASSEMBLY && !IPFRAG_STATS) ||                           \
    (LWIP_IGMP && !IGMP_STATS) || (LWIP_IPV6 && !ND6_STATS) || (LWIP_IPV6_MLD && !MLD6_STATS) || \
    (LWIP_IPV6_REASS && !IP6_FRAG_STATS)
#error "net/timeouts.c notices ARP, ND, MLD, IGMP and fragment traffic by lwIP's counters"
#endif
#if !LWIP_NETIF_EXT_STATUS_CALLBACK
#error "net/timeouts.c learns of interface and address changes from lwIP's netif callback"
#endif

#define NS_PER_MS MOTE_NS_PER_MS
#define NEVER     UINT64_MAX

/* The one-shot timeouts lwIP's applications may have at once (net/lwipopts.h). */
#define ONESHOT_MAX NET_TIMEOUTS_MAX

/* The slow tick: how many of its intervals an ageing timer sleeps between runs. */
#define SLOW_TICKS 10

/*
 * How long after ARP traffic the ARP timer ticks each second: a pending entry
 * is re-requested each second and dropped after ARP_MAXPENDING (5) seconds
 * (lwIP's etharp.c), plus one tick either side.
 */
#define ARP_PENDING_TICKS (5 + 2)
/* Reassembly: a datagram's fragments are dropped after MAXAGE ticks, one more to free them. */
#define IP4_REASS_TICKS (IP_REASS_MAXAGE + 2)
#define IP6_REASS_TICKS (IPV6_REASS_MAXAGE + 2)

enum mode { MODE_OFF, MODE_SLOW, MODE_FAST };

struct cyclic {
    uint32_t interval_ms;
    void (*handler)(void);
    enum mode (*needed)(struct cyclic *c);
    enum mode mode;
    uint64_t due_ns;  /* next run when mode != MODE_OFF */
    uint64_t busy_ns; /* runs every interval until then (recent traffic) */
    uint32_t seen;    /* the counter whose change means traffic, at its last look */
};

struct oneshot {
    uint64_t due_ns;
    sys_timeout_handler handler; /* NULL: free */
    void *arg;
};

static struct oneshot oneshots[ONESHOT_MAX];
static int timer_id;              /* the Mote timer, 0 when none is armed */
static uint64_t armed_ns = NEVER; /* its deadline */
static bool arm_failed;           /* no memory for it: tried again on the next call */
static uint32_t seen_activity;    /* sum_activity() at the last full look */
static bool looked;               /* a full look happened once */
bool net_timeouts_entered;        /* lwIP was entered since the last check (net/net.h) */
static uint32_t oneshot_dropped;

static enum mode busy_or(struct cyclic *c, uint32_t counter, uint32_t ticks, enum mode otherwise)
{
    uint64_t now = mote_time_ns();
    if (counter != c->seen) {
        c->seen = counter;
        c->busy_ns = now + (uint64_t)ticks * c->interval_ms * NS_PER_MS;
    }
    return now < c->busy_ns ? MODE_FAST : otherwise;
}

#if LWIP_TCP
static enum mode tcp_needed(struct cyclic *c)
{
    (void)c;
    return tcp_active_pcbs || tcp_tw_pcbs ? MODE_FAST : MODE_OFF;
}
#endif

#if LWIP_ARP
static enum mode arp_needed(struct cyclic *c)
{
    enum mode stable = MODE_OFF;
    ip4_addr_t *addr;
    struct netif *nif;
    struct eth_addr *mac;
    for (size_t i = 0; i < ARP_TABLE_SIZE; i++)
        if (etharp_get_entry(i, &addr, &nif, &mac))
            stable = MODE_SLOW;
    uint32_t traffic = STATS_GET(etharp.xmit) + STATS_GET(etharp.recv) + STATS_GET(etharp.memerr);
    return busy_or(c, traffic, ARP_PENDING_TICKS, stable);
}
#endif

#if IP_REASSEMBLY
static enum mode ip4_reass_needed(struct cyclic *c)
{
    return busy_or(c, STATS_GET(ip_frag.recv), IP4_REASS_TICKS, MODE_OFF);
}
#endif

#if LWIP_DHCP
static enum mode dhcp_fine_needed(struct cyclic *c)
{
    (void)c;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        const struct dhcp *d = netif_dhcp_data(nif);
        if (d && d->request_timeout > 0)
            return MODE_FAST;
    }
    return MODE_OFF;
}

static enum mode dhcp_coarse_needed(struct cyclic *c)
{
    (void)c;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        const struct dhcp *d = netif_dhcp_data(nif);
        if (d && d->state != DHCP_STATE_OFF &&
            (d->t0_timeout || d->t1_renew_time || d->t2_rebind_time))
            return MODE_FAST;
    }
    return MODE_OFF;
}
#endif

#if LWIP_IGMP
static enum mode igmp_needed(struct cyclic *c)
{
    (void)c;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        for (const struct igmp_group *g = netif_igmp_data(nif); g; g = g->next)
            if (g->timer > 0)
                return MODE_FAST;
    }
    return MODE_OFF;
}
#endif

#if LWIP_IPV6
static enum mode nd6_addresses(void)
{
    enum mode m = MODE_OFF;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        if (nif->rs_count > 0)
            return MODE_FAST;
        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
            u8_t state = netif_ip6_addr_state(nif, i);
            if (ip6_addr_istentative(state))
                return MODE_FAST;
#if LWIP_IPV6_ADDRESS_LIFETIMES
            if (!ip6_addr_isinvalid(state) && !netif_ip6_addr_isstatic(nif, i) &&
                (!ip6_addr_life_isinfinite(netif_ip6_addr_valid_life(nif, i)) ||
                 !ip6_addr_life_isinfinite(netif_ip6_addr_pref_life(nif, i))))
                m = MODE_SLOW;
#endif
        }
    }
    return m;
}

static enum mode nd6_needed(struct cyclic *c)
{
    (void)c;
    enum mode m = nd6_addresses();
    if (m == MODE_FAST)
        return m;
    for (int i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
        switch (neighbor_cache[i].state) {
        case ND6_INCOMPLETE:
        case ND6_DELAY:
        case ND6_PROBE: return MODE_FAST;
        case ND6_REACHABLE:
            if (neighbor_cache[i].q)
                return MODE_FAST; /* nd6_tmr sends what is still queued */
            m = MODE_SLOW;
            break;
        default: /* STALE: only its age counts, for replacement */ break;
        }
    }
    for (int i = 0; i < LWIP_ND6_NUM_ROUTERS; i++)
        if (default_router_list[i].neighbor_entry)
            m = MODE_SLOW;
    for (int i = 0; i < LWIP_ND6_NUM_PREFIXES; i++)
        if (prefix_list[i].netif)
            m = MODE_SLOW;
    return m;
}

#if LWIP_IPV6_REASS
static enum mode ip6_reass_needed(struct cyclic *c)
{
    return busy_or(c, STATS_GET(ip6_frag.recv), IP6_REASS_TICKS, MODE_OFF);
}
#endif

#if LWIP_IPV6_MLD
static enum mode mld6_needed(struct cyclic *c)
{
    (void)c;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        for (const struct mld_group *g = netif_mld6_data(nif); g; g = g->next)
            if (g->timer > 0)
                return MODE_FAST;
    }
    return MODE_OFF;
}
#endif
#endif /* LWIP_IPV6 */

static struct cyclic cyclics[] = {
#if LWIP_TCP
    {TCP_TMR_INTERVAL, tcp_tmr, tcp_needed, 0, 0, 0, 0},
#endif
#if IP_REASSEMBLY
    {IP_TMR_INTERVAL, ip_reass_tmr, ip4_reass_needed, 0, 0, 0, 0},
#endif
#if LWIP_ARP
    {ARP_TMR_INTERVAL, etharp_tmr, arp_needed, 0, 0, 0, 0},
#endif
#if LWIP_DHCP
    {DHCP_COARSE_TIMER_MSECS, dhcp_coarse_tmr, dhcp_coarse_needed, 0, 0, 0, 0},
    {DHCP_FINE_TIMER_MSECS, dhcp_fine_tmr, dhcp_fine_needed, 0, 0, 0, 0},
#endif
#if LWIP_IGMP
    {IGMP_TMR_INTERVAL, igmp_tmr, igmp_needed, 0, 0, 0, 0},
#endif
#if LWIP_IPV6
    {ND6_TMR_INTERVAL, nd6_tmr, nd6_needed, 0, 0, 0, 0},
#if LWIP_IPV6_REASS
    {IP6_REASS_TMR_INTERVAL, ip6_reass_tmr, ip6_reass_needed, 0, 0, 0, 0},
#endif
#if LWIP_IPV6_MLD
    {MLD6_TMR_INTERVAL, mld6_tmr, mld6_needed, 0, 0, 0, 0},
#endif
#endif
};
#define CYCLIC_COUNT (sizeof(cyclics) / sizeof(cyclics[0]))

#if LWIP_TCP
static struct cyclic *const tcp_cyclic = &cyclics[0];
#endif

/*
 * A sum that moves whenever one of the non-TCP timers may have become needed:
 * traffic of the protocols they serve and DHCP's state and counters. What
 * happens to the interfaces (up, link, addresses, DAD) comes through lwIP's
 * netif callback instead (netif_changed).
 */
static uint32_t sum_activity(void)
{
    uint32_t sum = 0;
#if LWIP_ARP
    sum += STATS_GET(etharp.xmit) + STATS_GET(etharp.recv) + STATS_GET(etharp.memerr);
#endif
#if IP_REASSEMBLY
    sum += STATS_GET(ip_frag.recv);
#endif
#if LWIP_IGMP
    sum += STATS_GET(igmp.xmit) + STATS_GET(igmp.recv) + STATS_GET(igmp.memerr);
#endif
#if LWIP_IPV6
    /* ip6.xmit: sending to a STALE neighbour moves it to DELAY without ND traffic */
    sum += STATS_GET(nd6.xmit) + STATS_GET(nd6.recv) + STATS_GET(nd6.memerr) + STATS_GET(ip6.xmit);
#endif
#if LWIP_IPV6_MLD
    sum += STATS_GET(mld6.xmit) + STATS_GET(mld6.recv) + STATS_GET(mld6.memerr);
#endif
#if LWIP_IPV6_REASS
    sum += STATS_GET(ip6_frag.recv);
#endif
#if LWIP_DHCP
    /* DHCP's answers are ordinary UDP: its state is looked at directly. */
    const struct dhcp *d = netif_default ? netif_dhcp_data(netif_default) : NULL;
    if (d)
        sum += d->state + d->request_timeout + d->t0_timeout + d->t1_renew_time;
#endif
    return sum;
}

static void timer_fired(void *arg);
static void check(void);
static void pass_end(void *arg);

/* Arms the Mote timer for the earliest deadline, if it is not armed for it already. */
static void rearm(void)
{
    uint64_t due = NEVER;
    for (size_t i = 0; i < CYCLIC_COUNT; i++)
        if (cyclics[i].mode != MODE_OFF && cyclics[i].due_ns < due)
            due = cyclics[i].due_ns;
    for (size_t i = 0; i < ONESHOT_MAX; i++)
        if (oneshots[i].handler && oneshots[i].due_ns < due)
            due = oneshots[i].due_ns;
    if (due == armed_ns && (timer_id > 0 || due == NEVER))
        return;
    if (timer_id > 0)
        mote_timer_cancel(timer_id);
    timer_id = 0;
    armed_ns = due;
    if (due == NEVER)
        return;
    uint64_t now = mote_time_ns();
    timer_id = mote_timer_after(due > now ? due - now : 0, timer_fired, NULL);
    arm_failed = timer_id < 0;
    if (arm_failed) {
        timer_id = 0;
        armed_ns = NEVER;
    }
}

static uint64_t period_ns(const struct cyclic *c)
{
    return (uint64_t)c->interval_ms * NS_PER_MS * (c->mode == MODE_SLOW ? SLOW_TICKS : 1);
}

/* Starts c, or moves it from the slow tick to the fast one (see the top of the file). */
static void cyclic_raise(struct cyclic *c, enum mode m, uint64_t now)
{
    if (m <= c->mode)
        return;
    c->mode = m;
    c->due_ns = now + period_ns(c);
}

/* Looks at everything: starts the timers that became needed. */
static void look(void)
{
    uint64_t now = mote_time_ns();
    for (size_t i = 0; i < CYCLIC_COUNT; i++)
        cyclic_raise(&cyclics[i], cyclics[i].needed(&cyclics[i]), now);
    rearm();
}

/* Runs c if it is due, then keeps it at the pace its state needs, or stops it. */
static void cyclic_run(struct cyclic *c, uint64_t now)
{
    if (c->mode == MODE_OFF || c->due_ns > now)
        return;
    unsigned runs = c->mode == MODE_SLOW ? SLOW_TICKS : 1;
    for (unsigned i = 0; i < runs; i++)
        c->handler();
    c->mode = c->needed(c);
    if (c->mode == MODE_OFF)
        return;
    /* As lwIP does: on time, or a whole period from now when late (nothing replayed). */
    c->due_ns += period_ns(c);
    if (c->due_ns <= now)
        c->due_ns = now + period_ns(c);
}

NETIF_DECLARE_EXT_CALLBACK(netif_watch)

/* An interface went up or down, or an address or its state changed: look at everything. */
static void netif_changed(struct netif *nif, netif_nsc_reason_t reason,
                          const netif_ext_callback_args_t *args)
{
    (void)nif;
    (void)reason;
    (void)args;
    looked = false;
    net_timeouts_entered = true;
}

void sys_timeouts_init(void)
{
    static bool watching;
    if (!watching) {
        netif_add_ext_callback(&netif_watch, netif_changed);
        watching = true;
    }
    /* Nothing runs until needed: the first pass after lwIP is entered looks. */
    static bool hooked;
    if (!hooked && event_pass_hook_add(pass_end, NULL) != 0)
        mote_panic("net: no room for lwIP's timers in the event loop's pass hooks");
    hooked = true;
}

void sys_timeout(u32_t msecs, sys_timeout_handler handler, void *arg)
{
    for (size_t i = 0; i < ONESHOT_MAX; i++) {
        struct oneshot *t = &oneshots[i];
        if (!t->handler) {
            t->due_ns = mote_time_ns() + (uint64_t)msecs * NS_PER_MS;
            t->handler = handler;
            t->arg = arg;
            if (t->due_ns < armed_ns || timer_id <= 0)
                rearm();
            return;
        }
    }
    /* lwIP's own timeouts.c fails the same way when its pool is empty. */
    if (oneshot_dropped++ == 0)
        mote_log(MOTE_LOG_ERROR, "net: more than %d lwIP timeouts at once; one dropped",
                 ONESHOT_MAX);
}

void sys_untimeout(sys_timeout_handler handler, void *arg)
{
    /* The earliest match, as lwIP's sorted list finds it. The Mote timer stays
     * armed: if it fires early it finds nothing due and re-arms. */
    struct oneshot *first = NULL;
    for (size_t i = 0; i < ONESHOT_MAX; i++) {
        struct oneshot *t = &oneshots[i];
        if (t->handler == handler && t->arg == arg && (!first || t->due_ns < first->due_ns))
            first = t;
    }
    if (first)
        first->handler = NULL;
}

/*
 * Runs what is due. Also called by the GDB stub's TCP transport while the
 * event loop is stopped (net/gdb_tcp.c), so it never relies on the Mote timer.
 */
void sys_check_timeouts(void)
{
    uint64_t now = mote_time_ns();
    PBUF_CHECK_FREE_OOSEQ();
    for (size_t i = 0; i < CYCLIC_COUNT; i++)
        cyclic_run(&cyclics[i], now);
    for (size_t i = 0; i < ONESHOT_MAX; i++) {
        struct oneshot *t = &oneshots[i];
        if (t->handler && t->due_ns <= now) {
            /* Freed before the call, which may add a timeout again (as lwIP's does). */
            sys_timeout_handler h = t->handler;
            t->handler = NULL;
            h(t->arg);
        }
    }
    /* Handlers may have made other timers needed (an ARP request, a DHCP retry). */
    looked = false;
    check();
}

static void timer_fired(void *arg)
{
    (void)arg;
    timer_id = 0;
    armed_ns = NEVER;
    sys_check_timeouts();
}

/* Once a loop pass, when lwIP was entered during it: starts what became needed. */
static void check(void)
{
    net_timeouts_entered = false;
#if LWIP_TCP
    if (tcp_cyclic->mode == MODE_OFF && (tcp_active_pcbs || tcp_tw_pcbs)) {
        cyclic_raise(tcp_cyclic, MODE_FAST, mote_time_ns());
        rearm();
    }
#endif
    uint32_t activity = sum_activity();
    if (looked && activity == seen_activity) {
        if (arm_failed)
            rearm();
        return;
    }
    looked = true;
    seen_activity = activity;
    look();
}

/*
 * The pass hook, on every pass of the loop: usually a test and a return. Not
 * a tail call, so that the frame is set up only around the call to check.
 */
static __attribute__((optimize("no-optimize-sibling-calls"))) void pass_end(void *arg)
{
    (void)arg;
    if (net_timeouts_entered)
        check();
}
