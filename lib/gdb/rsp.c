// SPDX-License-Identifier: MIT
/*
 * The GDB remote serial protocol, the stub's side: see gdb.h. Packets are
 * "$payload#cs" with cs the modulo-256 sum of the payload's bytes as two hex
 * digits (E.1 "Overview"); '}' escapes the next byte XOR 0x20 (binary data).
 */
#include "lib/gdb/gdb.h"

#include <errno.h>
#include <string.h>

#include "lib/args/number.h"

#define RSP_START      '$'
#define RSP_END        '#'
#define RSP_ESCAPE     '}'
#define RSP_RLE        '*'
#define RSP_ESCAPE_XOR 0x20
#define RSP_ACK        '+'
#define RSP_NAK        '-'
#define RSP_INTERRUPT  0x03
#define RSP_RESEND_MAX 8 /* retransmissions of one reply answered '-' before giving up on it */

#define HEX_DIGITS_U64 16

/* Errno values as GDB's "Enn" replies carry them (E.1: two hex digits of the stub's choice). */
#define REPLY_EINVAL "E16"
#define REPLY_EFAULT "E0e"
#define REPLY_ENOSPC "E1c"

static const char hexchars[] = "0123456789abcdef";

/* Parses 1..16 hex digits at *p into *out and advances *p. Returns 0 or -EINVAL. */
static int parse_hex(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0;
    while (number_hex_digit(**p) >= 0) {
        if (++n > HEX_DIGITS_U64)
            return -EINVAL;
        v = v << 4 | (uint64_t)number_hex_digit(**p);
        (*p)++;
    }
    if (n == 0)
        return -EINVAL;
    *out = v;
    return 0;
}

/* The reply under construction, in s->out. */
struct reply {
    struct gdb_session *s;
    size_t len;
    bool overflow;
};

static void put_bytes(struct reply *r, const void *data, size_t len)
{
    if (len > GDB_PACKET_MAX - r->len) {
        r->overflow = true;
        return;
    }
    memcpy(r->s->out + r->len, data, len);
    r->len += len;
}

static void put_str(struct reply *r, const char *str)
{
    put_bytes(r, str, strlen(str));
}

static void put_hex(struct reply *r, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char two[2] = {hexchars[data[i] >> 4], hexchars[data[i] & 0xf]};
        put_bytes(r, two, 2);
    }
}

/* A number without leading zeros, as in "watch:4020b000". */
static void put_hex_u64(struct reply *r, uint64_t v)
{
    char digits[HEX_DIGITS_U64];
    int n = 0;
    do {
        digits[HEX_DIGITS_U64 - 1 - n++] = hexchars[v & 0xf];
        v >>= 4;
    } while (v);
    put_bytes(r, digits + HEX_DIGITS_U64 - n, (size_t)n);
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target *t)
{
    memset(s, 0, sizeof(*s));
    s->t = t;
}

int gdb_send_packet(struct gdb_session *s, const uint8_t *payload, size_t len)
{
    size_t n = 0;
    uint8_t sum = 0;
    s->wire[n++] = RSP_START;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = payload[i];
        if (c == RSP_START || c == RSP_END || c == RSP_ESCAPE || c == RSP_RLE) {
            s->wire[n++] = RSP_ESCAPE;
            sum += RSP_ESCAPE;
            c ^= RSP_ESCAPE_XOR;
        }
        s->wire[n++] = c;
        sum += c;
    }
    s->wire[n++] = RSP_END;
    s->wire[n++] = (uint8_t)hexchars[sum >> 4];
    s->wire[n++] = (uint8_t)hexchars[sum & 0xf];

    for (int attempt = 0; attempt <= RSP_RESEND_MAX; attempt++) {
        s->t->write(s->t->ctx, s->wire, n);
        if (s->no_ack)
            return 0;
        /* Anything but an ack or a nak (a stray Ctrl-C, line noise) is skipped. */
        for (;;) {
            int c = s->t->getc(s->t->ctx);
            if (c < 0)
                return -1;
            if (c == RSP_ACK)
                return 0;
            if (c == RSP_NAK)
                break;
            if (c == RSP_START) { /* a new packet: the ack was lost; take it as given */
                s->have_start = true;
                return 0;
            }
        }
    }
    return 0; /* gdb keeps refusing it: go on, it will ask again */
}

