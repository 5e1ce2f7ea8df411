/* SPDX-License-Identifier: MIT */
/*
 * The image's own symbol table, for backtraces without a host-side debugger.
 * The build links each image twice: the second time with a table generated
 * from the first link's functions (scripts/symtab.py), placed after all code
 * so that no function moves.
 *
 * The table is a byte stream, read front to back (a lookup happens only in
 * crash and heap-error reports, so compactness wins over speed):
 *   u8 chars, then chars bytes: the alphabet; a name byte b below chars is
 *      the character alphabet[b];
 *   u8 pairs, then pairs x 2 bytes: a name byte chars + i stands for the two
 *      bytes of pair i (each a character or an earlier pair); chars + pairs
 *      is at most 256;
 *   u8 shift: gaps and sizes below are in units of 1 << shift bytes (2: every
 *      AArch64 instruction is 4 bytes, so are functions' sizes and addresses);
 *   uleb128 count, then count functions in address order, each:
 *      u8 head: bits 0-5 the length of its stored name (SYMTAB_HEAD_LEN: a
 *               uleb128 length follows instead), bit 6 SYMTAB_HEAD_PREFIX:
 *               its name starts with characters of the previous one's,
 *               bit 7 SYMTAB_HEAD_GAP: a gap follows (without it, the
 *               function starts where the previous one ends, as most do);
 *      uleb128 length, if the head's is SYMTAB_HEAD_LEN;
 *      u8 prefix, if SYMTAB_HEAD_PREFIX: how many of the previous function's
 *                 characters its name starts with;
 *      sleb128 gap, if SYMTAB_HEAD_GAP: its address minus the previous
 *                   function's end (address + size; the first's is 0);
 *      uleb128 size: 0 when the symbol had none (assembly labels);
 *      then length bytes: the rest of its name, pair-encoded.
 */
#ifndef KERNEL_SYMTAB_H
#define KERNEL_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#define SYMTAB_NAME_MAX    127  /* longer names are cut to this */
#define SYMTAB_HEAD_GAP    0x80 /* in a function's head byte: a gap follows */
#define SYMTAB_HEAD_PREFIX 0x40 /* ... the shared prefix's length follows */
#define SYMTAB_HEAD_LEN    0x3f /* ... the stored name's length; all ones: a uleb128 one follows */
#define SYMTAB_SHIFT_MAX   8    /* a larger unit is a malformed table */

struct symtab {
    const uint8_t *data; /* the table, as above */
    size_t size;         /* its bytes: a lookup never reads past them */
    uint64_t slide;      /* the image runs at the addresses above + slide (ASLR: aslr.h) */
};

/*
 * Finds the function containing addr (a run-time address: the table's slide
 * is taken off): the last one that starts at or below it, if addr is within
 * its size; an unsized one runs to the next function, the last unsized one
 * owns nothing. Returns its name and sets *offset, or returns NULL when addr
 * is outside every known function or the table is malformed. The name lives
 * in a buffer of this file, valid until the next lookup.
 */
const char *symtab_lookup(const struct symtab *tab, uint64_t addr, uint64_t *offset);

/* The table embedded in this image. */
const struct symtab *symtab_image(void);

#endif
