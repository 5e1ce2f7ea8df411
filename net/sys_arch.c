// SPDX-License-Identifier: MIT
/* lwIP's system glue under NO_SYS: its clock, its random numbers, its diagnostics. */
#include <stdarg.h>
#include <stdio.h>

#include <mote/log.h>
#include <mote/time.h>

#include "kernel/random.h"
#include "lwip/sys.h"

#define DIAG_MAX 160

u32_t sys_now(void)
{
    return (u32_t)(mote_time_ns() / MOTE_NS_PER_MS);
}

uint32_t net_random_u32(void)
{
    return (uint32_t)random_u64();
}

void net_diag(const char *fmt, ...)
{
    char buf[DIAG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    mote_log(MOTE_LOG_DEBUG, "lwip: %s", buf);
}
