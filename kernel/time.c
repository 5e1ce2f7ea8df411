// SPDX-License-Identifier: MIT
/* Monotonic and wall-clock time (include/mote/time.h). */
#include "kernel/time.h"

#include <errno.h>
#include <mote/time.h>

#include "drivers/timer/generic_timer.h"

static int64_t boot_wallclock_ns = -ENODEV;

void time_set_rtc(uint64_t epoch_seconds)
{
    boot_wallclock_ns = (int64_t)(epoch_seconds * MOTE_NS_PER_S) - (int64_t)mote_time_ns();
}

uint64_t mote_time_ns(void)
{
    return gtimer_now_ns();
}

int64_t mote_wallclock_ns(void)
{
    if (boot_wallclock_ns == -ENODEV)
        return -ENODEV;
    return boot_wallclock_ns + (int64_t)mote_time_ns();
}
