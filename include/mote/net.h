/* SPDX-License-Identifier: MIT */
/*
 * Networking: UDP sockets and TCP connections with callbacks, in the style of
 * IncludeOS. The network comes up on the first bind or listen when the board
 * has a network device (boot arguments: ip=dhcp, the default, or
 * ip=ADDR/PREFIX gw=ADDR; IPv6 link-local and SLAAC always). Callbacks run
 * from the event loop, one at a time; received data is handed over in the
 * stack's own buffers, valid only during the callback. Every function may be
 * called from any callback, including to close the connection being served.
 */
#ifndef MOTE_NET_H
#define MOTE_NET_H

#include <stdbool.h>
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

/*
 * Parses text, "ADDR:PORT" with an IPv4 address ("10.0.2.2:8080") or
 * "[ADDR]:PORT" with an IPv6 one ("[fe80::1]:53"), into *ep. Returns 0, or
 * -EINVAL for anything else, a port of 0 or above 65535 (*ep is then unchanged).
 */
int mote_endpoint_parse(const char *text, struct mote_endpoint *ep);

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
 * when no buffer is free (the datagram is dropped), -EHOSTUNREACH with no route,
 * -EIO when the device refused the frame.
 */
int mote_udp_send(int sock, const void *data, size_t len, const struct mote_endpoint *to);

/*
 * In-place replies, for request/response services (DNS, NTP, CoAP): the
 * reply is written over the request in its receive buffer and sent back with
 * addresses and ports swapped, without a new buffer, a copy of the payload,
 * a route or an ARP lookup. Inside a mote_udp_fn, mote_udp_reply_buffer
 * gives the received datagram's payload (the same bytes as data), writable,
 * and how many bytes a reply may take there (room), by value: no pointer to
 * a variable of the caller's. Its buf is NULL (and room 0) when the datagram
 * cannot be answered in place (the callback is not running for sock, the
 * frame was copied or spans buffers, IP options or IPv6 extension headers, a
 * broadcast or multicast destination, udp_in_place=off): then answer it with
 * mote_udp_send. A reply there is sent with mote_udp_reply.
 */
struct mote_udp_room {
    void *buf;   /* the request's payload, writable; NULL: no reply in place */
    size_t room; /* bytes a reply may take from buf on */
};
struct mote_udp_room mote_udp_reply_buffer(int sock);

/*
 * Sends the first len bytes of mote_udp_reply_buffer's buffer back to the
 * datagram's sender, from the address and port it was sent to. Only inside
 * the callback, once. When no transmit buffer is free right now, the reply
 * goes the ordinary way instead (as mote_udp_send would send it, queued
 * behind the frames that wait): the caller has nothing more to do. Returns
 * 0, -EBADF for an unknown socket, -EINVAL when there is no datagram to
 * answer in place or len exceeds the room, or mote_udp_send's errors from
 * the ordinary way (-ENOMEM: dropped).
 */
int mote_udp_reply(int sock, size_t len);

/* Closes a socket. Returns 0 or -EBADF. */
int mote_udp_close(int sock);

/*
 * TCP. A listener accepts connections (IPv4 and IPv6) and hands each to its
 * accept callback, which sets the connection's callbacks. Connections and
 * listeners are named by ids > 0 that are never reused while in use.
 */

/* A new connection conn from peer. Call mote_tcp_set_callbacks() here (or close it). */
typedef void (*mote_tcp_accept_fn)(int conn, const struct mote_endpoint *peer, void *arg);

/* What happens on a connection; any callback may be NULL. */
struct mote_tcp_callbacks {
    /* len (>= 1) bytes arrived; called once per piece of the stream, in order. */
    void (*data)(int conn, const void *data, size_t len, void *arg);
    /* The peer acknowledged data: there are now space bytes free to write. */
    void (*sent)(int conn, size_t space, void *arg);
    /* The peer closed its side (FIN): nothing more arrives; writing still works until closed. */
    void (*closed)(int conn, void *arg);
    /* The connection is gone: err is -ECONNRESET (reset by the peer),
       -ECONNABORTED (retransmissions timed out, or no memory) or -ETIMEDOUT
       (idle timeout: closed gracefully); conn is already invalid. */
    void (*error)(int conn, int err, void *arg);
};

