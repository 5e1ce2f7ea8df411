/* SPDX-License-Identifier: MIT */
/*
 * Readiness: the image logs "mote: ready" once service_start() has returned
 * and every subsystem that holds readiness (the network, until it has an
 * address) has released it. Host tools (`mote run`, tests) wait for that line.
 */
#ifndef KERNEL_READY_H
#define KERNEL_READY_H

/* Delays the "ready" line until a matching ready_release(). */
void ready_hold(void);

/* Releases one hold; the last one logs "mote: ready" (once per boot). */
void ready_release(void);

#endif
