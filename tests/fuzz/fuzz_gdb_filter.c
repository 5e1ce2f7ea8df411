// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the frame filter of a stopped image (net/gdb_filter.c) on
 * any frame, in a heap block of its exact size so ASan sees any read past it.
 * Checked: what passes is ARP, IPv4 ICMP, IPv6 ICMPv6, DHCP to the client, or
 * TCP to the debugger's port (the port is the input's first two bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/gdb_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t port = (uint16_t)(data[0] << 8 | data[1]);
    size -= 2;
    uint8_t *frame = malloc(size ? size : 1);
    if (!frame)
        return 0;
    memcpy(frame, data + 2, size);
    if (gdb_frame_wanted(frame, size, port)) {
        if (size < 14)
            abort();
        uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);
        if (type == 0x0800) {
            size_t ihl = (size_t)(frame[14] & 0x0f) * 4;
            uint8_t proto = frame[14 + 9];
            uint16_t dport = size >= 14 + ihl + 4
                                 ? (uint16_t)(frame[14 + ihl + 2] << 8 | frame[14 + ihl + 3])
                                 : 0;
            if (ihl < 20 ||
                !(proto == 1 || (proto == 6 && dport == port) || (proto == 17 && dport == 68)))
                abort();
        } else if (type == 0x86dd) {
            uint8_t next = frame[14 + 6];
            uint16_t dport =
                size >= 14 + 40 + 4 ? (uint16_t)(frame[14 + 40 + 2] << 8 | frame[14 + 40 + 3]) : 0;
            if (!(next == 58 || (next == 6 && dport == port)))
                abort();
        } else if (type != 0x0806) {
            abort();
        }
    }
    free(frame);
    return 0;
}
