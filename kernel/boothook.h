/* SPDX-License-Identifier: MIT */
/*
 * Boot hooks: how an optional part joins the boot without the kernel naming
 * it. A part that is linked only when something uses it (the network, linked
 * when the service calls mote_udp_* or mote_tcp_*; remote logs, linked with
 * the network) declares one struct boot_hook with BOOT_HOOK(); the linker
 * collects them (arch/aarch64/image.ld.in: .mote_boot_hooks), so an image
 * runs exactly the hooks of the parts it carries. kernel_main runs them in
 * two rounds:
 *   attach   after the devices are probed, before the debugging arguments
 *            are acted on: the part takes its configuration from the boot
 *            arguments and registers what it offers (a GDB transport);
 *   start    after the boot banner, before the service starts: the part
 *            starts what the boot arguments ask for (remote logs).
 */
#ifndef KERNEL_BOOTHOOK_H
#define KERNEL_BOOTHOOK_H

#include <stdbool.h>

#define BOOT_HOOK_ARGS_MAX 6

struct boot_hook {
    const char *name; /* the part: "net", "syslog" */
    /* Boot arguments the part reads (NULL-terminated), so the kernel can tell an unused one. */
    const char *args[BOOT_HOOK_ARGS_MAX];
    void (*attach)(const char *bootargs); /* or NULL */
    void (*start)(const char *bootargs);  /* or NULL */
};

/* Declares the part's hook, static const: BOOT_HOOK(net_hook) = {.name = "net", ...}; */
#define BOOT_HOOK(var) \
    static const struct boot_hook var __attribute__((used, section(".mote_boot_hooks"), aligned(8)))

/* Runs every hook's attach, then (boot_hooks_start) every hook's start, with the boot arguments. */
void boot_hooks_attach(const char *bootargs);
void boot_hooks_start(const char *bootargs);

/* Whether a part in this image reads the boot argument key. */
bool boot_hooks_read(const char *key);

#endif
