/* SPDX-License-Identifier: MIT */
/*
 * The image's own symbol table, for backtraces without a host-side debugger.
 * The build links each image twice: the second time with a table generated
 * from the first link's functions (scripts/symtab.awk), placed after all code
 * so that no function moves.
 */
#ifndef KERNEL_SYMTAB_H
#define KERNEL_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

struct symtab_entry {
    uint64_t addr;
    uint32_t size; /* 0 when the symbol had none (assembly labels) */
    uint32_t name; /* offset into the names blob */
};

struct symtab {
    const struct symtab_entry *entries; /* sorted by addr */
    size_t count;
    const char *names;
    uint64_t slide; /* the image runs at the addresses above + slide (ASLR: aslr.h) */
};

/*
 * Finds the function containing addr (a run-time address: the table's slide
 * is taken off). Returns its name and sets *offset, or returns NULL when addr
 * is outside every known function.
 */
const char *symtab_lookup(const struct symtab *tab, uint64_t addr, uint64_t *offset);

/* The table embedded in this image. */
const struct symtab *symtab_image(void);

#endif
