/* SPDX-License-Identifier: MIT */
/* The http service's content: what each path serves. */
#ifndef SERVICES_HTTP_PAGES_H
#define SERVICES_HTTP_PAGES_H

#include <stddef.h>

struct page {
    const char *type; /* Content-Type */
    const char *body;
    size_t len;
};

/*
 * Finds the page at path (path_len bytes, not NUL-terminated). Dynamic pages
 * are rendered into buf (max bytes). Returns 0 and fills page, or -ENOENT.
 */
int pages_find(const char *path, size_t path_len, char *buf, size_t max, struct page *page);

#endif
