/* SPDX-License-Identifier: MIT */
/*
 * lwIP's options for Mote: the one place they live (lwIP itself is kept
 * pristine, from Debian's source package). NO_SYS with the raw API, driven
 * from the event loop: lwIP is never entered from an interrupt, so it needs
 * no locking. Robustness limits follow lwIP's own advice for exposed hosts.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

/* Environment */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN         0
#define LWIP_SOCKET          0
#define LWIP_TIMERS          1
#define LWIP_TIMERS_CUSTOM   1 /* net/timeouts.c: each timer runs only while needed */
#define MEM_ALIGNMENT        8
#define MEM_LIBC_MALLOC      1 /* lwIP's heap is picolibc's malloc */
#define MEMP_MEM_MALLOC      0 /* fixed pools: bounded memory for each kind of object */
#define MEM_USE_POOLS        0

/* Pools and buffers */
#define MEMP_NUM_PBUF            64
#define MEMP_NUM_UDP_PCB         16
#define MEMP_NUM_TCP_PCB         128
#define MEMP_NUM_TCP_PCB_LISTEN  8
#define MEMP_NUM_TCP_SEG         256
#define MEMP_NUM_REASSDATA       8
#define MEMP_NUM_FRAG_PBUF       16
#define PBUF_POOL_BUFSIZE        1536
#define LWIP_SUPPORT_CUSTOM_PBUF 1 /* received frames stay in the driver's buffers (net/net.c) */
/*
 * The pbuf pool holds received frames only when the driver cannot lend its
 * own buffer (net/net.c frame_pbuf: virtio-net and the USB drivers lend theirs
 * while they have spares, 64 on virtio-net), and TLS's decrypted records
 * (altcp_tls_mbedtls reads into pool pbufs). 64 covers a full out-of-order
 * window (TCP_OOSEQ_MAX_PBUFS) beyond the spares; TLS images keep 256. Each
 * is 1.5 KiB of BSS: 288 KiB less RAM for the images without TLS.
 */
#if MOTE_TLS
#define PBUF_POOL_SIZE 256
#else
#define PBUF_POOL_SIZE 64
#endif

/* Protocols */
#define LWIP_ARP             1
#define ARP_QUEUEING         1  /* packets wait for their ARP reply instead of being dropped... */
#define ARP_QUEUE_LEN        32 /* ...up to this many per address */
#define MEMP_NUM_ARP_QUEUE   64
#define LWIP_ETHERNET        1
#define LWIP_IPV4            1
#define LWIP_ICMP            1
#define LWIP_UDP             1
#define LWIP_TCP             1
#define LWIP_DHCP            1
#define LWIP_AUTOIP          0
#define LWIP_DNS             0
#define LWIP_RAW             0
#define LWIP_IPV6            1
#define LWIP_IPV6_AUTOCONFIG 1 /* SLAAC */
#define LWIP_IPV6_MLD        1
#define LWIP_IPV6_DHCP6      0
#define LWIP_ICMP6           1
#define LWIP_HAVE_LOOPIF     0

/*
 * IGMP only in the builds that have mDNS, the one user of an IPv4 group
 * (224.0.0.251; net/mdns.c turns IGMP on for the interface when it starts):
 * lwIP built for images that name mdns (MOTE_MDNS, mk/lwip.mk) and the TLS
 * build (MOTE_TLS, whose services announce themselves). Without IGMP, lwIP
 * would take in IPv4 multicast for any group: net/ip_guard.c drops it, as a
 * host in no group does (RFC 1112 §7.2), as lwIP does with IGMP and none joined.
 */
#if MOTE_MDNS || MOTE_TLS
#define LWIP_IGMP 1
#else
#define LWIP_IGMP 0
#endif

