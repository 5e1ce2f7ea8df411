// SPDX-License-Identifier: MIT
/* QEMU command lines, see qemu.h. The options are QEMU's documented ones (qemu-system-aarch64(1)).
 */
#include "tools/mote/qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

struct board_qemu {
    const char *board, *machine, *cpu;
    unsigned fixed_mem_mib; /* the machine only has this much (0: -m as asked) */
    const char *nic;        /* the network device that carries -netdev n0 */
    bool second_serial;     /* a second UART, which Mote also writes its console to */
    bool power_button;      /* QMP system_powerdown reaches the image (docs/architecture.md) */
};

static const struct board_qemu boards[] = {
    {"virt", "virt", "cortex-a53", 0, "virtio-net-device,netdev=n0", false, true},
    /* The Pi 3's Ethernet sits on USB: QEMU's usb-net on the DWC2 host controller. The
     * first -serial is the PL011, the second the mini UART (docs/raspi3.md). */
    {"raspi3", "raspi3b", "cortex-a53", 1024, "usb-net,netdev=n0", true, false},
};

static const struct board_qemu *board_find(const char *board)
{
    for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++)
        if (strcmp(boards[i].board, board) == 0)
            return &boards[i];
    return NULL;
}

const char *qemu_machine(const char *board)
{
    const struct board_qemu *b = board_find(board);
    return b ? b->machine : NULL;
}

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
    add2(a, "-device", b->nic);
    sb_free(&sb);
}

bool qemu_has_power_button(const char *board)
{
    const struct board_qemu *b = board_find(board);
    return b && b->power_button;
}

char **qemu_argv(const struct instance_config *c, const char *kernel, const char *dtb,
                 const char *cmdline)
{
    const struct board_qemu *b = board_find(c->board);
    struct argv a = {NULL, 0};
    char mem[32];
    if (!b)
        b = &boards[0]; /* image manifests are checked on load: this is not reached */
    add(&a, qemu_program());
    add2(&a, "-name", c->name);
    add2(&a, "-M", b->machine);
    if (b->cpu)
        add2(&a, "-cpu", b->cpu);
    snprintf(mem, sizeof(mem), "%uM", b->fixed_mem_mib ? b->fixed_mem_mib : c->memory_mib);
    add2(&a, "-m", mem);
    add2(&a, "-display", "none");
    add2(&a, "-monitor", "none");
    add2(&a, "-serial", "stdio");
    if (b->second_serial)
        add2(&a, "-serial", "null"); /* the same console again: once is enough */
    add_net(&a, c, b);
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
