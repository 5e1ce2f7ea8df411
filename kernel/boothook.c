// SPDX-License-Identifier: MIT
/* The boot hooks the linker collected; see boothook.h. */
#include "kernel/boothook.h"

#include <string.h>

/* arch/aarch64/image.ld.in: the bounds of .mote_boot_hooks */
extern const struct boot_hook __boot_hooks_start[], __boot_hooks_end[];

void boot_hooks_attach(const char *bootargs)
{
    for (const struct boot_hook *h = __boot_hooks_start; h < __boot_hooks_end; h++)
        if (h->attach)
            h->attach(bootargs);
}

void boot_hooks_start(const char *bootargs)
{
    for (const struct boot_hook *h = __boot_hooks_start; h < __boot_hooks_end; h++)
        if (h->start)
            h->start(bootargs);
}

bool boot_hooks_read(const char *key)
{
    for (const struct boot_hook *h = __boot_hooks_start; h < __boot_hooks_end; h++)
        for (unsigned i = 0; i < BOOT_HOOK_ARGS_MAX && h->args[i]; i++)
            if (strcmp(h->args[i], key) == 0)
                return true;
    return false;
}