/*
 * TCP. Chosen for a lossy path (bench/tcp_loss.py: 10% loss, 20 ms delay,
 * 25% reordering each way, where a 1 MiB upload used to stall until the
 * service's idle timeout reset it, and now takes about 1.5x Linux's time):
 * - TCP_WND 16 segments (23 KiB): a window of 8 left the sender too few
 *   segments in flight for three duplicate ACKs after a loss, so most losses
 *   waited for a retransmission timeout. It is also what TLS needs:
 *   altcp_tls_mbedtls acknowledges a record's bytes only once the whole
 *   record (up to 16 KiB, MBEDTLS_SSL_IN_CONTENT_LEN) is decrypted.
 * - Out-of-order segments kept up to a whole window (TCP_OOSEQ_MAX_BYTES,
 *   32 pbufs): with 4 segments' worth, reordering filled the queue and what
 *   came after a hole was dropped and sent again. lwIP frees every
 *   connection's out-of-order data when the pbuf pool runs dry
 *   (PBUF_POOL_FREE_OOSEQ), so a flood of holes cannot pin the pool.
 * - SACK (RFC 2018) sent, up to 4 blocks: the sender retransmits just the
 *   holes instead of everything after the first. Connections made from a
 *   SYN cookie (net/tcp_guard.c) go without it; the cookie has no bit for it.
 * - TCP_MSS 1460 (Ethernet), Nagle off per connection (net/tcp.c), lwIP's
 *   retransmission timer as it is (RFC 6298: 1 s initial, then from the
 *   measured RTT): Mote is the receiver in an upload, so the sender's timers
 *   count, and the receiver's part is to keep and acknowledge what arrives.
 * - The send buffer stays 8 segments: what Mote sends is answers, and
 *   mote_tcp_send keeps the rest waiting outside lwIP.
 * - TCP_TMR_INTERVAL 100 ms (lwIP's default 250): a delayed ACK goes out
 *   within one fast tick, and a sender whose window shrank to a segment or
 *   two after a loss waits on it for each one; the slow tick (twice that)
 *   is also the granularity of lwIP's own retransmission timer. The timer
 *   runs only while connections exist (lwIP's tcp_timer_needed).
 * Measured (bench/tcp_loss.py, 3 runs each, medians): 1 MiB in 3.3 s
 * against Linux's 3.0 s, 4 MiB in 13.4 s against 9.1 s (1.5x).
 */
#define TCP_MSS                    1460
#define TCP_WND                    (16 * TCP_MSS)
#define TCP_SND_BUF                (8 * TCP_MSS)
#define TCP_QUEUE_OOSEQ            1
#define TCP_OOSEQ_MAX_BYTES        TCP_WND
#define TCP_OOSEQ_MAX_PBUFS        32
#define LWIP_TCP_SACK_OUT          1
#define LWIP_TCP_MAX_SACK_NUM      4
#define TCP_TMR_INTERVAL           100
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 16
#define LWIP_TCP_KEEPALIVE         1 /* per-connection keep-alive times: the GDB stub's debugger */

/* Robustness: bounded queues and reassembly, checksums always checked */
#define IP_REASSEMBLY        1
#define IP_FRAG              1
#define IP_REASS_MAX_PBUFS   32
#define LWIP_IPV6_REASS      1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the IPv6 fragment header */
#define CHECKSUM_CHECK_IP    1
#define CHECKSUM_CHECK_UDP   1
#define CHECKSUM_CHECK_TCP   1
#define CHECKSUM_CHECK_ICMP  1
#define CHECKSUM_CHECK_ICMP6 1
/*
 * Checksum offload (net/net.c): the netif's switches say which checksums lwIP
 * computes and checks. With a device that completes them, lwIP leaves UDP's
 * and TCP's out of what it sends; a received frame's checks are waived only
 * for the one frame whose checksum the device vouched for, and lwIP checks
 * everything else. The software sum is net/csum.c's, eight bytes a step.
 */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHKSUM                  net_chksum
#include <stdint.h>
uint16_t net_chksum(const void *data, int len); /* net/csum.c */

/*
 * Hooks (net/hooks.h): RFC 6528 initial sequence numbers; SYN cookies and
 * room for new connections under a flood (net/tcp_guard.c); IPv4 inputs
 * lwIP mishandles, dropped first (net/ip_guard.c)
 */
