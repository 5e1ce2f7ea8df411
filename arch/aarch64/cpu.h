/* SPDX-License-Identifier: MIT */
/*
 * CPU helpers: system register access, barriers, interrupt masking, idle.
 * Arm Architecture Reference Manual for A-profile (DDI 0487), chapters D1 and D13.
 */
#ifndef ARCH_AARCH64_CPU_H
#define ARCH_AARCH64_CPU_H

#include <stdint.h>

#define sysreg_read(reg)                              \
    ({                                                \
        uint64_t v_;                                  \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_)); \
        v_;                                           \
    })

#define sysreg_write(reg, val) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(val)))

#define isb()       __asm__ volatile("isb" ::: "memory")
#define dsb(option) __asm__ volatile("dsb " #option ::: "memory")
#define dmb(option) __asm__ volatile("dmb " #option ::: "memory")

/* DAIF.I: IRQs masked. The loop masks them only around its check-then-sleep. */
static inline void cpu_irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void cpu_irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

/* Masks IRQs and returns the previous mask, for cpu_irq_restore: a section no interrupt enters. */
static inline uint64_t cpu_irq_save(void)
{
    uint64_t daif;
    __asm__ volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
    return daif;
}

static inline void cpu_irq_restore(uint64_t daif)
{
    __asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

/* Sleeps until an interrupt is pending, even a masked one (D1.6.2). */
static inline void cpu_wait_for_interrupt(void)
{
    dsb(sy);
    __asm__ volatile("wfi" ::: "memory");
}

/* MIDR_EL1 fields (D13.2.88): who made the core and which part it is. */
#define MIDR_IMPLEMENTER(midr) (((midr) >> 24) & 0xff)
#define MIDR_PARTNUM(midr)     (((midr) >> 4) & 0xfff)

/* Names the core from MIDR_EL1 ("cortex-a53"), or "unknown". */
const char *cpu_part_name(uint64_t midr);

#endif
