/* SPDX-License-Identifier: MIT */
/*
 * Where the stack protector's code reads its canary: at the address a system
 * register holds (mk/toolchain.mk names it, STACK_GUARD_SYSREG; boot.S points
 * it at __stack_chk_guard). Writing through the register rather than to the
 * variable makes the guard kernel_main draws the one every check compares
 * with, whatever the register points at.
 */
#ifndef ARCH_AARCH64_STACK_GUARD_H
#define ARCH_AARCH64_STACK_GUARD_H

#include <stdint.h>

#define STACK_GUARD_STRING_(reg) #reg
#define STACK_GUARD_STRING(reg)  STACK_GUARD_STRING_(reg)

/* The canary's slot; boot.S set the register before any C ran. */
static inline uintptr_t *stack_guard_slot(void)
{
    uintptr_t *slot;
    __asm__ volatile("mrs %0, " STACK_GUARD_STRING(STACK_GUARD_SYSREG) : "=r"(slot));
    return slot;
}

#endif
