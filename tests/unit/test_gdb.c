// SPDX-License-Identifier: MIT
/* Unit tests for the GDB remote serial protocol core (lib/gdb/rsp.c) against a fake target. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/gdb/gdb.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 256u
#define NREGS    3 /* 8, 8 and 16 bytes: like x0, pc and v0 */

static struct fake {
    const char *in;
    size_t in_len, in_pos;
    char out[65536];
    size_t out_len;
    uint8_t regs[NREGS][16];
    uint8_t mem[MEM_SIZE];
    int bp_calls;
    enum gdb_bp_type bp_type;
    uint64_t bp_addr, bp_kind;
    bool bp_insert;
    int bp_result;
} f;

static int fake_getc(void *ctx)
{
    (void)ctx;
    return f.in_pos < f.in_len ? (uint8_t)f.in[f.in_pos++] : -1;
}

static void fake_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    assert_true(f.out_len + len < sizeof(f.out));
    memcpy(f.out + f.out_len, data, len);
    f.out_len += len;
    f.out[f.out_len] = '\0';
}

static int reg_size(unsigned regno)
{
    return regno == 2 ? 16 : 8;
}

static int fake_reg_read(void *ctx, unsigned regno, uint8_t *buf)
{
    (void)ctx;
    if (regno >= NREGS)
        return -EINVAL;
    memcpy(buf, f.regs[regno], (size_t)reg_size(regno));
    return reg_size(regno);
}

static int fake_reg_write(void *ctx, unsigned regno, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (regno >= NREGS || len != (size_t)reg_size(regno))
        return -EINVAL;
    memcpy(f.regs[regno], buf, len);
    return 0;
}

static size_t fake_mem_read(void *ctx, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && addr + n >= MEM_BASE && addr + n < MEM_BASE + MEM_SIZE) {
        buf[n] = f.mem[addr + n - MEM_BASE];
        n++;
    }
    return n;
}

static int fake_mem_write(void *ctx, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE || addr + len < addr)
        return -EFAULT;
    memcpy(f.mem + addr - MEM_BASE, buf, len);
    return 0;
}

static int fake_breakpoint(void *ctx, enum gdb_bp_type type, uint64_t addr, uint64_t kind,
                           bool insert)
{
    (void)ctx;
    f.bp_calls++;
    f.bp_type = type;
    f.bp_addr = addr;
    f.bp_kind = kind;
    f.bp_insert = insert;
    return f.bp_result;
}

static const char xml[] = "<?xml version=\"1.0\"?><target><architecture>aarch64</architecture>"
                          "</target>";

static const char *fake_features(void *ctx, const char *annex)
{
    (void)ctx;
    return strcmp(annex, "target.xml") == 0 ? xml : NULL;
}

static const struct gdb_target target = {
    .getc = fake_getc,
    .write = fake_write,
    .nregs = NREGS,
    .reg_read = fake_reg_read,
    .reg_write = fake_reg_write,
    .mem_read = fake_mem_read,
    .mem_write = fake_mem_write,
    .breakpoint = fake_breakpoint,
    .features = fake_features,
};

static struct gdb_session session;
static const struct gdb_stop trap = {.signal = GDB_SIGTRAP};

/* Frames payload as gdb would: "$payload#cs". */
static const char *pkt(const char *payload)
{
    static char bufs[8][8192];
    static int next;
    char *b = bufs[next++ % 8];
    unsigned sum = 0;
    for (const char *p = payload; *p; p++)
        sum += (uint8_t)*p;
    snprintf(b, sizeof(bufs[0]), "$%s#%02x", payload, sum & 0xff);
    return b;
}

static int setup(void **state)
{
    (void)state;
    memset(&f, 0, sizeof(f));
    for (unsigned i = 0; i < MEM_SIZE; i++)
        f.mem[i] = (uint8_t)i;
    gdb_session_init(&session, &target);
    session.no_ack = true; /* most tests: no '+' to script */
    return 0;
}

static void feed(const char *in, size_t len)
{
    f.in = in;
    f.in_len = len;
    f.in_pos = 0;
    f.out_len = 0;
    f.out[0] = '\0';
}

/* Feeds the packets of in (already framed), serves until the input ends or an action. */
static enum gdb_action serve(const char *in)
{
    feed(in, strlen(in));
    return gdb_serve(&session, &trap, false);
}

/* The one reply expected for payload, in no-ack mode. */
static void expect_reply(const char *payload, const char *want)
{
    assert_int_equal(serve(pkt(payload)), GDB_DISCONNECTED);
    assert_string_equal(f.out, pkt(want));
}