int gdb_read_packet(struct gdb_session *s)
{
    bool started = s->have_start; /* a '$' was already read */
    s->have_start = false;
    for (;;) {
        int c;
        while (!started) {
            c = s->t->getc(s->t->ctx);
            if (c < 0)
                return -1;
            started = c == RSP_START; /* skips acks, Ctrl-C while stopped, noise */
        }
        started = false;

        size_t len = 0;
        uint8_t sum = 0;
        bool escaped = false, too_long = false, restart = false;
        for (;;) {
            c = s->t->getc(s->t->ctx);
            if (c < 0)
                return -1;
            if (c == RSP_START) { /* a new packet began: the previous one was cut */
                restart = true;
                break;
            }
            if (c == RSP_END)
                break;
            sum += (uint8_t)c;
            if (escaped) {
                c ^= RSP_ESCAPE_XOR;
                escaped = false;
            } else if (c == RSP_ESCAPE) {
                escaped = true;
                continue;
            }
            if (len == GDB_PACKET_MAX)
                too_long = true; /* keep summing to the end, keep nothing more */
            else
                s->in[len++] = (uint8_t)c;
        }
        if (restart) {
            s->stats.bad_checksum++;
            started = true;
            continue;
        }
        int hi = s->t->getc(s->t->ctx);
        int lo = hi < 0 ? -1 : s->t->getc(s->t->ctx);
        if (lo < 0)
            return -1;
        if (number_hex_digit(hi) < 0 || number_hex_digit(lo) < 0 ||
            (uint8_t)(number_hex_digit(hi) << 4 | number_hex_digit(lo)) != sum || escaped) {
            s->stats.bad_checksum++;
            if (!s->no_ack) {
                uint8_t nak = RSP_NAK;
                s->t->write(s->t->ctx, &nak, 1);
            }
            continue;
        }
        if (!s->no_ack) {
            uint8_t ack = RSP_ACK;
            s->t->write(s->t->ctx, &ack, 1);
        }
        if (too_long) {
            s->stats.too_long++;
            s->stats.errors++;
            if (gdb_send_packet(s, (const uint8_t *)REPLY_EINVAL, 3) < 0)
                return -1;
            continue;
        }
        s->in[len] = '\0';
        s->stats.packets++;
        return (int)len;
    }
}

static void put_stop(struct reply *r, const struct gdb_stop *stop)
{
    static const char *const watch_names[] = {
        [GDB_WP_WRITE] = "watch",
        [GDB_WP_READ] = "rwatch",
        [GDB_WP_ACCESS] = "awatch",
    };
    uint8_t sig = (uint8_t)stop->signal;
    put_str(r, "T");
    put_hex(r, &sig, 1);
    if (stop->watch && stop->watch_type >= GDB_WP_WRITE && stop->watch_type <= GDB_WP_ACCESS) {
        put_str(r, watch_names[stop->watch_type]);
        put_str(r, ":");
        put_hex_u64(r, stop->watch_addr);
        put_str(r, ";");
    }
    put_str(r, "thread:1;");
}

/* "addr,len" then the given terminator (or end of packet for '\0'). */
static int parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char end)
{
    if (parse_hex(p, addr) != 0 || **p != ',')
        return -EINVAL;
    (*p)++;
    if (parse_hex(p, len) != 0 || **p != end)
        return -EINVAL;
    if (end)
        (*p)++;
    return 0;
}

static int cmd_read_memory(struct reply *r, const char *p)
{
    uint64_t addr, len;
    uint8_t buf[GDB_PACKET_MAX / 2];
    if (parse_addr_len(&p, &addr, &len, '\0') != 0)
        return -EINVAL;
    if (len > sizeof(buf))
        len = sizeof(buf); /* a shorter reply is allowed (E.3 "m addr,length") */
    if (len == 0)
        return 0;
    if (addr + len < addr)
        return -EFAULT;
    size_t n = r->s->t->mem_read(r->s->t->ctx, addr, buf, (size_t)len);
    if (n == 0)
        return -EFAULT;
    put_hex(r, buf, n);
    return 0;
}

