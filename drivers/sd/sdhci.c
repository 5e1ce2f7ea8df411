// SPDX-License-Identifier: MIT
/*
 * SD Host Controller (SD Association, "SD Host Controller Simplified
 * Specification" v3.00, §2 for the registers): the Raspberry Pi's Arasan
 * "EMMC" controller at 0x7e300000. Polled programmed I/O through the buffer
 * data port, one command at a time; no DMA, no interrupts, 1-bit bus, default
 * speed. The Arasan block on the BCM2835/7 only takes 32-bit register
 * accesses, so the 8- and 16-bit registers are written as the 32-bit words
 * that hold them; and it may lose a register write that follows another within
 * two SD clock cycles (a clock domain crossing; Linux's sdhci-iproc driver
 * notes both), so every write here waits that long afterwards.
 *   QEMU: -M raspi3b (generic-sdhci, spec version 3) with -drive if=sd,format=raw,file=F
 */
#include "drivers/sd/sdhci.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "drivers/timer/generic_timer.h"

/* clang-format off */
#define SDHCI_BLOCK         0x04 /* block size 0-11, block count 16-31 */
#define   SDHCI_BLOCK_COUNT_SHIFT 16
#define SDHCI_ARGUMENT      0x08
#define SDHCI_CMD_XFER      0x0c /* transfer mode 0-15, command 16-31 */
#define   SDHCI_XFER_BLOCK_COUNT_EN (1u << 1)
#define   SDHCI_XFER_READ           (1u << 4)
#define   SDHCI_XFER_MULTI          (1u << 5)
#define   SDHCI_CMD_RESP_NONE       (0u << 16)
#define   SDHCI_CMD_RESP_136        (1u << 16)
#define   SDHCI_CMD_RESP_48         (2u << 16)
#define   SDHCI_CMD_RESP_48_BUSY    (3u << 16)
#define   SDHCI_CMD_CRC_CHECK       (1u << 19)
#define   SDHCI_CMD_INDEX_CHECK     (1u << 20)
#define   SDHCI_CMD_DATA            (1u << 21)
#define   SDHCI_CMD_INDEX_SHIFT     24
#define SDHCI_RESPONSE(n)   (0x10 + 4 * (n))
#define SDHCI_BUFFER        0x20 /* buffer data port */
#define SDHCI_PRESENT       0x24 /* present state */
#define   SDHCI_PRESENT_CMD_INHIBIT  (1u << 0)
#define   SDHCI_PRESENT_DAT_INHIBIT  (1u << 1)
#define   SDHCI_PRESENT_CARD         (1u << 16)
#define SDHCI_CONTROL0      0x28 /* host control 1 (0-7), power control (8-15), gap, wakeup */
#define   SDHCI_POWER_ON             (1u << 8)
#define   SDHCI_POWER_330            (7u << 9)
#define SDHCI_CONTROL1      0x2c /* clock control (0-15), timeout (16-19), software reset (24-26) */
#define   SDHCI_CLOCK_INT_EN         (1u << 0)
#define   SDHCI_CLOCK_INT_STABLE     (1u << 1)
#define   SDHCI_CLOCK_CARD_EN        (1u << 2)
#define   SDHCI_CLOCK_DIV_LO_SHIFT   8   /* divider bits 0-7 */
#define   SDHCI_CLOCK_DIV_HI_SHIFT   6   /* divider bits 8-9 (v3 10-bit divided clock mode) */
#define   SDHCI_CLOCK_DIV_MAX        0x3ffu
#define   SDHCI_TIMEOUT_MAX          (0xeu << 16) /* TMCLK * 2^27 */
#define   SDHCI_RESET_ALL            (1u << 24)
#define   SDHCI_RESET_CMD            (1u << 25)
#define   SDHCI_RESET_DATA           (1u << 26)
#define SDHCI_INTERRUPT     0x30 /* normal status (0-15), error status (16-31); write 1 to clear */
#define   SDHCI_INT_CMD_DONE         (1u << 0)
#define   SDHCI_INT_XFER_DONE        (1u << 1)
#define   SDHCI_INT_WRITE_READY      (1u << 4)
#define   SDHCI_INT_READ_READY       (1u << 5)
#define   SDHCI_INT_ERROR            (1u << 15)
#define   SDHCI_INT_CMD_TIMEOUT      (1u << 16)
#define   SDHCI_INT_CMD_CRC          (1u << 17)
#define   SDHCI_INT_CMD_END_BIT      (1u << 18)
#define   SDHCI_INT_CMD_INDEX        (1u << 19)
#define   SDHCI_INT_DATA_TIMEOUT     (1u << 20)
#define   SDHCI_INT_DATA_CRC         (1u << 21)
#define   SDHCI_INT_DATA_END_BIT     (1u << 22)
#define   SDHCI_INT_ALL              0xffffffffu
#define   SDHCI_INT_ERRORS           0xffff0000u
#define SDHCI_INT_ENABLE    0x34 /* which conditions set a status bit at all */
#define SDHCI_INT_SIGNAL    0x38 /* which raise the interrupt line: none, Mote polls */
#define SDHCI_CAPABILITIES  0x40
#define   SDHCI_CAP_BASE_CLOCK_MHZ(c) (((c) >> 8) & 0xffu)
/* clang-format on */

