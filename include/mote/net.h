/* SPDX-License-Identifier: MIT */
/*
 * Networking: UDP sockets with callbacks, in the style of IncludeOS. The
 * network comes up at boot when the image uses this API and the board has a
 * network device (boot arguments: ip=dhcp, the default, or ip=ADDR/PREFIX
 * gw=ADDR; IPv6 link-local and SLAAC always). Callbacks run from the event
 * loop, one at a time.
 */
#ifndef MOTE_NET_H
#define MOTE_NET_H

#include <stddef.h>
#include <stdint.h>

#define MOTE_AF_INET  4
#define MOTE_AF_INET6 6

/* An address and port: IPv4 in addr[0..3], IPv6 in addr[0..15], network byte order. */
struct mote_endpoint {
    uint8_t family; /* MOTE_AF_INET or MOTE_AF_INET6 */
    uint8_t addr[16];
    uint16_t port; /* host byte order */
};

/* A datagram for socket sock: data (len bytes) from the sender. */
typedef void (*mote_udp_fn)(int sock, const void *data, size_t len,
                            const struct mote_endpoint *from, void *arg);

/*
 * Receives UDP datagrams sent to port (IPv4 and IPv6) with fn(arg). Returns a
 * socket > 0, -EINVAL if fn is NULL or port is 0, -ENETDOWN if the image has
 * no network, -EADDRINUSE if the port is taken, -ENOMEM.
 */
int mote_udp_bind(uint16_t port, mote_udp_fn fn, void *arg);

/*
 * Sends len bytes from socket sock to. Returns 0, -EBADF for an unknown
 * socket, -EINVAL for a bad endpoint, -EMSGSIZE over 65507 bytes, -ENOMEM
 * when no buffer is free (the datagram is dropped), -EHOSTUNREACH with no route.
 */
int mote_udp_send(int sock, const void *data, size_t len, const struct mote_endpoint *to);

/* Closes a socket. Returns 0 or -EBADF. */
int mote_udp_close(int sock);

#endif
