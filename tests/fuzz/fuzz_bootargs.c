// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the boot arguments' values as Mote parses them, on any
 * command line: the address arguments (ip=, gw=, dns=: net/ipconfig.c over
 * lwIP's address parsers), the remote-log collector (syslog=HOST:PORT,
 * lib/syslog), the debugging arguments (gdb=, core=: kernel/debugargs.c) and
 * the endpoint text services give (mote_endpoint_parse, net/endpoint.c).
 * Checked: each parser returns success or -EINVAL, writes only its output,
 * leaves its strings terminated, and what it accepts is well-formed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/args.h>
#include <mote/net.h>

#include "kernel/debugargs.h"
#include "lib/syslog/message.h"
#include "net/ipconfig.h"

#define ARGS_MAX 512 /* longer than any boot line the boards pass */

/* What net/arch/cc.h asks of the kernel; none is reached by these parsers. */
void net_diag(const char *fmt, ...)
{
    (void)fmt;
}

void mote_panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}

uint32_t net_random_u32(void)
{
    return 4; /* chosen by a fair die */
}

static void check_terminated(const char *s, size_t max)
{
    if (!memchr(s, '\0', max))
        abort();
}

static void check_ipconfig(const char *args)
{
    struct net_ipconfig c;
    const char *bad = NULL;
    int r = net_ipconfig_parse(args, &c, &bad);
    if (r == 0) {
        if (bad)
            abort();
        /* A mask from a prefix: ones then zeros. */
        uint32_t m = lwip_ntohl(ip4_addr_get_u32(&c.mask));
        if (!c.dhcp && (m & (~m >> 1)) != 0)
            abort();
    } else if (r != -EINVAL || !bad ||
               (strcmp(bad, "ip") != 0 && strcmp(bad, "gw") != 0 && strcmp(bad, "dns") != 0)) {
        abort();
    }
}

static void check_collector(const char *args)
{
    char val[64];
    if (mote_arg_get(args, "syslog", val, sizeof(val)) < 0)
        return;
    uint8_t addr[4];
    uint16_t port = 0;
    int r = syslog_parse_collector(val, addr, &port);
    if ((r == 0 && port == 0) || (r != 0 && r != -EINVAL))
        abort();
}

static void check_debugargs(const char *args)
{
    struct debug_args d;
    debug_args_parse(args, &d);
    check_terminated(d.gdb_transport, sizeof(d.gdb_transport));
    check_terminated(d.gdb_param, sizeof(d.gdb_param));
    check_terminated(d.gdb_raw, sizeof(d.gdb_raw));
    check_terminated(d.core_raw, sizeof(d.core_raw));
    if (d.gdb == DEBUG_ARG_OK && d.gdb_transport[0] == '\0')
        abort();
}

static void check_endpoint(const char *text)
{
    struct mote_endpoint ep;
    int r = mote_endpoint_parse(text, &ep);
    if (r == 0 && (ep.port == 0 || (ep.family != MOTE_AF_INET && ep.family != MOTE_AF_INET6)))
        abort();
    if (r != 0 && r != -EINVAL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= ARGS_MAX)
        return 0;
    /* A heap copy of the exact length, so ASan sees any read past the NUL. */
    char *args = malloc(size + 1);
    if (!args)
        return 0;
    memcpy(args, data, size);
    args[size] = '\0';
    check_ipconfig(args);
    check_collector(args);
    check_debugargs(args);
    check_endpoint(args);
    free(args);
    return 0;
}
