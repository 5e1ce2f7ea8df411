// SPDX-License-Identifier: MIT
/* The symbol table the build embeds in this image (see symtab.h). */
#include "kernel/symtab.h"

#include "arch/aarch64/aslr.h"

extern const uint8_t mote_symtab[];
extern const uint64_t mote_symtab_size;

const struct symtab *symtab_image(void)
{
    static struct symtab tab;
    tab.data = mote_symtab;
    tab.size = mote_symtab_size;
    tab.slide = aslr_slide();
    return &tab;
}
