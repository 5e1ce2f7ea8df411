/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote serial protocol, the stub's side ("Debugging with GDB",
 * appendix E "GDB Remote Serial Protocol"). Portable: no hardware, no OS
 * calls. The target (registers, memory, breakpoints) and the byte transport
 * are callbacks, so the same core runs in the image (kernel/gdbstub.c over
 * arch/aarch64/gdb_arch.c) and on the host in unit tests and the fuzzer.
 *
 * Supported: framing with checksums and '}' escapes, acks and no-ack mode
 * (QStartNoAckMode), qSupported with PacketSize, qXfer:features:read (the
 * target description comes from the target), ?, g/G, p/P, m/M/X, c/s/C/S,
 * vCont (one thread: the first action applies), Z0-Z4/z0-z4, k, D, H, T,
 * qAttached, qC, qfThreadInfo/qsThreadInfo, qSymbol. Anything else gets the
 * empty reply ("not supported"). Every malformed packet gets "E16" (EINVAL),
 * every memory access the target refuses "E0e" (EFAULT); nothing in a
 * packet is trusted: numbers are checked for overflow, lengths against the
 * buffers, addresses by the target.
 */
#ifndef LIB_GDB_GDB_H
#define LIB_GDB_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_PACKET_MAX 4096 /* payload bytes, as announced in PacketSize */
#define GDB_REG_MAX    16   /* bytes of the widest register (a 128-bit vector) */

/* Signal numbers of GDB's stop replies (gdb/signals.def, the same as Linux's). */
#define GDB_SIGINT  2
#define GDB_SIGILL  4
#define GDB_SIGTRAP 5
#define GDB_SIGBUS  7
#define GDB_SIGSEGV 11

/* What the debugger asked for when gdb_serve returns. */
enum gdb_action {
    GDB_CONTINUE,     /* resume (at gdb_stop.resume_addr if has_resume_addr) */
    GDB_STEP,         /* execute one instruction, then stop again */
    GDB_DETACH,       /* "D": forget the debugger, breakpoints already removed by it */
    GDB_KILL,         /* "k" or "vKill" */
    GDB_DISCONNECTED, /* the transport ended (getc returned < 0) */
};

/* Z/z types (E.3 "Z type,addr,kind") */
enum gdb_bp_type {
    GDB_BP_SOFTWARE = 0,
    GDB_BP_HARDWARE = 1,
    GDB_WP_WRITE = 2,
    GDB_WP_READ = 3,
    GDB_WP_ACCESS = 4,
};

/* Why the target stopped, for the stop reply. */
struct gdb_stop {
    int signal; /* GDB_SIG* */
    bool watch; /* a watchpoint hit: watch_type and watch_addr are valid */
    enum gdb_bp_type watch_type;
    uint64_t watch_addr; /* the watched address that triggered */
};

struct gdb_target {
    void *ctx;

    /* Transport: next received byte (blocks), or < 0 when the link is gone. */
    int (*getc)(void *ctx);
    /* Sends len bytes (blocks until they are handed to the transport). */
    void (*write)(void *ctx, const void *data, size_t len);

    /* Registers in the target description's order (regnum 0..nregs-1). */
    unsigned nregs;
    /* Copies register regno into buf (GDB_REG_MAX bytes), target byte order; returns its size or
     * -EINVAL. */
    int (*reg_read)(void *ctx, unsigned regno, uint8_t *buf);
    /* Sets register regno from exactly its size in bytes; returns 0 or -EINVAL. */
    int (*reg_write)(void *ctx, unsigned regno, const uint8_t *buf, size_t len);

    /*
     * Copies up to len bytes from addr, stopping at the first byte that may
     * not be read (unmapped, device memory). Returns how many were copied.
     */
    size_t (*mem_read)(void *ctx, uint64_t addr, uint8_t *buf, size_t len);
    /* Writes all len bytes at addr; returns 0 or -EFAULT (nothing written then). */
    int (*mem_write)(void *ctx, uint64_t addr, const uint8_t *buf, size_t len);

    /*
     * Inserts (insert true) or removes a breakpoint or watchpoint of kind
     * bytes (for Z0/Z1 the instruction size) at addr. Returns 0, -ENOSYS if
     * this type is not supported (the empty reply: gdb falls back), -ENOSPC
     * when the debug registers are all in use, -EINVAL for a shape the
     * hardware cannot watch, -EFAULT for an address that cannot hold one.
     */
    int (*breakpoint)(void *ctx, enum gdb_bp_type type, uint64_t addr, uint64_t kind, bool insert);

    /* The target description document named annex ("target.xml"), or NULL. */
    const char *(*features)(void *ctx, const char *annex);

    /*
     * How far the running image is from the ELF's addresses (ASLR), for
     * qOffsets, so gdb relocates the ELF's symbols; NULL when it never moves.
     */
    uint64_t (*load_offset)(void *ctx);
};

/* Counters of what was refused; never trusted input, only counted. */
struct gdb_stats {
    unsigned long packets;      /* well-formed packets received */
    unsigned long bad_checksum; /* answered '-' (or dropped in no-ack mode) */
    unsigned long too_long;     /* longer than GDB_PACKET_MAX: answered E16 */
    unsigned long errors;       /* E replies sent */
};

struct gdb_session {
    const struct gdb_target *t;
    bool no_ack;     /* QStartNoAckMode accepted */
    bool have_start; /* a '$' was read while waiting for an ack */
    bool has_resume_addr;
    uint64_t resume_addr; /* from "c ADDR" / "s ADDR" */
    struct gdb_stats stats;
    uint8_t in[GDB_PACKET_MAX + 1];  /* unescaped payload, NUL-terminated */
    uint8_t out[GDB_PACKET_MAX + 1]; /* reply payload before escaping */
    uint8_t wire[2 * GDB_PACKET_MAX + 8];
};

/* Starts a session on target t (not copied: it must outlive the session). */
void gdb_session_init(struct gdb_session *s, const struct gdb_target *t);

/*
 * Serves the debugger while the target is stopped. With report, first sends
 * the stop reply for stop (gdb is waiting for one after c/s, or after a
 * Ctrl-C); without, waits for gdb to ask ("?"). Returns what gdb asked for;
 * the caller resumes accordingly and calls again at the next stop.
 */
enum gdb_action gdb_serve(struct gdb_session *s, const struct gdb_stop *stop, bool report);

/*
 * Reads one packet and returns its payload length (in s->in), or -1 when the
 * transport ended. Acks it in ack mode; a bad checksum is answered '-' and
 * skipped. Exposed for tests.
 */
int gdb_read_packet(struct gdb_session *s);

/* Sends payload (len bytes, escaped as needed), waits for '+' in ack mode. Returns 0 or -1. */
int gdb_send_packet(struct gdb_session *s, const uint8_t *payload, size_t len);

#endif
