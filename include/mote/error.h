/* SPDX-License-Identifier: MIT */
/*
 * Errors in words. Every Mote function that can fail returns a negative
 * errno; the numbers are picolibc's, which differ from Linux's, so a number
 * printed for a person means little. Print mote_strerror(err) instead.
 */
#ifndef MOTE_ERROR_H
#define MOTE_ERROR_H

/*
 * What err (a negative errno as Mote functions return, or a positive one)
 * means, in lower-case words ("network is down" for -ENETDOWN). Never NULL:
 * an errno without a description gives "error N" from a static buffer that
 * the next such call overwrites.
 */
const char *mote_strerror(int err);

#endif
