// SPDX-License-Identifier: MIT
/*
 * Unit tests for the DWC2 channel scheduler (drivers/usb/dwc2/schedule.c,
 * channel.c) against a small model of the controller's host channels,
 * written from the databook (§6.4, buffer DMA): a channel runs when HCCHAR
 * gets CHENA, halts with the reason in HCINT, counts HCTSIZ down, and halts
 * at once when told to (CHDIS). The test plays the device: it decides how
 * each run ends. This covers what QEMU cannot produce: STALL, babble,
 * transaction and toggle errors, a channel that never halts, timeouts,
 * channels running out, split transactions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The real accessors carry AArch64 barriers; the model takes their place. */
#define ARCH_AARCH64_MMIO_H
static uint32_t mmio_read32(uintptr_t addr);
static void mmio_write32(uintptr_t addr, uint32_t v);

#include "drivers/usb/dwc2/channel.c"
#include "drivers/usb/dwc2/schedule.c"

#define BASE     0x10000u
#define NCHAN    8
#define NS_MS    1000000ull
#define MAX_RUNS 64

/* ---- the controller model ---- */
static uint32_t regs[0x1000 / 4];
static bool stuck[NCHAN];         /* this channel ignores CHDIS */
static unsigned runs[NCHAN];      /* how many times CHENA started it */
static uint32_t run_split[NCHAN]; /* HCSPLT when it last started */
static uint64_t now_ns;

static uint32_t *reg(uint32_t off)
{
    return &regs[off / 4];
}

static uint32_t mmio_read32(uintptr_t addr)
{
    return *reg((uint32_t)(addr - BASE));
}

static void mmio_write32(uintptr_t addr, uint32_t v)
{
    uint32_t off = (uint32_t)(addr - BASE);
    if (off >= HC_BASE(0) && off < HC_BASE(NCHAN)) {
        unsigned ch = (off - HC_BASE(0)) / 0x20u;
        if (off == HCINT(ch)) { /* write 1 to clear */
            *reg(off) &= ~v;
            return;
        }
        if (off == HCCHAR(ch)) {
            bool was = *reg(off) & HCCHAR_CHENA;
            if ((v & HCCHAR_CHDIS) && was) {
                if (!stuck[ch]) {
                    *reg(off) = v & ~(HCCHAR_CHENA | HCCHAR_CHDIS);
                    *reg(HCINT(ch)) |= HCINT_CHHLTD;
                }
                return;
            }
            *reg(off) = v;
            if ((v & HCCHAR_CHENA) && !was) {
                runs[ch]++;
                run_split[ch] = *reg(HCSPLT(ch));
            }
            return;
        }
    }
    *reg(off) = v;
}

/* ---- what the scheduler calls outside itself ---- */
struct dwc2 dwc2;
struct usb_stats usb_stats;
static unsigned cache_ops;

uint64_t gtimer_now_ns(void)
{
    return now_ns;
}

int dwc2_wait_reg(uint32_t r, uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
    (void)timeout_ns; /* the model answers at once or never */
    return (mmio_read32(BASE + r) & mask) == want ? 0 : -ETIMEDOUT;
}

void dwc2_cache_clean(const void *p, size_t len)
{
    (void)p, (void)len;
    cache_ops++;
}

void dwc2_cache_invalidate(const void *p, size_t len)
{
    (void)p, (void)len;
    cache_ops++;
}

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

/* Timers: recorded; the test fires them. */
static struct {
    mote_timer_fn fn;
    void *arg;
    uint64_t delay_ns, due_ns;
    bool live;
} timers[8];

int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    for (int i = 0; i < 8; i++)
        if (!timers[i].live) {
            timers[i] = (typeof(timers[i])){fn, arg, delay_ns, now_ns + delay_ns, true};
            return i + 1;
        }
    return -ENOMEM;
}

int mote_timer_cancel(int id)
{
    if (id < 1 || id > 8 || !timers[id - 1].live)
        return -ENOENT;
    timers[id - 1].live = false;
    return 0;
}

static void fire_timers(void)
{
    for (int i = 0; i < 8; i++)
        if (timers[i].live) {
            timers[i].live = false;
            if (now_ns < timers[i].due_ns)
                now_ns = timers[i].due_ns; /* time passes until it is due */
            timers[i].fn(timers[i].arg);
        }
}

/* ---- the device side: how a run ends ---- */

