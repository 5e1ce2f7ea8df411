/* SPDX-License-Identifier: MIT */
/*
 * The network stack's life. The image links it only when the service uses
 * the network; then its boot hook (net.c) takes the boot arguments as its
 * configuration, and the network starts on first use (net_up): when the
 * service opens its first socket, or earlier for remote logs (syslog=) or the
 * GDB stub over TCP (gdb=tcp:PORT).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/ip_addr.h"

struct mote_endpoint;

/*
 * Attaches lwIP to the first network device and configures it from the boot
 * arguments: ip=dhcp (default) or ip=ADDR/PREFIX [gw=ADDR] [dns=ADDR]; IPv6
 * link-local and SLAAC always. Returns 0, -ENODEV without a network device,
 * -EINVAL for a malformed ip=, gw= or dns= (named in the log).
 */
int net_start(const char *args);

/*
 * Starts the network on first use (net_start with the boot arguments), then
 * remote logs if syslog= asks for them. Returns 0 or -ENETDOWN.
 */
int net_up(void);

/*
 * Whether the network has no address of addr's family yet (DHCP or SLAAC
 * under way), so a route to addr may still appear: connections wait for one
 * (net/tcp.c).
 */
bool net_address_pending(const ip_addr_t *addr);

/* Whether the network is up (net_up() succeeded). */
bool net_started(void);

/* lwIP's err (ERR_OK, ERR_MEM...) as 0 or a negative errno (net/errno.c): the one map. */
int net_errno(err_t err);

/* Received frames that had to be copied (mote_net_stats). */
uint64_t net_rx_copied(void);

/* An Ethernet frame without its FCS: header and the 1500-byte MTU. */
#define NET_FRAME_MAX 1514

struct netdev;
struct netdev_csum;
struct netif;

/*
 * The frame being handed to lwIP right now, when it sits alone in a buffer
 * the driver lent (netdev rx_frame_room): its start, and in *room the bytes
 * the buffer holds from there. NULL outside the input or for a copied frame.
 */
uint8_t *net_rx_frame(size_t *room);

/*
 * The device frames built in place (net/udp.c) go straight to: set while
 * nothing waits in net/net.c's transmit backlog, which such a frame must not
 * overtake; NULL while something does, and before the network starts. Its
 * transmit may still answer -EAGAIN (then send the ordinary way).
 */
extern struct netdev *net_tx_direct;

/*
 * Whether the device completes UDP and TCP checksums (transmit offload):
 * then lwIP leaves them out of what it sends (net/net.c fills in the
 * pseudo-header's sum), and so must a frame given to net_tx_direct.
 */
extern bool net_tx_csum_offloaded; /* set by net/net.c when the netif is set up */
static inline bool net_tx_csum_offload(void)
{
    return net_tx_csum_offloaded; /* inline: read once per reply on the turn-around */
}

/*
 * The receive fast path (net/udp.c), the device's netdev receive: delivers
 * the UDP datagram in frame (len bytes) straight to the mote_udp_bind socket
 * of its port, without lwIP's input, when it is plainly one: IPv4 without
 * options and not a fragment, or IPv6 without extension headers, to one of
 * the netif's unicast addresses from a unicast one, its header checksum
 * right, its lengths consistent, and its UDP checksum right in software or
 * vouched for by the device (csum, as netdev receive has it: VALID, or
 * PARTIAL exactly at this checksum); counted as lwIP counts it. The frame is
 * parsed here, once, and may be answered in place (mote_udp_reply) when the
 * driver lends its buffers (rx_frame_room). Every other frame goes to
 * net_receive_lwip untouched, whose answer it returns; a delivered one is
 * done with on return (false: buf is the driver's again).
 */
bool net_udp_receive(struct netdev *dev, void *frame, size_t len, void *buf,
                     const struct netdev_csum *csum);

/*
 * netdev receive through lwIP (net/net.c): for every frame the fast path did
 * not take, with every check and count of lwIP's own. Returns as netdev
 * receive does.
 */
bool net_receive_lwip(struct netdev *dev, void *frame, size_t len, void *buf,
                      const struct netdev_csum *csum);

/*
 * Gives the fast path (net/udp.c) the netif it delivers for and the device
 * under it (its MAC, MTU and rx_frame_room), once the netif is set up.
 */
void net_udp_attach(struct netif *nif, const struct netdev *dev);

/*
 * After anything that enters lwIP: notes it, and before the event loop sleeps
 * net/timeouts.c starts the lwIP timers that became needed (or on the next
 * sys_check_timeouts() where no loop runs). Inline: several calls a packet.
 */
extern bool net_timeouts_entered;
static inline void net_timeouts_changed(void)
{
    net_timeouts_entered = true;
}

/*
 * mote_tcp_listen() on one local address only (IP_ANY_TYPE: all of them, IPv4
 * and IPv6), for the image's own listeners. Same returns as mote_tcp_listen(),
 * and -EINVAL for a NULL addr.
 */
int net_tcp_listen_at(const ip_addr_t *addr, uint16_t port,
                      void (*on_accept)(int conn, const struct mote_endpoint *peer, void *arg),
                      void *arg);

/*
 * Probes conn after idle_ms without traffic, every interval_ms, and resets it
 * after count probes go unanswered (RFC 9293 §3.8.4 keep-alives): a peer that
 * vanished without a word is noticed. Returns 0, -EBADF, -EINVAL for a zero.
 */
int net_tcp_keepalive(int conn, uint32_t idle_ms, uint32_t interval_ms, uint32_t count);

/* Between lwIP's addresses and the API's endpoints (net/endpoint.c). */
void net_endpoint_from(struct mote_endpoint *ep, const ip_addr_t *addr, u16_t port);
int net_endpoint_to(const struct mote_endpoint *ep, ip_addr_t *addr); /* 0 or -EINVAL */

#endif