/*
 * Accepts TCP connections on port with on_accept(arg). Returns a listener id
 * > 0, -EINVAL if on_accept is NULL or port is 0, -ENETDOWN if the image has
 * no network, -EADDRINUSE if the port is taken, -ENOMEM.
 */
int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg);

/*
 * How a mote_tcp_connect() ended: err is 0 when conn is established (set its
 * callbacks here, as in an accept callback), else -ECONNREFUSED (the peer
 * refused: RST), -ECONNABORTED (no answer before the retransmissions ran
 * out, or no memory) or -EHOSTUNREACH (no address came), and conn is
 * already invalid.
 */
typedef void (*mote_tcp_connect_fn)(int conn, int err, void *arg);

/*
 * Opens a TCP connection to `to` (IPv4 or IPv6) from an ephemeral port.
 * Returns the connection's id > 0 at once, while the handshake goes on;
 * on_connect(arg) then runs exactly once with the outcome, unless the
 * connection is closed or aborted first. Data sent before then goes out once
 * it is established. While the network has no address of to's family yet
 * (DHCP or SLAAC under way), the connection waits for one, up to 30 s; then
 * on_connect gets -EHOSTUNREACH. Errors: -EINVAL if to or on_connect is NULL
 * or to has no valid family or port 0, -ENETDOWN if the image has no network,
 * -EHOSTUNREACH with an address but no route, -ENOMEM.
 */
int mote_tcp_connect(const struct mote_endpoint *to, mote_tcp_connect_fn on_connect, void *arg);

/* Sets conn's callbacks (copied) and their argument. Returns 0, -EBADF, -EINVAL if cb is NULL. */
int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg);

/*
 * Queues up to len bytes of data (copied) to send on conn and pushes them.
 * Returns the number of bytes queued: fewer than len (possibly 0) when the
 * send buffer is full, or while mote_tcp_send() data still waits; the rest
 * can be written from the sent callback (back-pressure). Errors: -EBADF for
 * an unknown or closed connection, -ENOTCONN when the connection can no
 * longer send, -ENOMEM.
 */
int mote_tcp_write(int conn, const void *data, size_t len);

/* The most mote_tcp_send() keeps waiting per connection. */
#define MOTE_TCP_SEND_MAX 65536

/*
 * Sends all len bytes of data (copied): what the send buffer cannot take yet
 * waits inside Mote and goes out as the peer acknowledges, in order. For
 * services that would rather not handle back-pressure. Returns 0, -EBADF,
 * -ENOBUFS when more than MOTE_TCP_SEND_MAX bytes would be waiting (a peer
 * that does not read: nothing was queued), -ENOTCONN, -ENOMEM.
 */
int mote_tcp_send(int conn, const void *data, size_t len);

/* The bytes mote_tcp_write() would queue now, or -EBADF. */
int mote_tcp_space(int conn);

/*
 * Closes conn gracefully after idle_ns without data from the peer (0: never,
 * the default); its error callback then gets -ETIMEDOUT. Returns 0 or -EBADF.
 */
int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns);

/*
 * Closes a connection gracefully (queued and waiting data is still sent, then
 * FIN) or a listener. No callback of conn runs afterwards. Returns 0 or -EBADF.
 */
int mote_tcp_close(int conn);

/* Resets a connection (RST): queued data is dropped. Returns 0 or -EBADF. */
int mote_tcp_abort(int conn);

/* The peer of a connection. Returns 0, -EBADF. */
int mote_tcp_peer(int conn, struct mote_endpoint *peer);

/*
 * A TCP server for request/response protocols (net/tcp_server.c), which keeps
 * what each connection needs: Mote accepts, gives every connection state_size
 * bytes of zeroed state and an input buffer of in_max bytes, appends what
 * arrives and calls input() with all the input not consumed yet. When the
 * peer closes its side, the connection is closed once the answers still
 * waiting are sent; whenever a connection ends, its state is freed.
 */