static void test_gdb_acks_a_good_packet_and_naks_a_bad_checksum(void **state)
{
    (void)state;
    session.no_ack = false;
    char in[256];
    /* a corrupt packet, then the same one right, then the ack of the reply */
    snprintf(in, sizeof(in), "$?#00%s+", pkt("?"));
    assert_int_equal(serve(in), GDB_DISCONNECTED);
    char want[256];
    snprintf(want, sizeof(want), "-+%s", pkt("T05thread:1;"));
    assert_string_equal(f.out, want);
    assert_int_equal(session.stats.bad_checksum, 1);
}

static void test_gdb_resends_a_reply_answered_with_a_nak(void **state)
{
    (void)state;
    session.no_ack = false;
    char in[256];
    snprintf(in, sizeof(in), "%s-+", pkt("?"));
    serve(in);
    char want[256];
    snprintf(want, sizeof(want), "+%s%s", pkt("T05thread:1;"), pkt("T05thread:1;"));
    assert_string_equal(f.out, want);
}

static void test_gdb_takes_a_new_packet_as_the_ack_of_the_last_reply(void **state)
{
    (void)state;
    session.no_ack = false;
    char in[256];
    snprintf(in, sizeof(in), "%s%s+", pkt("?"), pkt("qC"));
    serve(in);
    char want[256];
    snprintf(want, sizeof(want), "+%s+%s", pkt("T05thread:1;"), pkt("QC1"));
    assert_string_equal(f.out, want);
}

static void test_gdb_no_ack_mode_starts_after_its_ok(void **state)
{
    (void)state;
    session.no_ack = false;
    char in[256];
    snprintf(in, sizeof(in), "%s+%s", pkt("QStartNoAckMode"), pkt("?"));
    serve(in);
    char want[256];
    snprintf(want, sizeof(want), "+%s%s", pkt("OK"), pkt("T05thread:1;"));
    assert_string_equal(f.out, want);
    assert_true(session.no_ack);
}

static void test_gdb_supported_announces_packet_size_and_features(void **state)
{
    (void)state;
    expect_reply("qSupported:multiprocess+;swbreak+;xmlRegisters=i386",
                 "PacketSize=1000;qXfer:features:read+;QStartNoAckMode+");
}

static void test_gdb_unknown_packets_get_the_empty_reply(void **state)
{
    (void)state;
    expect_reply("vMustReplyEmpty", "");
    expect_reply("qTStatus", "");
    expect_reply("!", "");
}

static uint64_t fake_load_offset(void *ctx)
{
    (void)ctx;
    return 0x41a0f1234000ull;
}

static void test_gdb_offsets_give_the_targets_load_offset_or_nothing(void **state)
{
    (void)state;
    expect_reply("qOffsets", ""); /* a target that never moves: not supported */
    struct gdb_target moved = target;
    moved.load_offset = fake_load_offset;
    gdb_session_init(&session, &moved);
    session.no_ack = true;
    expect_reply("qOffsets", "Text=41a0f1234000;Data=41a0f1234000;Bss=41a0f1234000");
    expect_reply("qOffsetsX", "");
}

static void test_gdb_reads_all_registers(void **state)
{
    (void)state;
    f.regs[0][0] = 0x11;
    f.regs[1][7] = 0x40;
    f.regs[2][15] = 0xff;
    expect_reply("g", "1100000000000000"
                      "0000000000000040"
                      "000000000000000000000000000000ff");
}

static void test_gdb_writes_all_registers_or_none(void **state)
{
    (void)state;
    expect_reply("G0100000000000000", "E16"); /* too short */
    assert_int_equal(f.regs[0][0], 0);
    expect_reply("G0100000000000000"
                 "0200000000000000"
                 "0300000000000000000000000000000x",
                 "E16"); /* not hex */
    assert_int_equal(f.regs[0][0], 0);
    expect_reply("G0100000000000000"
                 "0200000000000000"
                 "03000000000000000000000000000004",
                 "OK");
    assert_int_equal(f.regs[0][0], 1);
    assert_int_equal(f.regs[1][0], 2);
    assert_int_equal(f.regs[2][15], 4);
}

static void test_gdb_reads_and_writes_one_register(void **state)
{
    (void)state;
    expect_reply("P1=efbeadde00000000", "OK");
    expect_reply("p1", "efbeadde00000000");
    expect_reply("p3", "E16");                  /* no such register */
    expect_reply("P1=efbe", "E16");             /* wrong size */
    expect_reply("P2=zz", "E16");               /* not hex */
    expect_reply("pffffffffffffffffff", "E16"); /* number too long */
    expect_reply("p", "E16");
}

