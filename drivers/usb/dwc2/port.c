// SPDX-License-Identifier: MIT
/*
 * The DWC2's one root port (HPRT0, databook §5.3.3.6): power, reset,
 * speed, connect and disconnect. HPRT0 mixes control bits with
 * write-1-to-clear status bits, ENA among them: every write masks
 * HPRT0_W1C_MASK out except the bit it means to clear.
 */
#include <errno.h>

#include <mote/log.h>

#include "drivers/usb/core.h"
#include "drivers/usb/dwc2/dwc2_priv.h"

#define PORT_RESET_MS          50 /* USB 2.0 §7.1.7.5: TDRSTR, reset from a root port */
#define PORT_RECOVERY_MS       10 /* §7.1.7.3: TRSTRCY before the first request */
#define PORT_ENABLE_TIMEOUT_NS 100000000ull

static bool reported; /* connected, as the USB core was told */

static uint32_t hprt_controls(void)
{
    return dwc2_read(HPRT0) & ~HPRT0_W1C_MASK;
}

void dwc2_port_power_on(void)
{
    dwc2_write(HPRT0, hprt_controls() | HPRT0_PWR);
}

bool dwc2_port_connected(void)
{
    return (dwc2_read(HPRT0) & HPRT0_CONNSTS) != 0;
}

int dwc2_port_reset(enum usb_speed *speed)
{
    if (!dwc2_port_connected())
        return -ENODEV;
    dwc2_write(HPRT0, hprt_controls() | HPRT0_RST);
    usb_delay_ms(PORT_RESET_MS);
    dwc2_write(HPRT0, hprt_controls() & ~HPRT0_RST);
    if (dwc2_wait_reg(HPRT0, HPRT0_ENA, HPRT0_ENA, PORT_ENABLE_TIMEOUT_NS) != 0) {
        mote_log(MOTE_LOG_WARN, "dwc2: root port not enabled after reset");
        return -EIO;
    }
    usb_delay_ms(PORT_RECOVERY_MS);
    uint32_t hprt = dwc2_read(HPRT0);
    /* Changes the reset itself made are not news for dwc2_port_irq. */
    dwc2_write(HPRT0, (hprt & ~HPRT0_W1C_MASK) | (hprt & (HPRT0_ENACHG | HPRT0_CONNDET)));
    switch ((hprt & HPRT0_SPD_MASK) >> HPRT0_SPD_SHIFT) {
    case HPRT0_SPD_HIGH: *speed = USB_SPEED_HIGH; break;
    case HPRT0_SPD_LOW: *speed = USB_SPEED_LOW; break;
    default: *speed = USB_SPEED_FULL; break;
    }
    return 0;
}

void dwc2_port_irq(void)
{
    uint32_t hprt = dwc2_read(HPRT0);
    uint32_t changes = hprt & (HPRT0_CONNDET | HPRT0_ENACHG | HPRT0_OVRCURRCHG);
    dwc2_write(HPRT0, (hprt & ~HPRT0_W1C_MASK) | changes);
    if ((changes & HPRT0_OVRCURRCHG) && (hprt & HPRT0_OVRCURRACT))
        mote_log(MOTE_LOG_WARN, "dwc2: over-current on the root port");
    bool connected = (hprt & HPRT0_CONNSTS) != 0;
    /*
     * Unplugged and plugged again between two looks, or the port disabled
     * itself (babble, a port error): the old device is gone all the same.
     */
    bool disabled = (changes & HPRT0_ENACHG) && !(hprt & HPRT0_ENA);
    if (reported && (!connected || (changes & HPRT0_CONNDET) || disabled)) {
        reported = false;
        usb_root_changed(false);
    }
    if (connected && !reported) {
        reported = true;
        usb_root_changed(true);
    }
}