/* M addr,len:hex and X addr,len:binary (already unescaped by the framing). */
static int cmd_write_memory(struct reply *r, const char *p, size_t payload_len, bool binary)
{
    uint64_t addr, len;
    const char *start = p - 1;
    if (parse_addr_len(&p, &addr, &len, ':') != 0)
        return -EINVAL;
    size_t data_len = payload_len - (size_t)(p - start);
    uint8_t *data = (uint8_t *)p;
    if (binary ? data_len != len : data_len != 2 * len)
        return -EINVAL;
    if (!binary &&
        number_parse_hex_bytes(p, data, (size_t)len) != 0) /* in place: output is shorter */
        return -EINVAL;
    if (len && addr + len < addr)
        return -EFAULT;
    if (len && r->s->t->mem_write(r->s->t->ctx, addr, data, (size_t)len) != 0)
        return -EFAULT;
    put_str(r, "OK");
    return 0;
}

static int cmd_read_registers(struct reply *r)
{
    uint8_t buf[GDB_REG_MAX];
    for (unsigned i = 0; i < r->s->t->nregs; i++) {
        int n = r->s->t->reg_read(r->s->t->ctx, i, buf);
        if (n < 0 || n > GDB_REG_MAX)
            return -EINVAL;
        put_hex(r, buf, (size_t)n);
    }
    return 0;
}

static int cmd_write_registers(struct reply *r, const char *p, size_t hex_len)
{
    const struct gdb_target *t = r->s->t;
    uint8_t buf[GDB_REG_MAX];
    size_t total = 0;
    /* Check the size first: a G packet is all or nothing. */
    for (unsigned i = 0; i < t->nregs; i++) {
        int n = t->reg_read(t->ctx, i, buf);
        if (n < 0 || n > GDB_REG_MAX)
            return -EINVAL;
        total += (size_t)n;
    }
    if (hex_len != 2 * total)
        return -EINVAL;
    for (size_t i = 0; i < hex_len; i++)
        if (number_hex_digit(p[i]) < 0)
            return -EINVAL;
    for (unsigned i = 0; i < t->nregs; i++) {
        int n = t->reg_read(t->ctx, i, buf);
        number_parse_hex_bytes(p, buf, (size_t)n);
        if (t->reg_write(t->ctx, i, buf, (size_t)n) != 0)
            return -EINVAL;
        p += 2 * n;
    }
    put_str(r, "OK");
    return 0;
}

static int cmd_read_register(struct reply *r, const char *p)
{
    uint64_t regno;
    uint8_t buf[GDB_REG_MAX];
    if (parse_hex(&p, &regno) != 0 || *p || regno >= r->s->t->nregs)
        return -EINVAL;
    int n = r->s->t->reg_read(r->s->t->ctx, (unsigned)regno, buf);
    if (n < 0 || n > GDB_REG_MAX)
        return -EINVAL;
    put_hex(r, buf, (size_t)n);
    return 0;
}

static int cmd_write_register(struct reply *r, const char *p)
{
    uint64_t regno;
    uint8_t buf[GDB_REG_MAX];
    if (parse_hex(&p, &regno) != 0 || *p != '=' || regno >= r->s->t->nregs)
        return -EINVAL;
    p++;
    size_t hex_len = strlen(p);
    if (hex_len % 2 || hex_len > 2 * GDB_REG_MAX ||
        number_parse_hex_bytes(p, buf, hex_len / 2) != 0)
        return -EINVAL;
    if (r->s->t->reg_write(r->s->t->ctx, (unsigned)regno, buf, hex_len / 2) != 0)
        return -EINVAL;
    put_str(r, "OK");
    return 0;
}

/* Z/z type,addr,kind[;cond...]: conditions and commands are not supported and refused. */
static int cmd_breakpoint(struct reply *r, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    if (parse_hex(&p, &type) != 0 || *p++ != ',' || parse_hex(&p, &addr) != 0 || *p++ != ',' ||
        parse_hex(&p, &kind) != 0 || *p)
        return -EINVAL;
    if (type > GDB_WP_ACCESS)
        return -ENOSYS;
    int err = r->s->t->breakpoint(r->s->t->ctx, (enum gdb_bp_type)type, addr, kind, insert);
    if (err == 0)
        put_str(r, "OK");
    return err;
}

