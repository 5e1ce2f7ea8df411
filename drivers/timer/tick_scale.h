/* SPDX-License-Identifier: MIT */
/*
 * Converting between counter ticks and nanoseconds without a division on the
 * hot path: a ratio num/den is kept as a whole part and a 64-bit binary
 * fraction, found once at init; applying it is two
 * multiplications. For x < 2^64 the result is floor(x * num / den) or one
 * less (the fraction is rounded down by less than 2^-64, so x times that
 * error stays below 1), and it never decreases as x grows: a clock read
 * through it is monotonic.
 */
#ifndef DRIVERS_TIMER_TICK_SCALE_H
#define DRIVERS_TIMER_TICK_SCALE_H

#include <stdint.h>

struct tick_scale {
    uint64_t whole; /* floor(num / den) */
    uint64_t frac;  /* (num mod den) * 2^64 / den, rounded as asked */
};

enum tick_round { TICK_ROUND_DOWN, TICK_ROUND_UP };

/*
 * Sets s to num/den, its fraction rounded as round says; den must not be 0.
 * The fraction is (num mod den) * 2^64 / den by binary long division, one
 * quotient bit a step: exact, and without the 128-bit division libgcc would
 * bring in (1.6 KB of code for a computation done once at boot).
 */
static inline void tick_scale_init(struct tick_scale *s, uint64_t num, uint64_t den,
                                   enum tick_round round)
{
    uint64_t rem = num % den, frac = 0;
    s->whole = num / den;
    for (int bit = 0; bit < 64; bit++) {
        /* rem < den: doubling it may carry out of 64 bits, and then exceeds den */
        uint64_t carry = rem >> 63;
        rem <<= 1;
        frac <<= 1;
        if (carry || rem >= den) {
            rem -= den; /* wraps back below den when carry was set */
            frac |= 1;
        }
    }
    /* frac < 2^64 - 1 here: (num mod den) < den makes the quotient below 2^64 - 2^64/den */
    if (round == TICK_ROUND_UP && rem)
        frac++;
    s->frac = frac;
}

/* x * num / den (see above), UINT64_MAX when that does not fit. */
static inline uint64_t tick_scale_apply(const struct tick_scale *s, uint64_t x)
{
    uint64_t whole, sum;
    uint64_t part = (uint64_t)(((unsigned __int128)x * s->frac) >> 64);
    if (__builtin_mul_overflow(x, s->whole, &whole) || __builtin_add_overflow(whole, part, &sum))
        return UINT64_MAX;
    return sum;
}

#endif
