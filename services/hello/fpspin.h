/* SPDX-License-Identifier: MIT */
#ifndef SERVICES_HELLO_FPSPIN_H
#define SERVICES_HELLO_FPSPIN_H

#include <stdint.h>

/*
 * Holds patterns in every FP/SIMD register and FPCR for ms milliseconds, then
 * prints "fpspin: v0-v31 and FPCR intact" or what changed.
 */
void fpspin(uint64_t ms);

#endif
