/* SPDX-License-Identifier: MIT */
/* Text tables for ps and images: columns padded to their widest cell, three spaces apart. */
#ifndef TOOLS_MOTE_TABLE_H
#define TOOLS_MOTE_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 8

struct table {
    size_t cols, rows;
    char **cells; /* rows * cols, row-major; row 0 is the heading */
};

void table_init(struct table *t, size_t cols, const char *const *heading);
/* Adds a row of t->cols strings (copied). */
void table_add(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif
