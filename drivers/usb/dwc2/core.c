// SPDX-License-Identifier: MIT
/*
 * Synopsys DWC2 ("DWC OTG") USB 2.0 controller as a host, as the BCM2837
 * has it (registers: dwc2_regs.h, the DWC OTG databook's chapter 5; init
 * order: its "Host Initialization", §6.1). This file: the core's checks,
 * soft reset, host mode, FIFO sizing, buffer DMA, the interrupt and its
 * event, the watchdog, and the operations the USB core calls
 * (drivers/usb/core.h). Buffer DMA only: the controller moves every packet
 * itself, so a transfer costs one interrupt (channel halted), not one per
 * packet; slave mode (FIFO pushing by the CPU) and descriptor DMA are not
 * supported, nor device mode or OTG role switching.
 *   QEMU: -M raspi3b has it at 0x3f980000, GPU interrupt 9;
 *         -device usb-kbd, -device usb-net,netdev=n0 -netdev user,id=n0
 */
#include <errno.h>
#include <stdlib.h>

#include <mote/log.h>
#include <mote/timer.h>

#include "drivers/timer/generic_timer.h"
#include "drivers/usb/core.h"
#include "drivers/usb/dwc2/dwc2.h"
#include "drivers/usb/dwc2/dwc2_priv.h"
#include "kernel/event.h"
#include "kernel/irq.h"

#define CACHE_LINE           64
#define RESET_TIMEOUT_NS     100000000ull /* soft reset and AHB idle: a few PHY clocks, generously */
#define HOST_MODE_WAIT_MS    25           /* databook: FORCEHOSTMODE takes effect after 25 ms */
#define HOST_MODE_TIMEOUT_NS 100000000ull
#define FLUSH_TIMEOUT_NS     10000000ull
#define CONNECT_WAIT_MS      1000 /* the Pi's hard-wired hub connects some 100 ms after port power */
#define CONNECT_POLL_MS      10
#define WATCHDOG_PERIOD_NS   100000000ull
#define GSNPSID_QEMU         0x4f54294au /* QEMU's model says release 2.94a; the BCM2837 is 2.80a */
#define SETUP_BUF_LEN        CACHE_LINE
/* The core interrupts Mote takes: the root port and the channels. */
#define INTERRUPTS (GINTSTS_PRTINT | GINTSTS_HCHINT | GINTSTS_DISCONNINT)

struct dwc2 dwc2;

void dwc2_cache_clean(const void *p, size_t len)
{
    for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1); a < (uintptr_t)p + len;
         a += CACHE_LINE)
        __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
    dsb(sy);
}

/*
 * Before a transfer into RAM and after it: the first drops lines a later
 * eviction would write over the DMA's data, the second what the CPU may have
 * speculatively loaded meanwhile. Buffers are whole cache lines (usb_dma_alloc).
 */
void dwc2_cache_invalidate(const void *p, size_t len)
{
    for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1); a < (uintptr_t)p + len;
         a += CACHE_LINE)
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    dsb(sy);
}

int dwc2_wait_reg(uint32_t reg, uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
    uint64_t deadline = gtimer_now_ns() + timeout_ns;
    while ((dwc2_read(reg) & mask) != want)
        if (gtimer_now_ns() > deadline)
            return (dwc2_read(reg) & mask) == want ? 0 : -ETIMEDOUT;
    return 0;
}

/*
 * Interrupt context: silence the line and let the loop do the work. Through
 * GINTMSK, not GAHBCFG.GLBL_INTR_EN: QEMU's model re-evaluates its line on
 * GINTMSK writes but not when the global enable is cleared, so clearing that
 * would leave the line high and the interrupt storming.
 */
static void dwc2_irq(void *arg)
{
    (void)arg;
    dwc2_write(GINTMSK, 0);
    event_raise(dwc2.event);
}

/* Everything GINTSTS reports, from the loop (or a poll with the loop stopped). */
static void process(void)
{
    uint32_t sts = dwc2_read(GINTSTS) & INTERRUPTS;
    if (sts & (GINTSTS_PRTINT | GINTSTS_DISCONNINT)) {
        dwc2_write(GINTSTS, GINTSTS_DISCONNINT); /* PRTINT clears with HPRT0's change bits */
        dwc2_port_irq();
    }
    if (sts & GINTSTS_HCHINT) {
        uint32_t haint = dwc2_read(HAINT) & dwc2_read(HAINTMSK);
        for (unsigned ch = 0; ch < dwc2.nchan; ch++)
            if (haint & (1u << ch))
                dwc2_chan_irq(ch);
    }
}

static void dwc2_event(void *arg)
{
    (void)arg;
    process();
    dwc2_write(GINTMSK, INTERRUPTS);
}