/* qXfer:features:read:ANNEX:offset,length */
static int cmd_xfer_features(struct reply *r, const char *p)
{
    const char *colon = strchr(p, ':');
    char annex[64];
    uint64_t off, len;
    if (!colon || (size_t)(colon - p) >= sizeof(annex))
        return -EINVAL;
    memcpy(annex, p, (size_t)(colon - p));
    annex[colon - p] = '\0';
    p = colon + 1;
    if (parse_addr_len(&p, &off, &len, '\0') != 0)
        return -EINVAL;
    const char *doc = r->s->t->features ? r->s->t->features(r->s->t->ctx, annex) : NULL;
    if (!doc)
        return -ENOENT;
    size_t size = strlen(doc);
    if (off > size)
        return -EINVAL;
    size_t n = size - (size_t)off;
    /* Room for the 'm'/'l' and the worst case of every byte escaped. */
    size_t room = (GDB_PACKET_MAX - 1) / 2;
    if (n > len)
        n = (size_t)len;
    if (n > room)
        n = room;
    put_str(r, n < size - (size_t)off ? "m" : "l");
    put_bytes(r, doc + off, n);
    return 0;
}

static bool starts_with(const char *p, const char *prefix)
{
    return strncmp(p, prefix, strlen(prefix)) == 0;
}

static int cmd_query(struct reply *r, const char *p)
{
    if (starts_with(p, "qSupported")) {
        put_str(r, "PacketSize=");
        put_hex_u64(r, GDB_PACKET_MAX);
        put_str(r, ";qXfer:features:read+;QStartNoAckMode+");
    } else if (strcmp(p, "QStartNoAckMode") == 0) {
        put_str(r, "OK");
    } else if (strcmp(p, "qAttached") == 0 || starts_with(p, "qAttached:")) {
        put_str(r, "1"); /* the image was running before: quitting gdb detaches, not kills */
    } else if (strcmp(p, "qC") == 0) {
        put_str(r, "QC1");
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        put_str(r, "m1");
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        put_str(r, "l");
    } else if (starts_with(p, "qSymbol:")) {
        put_str(r, "OK");
    } else if (starts_with(p, "qXfer:features:read:")) {
        return cmd_xfer_features(r, p + strlen("qXfer:features:read:"));
    } else if (strcmp(p, "qOffsets") == 0 && r->s->t->load_offset) {
        /* One offset for every section: the whole image moved together (aslr.h). */
        uint64_t off = r->s->t->load_offset(r->s->t->ctx);
        put_str(r, "Text=");
        put_hex_u64(r, off);
        put_str(r, ";Data=");
        put_hex_u64(r, off);
        put_str(r, ";Bss=");
        put_hex_u64(r, off);
    }
    return 0; /* anything else: the empty reply, "not supported" */
}

/* c/s [addr] and C/S sig[;addr]: returns the action, or < 0 for a malformed packet. */
static int parse_resume(struct gdb_session *s, const char *p, bool with_signal,
                        enum gdb_action action)
{
    uint64_t v;
    s->has_resume_addr = false;
    if (with_signal) { /* the signal is not delivered: Mote has no signals */
        if (parse_hex(&p, &v) != 0)
            return -EINVAL;
        if (*p == ';')
            p++;
        else if (*p)
            return -EINVAL;
    }
    if (*p) {
        if (parse_hex(&p, &v) != 0 || *p)
            return -EINVAL;
        s->has_resume_addr = true;
        s->resume_addr = v;
    }
    return (int)action;
}

/* vCont;action[:thread][;action[:thread]]...: one thread, so the first action decides. */
static int parse_vcont(struct gdb_session *s, const char *p)
{
    uint64_t v;
    s->has_resume_addr = false;
    if (*p++ != ';')
        return -EINVAL;
    char a = *p++;
    if (a == 'C' || a == 'S') {
        if (parse_hex(&p, &v) != 0)
            return -EINVAL;
    } else if (a != 'c' && a != 's') {
        return -EINVAL; /* 't' (stop) and 'r' (range step) are not offered by vCont? */
    }
    if (*p == ':') {
        p++;
        if (*p == '-') /* -1: all threads */
            p++;
        if (parse_hex(&p, &v) != 0)
            return -EINVAL;
    }
    if (*p && *p != ';')
        return -EINVAL;
    return a == 'c' || a == 'C' ? GDB_CONTINUE : GDB_STEP;
}

