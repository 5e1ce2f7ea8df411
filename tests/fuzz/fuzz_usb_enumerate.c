// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: enumeration (drivers/usb/core.c) and the hub driver
 * (drivers/usb/hub.c) against a device that answers anything. A fake host
 * controller answers each IN control request with the next chunk of the
 * input (a length byte, then that many bytes; the input running out is a
 * transaction error), and completes the hub's status change transfers with
 * further chunks. Then the root device is unplugged. ASan and LeakSanitizer
 * check that garbage descriptors, port states and status bitmaps neither
 * read nor write out of bounds and that unplugging frees every device.
 * QEMU cannot make a device with garbage descriptors; this is where they go.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/usb/core.c"
#include "drivers/usb/hub.c"

#define MAX_QUEUED    16
#define STATUS_ROUNDS 8
#define FAKE_TICK_NS  1000000ull /* each clock read: 1 ms, so every delay ends soon */

static const uint8_t *in;
static size_t in_left;
static uint64_t clock_ns;
static struct usb_transfer *queued[MAX_QUEUED];
static unsigned nqueued;

uint64_t gtimer_now_ns(void)
{
    return clock_ns += FAKE_TICK_NS;
}

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    (void)delay_ns, (void)fn, (void)arg;
    return 1; /* never fires: the retry after a failed status transfer */
}

int mote_timer_cancel(int id)
{
    (void)id;
    return 0;
}

/* The next chunk of the input: up to max bytes into buf. Returns its length or -EPROTO. */
static int next_chunk(void *buf, size_t max)
{
    if (in_left < 1)
        return -EPROTO;
    size_t n = in[0];
    in++, in_left--;
    if (n > in_left)
        n = in_left;
    size_t take = n < max ? n : max;
    memcpy(buf, in, take);
    in += n, in_left -= n;
    return (int)take;
}

static int fake_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                        uint32_t timeout_ms)
{
    (void)dev, (void)timeout_ms;
    if (!(setup->request_type & USB_DIR_IN))
        return 0;
    return next_chunk(data, setup->length);
}

static int fake_submit(struct usb_transfer *t)
{
    if (nqueued >= MAX_QUEUED)
        return -ENOMEM;
    queued[nqueued++] = t;
    return 0;
}

/* Takes t off the queue and runs its done with status. */
static void complete(unsigned i, int status)
{
    struct usb_transfer *t = queued[i];
    memmove(&queued[i], &queued[i + 1], (nqueued - i - 1) * sizeof(queued[0]));
    nqueued--;
    t->status = status;
    t->done(t);
}

static void fake_cancel(struct usb_transfer *t)
{
    for (unsigned i = 0; i < nqueued; i++)
        if (queued[i] == t) {
            complete(i, -ECANCELED);
            return;
        }
}

static void fake_device_gone(struct usb_device *dev)
{
    for (unsigned i = 0; i < nqueued;)
        if (queued[i]->dev == dev)
            complete(i, -ENODEV);
        else
            i++;
}

static void fake_poll(void)
{
}

static int fake_root_reset(enum usb_speed *speed)
{
    *speed = USB_SPEED_FULL;
    return 0;
}

static const struct usb_hcd fake_hcd = {
    .name = "fake",
    .control = fake_control,
    .submit = fake_submit,
    .cancel = fake_cancel,
    .device_gone = fake_device_gone,
    .poll = fake_poll,
    .root_reset = fake_root_reset,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool registered;
    if (!registered) {
        usb_hcd_register(&fake_hcd);
        registered = true;
    }
    in = data;
    in_left = size;
    usb_root_changed(true);
    /* Status changes: the hub's interrupt transfer completes with the next chunk. */
    for (unsigned round = 0; round < STATUS_ROUNDS && nqueued && in_left; round++) {
        struct usb_transfer *t = queued[0];
        int n = next_chunk(t->buf, t->len);
        t->actual = n < 0 ? 0 : (size_t)n;
        complete(0, n < 0 ? n : 0);
    }
    usb_root_changed(false);
    if (nqueued || devices || root)
        abort(); /* unplugging the root left something behind */
    for (unsigned a = 0; a < sizeof(addresses); a++)
        if (addresses[a])
            abort(); /* an address not freed */
    return 0;
}
