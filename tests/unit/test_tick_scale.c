// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/timer/tick_scale.h, the division-free tick <->
 * nanosecond conversion, against exact 128-bit arithmetic: the error bounds
 * each rounding promises, monotonicity, overflow, and what the generic timer
 * relies on: a deadline programmed two ticks past its rounded-down
 * conversion reads, once reached, as at least the deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/timer/tick_scale.h"

#define NS_PER_S 1000000000ull
#define SAMPLES  20000

/* Counter frequencies: QEMU virt, the Pi 3 (19.2 MHz), 54 MHz (Pi 4), 1 GHz, odd ones. */
static const uint64_t freqs[] = {62500000,      19200000, 54000000, 24000000, 1000000000,
                                 3000000000ull, 1,        7,        999999937};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
    /* xorshift64*: reproducible inputs */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t sample(unsigned i)
{
    static const uint64_t edges[] = {0,
                                     1,
                                     2,
                                     62499999,
                                     62500000,
                                     UINT32_MAX,
                                     1ull << 40,
                                     UINT64_MAX / NS_PER_S,
                                     UINT64_MAX - 1,
                                     UINT64_MAX};
    if (i < sizeof(edges) / sizeof(edges[0]))
        return edges[i];
    return next_random() >> (i % 64); /* all magnitudes */
}

static unsigned __int128 exact(uint64_t x, uint64_t num, uint64_t den)
{
    return (unsigned __int128)x * num / den;
}

static void check_rounding(uint64_t num, uint64_t den, enum tick_round round)
{
    struct tick_scale s;
    tick_scale_init(&s, num, den, round);
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint64_t x = sample(i);
        unsigned __int128 want = exact(x, num, den);
        uint64_t got = tick_scale_apply(&s, x);
        if (want > UINT64_MAX - 1) {
            /* Does not fit (or only just): saturates, or is the floor's neighbour. */
            assert_true(got >= UINT64_MAX - 1);
            continue;
        }
        if (round == TICK_ROUND_DOWN)
            assert_true(got == want || got + 1 == want);
        else
            assert_true(got == want || got == want + 1);
        if (x > 0 && got != UINT64_MAX)
            assert_true(tick_scale_apply(&s, x - 1) <= got); /* monotonic */
    }
}

static void test_tick_scale_stays_within_one_of_the_exact_floor(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        check_rounding(NS_PER_S, freqs[f], TICK_ROUND_UP);
        check_rounding(NS_PER_S, freqs[f], TICK_ROUND_DOWN);
        check_rounding(freqs[f], NS_PER_S, TICK_ROUND_DOWN);
        check_rounding(freqs[f], NS_PER_S, TICK_ROUND_UP);
    }
}

/* The fraction is exactly the 128-bit quotient (rounded as asked), for the real and random ratios.
 */
static void check_exact_fraction(uint64_t num, uint64_t den)
{
    unsigned __int128 scaled = (unsigned __int128)(num % den) << 64;
    struct tick_scale down, up;
    tick_scale_init(&down, num, den, TICK_ROUND_DOWN);
    tick_scale_init(&up, num, den, TICK_ROUND_UP);
    assert_true(down.whole == num / den && up.whole == num / den);
    assert_true(down.frac == (uint64_t)(scaled / den));
    assert_true(up.frac == (uint64_t)(scaled / den) + (scaled % den != 0));
}

static void test_tick_scale_fraction_is_the_exact_quotient(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        check_exact_fraction(NS_PER_S, freqs[f]);
        check_exact_fraction(freqs[f], NS_PER_S);
    }
    /* Denominators with the top bit set: doubling the remainder carries out of 64 bits. */
    check_exact_fraction(UINT64_MAX - 1, UINT64_MAX);
    check_exact_fraction(1ull << 63, (1ull << 63) + 1);
    check_exact_fraction(UINT64_MAX, 1);
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint64_t num = next_random(), den = next_random() >> (i % 64);
        check_exact_fraction(num, den ? den : 1);
    }
}

static void test_tick_scale_saturates_instead_of_wrapping(void **state)
{
    (void)state;
    struct tick_scale s;
    tick_scale_init(&s, 3 * NS_PER_S, 1, TICK_ROUND_DOWN);
    assert_int_equal(tick_scale_apply(&s, UINT64_MAX / 2), UINT64_MAX);
    assert_int_equal(tick_scale_apply(&s, 5), 15 * NS_PER_S);
}

static void test_a_deadline_two_ticks_late_reads_as_reached(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        struct tick_scale ns_per_tick, ticks_per_ns;
        tick_scale_init(&ns_per_tick, NS_PER_S, freqs[f], TICK_ROUND_UP);
        tick_scale_init(&ticks_per_ns, freqs[f], NS_PER_S, TICK_ROUND_DOWN);
        for (unsigned i = 0; i < SAMPLES; i++) {
            uint64_t deadline = sample(i) >> 2; /* well inside the counter's range */
            uint64_t cval = tick_scale_apply(&ticks_per_ns, deadline) + 2;
            assert_true(tick_scale_apply(&ns_per_tick, cval) >= deadline);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tick_scale_stays_within_one_of_the_exact_floor),
        cmocka_unit_test(test_tick_scale_fraction_is_the_exact_quotient),
        cmocka_unit_test(test_tick_scale_saturates_instead_of_wrapping),
        cmocka_unit_test(test_a_deadline_two_ticks_late_reads_as_reached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
