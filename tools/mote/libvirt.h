/* SPDX-License-Identifier: MIT */
/*
 * A Mote instance as a libvirt domain (libvirt's domain XML format,
 * https://libvirt.org/formatdomain.html), generated from the same board facts
 * the QEMU command line is (board.h): machine, cpu, memory, the kernel with
 * its boot arguments and device tree, the console (a serial port written to a
 * file, so `mote logs` and the tests read it), the entropy device, disks, and
 * the network. libvirt's own <interface> has no port forwards for QEMU's user
 * networking, so `-p` forwards go through <qemu:commandline> as the same
 * -netdev user,hostfwd=... mote's own runtime uses (virtio-mmio, which Mote
 * drives: libvirt alone would pick virtio-net-pci). QEMU's
 * system_powerdown, which `virsh shutdown` sends, reaches the image's power
 * button on virt.
 */
#ifndef TOOLS_MOTE_LIBVIRT_H
#define TOOLS_MOTE_LIBVIRT_H

#include "tools/mote/instance.h"

/*
 * The domain XML (a new string) that boots kernel (and dtb, or NULL) with
 * cmdline for c, its serial console written to console_log (NULL: a pty, for
 * `virsh console`).
 */
char *libvirt_domain_xml(const struct instance_config *c, const char *kernel, const char *dtb,
                         const char *cmdline, const char *console_log);

#endif
