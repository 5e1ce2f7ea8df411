// SPDX-License-Identifier: MIT
/* Domain XML for libvirt, see libvirt.h. */
#include "tools/mote/libvirt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/qemu.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#define LIBVIRT_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* s with XML's five special characters as entities. */
static void add_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_adds(sb, "&amp;"); break;
        case '<': sb_adds(sb, "&lt;"); break;
        case '>': sb_adds(sb, "&gt;"); break;
        case '"': sb_adds(sb, "&quot;"); break;
        case '\'': sb_adds(sb, "&apos;"); break;
        default: sb_addc(sb, *s);
        }
    }
}

static void element(struct strbuf *sb, const char *indent, const char *tag, const char *value)
{
    sb_addf(sb, "%s<%s>", indent, tag);
    add_escaped(sb, value);
    sb_addf(sb, "</%s>\n", tag);
}

static void qemu_arg(struct strbuf *sb, const char *value)
{
    sb_adds(sb, "    <qemu:arg value='");
    add_escaped(sb, value);
    sb_adds(sb, "'/>\n");
}

char *libvirt_domain_xml(const struct instance_config *c, const char *kernel, const char *dtb,
                         const char *cmdline, const char *console_log)
{
    const struct board_qemu *b = &c->board;
    struct strbuf sb = STRBUF_INIT;
    char mem[32];
    sb_adds(&sb, "<domain type='qemu' xmlns:qemu='" LIBVIRT_QEMU_NS "'>\n");
    element(&sb, "  ", "name", c->name);
    snprintf(mem, sizeof(mem), "%u", b->fixed_mem_mib ? b->fixed_mem_mib : c->memory_mib);
    sb_addf(&sb, "  <memory unit='MiB'>%s</memory>\n  <vcpu>1</vcpu>\n", mem);
    sb_adds(&sb, "  <os>\n    <type arch='aarch64' machine='");
    add_escaped(&sb, b->machine);
    sb_adds(&sb, "'>hvm</type>\n");
    element(&sb, "    ", "kernel", kernel);
    element(&sb, "    ", "cmdline", cmdline);
    if (dtb)
        element(&sb, "    ", "dtb", dtb);
    sb_adds(&sb, "  </os>\n");
    if (*b->cpu) {
        sb_adds(&sb, "  <cpu mode='custom' match='exact'>\n");
        element(&sb, "    ", "model", b->cpu);
        sb_adds(&sb, "  </cpu>\n");
    }
    /* No semihosting under libvirt: the image powers itself off (PSCI SYSTEM_OFF) when it
     * exits, and the domain stops. */
    sb_adds(&sb, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
                 "  <on_crash>destroy</on_crash>\n  <devices>\n");
    sb_adds(&sb, "    <emulator>");
    char *emulator = path_search(qemu_program()); /* libvirt wants the full path */
    add_escaped(&sb, emulator ? emulator : qemu_program());
    free(emulator);
    if (console_log) {
        sb_adds(&sb, "</emulator>\n    <serial type='file'>\n      <source path='");
        add_escaped(&sb, console_log);
        sb_adds(&sb, "' append='on'/>\n      <target port='0'/>\n    </serial>\n");
    } else {
        /* `virsh console NAME` reaches it. */
        sb_adds(&sb, "</emulator>\n    <serial type='pty'>\n      <target port='0'/>\n"
                     "    </serial>\n    <console type='pty'/>\n");
    }
    if (*b->rng)
        sb_adds(&sb, "    <rng model='virtio'>\n      <backend "
                     "model='random'>/dev/urandom</backend>\n      <address "
                     "type='virtio-mmio'/>\n    </rng>\n");
    for (size_t i = 0; i < c->volume_count; i++) {
        /* virtio-blk on virtio-mmio, as board.mk's disk= attaches it; raspi3's SD card has no
         * libvirt element, so its disks go through the command line below. */
        if (strstr(b->disk, "virtio-blk-device")) {
            sb_adds(&sb, "    <disk type='file' device='disk'>\n      <driver name='qemu' "
                         "type='raw'/>\n      <source file='");
            add_escaped(&sb, c->volumes[i].path);
            sb_addf(&sb,
                    "'/>\n      <target dev='vd%c' bus='virtio'/>\n      <address "
                    "type='virtio-mmio'/>\n    </disk>\n",
                    (char)('a' + c->volumes[i].n));
        }
    }
    sb_adds(&sb, "    <memballoon model='none'/>\n  </devices>\n  <qemu:commandline>\n");
    /* The network as mote's own runtime sets it up (qemu.c): user networking with the -p
     * forwards on virtio-mmio, or a tap device. */
    char **argv = qemu_argv(c, kernel, dtb, cmdline);
    for (size_t i = 1; argv[i]; i++) {
        bool net =
            strcmp(argv[i], "-netdev") == 0 ||
            (strcmp(argv[i], "-device") == 0 && argv[i + 1] && strstr(argv[i + 1], "netdev=n0")) ||
            (strcmp(argv[i], "-drive") == 0 && !strstr(b->disk, "virtio-blk-device"));
        if (net && argv[i + 1]) {
            qemu_arg(&sb, argv[i]);
            qemu_arg(&sb, argv[i + 1]);
            i++;
        }
    }
    qemu_argv_free(argv);
    sb_adds(&sb, "  </qemu:commandline>\n</domain>\n");
    return sb.s;
}
