// SPDX-License-Identifier: MIT
/*
 * Arm generic timer, virtual timer at EL1 (Arm ARM D11 "The Generic Timer";
 * CNTV_CTL_EL0 D13.8.16, CNTV_CVAL_EL0 D13.8.17). Used one-shot: the event
 * loop programs the next deadline before it sleeps; there is no periodic tick.
 * The virtual timer works the same whether Mote was entered at EL2 or EL1
 * (boot.S sets CNTVOFF_EL2 to 0).
 */
#include "drivers/timer/generic_timer.h"

#include <stddef.h>

#include "arch/aarch64/cpu.h"
#include "kernel/irq.h"

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK  (1u << 1)

#define NS_PER_S 1000000000ull

static uint64_t freq_hz;

static uint64_t counter(void)
{
    isb(); /* the counter read is not reordered before earlier instructions */
    return sysreg_read(cntvct_el0);
}

/* The timer only wakes the loop; the loop decides what is due. */
static void gtimer_irq(void *arg)
{
    (void)arg;
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

int gtimer_init(unsigned intid)
{
    freq_hz = sysreg_read(cntfrq_el0);
    sysreg_write(cntv_ctl_el0, 0);
    return irq_register(intid, IRQ_LEVEL, gtimer_irq, NULL);
}

uint64_t gtimer_now_ns(void)
{
    if (!freq_hz) /* asked before gtimer_init, e.g. by a panic during bring-up */
        freq_hz = sysreg_read(cntfrq_el0);
    return (uint64_t)((unsigned __int128)counter() * NS_PER_S / freq_hz);
}

void gtimer_set_deadline(uint64_t deadline_ns)
{
    if (deadline_ns == GTIMER_NO_DEADLINE) {
        sysreg_write(cntv_ctl_el0, 0);
        return;
    }
    unsigned __int128 ticks = (unsigned __int128)deadline_ns * freq_hz / NS_PER_S;
    sysreg_write(cntv_cval_el0, ticks > UINT64_MAX ? UINT64_MAX : (uint64_t)ticks);
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb();
}
