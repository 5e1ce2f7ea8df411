/* SPDX-License-Identifier: MIT */
/* The network stack's life: started by the kernel when the image links it. */
#ifndef NET_NET_H
#define NET_NET_H

/*
 * Attaches lwIP to the first network device and configures it from the boot
 * arguments: ip=dhcp (default) or ip=ADDR/PREFIX [gw=ADDR]; IPv6 link-local
 * and SLAAC always. Returns 0, -ENODEV without a network device, -EINVAL for
 * a malformed ip= or gw= (named in the log).
 */
int net_start(const char *args);

/* After anything that may have changed lwIP's timeouts: re-arms the one timer that drives them. */
void net_timeouts_changed(void);

#endif
