// SPDX-License-Identifier: MIT
/* The event loop, see event.h. Single core: the only concurrency is interrupts. */
#include "kernel/event.h"

#include <errno.h>
#include <stdint.h>

#include "arch/aarch64/cpu.h"
#include "drivers/timer/generic_timer.h"
#include "kernel/irq_loop.h"
#include "kernel/timer.h"

#define MAX_SOURCES 64

static struct {
    event_fn fn;
    void *arg;
} sources[MAX_SOURCES];
static int source_count;
volatile uint64_t event_pending;
/* Ended by a NULL fn: the loop walks them with no count to read back after each call. */
static struct {
    event_fn fn;
    void *arg;
} pass_hooks[EVENT_PASS_HOOKS_MAX + 1];
static int pass_hook_count;

int event_source_add(event_fn fn, void *arg)
{
    if (source_count == MAX_SOURCES)
        return -ENOSPC;
    sources[source_count].fn = fn;
    sources[source_count].arg = arg;
    return source_count++;
}

int event_pass_hook_add(event_fn fn, void *arg)
{
    if (pass_hook_count == EVENT_PASS_HOOKS_MAX)
        return -ENOSPC;
    pass_hooks[pass_hook_count].fn = fn;
    pass_hooks[pass_hook_count].arg = arg;
    pass_hook_count++;
    return 0;
}

static void run_pending(void)
{
    uint64_t bits = __atomic_exchange_n(&event_pending, 0, __ATOMIC_ACQUIRE);
    while (bits) {
        int i = __builtin_ctzll(bits);
        bits &= bits - 1;
        sources[i].fn(sources[i].arg);
    }
}

void event_loop(void)
{
    /* Chosen at boot (irq_set_chip), before the loop: read once, kept in a register. */
    const struct irq_chip *chip = irq_chip;
    for (;;) {
        run_pending();
        uint64_t now_ticks = timer_run_due();
        for (typeof(pass_hooks[0]) *h = pass_hooks; h->fn; h++)
            h->fn(h->arg);

        /*
         * Check and sleep with IRQs masked: an interrupt arriving after the
         * check still ends the wfi (it wakes on a pending IRQ even when
         * masked). now_ticks is the counter value the timers were run at,
         * not read again: a deadline that passed since is programmed in the
         * past and fires at once, and a timer added since (by a callback or
         * a hook) was set from a later reading, so it is never taken as due
         * too early. TIMER_NONE is above every counter value.
         */
        cpu_irq_disable();
        if (!event_pending && timer_next_ticks > now_ticks) {
            gtimer_arm(timer_next_ticks);
            cpu_wait_for_interrupt();
            /*
             * The interrupt that woke the core is handled here, IRQs still
             * masked, as a call: no exception, no register frame, no FP/SIMD
             * to keep (this loop holds none). Another one pending is taken
             * as an exception once IRQs are unmasked.
             */
            irq_dispatch_in_loop(chip);
        }
        cpu_irq_enable();
    }
}
