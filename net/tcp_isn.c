// SPDX-License-Identifier: MIT
/*
 * TCP initial sequence numbers as RFC 6528 §3 asks: ISN = M + F(localip,
 * localport, remoteip, remoteport, secretkey), with M a clock ticking every
 * 4 microseconds and F SipHash-2-4 under a key drawn from the random source
 * on first use. An off-path attacker cannot guess the ISN of a connection, and
 * successive connections between the same ends still get increasing ISNs.
 */
#include <stdbool.h>
#include <string.h>

#include <mote/time.h>

#include "kernel/random.h"
#include "lib/siphash/siphash.h"
#include "net/hooks.h"

#define ISN_TICK_NS 4000 /* RFC 793's 4 µs ISN clock */
#define ADDR_LEN    16

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                  u16_t remote_port)
{
    static uint8_t key[SIPHASH_KEY_LEN];
    static bool keyed;
    if (!keyed) {
        uint64_t k[2] = {random_u64(), random_u64()};
        memcpy(key, k, sizeof(key));
        keyed = true;
    }

    /* The connection's 4-tuple, IPv4 addresses in the first 4 bytes of their field. */
    struct {
        uint8_t local[ADDR_LEN], remote[ADDR_LEN];
        u16_t local_port, remote_port;
        uint8_t v6;
    } tuple;
    memset(&tuple, 0, sizeof(tuple));
    tuple.v6 = IP_IS_V6(local_ip);
    if (tuple.v6) {
        memcpy(tuple.local, ip_2_ip6(local_ip)->addr, ADDR_LEN);
        memcpy(tuple.remote, ip_2_ip6(remote_ip)->addr, ADDR_LEN);
    } else {
        memcpy(tuple.local, &ip_2_ip4(local_ip)->addr, sizeof(ip_2_ip4(local_ip)->addr));
        memcpy(tuple.remote, &ip_2_ip4(remote_ip)->addr, sizeof(ip_2_ip4(remote_ip)->addr));
    }
    tuple.local_port = local_port;
    tuple.remote_port = remote_port;

    u32_t m = (u32_t)(mote_time_ns() / ISN_TICK_NS);
    return m + (u32_t)siphash24(key, &tuple, sizeof(tuple));
}
