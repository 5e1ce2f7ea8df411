// SPDX-License-Identifier: MIT
/* UDP sockets (include/mote/net.h) over lwIP's raw UDP API. */
#include <errno.h>
#include <string.h>

#include <mote/net.h>

#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "net/net.h"

#define MAX_SOCKETS     16
#define UDP_PAYLOAD_MAX 65507
#define DATAGRAM_MAX    1500 /* received datagrams in several pbufs are joined up to this */

static struct {
    struct udp_pcb *pcb;
    mote_udp_fn fn;
    void *arg;
} sockets[MAX_SOCKETS + 1]; /* socket ids are 1..MAX_SOCKETS */
static uint8_t joined[DATAGRAM_MAX];

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                         u16_t port)
{
    int sock = (int)(intptr_t)arg;
    struct mote_endpoint from;
    (void)pcb;
    net_endpoint_from(&from, addr, port);
    if (p->len == p->tot_len) {
        sockets[sock].fn(sock, p->payload, p->len, &from, sockets[sock].arg);
    } else if (p->tot_len <= sizeof(joined)) {
        u16_t len = pbuf_copy_partial(p, joined, p->tot_len, 0);
        sockets[sock].fn(sock, joined, len, &from, sockets[sock].arg);
    }
    pbuf_free(p);
    net_timeouts_changed();
}

int mote_udp_bind(uint16_t port, mote_udp_fn fn, void *arg)
{
    if (!fn || port == 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    int sock = 1;
    while (sock <= MAX_SOCKETS && sockets[sock].pcb)
        sock++;
    if (sock > MAX_SOCKETS)
        return -ENOMEM;
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -ENOMEM;
    if (udp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        udp_remove(pcb);
        return -EADDRINUSE;
    }
    sockets[sock].pcb = pcb;
    sockets[sock].fn = fn;
    sockets[sock].arg = arg;
    udp_recv(pcb, udp_received, (void *)(intptr_t)sock);
    return sock;
}

int mote_udp_send(int sock, const void *data, size_t len, const struct mote_endpoint *to)
{
    ip_addr_t addr;
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    if (!to || net_endpoint_to(to, &addr) != 0)
        return -EINVAL;
    if (len > UDP_PAYLOAD_MAX)
        return -EMSGSIZE;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return -ENOMEM;
    pbuf_take(p, data, (u16_t)len);
    err_t err = udp_sendto(sockets[sock].pcb, p, &addr, to->port);
    pbuf_free(p);
    net_timeouts_changed();
    return net_errno(err);
}

int mote_udp_close(int sock)
{
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    udp_remove(sockets[sock].pcb);
    memset(&sockets[sock], 0, sizeof(sockets[sock]));
    return 0;
}
