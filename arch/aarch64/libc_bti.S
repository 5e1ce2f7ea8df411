/* SPDX-License-Identifier: MIT */
/*
 * BTI landing pads for the functions of picolibc that picolibc itself calls
 * through pointers. Debian's picolibc is built without landing pads, and all
 * of an image's code is on guarded pages (image.ld.in, pauth.h): on a CPU
 * with BTI, its string streams' blr to __file_str_put (snprintf and its
 * family) or __file_str_get (sscanf) would fault. The link's --wrap
 * (mk/image.mk: LIBC_BTI_WRAP) points those references here instead: a
 * landing pad, then a direct branch, which BTI does not check, to picolibc's
 * own function with the arguments untouched. scripts/landing_pads.py checks
 * every image for a pointer to a function without a pad.
 */

/* libc_landing_pad name: __wrap_<name>, which lands and goes on to <name>. */
.macro libc_landing_pad name
    .section .text.__wrap_\name, "ax"
    .global __wrap_\name
    .type __wrap_\name, %function
    .balign 4
__wrap_\name:
    bti     c
    b       __real_\name
    .size __wrap_\name, . - __wrap_\name
.endm

    libc_landing_pad __file_str_put
    libc_landing_pad __file_str_get