/*
 * usb_poll, with the event loop stopped (the GDB stub): its timers do not
 * run, so endpoints waiting to be polled again after a NAK are polled now.
 */
static void dwc2_poll(void)
{
    if (!dwc2.started)
        return;
    process();
    dwc2_poll_endpoints();
}

/*
 * Every 100 ms: transfers past their timeout, channels that never halted, and
 * an interrupt that should have come: pending for two ticks in a row with
 * the line enabled means it was lost (counted, logged once, handled).
 */
static void watchdog(void *arg)
{
    (void)arg;
    static bool pending_before;
    bool pending = (dwc2_read(GINTSTS) & dwc2_read(GINTMSK) & (GINTSTS_PRTINT | GINTSTS_HCHINT));
    if (pending && pending_before) {
        dwc2.lost_irqs++;
        if (!dwc2.logged_lost_irq) {
            dwc2.logged_lost_irq = true;
            mote_log(MOTE_LOG_WARN, "dwc2: an interrupt did not arrive; the watchdog handles "
                                    "them from now on (logged once)");
        }
        process();
        pending = false;
    }
    pending_before = pending;
    dwc2_watchdog();
}

static int root_reset(enum usb_speed *speed)
{
    return dwc2_port_reset(speed);
}

static const struct usb_hcd dwc2_hcd = {
    .name = "dwc2",
    .control = dwc2_control,
    .submit = dwc2_submit,
    .cancel = dwc2_cancel,
    .device_gone = dwc2_device_gone,
    .poll = dwc2_poll,
    .root_reset = root_reset,
};

/* Databook §2.1.4 "Core soft reset": after the AHB master idles; clears every FIFO and channel. */
static int core_reset(void)
{
    if (dwc2_wait_reg(GRSTCTL, GRSTCTL_AHBIDLE, GRSTCTL_AHBIDLE, RESET_TIMEOUT_NS))
        return -EIO;
    dwc2_write(GRSTCTL, GRSTCTL_CSFTRST);
    if (dwc2_wait_reg(GRSTCTL, GRSTCTL_CSFTRST, 0, RESET_TIMEOUT_NS) ||
        dwc2_wait_reg(GRSTCTL, GRSTCTL_AHBIDLE, GRSTCTL_AHBIDLE, RESET_TIMEOUT_NS))
        return -EIO;
    usb_delay_ms(1); /* the PHY clock restarts */
    return 0;
}

static int host_mode(void)
{
    uint32_t cfg = dwc2_read(GUSBCFG);
    /* The BCM283x's PHY is UTMI+ 8-bit; no ULPI, no OTG protocols (SRP, HNP). */
    cfg &= ~(GUSBCFG_ULPI_UTMI_SEL | GUSBCFG_PHYIF16 | GUSBCFG_ULPI_EXT_VBUS_DRV |
             GUSBCFG_TERMSEL_DLPULSE | GUSBCFG_ULPI_FS_LS | GUSBCFG_SRPCAP | GUSBCFG_HNPCAP |
             GUSBCFG_FORCEDEVMODE);
    dwc2_write(GUSBCFG, cfg | GUSBCFG_FORCEHOSTMODE);
    usb_delay_ms(HOST_MODE_WAIT_MS);
    return dwc2_wait_reg(GINTSTS, GINTSTS_CURMODE_HOST, GINTSTS_CURMODE_HOST, HOST_MODE_TIMEOUT_NS);
}

/*
 * FIFO RAM split (databook §2.1.3.2): half for receiving (IN packets and
 * their status words), a quarter each for the non-periodic and periodic
 * transmit queues. With DMA the FIFOs only stage packets, so any split that
 * holds a 512-byte packet per queue works.
 */
static void fifo_setup(void)
{
    uint32_t depth = dwc2_read(GHWCFG3) >> GHWCFG3_DFIFO_DEPTH_SHIFT;
    uint32_t rx = depth / 2, nptx = depth / 4, ptx = depth - rx - nptx;
    dwc2_write(GRXFSIZ, rx);
    dwc2_write(GNPTXFSIZ, nptx << FIFOSIZE_DEPTH_SHIFT | rx);
    dwc2_write(HPTXFSIZ, ptx << FIFOSIZE_DEPTH_SHIFT | (rx + nptx));
    dwc2_write(GRSTCTL, GRSTCTL_TXFFLSH | GRSTCTL_TXFNUM_ALL);
    dwc2_wait_reg(GRSTCTL, GRSTCTL_TXFFLSH, 0, FLUSH_TIMEOUT_NS);
    dwc2_write(GRSTCTL, GRSTCTL_RXFFLSH);
    dwc2_wait_reg(GRSTCTL, GRSTCTL_RXFFLSH, 0, FLUSH_TIMEOUT_NS);
}

