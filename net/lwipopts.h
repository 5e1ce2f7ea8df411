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
#define PBUF_POOL_SIZE           256
#define PBUF_POOL_BUFSIZE        1536
#define LWIP_SUPPORT_CUSTOM_PBUF 1 /* received frames stay in the driver's buffers (net/net.c) */

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
#define LWIP_IGMP            0
#define LWIP_DNS             0
#define LWIP_RAW             0
#define LWIP_IPV6            1
#define LWIP_IPV6_AUTOCONFIG 1 /* SLAAC */
#define LWIP_IPV6_MLD        1
#define LWIP_IPV6_DHCP6      0
#define LWIP_ICMP6           1
#define LWIP_HAVE_LOOPIF     0

/* Robustness: bounded queues and reassembly, checksums always checked */
#define TCP_MSS                    1460
#define TCP_WND                    (8 * TCP_MSS)
#define TCP_SND_BUF                (8 * TCP_MSS)
#define TCP_QUEUE_OOSEQ            1
#define TCP_OOSEQ_MAX_BYTES        (4 * TCP_MSS)
#define TCP_OOSEQ_MAX_PBUFS        8
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 16
#define LWIP_TCP_KEEPALIVE         1 /* per-connection keep-alive times: the GDB stub's debugger */
#define IP_REASSEMBLY              1
#define IP_FRAG                    1
#define IP_REASS_MAX_PBUFS         32
#define LWIP_IPV6_REASS            1
#define IPV6_FRAG_COPYHEADER       1 /* 64-bit pointers do not fit in the IPv6 fragment header */
#define CHECKSUM_CHECK_IP          1
#define CHECKSUM_CHECK_UDP         1
#define CHECKSUM_CHECK_TCP         1
#define CHECKSUM_CHECK_ICMP        1
#define CHECKSUM_CHECK_ICMP6       1

/*
 * Hooks (net/hooks.h): RFC 6528 initial sequence numbers; SYN cookies and
 * room for new connections under a flood (net/tcp_guard.c)
 */
#define LWIP_HOOK_FILENAME "net/hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    net_tcp_isn(local_ip, local_port, remote_ip, remote_port)
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
    net_tcp_guard_input(pcb, hdr, optlen, opt1len, opt2, p)

/* Netif callbacks, for "address acquired" and link changes */
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_HOSTNAME            1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* address changes, IPv6 included, for the log */

/* Counters behind mote_net_stats() */
#define LWIP_STATS         1
#define LWIP_STATS_LARGE   1 /* 32-bit counters */
#define LWIP_STATS_DISPLAY 0
#define MIB2_STATS         0

#endif
