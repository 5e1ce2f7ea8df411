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
#include "drivers/timer/tick_scale.h"
#include "kernel/irq.h"

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK  (1u << 1)

#define NS_PER_S             1000000000ull
#define DEADLINE_SLACK_TICKS 2

static uint64_t freq_hz;
/*
 * The compare value the registers hold while the timer is enabled and
 * unmasked (GTIMER_NO_DEADLINE: disabled). The interrupt masks the timer, so
 * it sets this to GTIMER_UNARMED, and the next gtimer_arm writes them again.
 */
uint64_t gtimer_armed_ticks = GTIMER_UNARMED;
/*
 * Used on clock readings and deadlines: multiplications, no division.
 * Readings round up (never below the exact floor), deadlines down (never
 * past the exact instant): see gtimer_deadline_ticks.
 */
static struct tick_scale ns_per_tick, ticks_per_ns;

static void scales_init(void)
{
    freq_hz = sysreg_read(cntfrq_el0);
    tick_scale_init(&ns_per_tick, NS_PER_S, freq_hz, TICK_ROUND_UP);
    tick_scale_init(&ticks_per_ns, freq_hz, NS_PER_S, TICK_ROUND_DOWN);
}

/* The timer only wakes the loop; the loop decides what is due. */
static void gtimer_irq(void *arg)
{
    (void)arg;
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    gtimer_armed_ticks = GTIMER_UNARMED; /* masked: the next gtimer_arm writes the registers */
}

int gtimer_init(unsigned intid)
{
    scales_init();
    sysreg_write(cntv_ctl_el0, 0);
    gtimer_armed_ticks = GTIMER_UNARMED;
    return irq_register(intid, IRQ_LEVEL, gtimer_irq, NULL);
}

uint64_t gtimer_now_ns(void)
{
    if (!freq_hz) /* asked before gtimer_init, e.g. by a panic during bring-up */
        scales_init();
    return tick_scale_apply(&ns_per_tick, gtimer_ticks());
}

uint64_t gtimer_deadline_ticks(uint64_t deadline_ns)
{
    if (deadline_ns == GTIMER_NO_DEADLINE)
        return GTIMER_NO_DEADLINE;
    if (!freq_hz)
        scales_init();
    /*
     * The conversion is the exact floor or one less: two ticks more put the
     * compare value past the exact instant, so when the counter reaches it
     * gtimer_now_ns() (never below the exact floor) has reached deadline_ns
     * and the loop finds the timer due instead of re-arming it for the same
     * instant. Late by at most two ticks (32 ns at QEMU's 62.5 MHz).
     */
    uint64_t ticks = tick_scale_apply(&ticks_per_ns, deadline_ns);
    return ticks >= GTIMER_NO_DEADLINE - DEADLINE_SLACK_TICKS ? GTIMER_NO_DEADLINE
                                                              : ticks + DEADLINE_SLACK_TICKS;
}

void gtimer_arm_registers(uint64_t deadline_ticks)
{
    gtimer_armed_ticks = deadline_ticks;
    if (deadline_ticks == GTIMER_NO_DEADLINE) {
        sysreg_write(cntv_ctl_el0, 0);
        return;
    }
    sysreg_write(cntv_cval_el0, deadline_ticks);
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb();
}
