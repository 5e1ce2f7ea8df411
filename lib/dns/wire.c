// SPDX-License-Identifier: MIT
/* DNS wire format: skipping a name, see wire.h. */
#include "lib/dns/wire.h"

#include <errno.h>

int dns_skip_name(const uint8_t *msg, size_t len, size_t *off)
{
    size_t pos = *off, run = *off, next = 0, out = 0;
    unsigned pointers = 0;

    for (;;) {
        if (pos >= len)
            return -EBADMSG;
        uint8_t b = msg[pos];
        if ((b & DNS_LABEL_TYPE_MASK) == DNS_LABEL_POINTER) {
            if (pos + DNS_POINTER_LEN > len)
                return -EBADMSG;
            size_t target = dns_get16(msg + pos) & DNS_POINTER_OFFSET_MASK;
            /*
             * Strictly below the start of the current run of labels: pointing
             * anywhere in the run (itself included) or ahead could loop.
             */
            /* No name starts inside the header (RFC 1035 §4.1.4: offsets from the message start) */
            if (target < DNS_HEADER_LEN || target >= run || ++pointers > DNS_NAME_MAX_POINTERS)
                return -EBADMSG;
            if (pointers == 1)
                next = pos + DNS_POINTER_LEN;
            pos = run = target;
            continue;
        }
        if ((b & DNS_LABEL_TYPE_MASK) != DNS_LABEL_NORMAL)
            return -EBADMSG;
        /* b <= DNS_LABEL_MAX now: the type bits were clear */
        if (out + 1 + b > DNS_NAME_MAX || pos + 1 + b > len)
            return -EBADMSG;
        out += 1 + (size_t)b;
        pos += 1 + (size_t)b;
        if (b == 0)
            break;
    }
    *off = pointers ? next : pos;
    return (int)out;
}
