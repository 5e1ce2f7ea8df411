// SPDX-License-Identifier: MIT
/*
 * mDNS (include/mote/mdns.h) over lwIP's responder (apps/mdns). Linked only
 * into images whose service calls mote_mdns_*; the host name comes from the
 * boot arguments through this file's boot hook.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/mdns.h>

#include "kernel/boothook.h"
#include "lwip/apps/mdns.h"
#include "lwip/igmp.h"
#include "lwip/netif.h"
#include "net/net.h"

#define DEFAULT_HOSTNAME "mote"
#define TTL_S            120 /* RFC 6762 §10: host records' recommended TTL */
#define SERVICE_NAME_MAX 15  /* RFC 6763 §7.2 */

_Static_assert(MDNS_MAX_SERVICES >= MOTE_MDNS_SERVICES_MAX, "lwIP keeps every service");

static const char *bootargs = "";
static char hostname[MOTE_MDNS_HOSTNAME_MAX + 1];
static struct netif *netif;
static unsigned services;

static void attach(const char *args)
{
    bootargs = args;
}

BOOT_HOOK(mdns_hook) = {
    .name = "mdns",
    .args = {"hostname"},
    .attach = attach,
};

static bool label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* Whether s[0..len) is 1..max letters, digits and '-', not starting with '-'. */
static bool label_valid(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!label_char(s[i]))
            return false;
    return true;
}

static void name_result(struct netif *nif, u8_t result)
{
    static bool answering; /* each new service probes again: said once */
    (void)nif;
    if (result == MDNS_PROBING_SUCCESSFUL && !answering)
        mote_log(MOTE_LOG_INFO, "mdns: answering %s.local", hostname);
    answering = result == MDNS_PROBING_SUCCESSFUL;
    if (answering)
        return;
    mote_log(MOTE_LOG_WARN, "mdns: %s.local is held by another host; not answering it", hostname);
}

int mote_mdns_start(void)
{
    if (netif)
        return 0;
    int err = net_up();
    if (err)
        return err;
    if (!netif_default)
        return -ENETDOWN;
    int len = mote_arg_get(bootargs, "hostname", hostname, sizeof(hostname));
    int result = 0;
    if (len == -ENOENT) {
        strcpy(hostname, DEFAULT_HOSTNAME);
    } else if (len < 0 || !label_valid(hostname, (size_t)len, MOTE_MDNS_HOSTNAME_MAX)) {
        mote_log(MOTE_LOG_ERROR,
                 "mdns: hostname= must be 1 to %d letters, digits and '-'; using %s.local",
                 MOTE_MDNS_HOSTNAME_MAX, DEFAULT_HOSTNAME);
        strcpy(hostname, DEFAULT_HOSTNAME);
        result = -EINVAL;
    }
    /*
     * The responder joins 224.0.0.251 through IGMP, which lwIP does only on
     * an interface that says it does IGMP: said here, so that images without
     * mDNS send no IGMP at all.
     */
    if (!(netif_default->flags & NETIF_FLAG_IGMP)) {
        netif_default->flags |= NETIF_FLAG_IGMP;
        igmp_start(netif_default);
    }
    static bool initialized;
    if (!initialized) {
        mdns_resp_init();
        mdns_resp_register_name_result_cb(name_result);
        initialized = true;
    }
    err_t e = mdns_resp_add_netif(netif_default, hostname, TTL_S);
    net_timeouts_changed();
    if (e != ERR_OK) {
        mote_log(MOTE_LOG_ERROR, "mdns: cannot start: %d", net_errno(e));
        return net_errno(e);
    }
    netif = netif_default;
    mote_log(MOTE_LOG_INFO, "mdns: probing for %s.local", hostname);
    return result;
}

int mote_mdns_announce(const char *service, uint16_t port)
{
    /* "_name._tcp": the name's label, then the protocol's. */
    const char *dot = service ? strchr(service, '.') : NULL;
    if (!service || service[0] != '_' || !dot || port == 0 ||
        !label_valid(service + 1, (size_t)(dot - service - 1), SERVICE_NAME_MAX) ||
        (strcmp(dot + 1, "_tcp") != 0 && strcmp(dot + 1, "_udp") != 0))
        return -EINVAL;
    if (services >= MOTE_MDNS_SERVICES_MAX)
        return -ENOSPC;
    int err = mote_mdns_start();
    if (err && err != -EINVAL)
        return err;
    char name[1 + SERVICE_NAME_MAX + 1];
    size_t len = (size_t)(dot - service);
    memcpy(name, service, len);
    name[len] = '\0';
    enum mdns_sd_proto proto = strcmp(dot + 1, "_tcp") == 0 ? DNSSD_PROTO_TCP : DNSSD_PROTO_UDP;
    s8_t slot = mdns_resp_add_service(netif, hostname, name, proto, port, TTL_S, NULL, NULL);
    net_timeouts_changed();
    if (slot < 0)
        return -ENOMEM;
    services++;
    mote_log(MOTE_LOG_INFO, "mdns: announcing %s on port %u as %s", service, port, hostname);
    return 0;
}
