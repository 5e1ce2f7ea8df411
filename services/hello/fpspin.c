// SPDX-License-Identifier: MIT
/*
 * hello's "fpspin MS" command: fills all 32 FP/SIMD registers and FPCR with
 * patterns, spins MS milliseconds in assembly (interrupts come and go: console
 * input, a debugger's Ctrl-C), then checks that every register still holds
 * its pattern. The kernel keeps the FP/SIMD state of the code an interrupt
 * stops, saving it only when a handler uses FP/SIMD (kernel/irq.c); this is
 * what tests/system/test_irq_fpsimd.py watches from outside.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "fpspin.h"

#define VREGS      32
#define WORDS      (2 * VREGS) /* two 64-bit halves per register */
#define FPCR_RMODE (3u << 22)  /* rounding mode: 0b11 = towards zero */
#define MS_PER_S   1000

void fpspin(uint64_t ms)
{
    static uint64_t want[WORDS], got[WORDS];
    for (unsigned i = 0; i < WORDS; i++)
        want[i] = 0x9e3779b97f4a7c15ull * (i + 1) ^ ((uint64_t)i << 56);
    uint64_t freq, now, fpcr_before, fpcr_during;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr_before));
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(now));
    uint64_t end = now + ms * freq / MS_PER_S;
    printf("fpspin: spinning %" PRIu64 " ms\n", ms);

    const uint64_t *w = want;
    uint64_t *g = got;
    /* Nothing but this block runs until the end: no call may clobber a register. */
    __asm__ volatile(
        "msr fpcr, %[rmode]\n"
        "ld1 {v0.2d-v3.2d}, [%[w]], #64\n"
        "ld1 {v4.2d-v7.2d}, [%[w]], #64\n"
        "ld1 {v8.2d-v11.2d}, [%[w]], #64\n"
        "ld1 {v12.2d-v15.2d}, [%[w]], #64\n"
        "ld1 {v16.2d-v19.2d}, [%[w]], #64\n"
        "ld1 {v20.2d-v23.2d}, [%[w]], #64\n"
        "ld1 {v24.2d-v27.2d}, [%[w]], #64\n"
        "ld1 {v28.2d-v31.2d}, [%[w]], #64\n"
        "1: mrs x9, cntvct_el0\n"
        "cmp x9, %[end]\n"
        "b.lo 1b\n"
        "mrs %[fpcr], fpcr\n"
        "st1 {v0.2d-v3.2d}, [%[g]], #64\n"
        "st1 {v4.2d-v7.2d}, [%[g]], #64\n"
        "st1 {v8.2d-v11.2d}, [%[g]], #64\n"
        "st1 {v12.2d-v15.2d}, [%[g]], #64\n"
        "st1 {v16.2d-v19.2d}, [%[g]], #64\n"
        "st1 {v20.2d-v23.2d}, [%[g]], #64\n"
        "st1 {v24.2d-v27.2d}, [%[g]], #64\n"
        "st1 {v28.2d-v31.2d}, [%[g]], #64\n"
        "msr fpcr, %[fpcr0]\n"
        : [w] "+r"(w), [g] "+r"(g), [fpcr] "=&r"(fpcr_during)
        : [end] "r"(end), [rmode] "r"(fpcr_before | FPCR_RMODE), [fpcr0] "r"(fpcr_before)
        : "x9", "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
          "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23",
          "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");

    unsigned bad = 0;
    for (unsigned i = 0; i < WORDS; i++) {
        if (got[i] != want[i]) {
            if (bad++ == 0)
                printf("fpspin: v%u changed: half %u is 0x%016" PRIx64 ", expected 0x%016" PRIx64
                       "\n",
                       i / 2, i % 2, got[i], want[i]);
        }
    }
    if ((fpcr_during & FPCR_RMODE) != FPCR_RMODE) {
        bad++;
        printf("fpspin: FPCR changed: 0x%" PRIx64 ", expected rounding mode bits 0x%x\n",
               fpcr_during, FPCR_RMODE);
    }
    if (bad == 0)
        printf("fpspin: v0-v31 and FPCR intact\n");
}
