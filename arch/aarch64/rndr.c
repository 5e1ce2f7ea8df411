// SPDX-License-Identifier: MIT
/* See rndr.h. */
#include "arch/aarch64/rndr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/aarch64/cpu.h"

#define ID_AA64ISAR0_RNDR_SHIFT 60 /* ID_AA64ISAR0_EL1.RNDR, bits [63:60]: 1 = RNDR and RNDRRS */
#define ID_AA64ISAR0_RNDR_MASK  0xfull
/*
 * RNDR may fail now and then (NZCV.Z set) when its source is momentarily
 * empty; a few retries are what the architecture expects, a CPU that fails
 * every time is treated as having none.
 */
#define RNDR_RETRIES 16

static bool rndr_present(void)
{
    uint64_t isar0 = sysreg_read(id_aa64isar0_el1);
    return ((isar0 >> ID_AA64ISAR0_RNDR_SHIFT) & ID_AA64ISAR0_RNDR_MASK) != 0;
}

/* One 64-bit read; false when the CPU says it has nothing (Z set). */
static bool rndr_u64(uint64_t *out)
{
    uint64_t v, ok;
    /* RNDR by its encoding (S3_3_C2_C4_0): the assembler's -march may not know the name. */
    __asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(v), "=r"(ok)::"cc");
    *out = v;
    return ok != 0;
}

int rndr_read(void *buf, size_t len)
{
    if (!rndr_present())
        return -ENODEV;
    uint8_t *p = buf;
    while (len > 0) {
        uint64_t v = 0;
        int tries = 0;
        while (!rndr_u64(&v))
            if (++tries == RNDR_RETRIES)
                return -EIO;
        size_t n = len < sizeof(v) ? len : sizeof(v);
        memcpy(p, &v, n);
        p += n;
        len -= n;
    }
    return 0;
}