static void test_gdb_reads_memory_and_refuses_unmapped(void **state)
{
    (void)state;
    expect_reply("m1000,4", "00010203");
    expect_reply("m10fe,4", "feff"); /* the readable prefix */
    expect_reply("m0,4", "E0e");
    expect_reply("mffffffffffffffff,10", "E0e"); /* wraps around */
    expect_reply("m1000", "E16");
    expect_reply("m1000,", "E16");
    expect_reply("m,4", "E16");
    expect_reply("m1000,4x", "E16");
}

static void test_gdb_caps_a_huge_memory_read_at_the_packet_size(void **state)
{
    (void)state;
    assert_int_equal(serve(pkt("m1000,ffffffffffffffff")), GDB_DISCONNECTED);
    /* all 256 bytes, the readable part, and nothing past the buffer */
    assert_int_equal(f.out_len, 1 + 2 * MEM_SIZE + 3);
}

static void test_gdb_writes_memory_in_hex(void **state)
{
    (void)state;
    expect_reply("M1010,2:abcd", "OK");
    assert_int_equal(f.mem[0x10], 0xab);
    assert_int_equal(f.mem[0x11], 0xcd);
    expect_reply("M1010,2:abc", "E16");    /* length does not match */
    expect_reply("M1010,2:abcdef", "E16"); /* nor here */
    expect_reply("M1010,1:zz", "E16");
    expect_reply("M0,1:00", "E0e");
    expect_reply("M1010,2", "E16");
}

static void test_gdb_writes_binary_memory_with_escapes(void **state)
{
    (void)state;
    /* X1020,3: then '#', '}' and '$' escaped as "}\x03", "}\x5d", "}\x04" */
    const char payload[] = "X1020,3:}\x03}\x5d}\x04";
    assert_int_equal(serve(pkt(payload)), GDB_DISCONNECTED);
    assert_string_equal(f.out, pkt("OK"));
    assert_int_equal(f.mem[0x20], '#');
    assert_int_equal(f.mem[0x21], '}');
    assert_int_equal(f.mem[0x22], '$');
    expect_reply("X1020,0:", "OK"); /* gdb's probe for X support */
    expect_reply("X1020,2:a", "E16");
}

static void test_gdb_sets_and_clears_breakpoints(void **state)
{
    (void)state;
    expect_reply("Z0,40201000,4", "OK");
    assert_int_equal(f.bp_type, GDB_BP_SOFTWARE);
    assert_int_equal(f.bp_addr, 0x40201000);
    assert_int_equal(f.bp_kind, 4);
    assert_true(f.bp_insert);
    expect_reply("z2,4020b000,4", "OK");
    assert_int_equal(f.bp_type, GDB_WP_WRITE);
    assert_false(f.bp_insert);
    expect_reply("Z5,0,4", ""); /* unknown type: not supported */
    expect_reply("Z0,40201000", "E16");
    expect_reply("Z0,40201000,4;X1,0", "E16"); /* conditions are refused */
    f.bp_result = -ENOSPC;
    expect_reply("Z1,40201000,4", "E1c");
    f.bp_result = -ENOSYS;
    expect_reply("Z4,40201000,4", "");
}

static void test_gdb_sends_the_target_description_in_pieces(void **state)
{
    (void)state;
    char want[256];
    snprintf(want, sizeof(want), "m%.10s", xml);
    expect_reply("qXfer:features:read:target.xml:0,a", want);
    snprintf(want, sizeof(want), "l%s", xml + 10);
    expect_reply("qXfer:features:read:target.xml:a,fff", want);
    expect_reply("qXfer:features:read:other.xml:0,fff", "E16");
    expect_reply("qXfer:features:read:target.xml:ffff,10", "E16");
    expect_reply("qXfer:features:read:target.xml", "E16");
}

static void test_gdb_resume_packets_end_the_stop(void **state)
{
    (void)state;
    assert_int_equal(serve(pkt("c")), GDB_CONTINUE);
    assert_false(session.has_resume_addr);
    assert_int_equal(serve(pkt("s40201000")), GDB_STEP);
    assert_true(session.has_resume_addr);
    assert_int_equal(session.resume_addr, 0x40201000);
    assert_int_equal(serve(pkt("C05")), GDB_CONTINUE);
    assert_int_equal(serve(pkt("vCont;s:1;c")), GDB_STEP);
    assert_int_equal(serve(pkt("vCont;c")), GDB_CONTINUE);
    assert_int_equal(serve(pkt("vCont;C02:-1")), GDB_CONTINUE);
    assert_int_equal(serve(pkt("D")), GDB_DETACH);
    assert_string_equal(f.out, pkt("OK"));
    assert_int_equal(serve(pkt("k")), GDB_KILL);
}

static void test_gdb_malformed_resume_packets_get_errors(void **state)
{
    (void)state;
    expect_reply("cxyz", "E16");
    expect_reply("C", "E16");
    expect_reply("vCont;x", "E16");
    expect_reply("vCont;s:", "E16");
    expect_reply("vCont?", "vCont;c;C;s;S");
}

