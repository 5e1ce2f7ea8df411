// SPDX-License-Identifier: MIT
/*
 * Arm PrimeCell UART PL011 ("PL011 Technical Reference Manual" r1p5, DDI 0183,
 * §3 for the registers). Transmit is polled (so it works before interrupts,
 * in the crash path and for a debugger); receive is interrupt-driven, the
 * FIFO drained into the console's buffer. No flow control, no DMA.
 *   QEMU: -M virt (the first UART), -serial stdio
 */
#include "drivers/uart/pl011.h"

#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "kernel/irq.h"

/* Register maps: bit fields sit indented under their register. */
/* clang-format off */
#define PL011_DR    0x000 /* data */
#define PL011_FR    0x018 /* flags */
#define   PL011_FR_RXFE (1u << 4) /* receive FIFO empty */
#define   PL011_FR_TXFF (1u << 5) /* transmit FIFO full */
#define PL011_IBRD  0x024 /* integer baud divisor */
#define PL011_FBRD  0x028 /* fractional baud divisor */
#define PL011_LCR_H 0x02c /* line control */
#define   PL011_LCR_H_FEN    (1u << 4) /* FIFOs on */
#define   PL011_LCR_H_WLEN_8 (3u << 5)
#define PL011_CR    0x030 /* control */
#define   PL011_CR_UARTEN (1u << 0)
#define   PL011_CR_TXE    (1u << 8)
#define   PL011_CR_RXE    (1u << 9)
#define PL011_IMSC  0x038 /* interrupt mask set/clear */
#define   PL011_INT_RX (1u << 4)
#define   PL011_INT_RT (1u << 6) /* receive timeout: FIFO holds bytes below the trigger level */
#define PL011_ICR   0x044 /* interrupt clear */
#define   PL011_ICR_ALL 0x7ff
/* clang-format on */

#define PL011_BAUD 115200

static uintptr_t base;

static void pl011_write_byte(uint8_t c)
{
    while (mmio_read32(base + PL011_FR) & PL011_FR_TXFF)
        ;
    mmio_write32(base + PL011_DR, c);
}

static void pl011_irq(void *arg)
{
    (void)arg;
    /* Clear first, then drain: a byte landing after the drain raises a new interrupt. */
    mmio_write32(base + PL011_ICR, PL011_INT_RX | PL011_INT_RT);
    while (!(mmio_read32(base + PL011_FR) & PL011_FR_RXFE))
        console_input_byte((uint8_t)mmio_read32(base + PL011_DR));
}

static const struct console_dev pl011_console = {
    .name = "pl011",
    .write_byte = pl011_write_byte,
};

const struct console_dev *pl011_init(uintptr_t uart_base, uint32_t clock_hz)
{
    base = uart_base;
    mmio_write32(base + PL011_CR, 0);
    mmio_write32(base + PL011_ICR, PL011_ICR_ALL);
    if (clock_hz) {
        /* divisor = clock / (16 * baud), with 6 fractional bits (§3.3.6), rounded */
        uint32_t div64 = (uint32_t)(((uint64_t)clock_hz * 4 + PL011_BAUD / 2) / PL011_BAUD);
        mmio_write32(base + PL011_IBRD, div64 >> 6);
        mmio_write32(base + PL011_FBRD, div64 & 0x3f);
    }
    mmio_write32(base + PL011_LCR_H, PL011_LCR_H_FEN | PL011_LCR_H_WLEN_8);
    mmio_write32(base + PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
    return &pl011_console;
}

int pl011_enable_rx_irq(unsigned intid)
{
    int err = irq_register(intid, IRQ_LEVEL, pl011_irq, NULL);
    if (err)
        return err;
    mmio_write32(base + PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
    return 0;
}