static void channels_reset(void)
{
    for (unsigned ch = 0; ch < dwc2.nchan; ch++) {
        if (dwc2_read(HCCHAR(ch)) & HCCHAR_CHENA)
            dwc2_chan_halt(ch);
        dwc2_write(HCINTMSK(ch), 0);
        dwc2_write(HCINT(ch), ~0u);
    }
    dwc2_write(HAINTMSK, 0);
}

int dwc2_init(uintptr_t base, unsigned intid, uint32_t ram_bus_alias)
{
    dwc2.base = base;
    dwc2.bus_alias = ram_bus_alias;
    uint32_t id = dwc2_read(GSNPSID);
    if ((id & GSNPSID_ID_MASK) != GSNPSID_OT) {
        mote_log(MOTE_LOG_ERROR, "dwc2: no DWC2 controller at 0x%08lx (id 0x%08x)",
                 (unsigned long)base, (unsigned)id);
        return -ENODEV;
    }
    uint32_t hw2 = dwc2_read(GHWCFG2);
    if (((hw2 & GHWCFG2_ARCH_MASK) >> GHWCFG2_ARCH_SHIFT) != GHWCFG2_ARCH_INT_DMA) {
        mote_log(MOTE_LOG_ERROR, "dwc2: controller without internal DMA; slave mode unsupported");
        return -ENODEV;
    }
    dwc2.bulk_in_polled = id == GSNPSID_QEMU;
    dwc2.nchan = ((hw2 & GHWCFG2_NUM_HOST_CHAN_MASK) >> GHWCFG2_NUM_HOST_CHAN_SHIFT) + 1;
    dwc2.ctrl_buf = usb_dma_alloc(DWC2_CONTROL_BUF);
    dwc2.setup_buf = usb_dma_alloc(SETUP_BUF_LEN);
    if (!dwc2.ctrl_buf || !dwc2.setup_buf)
        return -ENOMEM;

    dwc2_write(GAHBCFG, 0);
    if (core_reset() != 0) {
        mote_log(MOTE_LOG_ERROR, "dwc2: core soft reset did not finish");
        return -EIO;
    }
    if (host_mode() != 0) {
        mote_log(MOTE_LOG_ERROR, "dwc2: the core did not enter host mode");
        return -EIO;
    }
    dwc2_write(GAHBCFG, GAHBCFG_DMA_EN | GAHBCFG_HBSTLEN_INCR4);
    dwc2_write(PCGCTL, 0);
    dwc2_write(HCFG, (dwc2_read(HCFG) & ~HCFG_FSLSPCLKSEL_MASK) | HCFG_FSLSPCLKSEL_30_60);
    fifo_setup();
    channels_reset();
    dwc2_write(GINTSTS, ~0u);
    dwc2_write(GINTMSK, 0);

    dwc2.event = event_source_add(dwc2_event, NULL);
    if (dwc2.event < 0)
        return dwc2.event;
    int err = irq_register(intid, IRQ_LEVEL, dwc2_irq, NULL);
    if (err)
        return err;
    int hcd_err = usb_hcd_register(&dwc2_hcd);
    if (hcd_err)
        return hcd_err;
    dwc2.started = true;
    if (mote_timer_every(WATCHDOG_PERIOD_NS, watchdog, NULL) < 0)
        mote_log(MOTE_LOG_WARN, "dwc2: no watchdog timer; timeouts are not enforced");
    mote_log(MOTE_LOG_INFO,
             "dwc2: USB host controller at 0x%08lx, release %x.%03x, %u channels, "
             "FIFO %u words",
             (unsigned long)base, (unsigned)((id >> 12) & 0xfu), (unsigned)(id & 0xfffu),
             dwc2.nchan, (unsigned)(dwc2_read(GHWCFG3) >> GHWCFG3_DFIFO_DEPTH_SHIFT));
    if (dwc2.bulk_in_polled)
        mote_log(MOTE_LOG_INFO, "dwc2: QEMU's model: bulk IN endpoints are polled, so an unplugged "
                                "device cannot crash it (docs/usb.md)");

    dwc2_port_power_on();
    for (unsigned ms = 0; ms < CONNECT_WAIT_MS && !dwc2_port_connected(); ms += CONNECT_POLL_MS)
        usb_delay_ms(CONNECT_POLL_MS);
    dwc2_port_irq(); /* reports the connection, which enumerates what is behind it */
    dwc2_write(GAHBCFG, dwc2_read(GAHBCFG) | GAHBCFG_GLBL_INTR_EN);
    dwc2_write(GINTMSK, INTERRUPTS);
    return 0;
}
