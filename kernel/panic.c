// SPDX-License-Identifier: MIT
/*
 * mote_panic(): formats the message, then executes a BRK with Mote's panic
 * immediate, so the report comes from the one crash path in trap.c, with
 * every register as it was at the call.
 */
#include "kernel/panic.h"

#include <stdarg.h>
#include <stdio.h>

#include <mote/system.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/trap.h"
#include "kernel/system.h"

#define MESSAGE_MAX   160
#define STRINGIFY(x)  #x
#define XSTRINGIFY(x) STRINGIFY(x)

static char message[MESSAGE_MAX];
static enum panic_action action = PANIC_EXIT;

void panic_set_action(enum panic_action a)
{
    action = a;
}

const char *panic_message(void)
{
    return message;
}

void mote_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    __asm__ volatile("brk #" XSTRINGIFY(TRAP_BRK_PANIC));
    __builtin_unreachable();
}

void panic_stop(void)
{
    cpu_irq_disable();
    if (action == PANIC_REBOOT)
        system_reset();
    if (action != PANIC_HALT)
        mote_exit(MOTE_EXIT_CRASH);
    for (;;)
        cpu_wait_for_interrupt();
}

/* -fstack-protector: a clobbered canary is a crash, reported like any other. */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ul;

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    mote_panic("stack smashing detected");
}
