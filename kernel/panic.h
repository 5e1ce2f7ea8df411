/* SPDX-License-Identifier: MIT */
/* The end of the crash path, shared by mote_panic() and fatal exceptions. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

enum panic_action { PANIC_EXIT, PANIC_REBOOT, PANIC_HALT };

/* Chosen by the boot argument panic=exit|reboot|halt. */
void panic_set_action(enum panic_action action);

/* The message of the mote_panic() in progress, for the crash report. */
const char *panic_message(void);

/*
 * The stack protector's canary; kernel_main sets it from the random source,
 * through the register that holds its address (arch/aarch64/stack_guard.h).
 */
extern uintptr_t __stack_chk_guard;

/* Stops the machine after a crash report, as configured. */
__attribute__((noreturn)) void panic_stop(void);

#endif
