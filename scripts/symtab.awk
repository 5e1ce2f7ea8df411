# SPDX-License-Identifier: MIT
# Turns `nm -n -S --defined-only IMAGE` into the assembly of the image's
# embedded symbol table (kernel/symtab.h). Only code symbols are kept; with no
# input it emits an empty table, which the first link uses.
function emit(addr, size, name) {
    entries[n++] = sprintf("    .quad 0x%s\n    .word 0x%s, %d", addr, size, off)
    names[n - 1] = name
    off += length(name) + 1
}
BEGIN { n = 0; off = 0 }
# With -S: "addr size type name"; symbols without a size: "addr type name".
NF == 4 && $3 ~ /^[tTW]$/ && $4 !~ /^[$.]/ { emit($1, $2, $4) }
NF == 3 && $2 ~ /^[tTW]$/ && $3 !~ /^[$.]/ { emit($1, "0", $3) }
END {
    print "    .section .mote_symtab, \"a\""
    print "    .balign 8"
    print "    .global mote_symtab_entries, mote_symtab_count, mote_symtab_names"
    # Hidden: the kernel finds the table at link time; in the image it is local.
    print "    .hidden mote_symtab_entries, mote_symtab_count, mote_symtab_names"
    print "mote_symtab_count:"
    printf "    .quad %d\n", n
    print "mote_symtab_entries:"
    for (i = 0; i < n; i++) print entries[i]
    print "mote_symtab_names:"
    for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", names[i]
}
