/* SPDX-License-Identifier: MIT */
/*
 * Instances run by libvirt (`mote run --runtime libvirt [--connect URI]`):
 * mote defines and starts the domain (libvirt.h's XML) through virsh, with
 * libvirt's own URI syntax (qemu:///system, qemu+ssh://host/system, ...), and
 * reads its state back from `virsh domstate` and the console file, so ps,
 * inspect, logs, stop, kill and rm work on it as on mote's own instances, and
 * virsh and any libvirt tool manage it too.
 */
#ifndef TOOLS_MOTE_LIBVIRT_RUNTIME_H
#define TOOLS_MOTE_LIBVIRT_RUNTIME_H

#include <stdbool.h>

#include "tools/mote/instance.h"

#define RUNTIME_QEMU    "qemu"
#define RUNTIME_LIBVIRT "libvirt"

/* true if the instance is libvirt's. */
bool libvirt_runs(const struct instance_config *c);

/*
 * Defines and starts the domain of c from the XML at xml_path. Returns 0, or
 * -EIO with virsh's own message in err (SPEC_ERR_LEN bytes).
 */
int libvirt_start(const struct instance_config *c, const char *xml_path, char *err);

/*
 * Updates s from the domain: running (ready once the console shows
 * "mote: ready"), or exited with the image's exit status from the console
 * ("exit: status N"). Returns 0 or -errno.
 */
int libvirt_refresh(const struct instance_config *c, struct instance_state *s);

/* virsh shutdown (the power button) or, with force, virsh destroy. Returns 0 or -EIO. */
int libvirt_stop(const struct instance_config *c, bool force);

/* Destroys (if running) and undefines the domain. Returns 0 or -EIO. */
int libvirt_remove(const struct instance_config *c);

#endif
