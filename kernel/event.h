/* SPDX-License-Identifier: MIT */
/*
 * The event loop. Interrupt handlers only note that something happened
 * (event_raise); the loop runs the matching callbacks and the due timers, then
 * sleeps in wfi with the timer programmed for the next deadline (tickless).
 */
#ifndef KERNEL_EVENT_H
#define KERNEL_EVENT_H

#include <stdint.h>

typedef void (*event_fn)(void *arg);

/* Registers a source of events. Returns its number (>= 0) or -ENOSPC (64 sources). */
int event_source_add(event_fn fn, void *arg);

/*
 * The pending sources, one bit each: event.c's, set only by event_raise.
 * Hidden: the image is position-independent, and a default-visibility
 * variable would be reached through the GOT, one load more on every use.
 */
extern volatile uint64_t event_pending __attribute__((visibility("hidden")));

/*
 * Marks the sources of bits (event_bit) pending; safe from interrupt context.
 * For a handler that keeps its source's bit rather than its number: no shift.
 */
static inline void event_raise_bits(uint64_t bits)
{
    __atomic_or_fetch(&event_pending, bits, __ATOMIC_RELEASE);
}

/* A source's bit in event_pending, for event_raise_bits. */
static inline uint64_t event_bit(int source)
{
    return 1ull << source;
}

/* Marks a source pending; safe from interrupt context. Inline: every interrupt handler raises. */
static inline void event_raise(int source)
{
    event_raise_bits(event_bit(source));
}

/*
 * Runs fn(arg) on every pass of the loop, after the pending events and the due
 * timers and before the loop decides to sleep: for bookkeeping batched over a
 * pass instead of done on every event (net/timeouts.c). fn may add timers and
 * raise events; the loop sees them before it sleeps. Returns 0 or -ENOSPC
 * (EVENT_PASS_HOOKS_MAX hooks).
 */
#define EVENT_PASS_HOOKS_MAX 4
int event_pass_hook_add(event_fn fn, void *arg);

/* Runs callbacks forever. */
__attribute__((noreturn)) void event_loop(void);

#endif
