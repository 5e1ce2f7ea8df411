/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_GPIO_PL061_H
#define DRIVERS_GPIO_PL061_H

#include <stdbool.h>
#include <stdint.h>

#define PL061_PINS 8

/* Called in interrupt context when a watched pin sees its edge: note the event, return. */
typedef void (*pl061_edge_fn)(unsigned pin, void *arg);

/* One PL061; the caller owns the storage (zeroed), the driver owns the fields. */
struct pl061 {
    uintptr_t base;
    pl061_edge_fn fn[PL061_PINS];
    void *arg[PL061_PINS];
};

/*
 * Takes the PL061 at base (already mapped as device memory): checks its
 * PrimeCell identification, masks and clears every interrupt and routes the
 * controller's interrupt (intid, level-triggered) to the driver. Returns 0,
 * -ENODEV if base holds no PL061, or irq_register's error.
 */
int pl061_init(struct pl061 *gpio, uintptr_t base, unsigned intid);

/*
 * Makes pin an input and calls fn(pin, arg) in interrupt context on each
 * rising edge (falling if !rising). Returns 0, -EINVAL for a pin >= 8 or a
 * NULL fn, -EBUSY if the pin is already watched.
 */
int pl061_watch_edge(struct pl061 *gpio, unsigned pin, bool rising, pl061_edge_fn fn, void *arg);

/* The level of pin (0 or 1), or -EINVAL for a pin >= 8. */
int pl061_read(const struct pl061 *gpio, unsigned pin);

/* Makes pin an output (or an input) under software control. Returns 0, -EINVAL for a pin >= 8 or
 * one watched. */
int pl061_set_direction(struct pl061 *gpio, unsigned pin, bool output);

/* Drives output pin high (level != 0) or low. Returns 0, -EINVAL for a pin >= 8. */
int pl061_write(struct pl061 *gpio, unsigned pin, int level);

#endif
