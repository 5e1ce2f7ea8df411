/* SPDX-License-Identifier: MIT */
/* What the dns service's UDP side (main.c) and TCP side (tcp.c) share. */
#ifndef SERVICES_DNS_SERVICE_H
#define SERVICES_DNS_SERVICE_H

#include <dns/dns.h>

extern struct dns_zone dns_service_zone;
extern struct dns_stats dns_service_stats;

/* Serves DNS over TCP (RFC 7766) on port. Returns 0 or the error of mote_tcp_listen(). */
int dns_tcp_start(uint16_t port);

#endif
