// SPDX-License-Identifier: MIT
/* The symbol table the build embeds in this image (see symtab.h). */
#include "kernel/symtab.h"

#include "arch/aarch64/aslr.h"

extern const struct symtab_entry mote_symtab_entries[];
extern const uint64_t mote_symtab_count;
extern const char mote_symtab_names[];

const struct symtab *symtab_image(void)
{
    static struct symtab tab;
    tab.entries = mote_symtab_entries;
    tab.count = mote_symtab_count;
    tab.names = mote_symtab_names;
    tab.slide = aslr_slide();
    return &tab;
}