struct mote_tcp_server {
    size_t in_max;     /* input kept per connection (> 0): at least the largest request */
    size_t state_size; /* the service's own state per connection (may be 0) */
    uint64_t idle_ns;  /* closes a connection after this long without input (0: never) */
    /*
     * conn's unconsumed input: len >= 1 bytes, in order. Answers what is
     * complete and returns how many bytes from the front it consumed (at most
     * len); the rest is handed over again with more input. It may close or
     * abort conn (a last answer, a bad request): state is then freed and the
     * result ignored. A connection whose in_max bytes are all unconsumed
     * (a request larger than in_max) is reset.
     */
    size_t (*input)(int conn, void *state, const void *in, size_t len, void *arg);
    void *arg; /* input's last argument */
    /*
     * Optional, for answers too large to queue at once (a file streamed from
     * disk): the peer acknowledged data, so mote_tcp_space(conn) bytes may be
     * written. Returns true when the service wants input() called again on
     * the input it left unconsumed meanwhile (its long answer is done). It
     * may close or abort conn, as input() may.
     */
    bool (*sent)(int conn, void *state, void *arg);
    /* Optional: conn is gone, however it ended; state is freed after this returns. */
    void (*end)(void *state, void *arg);
};

/*
 * Serves TCP on port with server, which must stay valid while the listener
 * exists (a static const one, typically). Returns the listener's id > 0
 * (mote_tcp_close() stops it), -EINVAL if server is NULL or has no input or an
 * in_max of 0, or the errors of mote_tcp_listen().
 */
int mote_tcp_serve(uint16_t port, const struct mote_tcp_server *server);

/* Counters of one layer since boot. */
struct mote_net_counters {
    uint64_t rx;     /* packets received */
    uint64_t tx;     /* packets sent */
    uint64_t drops;  /* packets dropped, for any reason (malformed ones included) */
    uint64_t errors; /* failures: bad checksum, length, protocol or options; no memory; no route */
};

/* The network's counters, per layer. */
struct mote_net_stats {
    struct mote_net_counters link, arp, ipv4, icmp, ipv6, icmp6, udp, tcp;
    uint64_t
        rx_copied; /* received frames copied: the driver had no buffer to lend (else 0 copies) */
    /* The adapter's bus, where it has one (USB on the Raspberry Pi 3), else 0: */
    uint64_t bus_errors;   /* transfers that failed after the host controller's retries */
    uint64_t bus_retries;  /* transactions the device NAKed and the host controller retried */
    uint64_t rx_malformed; /* receive framing that did not add up (lengths, bounds): dropped */
    /* The adapter's watchdog (virtio-net): recoveries from a device that went quiet. */
    uint64_t tx_renotified;  /* transmit buffers untouched a whole period: device told again */
    uint64_t tx_recollected; /* finished transmit buffers with no interrupt: collected */
    uint64_t rx_renotified;  /* device out of receive buffers, then silent: told again */
    uint64_t rx_recollected; /* received frames left a whole period with no interrupt: collected */
    /* TCP's defences against floods (net/tcp_guard.c): */
    uint64_t tcp_syn_cookies_sent;     /* SYNs answered statelessly: the listen queue was full */
    uint64_t tcp_syn_cookies_accepted; /* connections made from a returned, valid cookie */
    uint64_t tcp_syn_cookies_refused;  /* ACKs to a listener whose cookie was wrong: reset */
    uint64_t tcp_half_open_dropped;    /* oldest half-open connections dropped for a new one */
    uint64_t tcp_idle_evicted; /* accepted connections silent the longest, reset for a new one */
    uint64_t tcp_peer_limited; /* new connections refused: none free, the peer holds its share */
};

/* Fills stats. Returns 0, -EINVAL if stats is NULL, -ENETDOWN if the network is not started. */
int mote_net_stats(struct mote_net_stats *stats);

#endif
