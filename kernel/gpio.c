// SPDX-License-Identifier: MIT
/* GPIO pins for services (include/mote/gpio.h), see kernel/gpio.h. */
#include "kernel/gpio.h"

#include <errno.h>
#include <stddef.h>

#include "kernel/event.h"

static const struct gpio_chip *chip;
static uint64_t reserved;
static struct {
    mote_gpio_fn fn;
    void *arg;
    unsigned edges; /* what the service asked for */
} watch[GPIO_MAX_PINS];
/* Edges seen per pin, written by the interrupt handler, taken by the loop. */
static volatile uint8_t seen[GPIO_MAX_PINS];
static int edge_event = -1;

void gpio_set_chip(const struct gpio_chip *c)
{
    chip = c;
}

void gpio_reserve(unsigned pin)
{
    if (pin < GPIO_MAX_PINS)
        reserved |= 1ull << pin;
}

static int pin_check(unsigned pin)
{
    if (!chip)
        return -ENODEV;
    if (pin >= chip->pins || pin >= GPIO_MAX_PINS)
        return -EINVAL;
    if (reserved & (1ull << pin))
        return -EBUSY;
    return 0;
}

int mote_gpio_configure(unsigned pin, enum mote_gpio_mode mode, enum mote_gpio_pull pull)
{
    int err = pin_check(pin);
    if (err)
        return err;
    if ((mode != MOTE_GPIO_INPUT && mode != MOTE_GPIO_OUTPUT) ||
        (pull != MOTE_GPIO_PULL_NONE && pull != MOTE_GPIO_PULL_DOWN && pull != MOTE_GPIO_PULL_UP))
        return -EINVAL;
    chip->configure(pin, mode, pull);
    return 0;
}

int mote_gpio_write(unsigned pin, int level)
{
    int err = pin_check(pin);
    if (err)
        return err;
    chip->write(pin, level != 0);
    return 0;
}

int mote_gpio_read(unsigned pin)
{
    int err = pin_check(pin);
    return err ? err : chip->read(pin);
}

static void deliver_edges(void *unused)
{
    (void)unused;
    for (unsigned pin = 0; pin < GPIO_MAX_PINS; pin++) {
        if (!seen[pin])
            continue;
        unsigned edges = __atomic_exchange_n(&seen[pin], 0, __ATOMIC_ACQUIRE);
        edges &= watch[pin].edges;
        if (edges && watch[pin].fn)
            watch[pin].fn(pin, edges, chip->read(pin), watch[pin].arg);
    }
}

int mote_gpio_on_edge(unsigned pin, unsigned edges, mote_gpio_fn fn, void *arg)
{
    int err = pin_check(pin);
    if (err)
        return err;
    if (edges & ~MOTE_GPIO_EDGE_BOTH)
        return -EINVAL;
    if (!fn)
        edges = 0;
    if (edge_event < 0) {
        edge_event = event_source_add(deliver_edges, NULL);
        if (edge_event < 0)
            return edge_event;
    }
    if (!chip->set_edges)
        return -ENODEV;
    watch[pin].fn = fn;
    watch[pin].arg = arg;
    watch[pin].edges = edges;
    return chip->set_edges(pin, edges);
}

void gpio_report_edges(unsigned pin, unsigned edges)
{
    if (pin >= GPIO_MAX_PINS || edge_event < 0)
        return;
    __atomic_or_fetch(&seen[pin], (uint8_t)edges, __ATOMIC_RELEASE);
    event_raise(edge_event);
}
