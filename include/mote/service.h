/* SPDX-License-Identifier: MIT */
/*
 * The service's entry point. Every service defines service_start(); Mote calls
 * it once, after the hardware, heap and clocks are up, with the boot arguments.
 * It registers callbacks (timers, console, network) and returns; the event loop
 * then runs those callbacks, one at a time, forever or until mote_exit().
 */
#ifndef MOTE_SERVICE_H
#define MOTE_SERVICE_H

/* args: the boot arguments (never NULL; "" when there are none). See <mote/args.h>. */
void service_start(const char *args);

#endif
