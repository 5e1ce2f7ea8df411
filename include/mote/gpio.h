/* SPDX-License-Identifier: MIT */
/*
 * GPIO pins: direction, pull resistors, levels, and edge events. Pins are
 * numbered as the board's SoC numbers them (the Raspberry Pi's BCM numbers,
 * GPIO 0-53, not header pin positions). Pins the board itself uses (its serial
 * console, the SD card) are refused. Edge callbacks run from the event loop,
 * never from an interrupt. A board without GPIO answers -ENODEV to everything.
 */
#ifndef MOTE_GPIO_H
#define MOTE_GPIO_H

enum mote_gpio_mode {
    MOTE_GPIO_INPUT,
    MOTE_GPIO_OUTPUT,
};

enum mote_gpio_pull {
    MOTE_GPIO_PULL_NONE,
    MOTE_GPIO_PULL_DOWN,
    MOTE_GPIO_PULL_UP,
};

/* Which edges mote_gpio_on_edge reports (a bit mask). */
#define MOTE_GPIO_EDGE_RISING  (1u << 0)
#define MOTE_GPIO_EDGE_FALLING (1u << 1)
#define MOTE_GPIO_EDGE_BOTH    (MOTE_GPIO_EDGE_RISING | MOTE_GPIO_EDGE_FALLING)

/* Called for an edge on pin; level is the pin's level when the loop ran the callback. */
typedef void (*mote_gpio_fn)(unsigned pin, unsigned edges, int level, void *arg);

/*
 * Makes pin an input or an output and sets its pull resistor. Returns 0,
 * -ENODEV without GPIO, -EINVAL for a pin the board does not have or a bad
 * mode or pull, -EBUSY for a pin the board uses itself.
 */
int mote_gpio_configure(unsigned pin, enum mote_gpio_mode mode, enum mote_gpio_pull pull);

/* Drives an output pin high (level != 0) or low. Returns 0 or the errors of configure. */
int mote_gpio_write(unsigned pin, int level);

/* Returns the pin's level, 0 or 1, or the errors of configure (negative). */
int mote_gpio_read(unsigned pin);

/*
 * Calls fn(pin, edges, level, arg) from the event loop after each edge of
 * the kinds in edges (MOTE_GPIO_EDGE_*) on an input pin; edges 0 or fn NULL
 * stops it. Edges that come faster than the loop runs are merged into one call
 * (edges then says which kinds were seen). Returns 0, -EINVAL for a bad pin
 * or edge mask, -EBUSY as for configure, -ENODEV without GPIO or without its
 * interrupt.
 */
int mote_gpio_on_edge(unsigned pin, unsigned edges, mote_gpio_fn fn, void *arg);

#endif