#define IDENT_CLOCK_HZ   400000
#define RESET_TIMEOUT_NS 100000000ull
#define CMD_TIMEOUT_NS   100000000ull
#define DATA_TIMEOUT_NS  1000000000ull
#define WORDS_PER_BLOCK  (SDHCI_BLOCK_SIZE / 4)
#define HZ_PER_MHZ       1000000u
#define NS_PER_S         1000000000ull

static uintptr_t base;
static uint32_t base_clock;
static uint32_t card_clock = IDENT_CLOCK_HZ; /* for the pause after each write */

/* A register write, then two SD clock periods for it to cross into the card's clock domain. */
static void reg_write(uint32_t reg, uint32_t value)
{
    mmio_write32(base + reg, value);
    uint64_t until = gtimer_now_ns() + 2 * NS_PER_S / card_clock + 1;
    while (gtimer_now_ns() < until)
        ;
}

static int wait_clear(uint32_t reg, uint32_t bits, uint64_t timeout_ns)
{
    uint64_t deadline = gtimer_now_ns() + timeout_ns;
    while (mmio_read32(base + reg) & bits)
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    return 0;
}

/* Waits for any of the status bits (or an error); returns the status, or 0 on timeout. */
static uint32_t wait_interrupt(uint32_t bits, uint64_t timeout_ns)
{
    uint64_t deadline = gtimer_now_ns() + timeout_ns;
    for (;;) {
        uint32_t s = mmio_read32(base + SDHCI_INTERRUPT);
        if (s & (bits | SDHCI_INT_ERROR))
            return s;
        if (gtimer_now_ns() > deadline)
            return 0;
    }
}

static int reset(uint32_t what)
{
    reg_write(SDHCI_CONTROL1, mmio_read32(base + SDHCI_CONTROL1) | what);
    return wait_clear(SDHCI_CONTROL1, what, RESET_TIMEOUT_NS);
}

/* Clears the error, resets the lines it left in a bad state and names it. */
static int error_of(uint32_t status)
{
    reg_write(SDHCI_INTERRUPT, status);
    reset(SDHCI_RESET_CMD | SDHCI_RESET_DATA);
    if (status & (SDHCI_INT_CMD_TIMEOUT | SDHCI_INT_DATA_TIMEOUT))
        return -ETIMEDOUT;
    if (status & (SDHCI_INT_CMD_CRC | SDHCI_INT_DATA_CRC))
        return -EILSEQ;
    return -EIO;
}

int sdhci_set_clock(uint32_t hz)
{
    /* SDCLK = base / (2 * div), div 0 meaning base itself (§2.2.14, 10-bit mode). */
    uint32_t div = 0;
    if (hz < base_clock) {
        div = (base_clock + 2 * hz - 1) / (2 * hz);
        if (div > SDHCI_CLOCK_DIV_MAX)
            div = SDHCI_CLOCK_DIV_MAX;
    }
    uint32_t c1 = mmio_read32(base + SDHCI_CONTROL1);
    c1 &= ~0xffffu; /* the clock control half-word */
    reg_write(SDHCI_CONTROL1, c1);
    c1 |= (div & 0xffu) << SDHCI_CLOCK_DIV_LO_SHIFT | ((div >> 8) & 3u) << SDHCI_CLOCK_DIV_HI_SHIFT;
    c1 |= SDHCI_CLOCK_INT_EN | SDHCI_TIMEOUT_MAX;
    reg_write(SDHCI_CONTROL1, c1);
    uint64_t deadline = gtimer_now_ns() + RESET_TIMEOUT_NS;
    while (!(mmio_read32(base + SDHCI_CONTROL1) & SDHCI_CLOCK_INT_STABLE))
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    card_clock = div ? base_clock / (2 * div) : base_clock;
    if (card_clock == 0)
        card_clock = 1; /* a base clock of a few Hz: absurd, but never divide by zero */
    reg_write(SDHCI_CONTROL1, c1 | SDHCI_CLOCK_CARD_EN);
    return 0;
}

int sdhci_init(uintptr_t sdhci_base, uint32_t base_clock_hz)
{
    base = sdhci_base;
    card_clock = IDENT_CLOCK_HZ;
    int err = reset(SDHCI_RESET_ALL);
    if (err)
        return err;
    if (!(mmio_read32(base + SDHCI_PRESENT) & SDHCI_PRESENT_CARD))
        return -ENODEV;
    base_clock = base_clock_hz ? base_clock_hz
                               : SDHCI_CAP_BASE_CLOCK_MHZ(mmio_read32(base + SDHCI_CAPABILITIES)) *
                                     HZ_PER_MHZ;
    if (!base_clock)
        return -EIO;
    reg_write(SDHCI_CONTROL0, SDHCI_POWER_330 | SDHCI_POWER_ON);
    reg_write(SDHCI_INT_ENABLE, SDHCI_INT_ALL);
    reg_write(SDHCI_INT_SIGNAL, 0);
    reg_write(SDHCI_INTERRUPT, SDHCI_INT_ALL);
    return sdhci_set_clock(IDENT_CLOCK_HZ);
}