/* The channel pipe p runs on, asserted to be running. */
static unsigned running(const struct dwc2_pipe *p)
{
    assert_non_null(p);
    assert_true(p->chan > 0);
    assert_true(*reg(HCCHAR((unsigned)p->chan)) & HCCHAR_CHENA);
    return (unsigned)p->chan;
}

/* The run on ch ends with hcint after moving bytes in packets; the event loop sees it. */
static void end_run(unsigned ch, uint32_t hcint, uint32_t bytes, uint32_t packets)
{
    uint32_t tsiz = *reg(HCTSIZ(ch));
    uint32_t len = tsiz & HCTSIZ_XFERSIZE_MASK;
    uint32_t pkts = (tsiz & HCTSIZ_PKTCNT_MASK) >> HCTSIZ_PKTCNT_SHIFT;
    assert_true(bytes <= len || len == 0);
    *reg(HCTSIZ(ch)) = (tsiz & ~(HCTSIZ_XFERSIZE_MASK | HCTSIZ_PKTCNT_MASK)) | (len - bytes) |
                       (pkts - packets) << HCTSIZ_PKTCNT_SHIFT;
    *reg(HCCHAR(ch)) &= ~HCCHAR_CHENA;
    *reg(HCINT(ch)) |= hcint | HCINT_CHHLTD;
    dwc2_chan_irq(ch);
}

/* ---- the USB side ---- */
static struct usb_device dev;
static struct usb_transfer *done_order[MAX_RUNS];
static unsigned ndone;

static void on_done(struct usb_transfer *t)
{
    if (ndone < MAX_RUNS)
        done_order[ndone++] = t;
}

static const struct usb_endpoint *add_ep(uint8_t addr, enum usb_xfer_type type, uint16_t mps,
                                         uint8_t interval)
{
    dev.ep[dev.ep_count] = (struct usb_endpoint){
        .address = addr, .type = type, .max_packet = mps, .interval = interval};
    return &dev.ep[dev.ep_count++];
}

static void *dma_buf(size_t len)
{
    return aligned_alloc(64, (len + 63) / 64 * 64 + 64);
}

static struct usb_transfer xfer(const struct usb_endpoint *ep, void *buf, size_t len)
{
    return (struct usb_transfer){.dev = &dev, .ep = ep, .buf = buf, .len = len, .done = on_done};
}

static int setup(void **state)
{
    (void)state;
    memset(regs, 0, sizeof(regs));
    memset(stuck, 0, sizeof(stuck));
    memset(runs, 0, sizeof(runs));
    memset(timers, 0, sizeof(timers));
    memset(&usb_stats, 0, sizeof(usb_stats));
    memset(&dwc2, 0, sizeof(dwc2));
    dwc2.base = BASE;
    dwc2.bus_alias = 0xc0000000u;
    dwc2.nchan = NCHAN;
    dwc2.started = true;
    dev = (struct usb_device){.address = 5, .speed = USB_SPEED_HIGH};
    ndone = 0;
    now_ns = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_null(dev.hcd_priv); /* each test unplugs its device: nothing left queued */
    return 0;
}

static struct dwc2_pipe *pipe_for(const struct usb_endpoint *ep)
{
    return pipe_of(&dev, ep, false);
}

/* ---- tests ---- */

