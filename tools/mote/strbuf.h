/* SPDX-License-Identifier: MIT */
/* A growing, always NUL-terminated string. Allocation failure ends the program (util.h). */
#ifndef TOOLS_MOTE_STRBUF_H
#define TOOLS_MOTE_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *s; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
};

#define STRBUF_INIT \
    {               \
        NULL, 0, 0  \
    }

void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void sb_addf(struct strbuf *sb, const char *fmt, ...);
/* The string so far ("" when empty); stays owned by sb. */
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
