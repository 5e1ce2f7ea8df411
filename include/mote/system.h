/* SPDX-License-Identifier: MIT */
/* The machine: what it is, how much memory is in use, and how to stop it. */
#ifndef MOTE_SYSTEM_H
#define MOTE_SYSTEM_H

#include <stdint.h>

struct mote_sysinfo {
    const char *board;  /* "QEMU virt", from the device tree's model */
    const char *cpu;    /* "cortex-a53", from MIDR_EL1 */
    unsigned cpus;      /* cores the board has (Mote runs on core 0) */
    uint64_t ram_bytes; /* all RAM the board reports */
};

struct mote_meminfo {
    uint64_t ram_bytes;       /* all RAM the board reports */
    uint64_t image_bytes;     /* the image: code, data, BSS and stacks */
    uint64_t heap_bytes;      /* RAM given to the heap */
    uint64_t heap_used_bytes; /* of which allocated now (malloc) */
    uint64_t heap_top_bytes;  /* of which ever handed to malloc (its high-water mark) */
    uint64_t stack_bytes;     /* the event loop's stack */
};

/* Fills *info. Always succeeds. */
void mote_sysinfo(struct mote_sysinfo *info);

/* Fills *info. Always succeeds. */
void mote_meminfo(struct mote_meminfo *info);

/*
 * Stops the machine. When QEMU was started with -semihosting, its exit status
 * is code; otherwise the board is powered off (PSCI SYSTEM_OFF, or the
 * board's own way: the Raspberry Pi's watchdog) and the status is lost. Never returns.
 */
__attribute__((noreturn)) void mote_exit(int code);

/* The exit status of an image that crashed or panicked (EX_SOFTWARE). */
#define MOTE_EXIT_CRASH 70

/*
 * Stops on an unrecoverable error: prints a crash report (the message, all
 * registers, a symbolized backtrace) and ends as configured by the boot
 * argument panic=exit (default: mote_exit(MOTE_EXIT_CRASH)), panic=reboot or
 * panic=halt (stay stopped, for a debugger).
 */
__attribute__((noreturn, format(printf, 1, 2))) void mote_panic(const char *fmt, ...);

#endif
