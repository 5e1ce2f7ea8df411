// SPDX-License-Identifier: MIT
/* Symbol lookup by address, see symtab.h. */
#include "kernel/symtab.h"

const char *symtab_lookup(const struct symtab *tab, uint64_t addr, uint64_t *offset)
{
    size_t lo = 0, hi = tab->count;
    addr -= tab->slide; /* the table has the ELF's addresses */

    /* The last entry whose address is <= addr. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tab->entries[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct symtab_entry *e = &tab->entries[lo - 1];
    uint64_t off = addr - e->addr;
    /* A sized symbol owns only its bytes; an unsized one runs to the next symbol. */
    if (e->size && off >= e->size)
        return NULL;
    if (!e->size && lo == tab->count)
        return NULL;
    *offset = off;
    return tab->names + e->name;
}