/*
 * Handles one packet: fills the reply and returns -1 to send it and go on,
 * or the gdb_action that ends the stop (the reply, if any, already built).
 */
static int handle(struct gdb_session *s, struct reply *r, size_t len, const struct gdb_stop *stop,
                  bool *send)
{
    const char *p = (const char *)s->in;
    int err = 0;
    *send = true;
    switch (p[0]) {
    case '?': put_stop(r, stop); break;
    case 'g': err = len == 1 ? cmd_read_registers(r) : -EINVAL; break;
    case 'G': err = cmd_write_registers(r, p + 1, len - 1); break;
    case 'p': err = cmd_read_register(r, p + 1); break;
    case 'P': err = cmd_write_register(r, p + 1); break;
    case 'm': err = cmd_read_memory(r, p + 1); break;
    case 'M': err = cmd_write_memory(r, p + 1, len, false); break;
    case 'X': err = cmd_write_memory(r, p + 1, len, true); break;
    case 'Z': err = cmd_breakpoint(r, p + 1, true); break;
    case 'z': err = cmd_breakpoint(r, p + 1, false); break;
    case 'H': put_str(r, "OK"); break; /* one thread: any choice is that thread */
    case 'T': put_str(r, "OK"); break; /* it is alive */
    case 'q':
    case 'Q': err = cmd_query(r, p); break;
    case 'c':
    case 's':
    case 'C':
    case 'S': {
        bool sig = p[0] == 'C' || p[0] == 'S';
        int a = parse_resume(s, p + 1, sig, p[0] == 'c' || p[0] == 'C' ? GDB_CONTINUE : GDB_STEP);
        if (a >= 0) {
            *send = false;
            return a;
        }
        err = a;
        break;
    }
    case 'D':
        if (len != 1 && p[1] != ';')
            err = -EINVAL;
        else {
            put_str(r, "OK");
            return GDB_DETACH;
        }
        break;
    case 'k': *send = false; return GDB_KILL;
    case 'v':
        if (strcmp(p, "vCont?") == 0) {
            put_str(r, "vCont;c;C;s;S");
        } else if (starts_with(p, "vCont;")) {
            int a = parse_vcont(s, p + 5);
            if (a >= 0) {
                *send = false;
                return a;
            }
            err = a;
        } else if (starts_with(p, "vKill")) {
            put_str(r, "OK");
            return GDB_KILL;
        }
        break; /* other v packets (vMustReplyEmpty, vFile...): empty */
    default: break;
    }
    if (err == -ENOSYS) {
        r->len = 0; /* not supported: the empty reply */
    } else if (err) {
        r->len = 0;
        s->stats.errors++;
        put_str(r, err == -EFAULT ? REPLY_EFAULT : err == -ENOSPC ? REPLY_ENOSPC : REPLY_EINVAL);
    } else if (r->overflow) {
        r->len = 0;
        s->stats.errors++;
        put_str(r, REPLY_EINVAL);
    }
    return -1;
}

enum gdb_action gdb_serve(struct gdb_session *s, const struct gdb_stop *stop, bool report)
{
    struct reply r = {.s = s};
    if (report) {
        put_stop(&r, stop);
        if (gdb_send_packet(s, s->out, r.len) < 0)
            return GDB_DISCONNECTED;
    }
    for (;;) {
        int len = gdb_read_packet(s);
        if (len < 0)
            return GDB_DISCONNECTED;
        r = (struct reply){.s = s};
        bool send = true; /* an empty packet gets the empty reply */
        int action = len == 0 ? -1 : handle(s, &r, (size_t)len, stop, &send);
        if (send && gdb_send_packet(s, s->out, r.len) < 0)
            return GDB_DISCONNECTED;
        /* The acknowledgement of QStartNoAckMode's OK is the last one (E.11). */
        if (strcmp((const char *)s->in, "QStartNoAckMode") == 0)
            s->no_ack = true;
        if (action >= 0)
            return (enum gdb_action)action;
    }
}