static void test_gdb_stop_reply_names_the_watchpoint(void **state)
{
    (void)state;
    struct gdb_stop stop = {
        .signal = GDB_SIGTRAP, .watch = true, .watch_type = GDB_WP_WRITE, .watch_addr = 0x4020b010};
    feed("", 0);
    assert_int_equal(gdb_serve(&session, &stop, true), GDB_DISCONNECTED);
    assert_string_equal(f.out, pkt("T05watch:4020b010;thread:1;"));
}

static void test_gdb_refuses_a_packet_longer_than_its_buffer_and_goes_on(void **state)
{
    (void)state;
    static char big[GDB_PACKET_MAX + 100];
    memset(big, '0', sizeof(big) - 1);
    big[0] = 'M';
    big[sizeof(big) - 1] = '\0';
    char in[2 * sizeof(big)];
    snprintf(in, sizeof(in), "%s%s", pkt(big), pkt("?"));
    serve(in);
    char want[256];
    snprintf(want, sizeof(want), "%s%s", pkt("E16"), pkt("T05thread:1;"));
    assert_string_equal(f.out, want);
    assert_int_equal(session.stats.too_long, 1);
}

static void test_gdb_skips_noise_and_a_cut_packet(void **state)
{
    (void)state;
    char in[256];
    /* Ctrl-C while stopped, junk, a packet cut by the next '$' */
    snprintf(in, sizeof(in), "\x03junk+-$m10%s", pkt("?"));
    serve(in);
    assert_string_equal(f.out, pkt("T05thread:1;"));
}

static void test_gdb_escapes_special_bytes_in_replies(void **state)
{
    (void)state;
    f.mem[0] = '#';
    /* hex replies never need escapes; the target description may: send it raw */
    uint8_t payload[] = {'a', '$', '#', '}', '*'};
    feed("", 0);
    gdb_send_packet(&session, payload, sizeof(payload));
    unsigned sum = 'a' + 4 * '}' + ('$' ^ 0x20) + ('#' ^ 0x20) + ('}' ^ 0x20) + ('*' ^ 0x20);
    char want[64];
    snprintf(want, sizeof(want), "$a}%c}%c}%c}%c#%02x", '$' ^ 0x20, '#' ^ 0x20, '}' ^ 0x20,
             '*' ^ 0x20, sum & 0xff);
    assert_string_equal(f.out, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_gdb_acks_a_good_packet_and_naks_a_bad_checksum, setup),
        cmocka_unit_test_setup(test_gdb_resends_a_reply_answered_with_a_nak, setup),
        cmocka_unit_test_setup(test_gdb_takes_a_new_packet_as_the_ack_of_the_last_reply, setup),
        cmocka_unit_test_setup(test_gdb_no_ack_mode_starts_after_its_ok, setup),
        cmocka_unit_test_setup(test_gdb_supported_announces_packet_size_and_features, setup),
        cmocka_unit_test_setup(test_gdb_unknown_packets_get_the_empty_reply, setup),
        cmocka_unit_test_setup(test_gdb_offsets_give_the_targets_load_offset_or_nothing, setup),
        cmocka_unit_test_setup(test_gdb_reads_all_registers, setup),
        cmocka_unit_test_setup(test_gdb_writes_all_registers_or_none, setup),
        cmocka_unit_test_setup(test_gdb_reads_and_writes_one_register, setup),
        cmocka_unit_test_setup(test_gdb_reads_memory_and_refuses_unmapped, setup),
        cmocka_unit_test_setup(test_gdb_caps_a_huge_memory_read_at_the_packet_size, setup),
        cmocka_unit_test_setup(test_gdb_writes_memory_in_hex, setup),
        cmocka_unit_test_setup(test_gdb_writes_binary_memory_with_escapes, setup),
        cmocka_unit_test_setup(test_gdb_sets_and_clears_breakpoints, setup),
        cmocka_unit_test_setup(test_gdb_sends_the_target_description_in_pieces, setup),
        cmocka_unit_test_setup(test_gdb_resume_packets_end_the_stop, setup),
        cmocka_unit_test_setup(test_gdb_malformed_resume_packets_get_errors, setup),
        cmocka_unit_test_setup(test_gdb_stop_reply_names_the_watchpoint, setup),
        cmocka_unit_test_setup(test_gdb_refuses_a_packet_longer_than_its_buffer_and_goes_on, setup),
        cmocka_unit_test_setup(test_gdb_skips_noise_and_a_cut_packet, setup),
        cmocka_unit_test_setup(test_gdb_escapes_special_bytes_in_replies, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
