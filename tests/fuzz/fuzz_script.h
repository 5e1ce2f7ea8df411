/* SPDX-License-Identifier: MIT */
/*
 * A fuzz input read as a script of small numbers, for the targets that turn
 * their input into steps (fuzz_virtq.c, fuzz_virtq_fixed.c): little-endian
 * values, and zeros once the input runs out, so every input is a script.
 */
#ifndef TESTS_FUZZ_FUZZ_SCRIPT_H
#define TESTS_FUZZ_FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

struct script {
    const uint8_t *p;
    size_t left;
};

static inline uint8_t next_u8(struct script *s)
{
    if (s->left == 0)
        return 0;
    s->left--;
    return *s->p++;
}

static inline uint16_t next_u16(struct script *s)
{
    return (uint16_t)(next_u8(s) | next_u8(s) << 8);
}

static inline uint32_t next_u32(struct script *s)
{
    return (uint32_t)next_u16(s) | (uint32_t)next_u16(s) << 16;
}

#endif
