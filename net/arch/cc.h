/* SPDX-License-Identifier: MIT */
/* lwIP's compiler and platform glue for Mote (lwIP doc: "Porting for bare metal"). */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#define LWIP_ERRNO_STDINCLUDE 1
/*
 * picolibc's ssize_t (long): without SSIZE_MAX lwIP would typedef its own
 * (int), which clashes wherever <time.h> comes in too (SNTP, mbedTLS).
 */
#include <sys/types.h>
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif
/* <sys/types.h> has it, and a host build (the fuzz targets) from <endian.h> */
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#define LWIP_NO_INTTYPES_H 0

/*
 * Byte order with the compiler's builtins (one REV instruction on AArch64)
 * instead of lwIP's functions, which are calls on every header field.
 */
#if BYTE_ORDER == LITTLE_ENDIAN
#define lwip_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#endif

/*
 * lwIP's diagnostics go to the log; a failed assertion is a kernel panic,
 * named by file and line in lwIP's pristine source (the assertions' own
 * messages, 7 KB of every image, are left out: the line says the same).
 */
void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 1, 2))) void mote_panic(const char *fmt, ...);
#define LWIP_PLATFORM_DIAG(x) net_diag x
#define LWIP_PLATFORM_ASSERT(x) \
    ((void)sizeof(x), mote_panic("lwIP assertion failed at %s:%d", __FILE__, __LINE__))

/* Random numbers (DHCP transaction ids, ports, IPv6 and so on) from Mote's source. */
uint32_t net_random_u32(void);
#define LWIP_RAND() net_random_u32()

#endif
