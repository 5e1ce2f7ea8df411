// SPDX-License-Identifier: MIT
/*
 * The http service's pages: a static home page, and /stats.json, the
 * running image's network and memory counters rendered at each request.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mote/mote.h>

#include "pages.h"

static const char index_html[] =
    "<!DOCTYPE html>\n"
    "<html><head><title>Mote</title></head>\n"
    "<body><h1>Hello from Mote</h1>\n"
    "<p>This page is served by a unikernel: one C program, lwIP and Mote's drivers in one\n"
    "image on AArch64.</p>\n"
    "<p><a href=\"/stats.json\">Counters</a></p>\n"
    "</body></html>\n";

static int render_stats(char *buf, size_t max)
{
    struct mote_net_stats net;
    struct mote_meminfo mem;
    if (mote_net_stats(&net) != 0)
        memset(&net, 0, sizeof(net));
    mote_meminfo(&mem);
    int n = snprintf(
        buf, max,
        "{\"uptime_ns\": %llu, \"heap_used_bytes\": %llu, \"heap_bytes\": %llu,\n"
        " \"link\": {\"rx\": %llu, \"tx\": %llu, \"drops\": %llu},\n"
        " \"tcp\": {\"rx\": %llu, \"tx\": %llu, \"drops\": %llu, \"errors\": %llu,\n"
        "  \"syn_cookies_sent\": %llu, \"syn_cookies_accepted\": %llu,\n"
        "  \"half_open_dropped\": %llu, \"idle_evicted\": %llu, \"peer_limited\": %llu}}\n",
        (unsigned long long)mote_time_ns(), (unsigned long long)mem.heap_used_bytes,
        (unsigned long long)mem.heap_bytes, (unsigned long long)net.link.rx,
        (unsigned long long)net.link.tx, (unsigned long long)net.link.drops,
        (unsigned long long)net.tcp.rx, (unsigned long long)net.tcp.tx,
        (unsigned long long)net.tcp.drops, (unsigned long long)net.tcp.errors,
        (unsigned long long)net.tcp_syn_cookies_sent,
        (unsigned long long)net.tcp_syn_cookies_accepted,
        (unsigned long long)net.tcp_half_open_dropped, (unsigned long long)net.tcp_idle_evicted,
        (unsigned long long)net.tcp_peer_limited);
    return n < 0 || (size_t)n >= max ? -ENOSPC : n;
}

static bool path_is(const char *path, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(path, want, len) == 0;
}

int pages_find(const char *path, size_t path_len, char *buf, size_t max, struct page *page)
{
    if (path_is(path, path_len, "/") || path_is(path, path_len, "/index.html")) {
        *page = (struct page){"text/html; charset=utf-8", index_html, sizeof(index_html) - 1};
        return 0;
    }
    if (path_is(path, path_len, "/stats.json")) {
        int n = render_stats(buf, max);
        if (n < 0)
            return n;
        *page = (struct page){"application/json", buf, (size_t)n};
        return 0;
    }
    return -ENOENT;
}
