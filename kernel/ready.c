// SPDX-License-Identifier: MIT
/* The "mote: ready" line (kernel/ready.h). */
#include "kernel/ready.h"

#include <stdbool.h>

#include <mote/log.h>

/* The kernel's own hold, released when service_start() returns. */
static unsigned holds = 1;
static bool announced;

void ready_hold(void)
{
    if (!announced)
        holds++;
}

void ready_release(void)
{
    if (announced || holds == 0 || --holds > 0)
        return;
    announced = true;
    mote_log(MOTE_LOG_INFO, "mote: ready");
}
