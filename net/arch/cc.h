/* SPDX-License-Identifier: MIT */
/* lwIP's compiler and platform glue for Mote (lwIP doc: "Porting for bare metal"). */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define LWIP_ERRNO_STDINCLUDE 1
#ifndef BYTE_ORDER /* a host build (the fuzz targets) has it from <endian.h> */
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#define LWIP_NO_INTTYPES_H 0

/* lwIP's diagnostics go to the log; a failed assertion is a kernel panic. */
void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 1, 2))) void mote_panic(const char *fmt, ...);
#define LWIP_PLATFORM_DIAG(x) net_diag x
#define LWIP_PLATFORM_ASSERT(x) \
    mote_panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

/* Random numbers (DHCP transaction ids, ports, IPv6 and so on) from Mote's source. */
uint32_t net_random_u32(void);
#define LWIP_RAND() net_random_u32()

#endif
