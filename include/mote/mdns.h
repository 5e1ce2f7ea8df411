/* SPDX-License-Identifier: MIT */
/*
 * Multicast DNS (RFC 6762) and DNS-SD (RFC 6763) over lwIP's mDNS responder
 * (apps/mdns): from the first call on, the image answers <hostname>.local
 * (the hostname= boot argument, default "mote") with its IPv4 and IPv6
 * addresses on 224.0.0.251 and ff02::fb, port 5353, after probing that no
 * other host holds the name (a conflict is logged and the name is not used),
 * and announces each service a service asks for: an instance named after the
 * host, with its SRV and PTR records, so that `avahi-browse -r _http._tcp`
 * finds it.
 */
#ifndef MOTE_MDNS_H
#define MOTE_MDNS_H

#include <stdint.h>

#define MOTE_MDNS_SERVICES_MAX 4
#define MOTE_MDNS_HOSTNAME_MAX 63 /* bytes: one DNS label */

/*
 * Starts answering <hostname>.local if not yet done. Returns 0, -ENETDOWN
 * without a network, -EINVAL if hostname= is not 1 to 63 letters, digits and
 * '-' (logged; the default is used), -ENOMEM.
 */
int mote_mdns_start(void);

/*
 * Announces service ("_http._tcp", "_mqtt._tcp", "_dns._udp": "_" + 1 to 15
 * letters, digits or '-', then "._tcp" or "._udp") on port, and starts
 * answering <hostname>.local if not yet done. Returns 0, -EINVAL for a
 * malformed service or port 0, -ENOSPC beyond MOTE_MDNS_SERVICES_MAX, or the
 * errors of mote_mdns_start().
 */
int mote_mdns_announce(const char *service, uint16_t port);

#endif