static int transfer_data(struct sdhci_cmd *cmd)
{
    uint32_t *words = cmd->data;
    uint32_t ready = cmd->write ? SDHCI_INT_WRITE_READY : SDHCI_INT_READ_READY;
    for (uint32_t b = 0; b < cmd->blocks; b++) {
        uint32_t s = wait_interrupt(ready, DATA_TIMEOUT_NS);
        if (!s || (s & SDHCI_INT_ERRORS))
            return s ? error_of(s) : (reset(SDHCI_RESET_CMD | SDHCI_RESET_DATA), -ETIMEDOUT);
        reg_write(SDHCI_INTERRUPT, ready);
        for (unsigned i = 0; i < WORDS_PER_BLOCK; i++, words++) {
            if (cmd->write)
                mmio_write32(base + SDHCI_BUFFER, *words); /* FIFO: no pause needed */
            else
                *words = mmio_read32(base + SDHCI_BUFFER);
        }
    }
    uint32_t s = wait_interrupt(SDHCI_INT_XFER_DONE, DATA_TIMEOUT_NS);
    if (!s || (s & SDHCI_INT_ERRORS))
        return s ? error_of(s) : (reset(SDHCI_RESET_CMD | SDHCI_RESET_DATA), -ETIMEDOUT);
    reg_write(SDHCI_INTERRUPT, SDHCI_INT_XFER_DONE);
    return 0;
}

int sdhci_send(struct sdhci_cmd *cmd)
{
    static const uint32_t response_bits[] = {
        [SDHCI_RESP_NONE] = SDHCI_CMD_RESP_NONE,
        [SDHCI_RESP_R2] = SDHCI_CMD_RESP_136 | SDHCI_CMD_CRC_CHECK,
        [SDHCI_RESP_R3] = SDHCI_CMD_RESP_48,
        [SDHCI_RESP_R1] = SDHCI_CMD_RESP_48 | SDHCI_CMD_CRC_CHECK | SDHCI_CMD_INDEX_CHECK,
        [SDHCI_RESP_R1_BUSY] = SDHCI_CMD_RESP_48_BUSY | SDHCI_CMD_CRC_CHECK | SDHCI_CMD_INDEX_CHECK,
    };
    uint32_t inhibit = SDHCI_PRESENT_CMD_INHIBIT;
    if (cmd->blocks || cmd->response == SDHCI_RESP_R1_BUSY)
        inhibit |= SDHCI_PRESENT_DAT_INHIBIT;
    if (wait_clear(SDHCI_PRESENT, inhibit, CMD_TIMEOUT_NS)) {
        reset(SDHCI_RESET_CMD | SDHCI_RESET_DATA);
        return -ETIMEDOUT;
    }
    reg_write(SDHCI_INTERRUPT, SDHCI_INT_ALL);

    uint32_t xfer = response_bits[cmd->response] | (uint32_t)cmd->index << SDHCI_CMD_INDEX_SHIFT;
    if (cmd->blocks) {
        reg_write(SDHCI_BLOCK, cmd->blocks << SDHCI_BLOCK_COUNT_SHIFT | SDHCI_BLOCK_SIZE);
        xfer |= SDHCI_CMD_DATA | SDHCI_XFER_BLOCK_COUNT_EN;
        if (!cmd->write)
            xfer |= SDHCI_XFER_READ;
        if (cmd->blocks > 1)
            xfer |= SDHCI_XFER_MULTI;
    }
    reg_write(SDHCI_ARGUMENT, cmd->arg);
    reg_write(SDHCI_CMD_XFER, xfer); /* the command half starts it */

    uint32_t s = wait_interrupt(SDHCI_INT_CMD_DONE, CMD_TIMEOUT_NS);
    if (!s) {
        reset(SDHCI_RESET_CMD | SDHCI_RESET_DATA);
        return -ETIMEDOUT;
    }
    if (s & SDHCI_INT_ERRORS)
        return error_of(s);
    reg_write(SDHCI_INTERRUPT, SDHCI_INT_CMD_DONE);
    for (int i = 0; i < 4; i++)
        cmd->resp[i] = mmio_read32(base + SDHCI_RESPONSE(i));

    if (cmd->response == SDHCI_RESP_R1_BUSY && !cmd->blocks) {
        s = wait_interrupt(SDHCI_INT_XFER_DONE, DATA_TIMEOUT_NS);
        if (s & SDHCI_INT_ERRORS)
            return error_of(s);
        reg_write(SDHCI_INTERRUPT, SDHCI_INT_XFER_DONE);
    }
    return cmd->blocks ? transfer_data(cmd) : 0;
}
