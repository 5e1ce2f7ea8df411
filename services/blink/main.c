// SPDX-License-Identifier: MIT
/*
 * blink: toggles an output pin every interval_ms (an LED on GPIO 21, header
 * pin 40, through a resistor to ground) and reports every edge on an input pin
 * with its pull-up on (a button on GPIO 20, header pin 38, to ground).
 * Arguments: out=PIN in=PIN interval_ms=N toggles=N (0: forever) pull=up|down|none.
 * After `toggles` toggles it stops and says the pin's final level; the input
 * keeps being watched. Without GPIO, or without the pins (QEMU virt: 0-7), it
 * says so and exits with 1.
 */
#include <errno.h>
#include <string.h>

#include <mote/mote.h>

#define DEFAULT_OUT         21
#define DEFAULT_IN          20
#define DEFAULT_INTERVAL_MS 500
#define PULL_ARG_MAX        8

static unsigned out_pin, in_pin;
static uint64_t toggles_left; /* 0: forever */
static int counted;
static int level;
static int timer;
static unsigned edges_seen;

static void toggle(void *arg)
{
    (void)arg;
    level = !level;
    int err = mote_gpio_write(out_pin, level);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blink: writing GPIO %u failed: %d", out_pin, err);
        mote_timer_cancel(timer);
        return;
    }
    mote_log(MOTE_LOG_INFO, "blink: GPIO %u %s", out_pin, level ? "high" : "low");
    if (counted && --toggles_left == 0) {
        mote_timer_cancel(timer);
        mote_log(MOTE_LOG_INFO, "blink: done, GPIO %u stays %s (reads back %d)", out_pin,
                 level ? "high" : "low", mote_gpio_read(out_pin));
    }
}

static void on_edge(unsigned pin, unsigned edges, int now, void *arg)
{
    (void)arg;
    edges_seen++;
    mote_log(MOTE_LOG_INFO, "blink: GPIO %u %s edge (%u so far), level now %d", pin,
             edges == MOTE_GPIO_EDGE_BOTH    ? "rising and falling"
             : edges & MOTE_GPIO_EDGE_RISING ? "rising"
                                             : "falling",
             edges_seen, now);
}

static int pin_arg(const char *args, const char *key, unsigned def, unsigned *pin)
{
    uint64_t v = def;
    if (mote_arg_get_u64(args, key, &v) == -EINVAL) {
        mote_log(MOTE_LOG_ERROR, "blink: %s: expected a GPIO number", key);
        return -EINVAL;
    }
    *pin = v > 0xffff ? 0xffff : (unsigned)v; /* the GPIO layer refuses what the board lacks */
    return 0;
}

static int pull_arg(const char *args, enum mote_gpio_pull *pull)
{
    char val[PULL_ARG_MAX];
    *pull = MOTE_GPIO_PULL_UP;
    if (mote_arg_get(args, "pull", val, sizeof(val)) < 0)
        return 0;
    if (strcmp(val, "up") == 0)
        *pull = MOTE_GPIO_PULL_UP;
    else if (strcmp(val, "down") == 0)
        *pull = MOTE_GPIO_PULL_DOWN;
    else if (strcmp(val, "none") == 0)
        *pull = MOTE_GPIO_PULL_NONE;
    else {
        mote_log(MOTE_LOG_ERROR, "blink: pull=%s unknown; expected up|down|none", val);
        return -EINVAL;
    }
    return 0;
}

static const char *why(int err)
{
    switch (err) {
    case -ENODEV: return "this board has no GPIO";
    case -EBUSY: return "the board uses that pin itself";
    case -EINVAL: return "no such pin";
    default: return "error";
    }
}

void service_start(const char *args)
{
    uint64_t interval_ms = DEFAULT_INTERVAL_MS;
    enum mote_gpio_pull pull;
    if (pin_arg(args, "out", DEFAULT_OUT, &out_pin) || pin_arg(args, "in", DEFAULT_IN, &in_pin) ||
        pull_arg(args, &pull))
        mote_exit(2);
    if (mote_arg_get_u64(args, "interval_ms", &interval_ms) == -EINVAL || interval_ms == 0) {
        mote_log(MOTE_LOG_ERROR, "blink: interval_ms: expected a number > 0");
        mote_exit(2);
    }
    counted = mote_arg_get_u64(args, "toggles", &toggles_left) == 0 && toggles_left > 0;

    int err = mote_gpio_configure(out_pin, MOTE_GPIO_OUTPUT, MOTE_GPIO_PULL_NONE);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blink: GPIO %u as output: %s (%d)", out_pin, why(err), err);
        mote_exit(1);
    }
    (void)mote_gpio_write(out_pin, 0); /* cannot fail: the pin was just configured */
    err = mote_gpio_configure(in_pin, MOTE_GPIO_INPUT, pull);
    if (err == 0)
        err = mote_gpio_on_edge(in_pin, MOTE_GPIO_EDGE_BOTH, on_edge, NULL);
    if (err)
        mote_log(MOTE_LOG_WARN, "blink: GPIO %u as input: %s (%d); not watching it", in_pin,
                 why(err), err);

    timer = mote_timer_every(interval_ms * MOTE_NS_PER_MS, toggle, NULL);
    if (timer < 0) {
        mote_log(MOTE_LOG_ERROR, "blink: cannot start the timer: %d", timer);
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "blink: toggling GPIO %u every %llu ms, watching GPIO %u (level %d)",
             out_pin, (unsigned long long)interval_ms, in_pin, mote_gpio_read(in_pin));
}
