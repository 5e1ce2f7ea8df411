/* SPDX-License-Identifier: MIT */
/*
 * The GPIO API (include/mote/gpio.h) over the board's GPIO controller. The
 * board registers its driver as a gpio_chip and marks the pins it uses; the
 * driver's interrupt handler reports edges with gpio_report_edges.
 */
#ifndef KERNEL_GPIO_H
#define KERNEL_GPIO_H

#include <stdint.h>

#include <mote/gpio.h>

#define GPIO_MAX_PINS 64

/* What a GPIO controller driver provides. Pins are checked before any call. */
struct gpio_chip {
    const char *name;
    unsigned pins;
    void (*configure)(unsigned pin, enum mote_gpio_mode mode, enum mote_gpio_pull pull);
    void (*write)(unsigned pin, int level);
    int (*read)(unsigned pin);
    /* Enables detection of edges (MOTE_GPIO_EDGE_* mask; 0 turns it off). 0 or -errno. */
    int (*set_edges)(unsigned pin, unsigned edges);
};

/* Makes chip the board's GPIO controller. */
void gpio_set_chip(const struct gpio_chip *chip);

/* Marks pin as the board's own: the API refuses it with -EBUSY. */
void gpio_reserve(unsigned pin);

/* Interrupt context: edges (MOTE_GPIO_EDGE_*) were seen on pin; the loop calls back. */
void gpio_report_edges(unsigned pin, unsigned edges);

#endif
