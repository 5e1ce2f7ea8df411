// SPDX-License-Identifier: MIT
/*
 * BCM2835 mini UART, UART1 in the AUX block ("BCM2835 ARM Peripherals" §2.1-2.2,
 * registers at 0x7e215000; with the errata the community keeps for §2.2.2:
 * MU_IER bit 0 enables the receive interrupt, bit 1 transmit, and MU_LCR
 * needs 3 for 8 bits). A 16550-like UART with 8-byte FIFOs, clocked from the
 * VideoCore core clock: baud = core_clock / (8 * (MU_BAUD + 1)). Transmit is
 * polled, receive interrupt-driven into the console. 8N1 only, no flow
 * control. On the Pi 3 it is the serial port of the 40-pin header by default
 * (config.txt enable_uart=1 fixes the core clock so the baud rate holds).
 * Instead of a console it can be the debug port (kernel/debugport.h): then
 * both directions are polled, and the receive interrupt queues bytes and
 * tells the debug port's listener (Ctrl-C for the GDB stub).
 *   QEMU: -M raspi3b, the second -serial (bcm2835-aux)
 */
#include "drivers/uart/mini_uart.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "kernel/debugport.h"
#include "kernel/irq.h"
#include "kernel/ring.h"

/* clang-format off */
#define AUX_IRQ      0x00 /* pending: bit 0 mini UART, 1 SPI1, 2 SPI2 */
#define   AUX_IRQ_MU  (1u << 0)
#define AUX_ENABLES  0x04
#define   AUX_ENABLE_MU (1u << 0)
#define MU_IO        0x40 /* data: the receive FIFO on read, the transmit FIFO on write */
#define MU_IER       0x44 /* interrupt enable */
#define   MU_IER_RX   (1u << 0)
#define MU_IIR       0x48 /* interrupt identify; on write, FIFO clear */
#define   MU_IIR_CLEAR_FIFOS 0xc6u /* bits 1, 2: clear both FIFOs; 6, 7 read as FIFO on */
#define MU_LCR       0x4c /* line control */
#define   MU_LCR_8BIT 3u
#define MU_MCR       0x50 /* modem control: RTS */
#define MU_LSR       0x54 /* line status */
#define   MU_LSR_DATA_READY (1u << 0)
#define   MU_LSR_TX_EMPTY   (1u << 5) /* room for at least one byte */
#define MU_CNTL      0x60 /* extra control */
#define   MU_CNTL_RX_ENABLE (1u << 0)
#define   MU_CNTL_TX_ENABLE (1u << 1)
#define MU_BAUD      0x68 /* 16-bit baud divisor */
#define   MU_BAUD_MAX 0xffffu
/* clang-format on */

#define MU_BAUD_RATE  115200
#define MU_OVERSAMPLE 8
/* Debug port: bytes the receive interrupt took, not read yet; a power of two. */
#define MU_DEBUG_RING 256

static uintptr_t base;

/* The debug port's state; unused while the mini UART is a console. */
static uint8_t debug_ring_buf[MU_DEBUG_RING];
static struct {
    bool on;
    struct ring rx; /* producer: the receive interrupt; consumer: debug_read */
    void (*on_receive)(void);
} dbg = {.rx = RING_INIT(debug_ring_buf)};

static bool rx_ready(void)
{
    return mmio_read32(base + MU_LSR) & MU_LSR_DATA_READY;
}

static void mini_uart_write_byte(uint8_t c)
{
    while (!(mmio_read32(base + MU_LSR) & MU_LSR_TX_EMPTY))
        ;
    mmio_write32(base + MU_IO, c);
}

static void mini_uart_irq(void *arg)
{
    (void)arg;
    /* Reading the FIFO empty is what clears the receive interrupt. */
    if (!dbg.on) {
        while (rx_ready())
            console_input_byte((uint8_t)mmio_read32(base + MU_IO));
        return;
    }
    bool got = false;
    while (rx_ready()) {
        uint8_t c = (uint8_t)mmio_read32(base + MU_IO);
        ring_put(&dbg.rx, c); /* a full ring: nobody listens, dropped */
        got = true;
    }
    if (got && dbg.on_receive)
        dbg.on_receive();
}

/* The debug port: the ring first (what the interrupt took), then the FIFO itself. */
static size_t debug_read(uint8_t *buf, size_t len)
{
    size_t n = ring_read(&dbg.rx, buf, len);
    while (n < len && rx_ready())
        buf[n++] = (uint8_t)mmio_read32(base + MU_IO);
    return n;
}

static int debug_write(const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len--)
        mini_uart_write_byte(*p++);
    return 0;
}

static void debug_on_receive(void (*fn)(void))
{
    dbg.on_receive = fn;
}

/*
 * Nothing to acknowledge: the receive interrupt is level, raised while the
 * FIFO holds bytes (enabled in MU_IER), so a wfi wakes when one arrives.
 */
static bool debug_quiet(void)
{
    return ring_used(&dbg.rx) == 0 && !rx_ready();
}

static const struct debugport mini_uart_port = {
    .name = "mini UART",
    .read = debug_read,
    .write = debug_write,
    .on_receive = debug_on_receive,
    .quiet = debug_quiet,
};

static const struct console_dev mini_uart_console = {
    .name = "mini-uart",
    .write_byte = mini_uart_write_byte,
};

const struct console_dev *mini_uart_init(uintptr_t aux_base, uint32_t core_clock_hz)
{
    base = aux_base;
    mmio_write32(base + AUX_ENABLES, mmio_read32(base + AUX_ENABLES) | AUX_ENABLE_MU);
    mmio_write32(base + MU_CNTL, 0); /* quiet while it is set up */
    mmio_write32(base + MU_IER, 0);
    mmio_write32(base + MU_LCR, MU_LCR_8BIT);
    mmio_write32(base + MU_MCR, 0);
    if (core_clock_hz) {
        uint32_t div =
            (core_clock_hz + MU_OVERSAMPLE * MU_BAUD_RATE / 2) / (MU_OVERSAMPLE * MU_BAUD_RATE);
        if (div >= 1 && div - 1 <= MU_BAUD_MAX)
            mmio_write32(base + MU_BAUD, div - 1);
    }
    mmio_write32(base + MU_IIR, MU_IIR_CLEAR_FIFOS);
    mmio_write32(base + MU_CNTL, MU_CNTL_RX_ENABLE | MU_CNTL_TX_ENABLE);
    return &mini_uart_console;
}

int mini_uart_enable_rx_irq(unsigned intid)
{
    int err = irq_register(intid, IRQ_LEVEL, mini_uart_irq, NULL);
    if (err)
        return err;
    mmio_write32(base + MU_IER, MU_IER_RX);
    return 0;
}

int mini_uart_make_debugport(void)
{
    int err = debugport_register(&mini_uart_port);
    if (err)
        return err;
    dbg.on = true;
    return 0;
}