#define LWIP_HOOK_FILENAME "net/hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    net_tcp_isn(local_ip, local_port, remote_ip, remote_port)
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
    net_tcp_guard_input(pcb, hdr, optlen, opt1len, opt2, p)
#define LWIP_HOOK_IP4_INPUT(p, inp) net_ip4_guard_input(p, inp) /* net/ip_guard.c */

/* Netif callbacks, for "address acquired" and link changes */
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_HOSTNAME            1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* address changes, IPv6 included, for the log */

#if MOTE_TLS
/* TLS (mk/mbedtls.mk builds lwIP a second time with MOTE_TLS=1 for images that use it) */
#define LWIP_ALTCP             1 /* the layered TCP API altcp_tls_mbedtls plugs into */
#define LWIP_ALTCP_TLS         1
#define LWIP_ALTCP_TLS_MBEDTLS 1 /* mbedTLS 2.28 (net/mbedtls_config.h) */
/* net/tcp.c puts every TCP pcb under altcp here: TLS ones take two (TLS over TCP) */
#define MEMP_NUM_ALTCP_PCB (2 * MEMP_NUM_TCP_PCB)
#endif

/* SNTP (net/sntp.c: ntp=ADDR sets the wall clock) */
#define SNTP_SERVER_DNS                  0 /* no resolver in the image: ntp= is an address */
#define SNTP_CHECK_RESPONSE              2 /* the answer must come from our server and echo our request */
#define SNTP_COMP_ROUNDTRIP              1 /* RFC 4330 §5 offset: the network's delay is not the clock's */
#define SNTP_STARTUP_DELAY               0     /* certificates need the time: ask at once */
#define SNTP_RETRY_TIMEOUT               5000  /* ms; doubled after each unanswered request... */
#define SNTP_RETRY_TIMEOUT_MAX           60000 /* ...up to a minute */
#define SNTP_UPDATE_DELAY                3600000 /* ms between polls once answered: the clock drifts slowly */
#define SNTP_SET_SYSTEM_TIME_US(sec, us) net_sntp_set_time(sec, us)
#define SNTP_GET_SYSTEM_TIME(sec, us)    net_sntp_get_time(&(sec), &(us))
#include <stdint.h>
void net_sntp_set_time(uint32_t sec, uint32_t us); /* net/sntp.c */
void net_sntp_get_time(uint32_t *sec, uint32_t *us);

/* Counters behind mote_net_stats() */
#define LWIP_STATS         1
#define LWIP_STATS_LARGE   1 /* 32-bit counters */
#define LWIP_STATS_DISPLAY 0
#define MIB2_STATS         0

/*
 * MQTT client (apps/mqtt, net/mqtt.c). It is written on altcp: plain TCP
 * where altcp is off (altcp.h maps it onto tcp_*), and TLS becomes a
 * configuration of the same connection where it is on. Sizes follow
 * include/mote/mqtt.h's bounds (net/mqtt.c checks them at build time).
 */
#define MQTT_OUTPUT_RINGBUF_SIZE   4096 /* two of the largest PUBLISH, more of the usual */
#define MQTT_VAR_HEADER_BUFFER_LEN 512  /* a PUBLISH's header with the longest topic */
#define MQTT_REQ_MAX_IN_FLIGHT     24   /* 8 subscriptions + 16 QoS 1 messages in flight */
/*
 * lwIP's applications' one-shot timeouts at once (net/timeouts.c): one cyclic
 * timer per MQTT client (MOTE_MQTT_CLIENTS_MAX), mDNS's probe, SNTP's poll.
 */
#define NET_TIMEOUTS_MAX (2 + 1 + 1)

/* mDNS responder (apps/mdns, net/mdns.c): one interface, MOTE_MDNS_SERVICES_MAX services. */
#define LWIP_MDNS_RESPONDER        LWIP_IGMP
#define LWIP_NUM_NETIF_CLIENT_DATA LWIP_IGMP
#define MDNS_MAX_SERVICES          4

#endif
