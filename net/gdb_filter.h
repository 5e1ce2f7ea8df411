/* SPDX-License-Identifier: MIT */
/*
 * What a stopped image still takes from the network (net/gdb_tcp.c swaps the
 * device's receive hook for this while the GDB stub holds the machine): ARP,
 * ICMP, ICMPv6 (neighbour discovery), DHCP replies, and TCP segments to the
 * debugger's port. Pure, so it is fuzzed (tests/fuzz/fuzz_gdb_filter.c).
 */
#ifndef NET_GDB_FILTER_H
#define NET_GDB_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the Ethernet frame (len bytes, any content) may reach lwIP while stopped. */
bool gdb_frame_wanted(const uint8_t *frame, size_t len, uint16_t gdb_port);

#endif