static void test_bulk_in_short_packet_completes_and_advances_toggle(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x81, USB_XFER_BULK, 512, 0);
    void *buf = dma_buf(2048);
    struct usb_transfer t = xfer(in, buf, 2048);
    assert_int_equal(dwc2_submit(&t), 0);
    unsigned ch = running(pipe_for(in));
    assert_int_equal(*reg(HCDMA(ch)), 0xc0000000u | (uint32_t)(uintptr_t)buf);
    assert_int_equal((*reg(HCTSIZ(ch)) & HCTSIZ_PKTCNT_MASK) >> HCTSIZ_PKTCNT_SHIFT, 4);
    end_run(ch, HCINT_XFERCOMPL, 700, 2); /* 512 + 188: a short packet ends it */
    assert_int_equal(ndone, 1);
    assert_int_equal(t.status, 0);
    assert_int_equal(t.actual, 700);
    assert_int_equal(in->toggle, 0); /* two packets: DATA0, DATA1, next DATA0 */
    assert_int_equal(pipe_for(in)->chan, -1);
    assert_int_equal(usb_stats.transfers, 1);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_in_length_not_whole_packets_is_refused(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x81, USB_XFER_BULK, 512, 0);
    void *buf = dma_buf(1600);
    struct usb_transfer t = xfer(in, buf, 1600);
    assert_int_equal(dwc2_submit(&t), -EINVAL);
    t = xfer(in, (uint8_t *)buf + 4, 512); /* not cache-line aligned */
    assert_int_equal(dwc2_submit(&t), -EINVAL);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_transaction_errors_are_retried_then_fail(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x82, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(64);
    struct usb_transfer t = xfer(in, buf, 64);
    assert_int_equal(dwc2_submit(&t), 0);
    unsigned ch = running(pipe_for(in));
    end_run(ch, HCINT_XACTERR, 0, 0);
    end_run(running(pipe_for(in)), HCINT_DATATGLERR, 0, 0);
    end_run(running(pipe_for(in)), HCINT_XFERCOMPL, 64, 1);
    assert_int_equal(t.status, 0);
    assert_int_equal(usb_stats.errors, 0);

    struct usb_transfer u = xfer(in, buf, 64);
    assert_int_equal(dwc2_submit(&u), 0);
    for (int i = 0; i <= DWC2_MAX_RETRIES; i++)
        end_run(running(pipe_for(in)), HCINT_XACTERR, 0, 0);
    assert_int_equal(ndone, 2);
    assert_int_equal(u.status, -EPROTO);
    assert_int_equal(usb_stats.xact_errors, 1);
    assert_int_equal(usb_stats.errors, 1);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_stall_and_babble_end_the_transfer(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x83, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(128);
    struct usb_transfer t = xfer(in, buf, 128);
    dev.ep[0].toggle = 1;
    assert_int_equal(dwc2_submit(&t), 0);
    end_run(running(pipe_for(in)), HCINT_STALL, 0, 0);
    assert_int_equal(t.status, -EPIPE);
    assert_int_equal(in->toggle, 0);
    assert_int_equal(usb_stats.stalls, 1);
    struct usb_transfer u = xfer(in, buf, 128);
    assert_int_equal(dwc2_submit(&u), 0);
    end_run(running(pipe_for(in)), HCINT_BBLERR, 0, 0);
    assert_int_equal(u.status, -EOVERFLOW);
    assert_int_equal(usb_stats.babble, 1);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_transfers_on_one_endpoint_complete_in_order(void **state)
{
    (void)state;
    const struct usb_endpoint *out = add_ep(0x02, USB_XFER_BULK, 64, 0);
    void *b1 = dma_buf(100), *b2 = dma_buf(64);
    struct usb_transfer t1 = xfer(out, b1, 100), t2 = xfer(out, b2, 64);
    t2.zero_packet = true;
    assert_int_equal(dwc2_submit(&t1), 0);
    assert_int_equal(dwc2_submit(&t2), 0);
    unsigned ch = running(pipe_for(out));
    end_run(ch, HCINT_XFERCOMPL, 100, 2);
    assert_int_equal(ndone, 1);
    assert_ptr_equal(done_order[0], &t1);
    assert_int_equal(running(pipe_for(out)), ch); /* the queue keeps its channel */
    end_run(ch, HCINT_XFERCOMPL, 64, 1);
    /* 64 bytes in 64-byte packets with zero_packet: a zero-length packet follows */
    assert_int_equal(ndone, 1);
    assert_int_equal(*reg(HCTSIZ(ch)) & HCTSIZ_XFERSIZE_MASK, 0);
    end_run(running(pipe_for(out)), HCINT_XFERCOMPL, 0, 1);
    assert_int_equal(ndone, 2);
    assert_ptr_equal(done_order[1], &t2);
    assert_int_equal(t2.actual, 64);
    assert_int_equal(out->toggle, 0); /* 2 + 1 + 1 packets */
    dwc2_device_gone(&dev);
    free(b1);
    free(b2);
}

static void test_long_transfer_takes_several_runs(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x84, USB_XFER_BULK, 64, 0);
    size_t len = (HCTSIZ_PKTCNT_MAX + 10) * 64;
    void *buf = dma_buf(len);
    struct usb_transfer t = xfer(in, buf, len);
    assert_int_equal(dwc2_submit(&t), 0);
    unsigned ch = running(pipe_for(in));
    assert_int_equal((*reg(HCTSIZ(ch)) & HCTSIZ_PKTCNT_MASK) >> HCTSIZ_PKTCNT_SHIFT,
                     HCTSIZ_PKTCNT_MAX);
    end_run(ch, HCINT_XFERCOMPL, HCTSIZ_PKTCNT_MAX * 64, HCTSIZ_PKTCNT_MAX);
    assert_int_equal(ndone, 0);
    assert_int_equal(*reg(HCDMA(ch)), dwc2_bus_addr((uint8_t *)buf + HCTSIZ_PKTCNT_MAX * 64));
    end_run(running(pipe_for(in)), HCINT_XFERCOMPL, 10 * 64, 10);
    assert_int_equal(t.status, 0);
    assert_int_equal(t.actual, len);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_interrupt_nak_frees_the_channel_until_the_next_poll(void **state)
{
    (void)state;
    dev.speed = USB_SPEED_FULL;
    const struct usb_endpoint *in = add_ep(0x81, USB_XFER_INTERRUPT, 8, 10);
    void *buf = dma_buf(8);
    struct usb_transfer t = xfer(in, buf, 8);
    assert_int_equal(dwc2_submit(&t), 0);
    end_run(running(pipe_for(in)), HCINT_NAK, 0, 0);
    struct dwc2_pipe *p = pipe_for(in);
    assert_int_equal(p->chan, -1);
    assert_true(p->poll_timer > 0);
    assert_int_equal(timers[p->poll_timer - 1].delay_ns, 10 * NS_MS); /* bInterval 10 ms */
    assert_int_equal(ndone, 0);
    fire_timers();
    end_run(running(p), HCINT_XFERCOMPL, 8, 1);
    assert_int_equal(t.status, 0);
    assert_int_equal(t.actual, 8);
    /* data or not, the endpoint is not polled again before its interval is over */
    struct usb_transfer u = xfer(in, buf, 8);
    assert_int_equal(dwc2_submit(&u), 0);
    assert_int_equal(p->chan, -1);
    assert_true(p->poll_timer > 0);
    fire_timers();
    end_run(running(p), HCINT_XFERCOMPL, 8, 1);
    assert_int_equal(u.status, 0);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_pipes_wait_for_a_free_channel(void **state)
{
    (void)state;
    struct usb_transfer t[NCHAN];
    void *buf = dma_buf(64);
    for (unsigned i = 0; i < NCHAN; i++) {
        const struct usb_endpoint *ep = add_ep((uint8_t)(0x81 + i), USB_XFER_BULK, 64, 0);
        t[i] = xfer(ep, buf, 64);
        assert_int_equal(dwc2_submit(&t[i]), 0);
    }
    /* channel 0 is kept for control transfers: seven run, the eighth waits */
    struct dwc2_pipe *last = pipe_for(&dev.ep[NCHAN - 1]);
    assert_int_equal(last->chan, -1);
    assert_true(last->waiting);
    for (unsigned i = 0; i < NCHAN - 1; i++)
        assert_int_not_equal(pipe_for(&dev.ep[i])->chan, DWC2_CONTROL_CHANNEL);
    unsigned freed = running(pipe_for(&dev.ep[2]));
    end_run(freed, HCINT_XFERCOMPL, 64, 1);
    assert_int_equal(running(last), freed);
    assert_false(last->waiting);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_timeout_halts_the_channel_and_ends_the_transfer(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x85, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(64);
    struct usb_transfer t = xfer(in, buf, 64), next = xfer(in, buf, 64);
    t.timeout_ms = 50;
    assert_int_equal(dwc2_submit(&t), 0);
    assert_int_equal(dwc2_submit(&next), 0);
    unsigned ch = running(pipe_for(in));
    now_ns = 40 * NS_MS;
    dwc2_watchdog();
    assert_int_equal(ndone, 0);
    now_ns = 60 * NS_MS;
    dwc2_watchdog();
    assert_int_equal(ndone, 1);
    assert_int_equal(t.status, -ETIMEDOUT);
    assert_int_equal(usb_stats.timeouts, 1);
    assert_int_equal(running(pipe_for(in)), ch); /* the next one runs */
    dwc2_device_gone(&dev);                      /* before the test's transfers go out of scope */
    free(buf);
}

static void test_a_channel_that_never_halts_is_counted_and_survived(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x86, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(64);
    struct usb_transfer t = xfer(in, buf, 64);
    t.timeout_ms = 10;
    assert_int_equal(dwc2_submit(&t), 0);
    stuck[running(pipe_for(in))] = true;
    now_ns = 20 * NS_MS;
    dwc2_watchdog();
    assert_int_equal(t.status, -ETIMEDOUT);
    assert_int_equal(dwc2.stuck_channels, 1);
    assert_true(dwc2.logged_stuck);
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

static void test_cancel_and_unplug_complete_every_transfer(void **state)
{
    (void)state;
    const struct usb_endpoint *in = add_ep(0x87, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(64);
    struct usb_transfer a = xfer(in, buf, 64), b = xfer(in, buf, 64), c = xfer(in, buf, 64);
    assert_int_equal(dwc2_submit(&a), 0);
    assert_int_equal(dwc2_submit(&b), 0);
    assert_int_equal(dwc2_submit(&c), 0);
    dwc2_cancel(&b); /* queued, not running */
    assert_int_equal(b.status, -ECANCELED);
    dwc2_cancel(&a); /* running: its channel is halted */
    assert_int_equal(a.status, -ECANCELED);
    assert_true(running(pipe_for(in)) > 0); /* c goes on */
    dwc2_cancel(&a);                        /* finished already: nothing happens */
    assert_int_equal(ndone, 2);
    dwc2_device_gone(&dev);
    assert_int_equal(ndone, 3);
    assert_int_equal(c.status, -ENODEV);
    assert_null(dev.hcd_priv);
    for (unsigned ch = 0; ch < NCHAN; ch++)
        assert_null(dwc2.chan[ch].pipe);
    free(buf);
}

static void test_split_transfer_behind_a_high_speed_hub(void **state)
{
    (void)state;
    static struct usb_device hub = {.address = 1, .speed = USB_SPEED_HIGH};
    dev.speed = USB_SPEED_FULL;
    dev.parent = &hub;
    dev.port = 4;
    const struct usb_endpoint *in = add_ep(0x81, USB_XFER_BULK, 64, 0);
    void *buf = dma_buf(128);
    struct usb_transfer t = xfer(in, buf, 128);
    assert_int_equal(dwc2_submit(&t), 0);
    unsigned ch = running(pipe_for(in));
    uint32_t want = HCSPLT_SPLTENA | HCSPLT_XACTPOS_ALL | 1u << HCSPLT_HUBADDR_SHIFT | 4u;
    assert_int_equal(run_split[ch], want); /* start-split, one packet */
    assert_int_equal((*reg(HCTSIZ(ch)) & HCTSIZ_PKTCNT_MASK) >> HCTSIZ_PKTCNT_SHIFT, 1);
    end_run(ch, HCINT_ACK, 0, 0);
    assert_int_equal(run_split[ch], want | HCSPLT_COMPSPLT);
    end_run(ch, HCINT_NYET, 0, 0);
    assert_int_equal(run_split[ch], want | HCSPLT_COMPSPLT);
    end_run(ch, HCINT_XFERCOMPL, 64, 1); /* first packet */
    assert_int_equal(run_split[ch], want);
    assert_int_equal(*reg(HCDMA(ch)), dwc2_bus_addr((uint8_t *)buf + 64));
    assert_int_equal((*reg(HCTSIZ(ch)) >> HCTSIZ_PID_SHIFT) & 3u, HCTSIZ_PID_DATA1);
    end_run(ch, HCINT_ACK, 0, 0);
    end_run(ch, HCINT_XFERCOMPL, 10, 1); /* short second packet */
    assert_int_equal(t.status, 0);
    assert_int_equal(t.actual, 74);
    /* the TT is busy: the start-split is NAKed and polled again later */
    struct usb_transfer u = xfer(in, buf, 64);
    assert_int_equal(dwc2_submit(&u), 0);
    end_run(running(pipe_for(in)), HCINT_NAK, 0, 0);
    assert_int_equal(pipe_for(in)->chan, -1);
    fire_timers();
    assert_true(running(pipe_for(in)) > 0);
    dev.parent = NULL;
    dwc2_device_gone(&dev); /* before the test's transfers go out of scope */
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bulk_in_short_packet_completes_and_advances_toggle,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_length_not_whole_packets_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transaction_errors_are_retried_then_fail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stall_and_babble_end_the_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfers_on_one_endpoint_complete_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_transfer_takes_several_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_nak_frees_the_channel_until_the_next_poll,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipes_wait_for_a_free_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_halts_the_channel_and_ends_the_transfer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_channel_that_never_halts_is_counted_and_survived,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_unplug_complete_every_transfer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_split_transfer_behind_a_high_speed_hub, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
