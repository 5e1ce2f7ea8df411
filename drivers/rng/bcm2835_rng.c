// SPDX-License-Identifier: MIT
/*
 * BCM2835 hardware random number generator (not in Broadcom's public
 * datasheet; the register layout at 0x7e104000 is the one Linux
 * drivers/char/hw_random/bcm2835-rng.c uses). A FIFO of 32-bit words; the
 * status register counts the words ready. The first numbers after enabling
 * are discarded by the hardware (the warm-up count). Polled; its interrupt is
 * never enabled at the interrupt controller, so its own mask is left alone
 * (QEMU 7.2 does not emulate that register). Feeds the kernel's random
 * source at boot.
 *   QEMU: -M raspi3b (bcm2835-rng, backed by the host's random source)
 */
#include "drivers/rng/bcm2835_rng.h"

#include <errno.h>
#include <string.h>

#include "arch/aarch64/mmio.h"
#include "drivers/timer/generic_timer.h"

/* clang-format off */
#define RNG_CTRL   0x00
#define   RNG_CTRL_ENABLE (1u << 0)
#define RNG_STATUS 0x04 /* bits 0-19 warm-up count (write), 24-31 words available */
#define   RNG_STATUS_WARMUP_COUNT 0x40000u
#define   RNG_STATUS_AVAILABLE(s) ((s) >> 24)
#define RNG_DATA   0x08
/* clang-format on */

#define WORD_TIMEOUT_NS 100000000ull /* the FIFO refills in microseconds; 100 ms means broken */

static uintptr_t base;

static int read_word(uint32_t *w)
{
    uint64_t deadline = gtimer_now_ns() + WORD_TIMEOUT_NS;
    while (RNG_STATUS_AVAILABLE(mmio_read32(base + RNG_STATUS)) == 0)
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    *w = mmio_read32(base + RNG_DATA);
    return 0;
}

int bcm2835_rng_read(void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        uint32_t w;
        int err = read_word(&w);
        if (err)
            return err;
        size_t n = len < sizeof(w) ? len : sizeof(w);
        memcpy(out, &w, n);
        out += n;
        len -= n;
    }
    return 0;
}

int bcm2835_rng_init(uintptr_t rng_base, uint32_t sample[BCM2835_RNG_SAMPLE_WORDS])
{
    base = rng_base;
    if (!(mmio_read32(base + RNG_CTRL) & RNG_CTRL_ENABLE)) {
        mmio_write32(base + RNG_STATUS, RNG_STATUS_WARMUP_COUNT);
        mmio_write32(base + RNG_CTRL, RNG_CTRL_ENABLE);
    }
    uint32_t words[BCM2835_RNG_SAMPLE_WORDS];
    int err = bcm2835_rng_read(words, sizeof(words));
    if (err)
        return err;
    if (sample)
        memcpy(sample, words, sizeof(words));
    /* A stuck generator repeats one word or one bit value. */
    uint32_t all_and = ~0u, all_or = 0;
    int all_equal = 1;
    for (int i = 0; i < BCM2835_RNG_SAMPLE_WORDS; i++) {
        all_and &= words[i];
        all_or |= words[i];
        all_equal &= words[i] == words[0];
    }
    if (all_equal || all_or == 0 || all_and == ~0u)
        return -EIO;
    return 0;
}
