/* SPDX-License-Identifier: MIT */
/*
 * Converting between counter ticks and nanoseconds without a division on the
 * hot path: a ratio num/den is kept as a whole part and a 64-bit binary
 * fraction, found once (one 128-bit division at init); applying it is two
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

/* Sets s to num/den, its fraction rounded as round says; den must not be 0. */
static inline void tick_scale_init(struct tick_scale *s, uint64_t num, uint64_t den,
                                   enum tick_round round)
{
    unsigned __int128 scaled = (unsigned __int128)(num % den) << 64;
    s->whole = num / den;
    s->frac = (uint64_t)(scaled / den);
    /* frac < 2^64 - 1 here: (num mod den) < den makes the quotient below 2^64 - 2^64/den */
    if (round == TICK_ROUND_UP && scaled % den)
        s->frac++;
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
