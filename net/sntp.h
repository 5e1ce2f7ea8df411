/* SPDX-License-Identifier: MIT */
/*
 * SNTP (RFC 4330) with lwIP's client (apps/sntp): the boot argument ntp=ADDR
 * names a time server; its answers set the wall clock (kernel/time.h). It
 * comes with the network (net.c attaches it) and starts the network itself
 * when ntp= is given, so the clock is right even before the service opens a
 * socket.
 */
#ifndef NET_SNTP_H
#define NET_SNTP_H

#include <stdint.h>

/* Joins the boot (net.c's attach): registers the ntp= boot hook's part. */
void sntp_attach(const char *bootargs);

/* lwIP's SNTP_SET_SYSTEM_TIME_US and SNTP_GET_SYSTEM_TIME (net/lwipopts.h). */
void net_sntp_set_time(uint32_t sec, uint32_t us);
void net_sntp_get_time(uint32_t *sec, uint32_t *us);

#endif
