// SPDX-License-Identifier: MIT
/* Text tables, see table.h. */
#include "tools/mote/table.h"

#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

void table_init(struct table *t, size_t cols, const char *const *heading)
{
    t->cols = cols;
    t->rows = 0;
    t->cells = NULL;
    table_add(t, heading);
}

void table_add(struct table *t, const char *const *cells)
{
    t->cells = xrealloc(t->cells, (t->rows + 1) * t->cols * sizeof(char *));
    for (size_t c = 0; c < t->cols; c++)
        t->cells[t->rows * t->cols + c] = xstrdup(cells[c] ? cells[c] : "");
    t->rows++;
}

void table_print(const struct table *t, FILE *out)
{
    size_t width[TABLE_MAX_COLS] = {0};
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols && c < TABLE_MAX_COLS; c++) {
            size_t n = strlen(t->cells[r * t->cols + c]);
            if (n > width[c])
                width[c] = n;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            const char *cell = t->cells[r * t->cols + c];
            if (c + 1 == t->cols)
                fprintf(out, "%s", cell); /* no trailing spaces */
            else
                fprintf(out, "%-*s   ", (int)width[c < TABLE_MAX_COLS ? c : 0], cell);
        }
        fputc('\n', out);
    }
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cells[i]);
    free(t->cells);
}
