// SPDX-License-Identifier: MIT
/* QEMU command lines, see qemu.h. The options are QEMU's documented ones (qemu-system-aarch64(1)).
 */
#include "tools/mote/qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

const char *qemu_program(void)
{
    const char *env = getenv("MOTE_QEMU");
    return env && *env ? env : QEMU_DEFAULT;
}

struct argv {
    char **v;
    size_t n;
};

static void add(struct argv *a, const char *s)
{
    a->v = xrealloc(a->v, (a->n + 2) * sizeof(char *));
    a->v[a->n++] = xstrdup(s);
    a->v[a->n] = NULL;
}

static void add2(struct argv *a, const char *opt, const char *val)
{
    add(a, opt);
    add(a, val);
}

static void add_net(struct argv *a, const struct instance_config *c, const struct board_qemu *b)
{
    /* Without -nic none, virt would add a default NIC before ours (see mk/run.mk). */
    add2(a, "-nic", "none");
    if (strcmp(c->net, "none") == 0)
        return;
    struct strbuf sb = STRBUF_INIT;
    if (strncmp(c->net, "tap:", 4) == 0) {
        sb_addf(&sb, "tap,id=n0,ifname=%s,script=no,downscript=no", c->net + 4);
    } else {
        sb_adds(&sb, "user,id=n0");
        for (size_t i = 0; i < c->port_count; i++) {
            const struct port_spec *p = &c->ports[i];
            sb_addf(&sb, ",hostfwd=%s:%s:%u-:%u", spec_proto_name(p->proto), p->host_ip,
                    p->host_port, p->guest_port);
        }
        if (c->gdb)
            sb_addf(&sb, ",hostfwd=tcp:127.0.0.1:%u-:%u", c->gdb_host_port, GUEST_GDB_PORT);
    }
    add2(a, "-netdev", sb.s);
    sb_free(&sb);
    if (!*b->nic)
        return; /* the board has no network device QEMU models: -netdev n0 stays unused */
    struct strbuf dev = STRBUF_INIT;
    sb_addf(&dev, "%s,netdev=n0", b->nic);
    add2(a, "-device", dev.s);
    sb_free(&dev);
}

/* word with {file} (its commas doubled, as QEMU's option syntax asks) and {n} filled in. */
static char *fill_template(const char *word, const char *file, unsigned n)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = word; *p;) {
        if (strncmp(p, "{file}", 6) == 0) {
            for (const char *f = file; *f; f++) {
                if (*f == ',')
                    sb_addc(&sb, ',');
                sb_addc(&sb, *f);
            }
            p += 6;
        } else if (strncmp(p, "{n}", 3) == 0) {
            sb_addf(&sb, "%u", n);
            p += 3;
        } else {
            sb_addc(&sb, *p++);
        }
    }
    return sb.s ? sb.s : xstrdup("");
}

/* The board's disk arguments once per volume (board-info's disk=). */
static void add_disks(struct argv *a, const struct instance_config *c)
{
    for (size_t i = 0; i < c->volume_count; i++) {
        char *words = xstrdup(c->board.disk), *save = NULL;
        for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            char *filled = fill_template(w, c->volumes[i].path, c->volumes[i].n);
            add(a, filled);
            free(filled);
        }
        free(words);
    }
}

char **qemu_argv(const struct instance_config *c, const char *kernel, const char *dtb,
                 const char *cmdline)
{
    const struct board_qemu *b = &c->board;
    struct argv a = {NULL, 0};
    char mem[32];
    add(&a, qemu_program());
    add2(&a, "-name", c->name);
    add2(&a, "-M", b->machine);
    if (*b->cpu)
        add2(&a, "-cpu", b->cpu);
    snprintf(mem, sizeof(mem), "%uM", b->fixed_mem_mib ? b->fixed_mem_mib : c->memory_mib);
    add2(&a, "-m", mem);
    add2(&a, "-display", "none");
    add2(&a, "-monitor", "none");
    add2(&a, "-serial", "stdio");
    for (unsigned i = 1; i < b->serials; i++)
        add2(&a, "-serial", "null"); /* the same console again: once is enough */
    add_net(&a, c, b);
    /* The board's entropy device (virt: virtio-rng), so the image's random source is seeded. */
    if (*b->rng)
        add2(&a, "-device", b->rng);
    add_disks(&a, c);
    add2(&a, "-kernel", kernel);
    if (dtb)
        add2(&a, "-dtb", dtb);
    add2(&a, "-append", cmdline);
    add2(&a, "-semihosting-config", "enable=on,target=native");
    add2(&a, "-qmp", "unix:" QEMU_QMP_SOCKET ",server=on,wait=off");
    return a.v;
}

void qemu_argv_free(char **argv)
{
    for (char **p = argv; p && *p; p++)
        free(*p);
    free(argv);
}
