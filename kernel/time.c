// SPDX-License-Identifier: MIT
/* Monotonic and wall-clock time (include/mote/time.h, kernel/time.h). */
#include "kernel/time.h"

#include <errno.h>
#include <mote/time.h>

#include "drivers/timer/generic_timer.h"

/* The wall time at counter 0: wall = offset + monotonic. -ENODEV: no wall time yet. */
static int64_t boot_wallclock_ns = -ENODEV;
static uint64_t rtc_rejected_s;

void time_set_rtc(uint64_t epoch_seconds)
{
    if (epoch_seconds < TIME_WALLCLOCK_FLOOR_S) {
        rtc_rejected_s = epoch_seconds;
        return;
    }
    boot_wallclock_ns = (int64_t)(epoch_seconds * MOTE_NS_PER_S) - (int64_t)mote_time_ns();
}

uint64_t time_rtc_rejected(void)
{
    return rtc_rejected_s;
}

int64_t time_set_wallclock(int64_t epoch_ns, bool *was_known)
{
    int64_t before = mote_wallclock_ns();
    *was_known = before >= 0;
    boot_wallclock_ns = epoch_ns - (int64_t)mote_time_ns();
    return *was_known ? epoch_ns - before : 0;
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
