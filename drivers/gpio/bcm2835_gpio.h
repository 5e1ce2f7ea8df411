/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_GPIO_BCM2835_GPIO_H
#define DRIVERS_GPIO_BCM2835_GPIO_H

#include <stdint.h>

#include "kernel/gpio.h"

#define BCM2835_GPIO_PINS 54

/* GPFSEL function codes (§6.2 table 6-2) */
enum bcm2835_gpio_function {
    BCM2835_GPIO_FN_INPUT = 0,
    BCM2835_GPIO_FN_OUTPUT = 1,
    BCM2835_GPIO_FN_ALT0 = 4,
    BCM2835_GPIO_FN_ALT1 = 5,
    BCM2835_GPIO_FN_ALT2 = 6,
    BCM2835_GPIO_FN_ALT3 = 7,
    BCM2835_GPIO_FN_ALT4 = 3,
    BCM2835_GPIO_FN_ALT5 = 2,
};

/* Takes the GPIO block at base; returns it as the board's gpio_chip. */
const struct gpio_chip *bcm2835_gpio_init(uintptr_t base);

/* Selects pin's function (the board's own pins: UART alternate functions). */
void bcm2835_gpio_set_function(unsigned pin, enum bcm2835_gpio_function fn);

/* Sets pin's pull resistor with the GPPUD/GPPUDCLK sequence of §6.1. */
void bcm2835_gpio_set_pull(unsigned pin, enum mote_gpio_pull pull);

/*
 * Routes the "any pin" GPIO interrupt (gpio_int[3], intid) to edge reporting.
 * Returns 0 or irq_register's error.
 */
int bcm2835_gpio_enable_irq(unsigned intid);

#endif
