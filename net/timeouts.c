// SPDX-License-Identifier: MIT
/*
 * lwIP's timeouts on one Mote timer (no polling tick): lwIP runs only from the
 * event loop, and its next deadline is the one Mote timer's.
 */
#include <stdbool.h>

#include <mote/time.h>
#include <mote/timer.h>

#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "net/net.h"

static int timeout_timer;
static u32_t timeout_due_ms; /* sys_now() at which timeout_timer fires, when it is set */

static void timeouts_fire(void *arg)
{
    (void)arg;
    timeout_timer = 0;
    sys_check_timeouts();
    net_timeouts_changed();
}

/*
 * Called after anything that may have added a lwIP timeout (several times
 * per packet): the Mote timer is re-armed only when lwIP's next deadline
 * moved, at lwIP's millisecond resolution; most calls find it unchanged.
 */
void net_timeouts_changed(void)
{
    u32_t ms = sys_timeouts_sleeptime();
    u32_t due_ms = sys_now() + ms;
    if (timeout_timer > 0 && ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE && due_ms == timeout_due_ms)
        return;
    if (timeout_timer > 0)
        mote_timer_cancel(timeout_timer);
    timeout_timer = 0;
    if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
        timeout_timer = mote_timer_after((uint64_t)ms * MOTE_NS_PER_MS, timeouts_fire, NULL);
        timeout_due_ms = due_ms;
    }
}
