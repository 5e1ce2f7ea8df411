// SPDX-License-Identifier: MIT
/* DNS wire format: names and the bounded writer, see wire.h. */
#include "lib/dns/wire.h"

#include <errno.h>
#include <string.h>

int dns_read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t name[DNS_NAME_MAX])
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
        memcpy(name + out, msg + pos, 1 + (size_t)b);
        out += 1 + (size_t)b;
        pos += 1 + (size_t)b;
        if (b == 0)
            break;
    }
    *off = pointers ? next : pos;
    return (int)out;
}

static uint8_t fold(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

int dns_name_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    /*
     * Names mostly match byte for byte (same case): compare eight bytes at a
     * time and fold only a word that differs. Length bytes are <= 63, below
     * 'A', so folding them changes nothing.
     */
    size_t i = 0;
    for (; len - i >= sizeof(uint64_t); i += sizeof(uint64_t)) {
        uint64_t wa, wb;
        memcpy(&wa, a + i, sizeof(wa));
        memcpy(&wb, b + i, sizeof(wb));
        if (wa == wb)
            continue;
        for (size_t j = i; j < i + sizeof(uint64_t); j++)
            if (fold(a[j]) != fold(b[j]))
                return 0;
    }
    for (; i < len; i++)
        if (a[i] != b[i] && fold(a[i]) != fold(b[i]))
            return 0;
    return 1;
}

/*
 * The fixed-size writers store their bytes directly: they run a dozen times
 * per reply, and a byte array handed to dns_put_bytes costs a memcpy call and
 * a stack-protector check each time.
 */
static uint8_t *reserve(struct dns_writer *w, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return NULL;
    }
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
}

void dns_put8(struct dns_writer *w, uint8_t v)
{
    uint8_t *p = reserve(w, sizeof(v));
    if (p)
        p[0] = v;
}

void dns_put16(struct dns_writer *w, uint16_t v)
{
    uint8_t *p = reserve(w, sizeof(v));
    if (p) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    }
}

void dns_put32(struct dns_writer *w, uint32_t v)
{
    uint8_t *p = reserve(w, sizeof(v));
    if (p) {
        p[0] = (uint8_t)(v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
    }
}

void dns_put_bytes(struct dns_writer *w, const void *p, size_t n)
{
    uint8_t *dst = reserve(w, n);
    if (dst)
        memcpy(dst, p, n);
}

void dns_put_pointer(struct dns_writer *w, size_t off)
{
    dns_put16(w, (uint16_t)(DNS_LABEL_POINTER << 8 | (off & DNS_POINTER_OFFSET_MASK)));
}

void dns_patch16(struct dns_writer *w, size_t off, uint16_t v)
{
    if (off + sizeof(v) > w->len)
        return;
    w->buf[off] = (uint8_t)(v >> 8);
    w->buf[off + 1] = (uint8_t)v;
}
