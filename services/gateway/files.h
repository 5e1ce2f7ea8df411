/* SPDX-License-Identifier: MIT */
/* The gateway's configuration and certificates on the volume fs= mounts (files.c). */
#ifndef GATEWAY_FILES_H
#define GATEWAY_FILES_H

#include <mote/tls.h>

/*
 * The configuration file's words followed by bootargs (which therefore win:
 * the last of a key counts), in a new string; NULL when there is no volume or
 * no readable /gateway/gateway.cfg (logged when it exists but cannot be read).
 */
char *gateway_files_config(const char *bootargs);

/* Replaces each of cred's CA, certificate and key with /gateway/ca.pem, cert.pem, key.pem if
 * present. */
void gateway_files_credentials(struct mote_tls_credentials *cred);

#endif
