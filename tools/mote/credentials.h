/* SPDX-License-Identifier: MIT */
/*
 * Registry credentials stored by `mote login`: $MOTE_HOME/auth.json, mode
 * 0600, in the layout of Docker's config.json ({"auths": {HOST: {"auth":
 * base64(USER:PASSWORD)}}}), so a user who knows one knows the other. The
 * password is never printed.
 */
#ifndef TOOLS_MOTE_CREDENTIALS_H
#define TOOLS_MOTE_CREDENTIALS_H

#define CRED_FIELD_MAX 256

struct credentials {
    char user[CRED_FIELD_MAX + 1];
    char password[CRED_FIELD_MAX + 1];
};

/* The credentials stored for host: 0, -ENOENT if none, -EINVAL if the file is damaged. */
int credentials_get(const char *host, struct credentials *c);
/* Stores (replaces) the credentials of host. Call with the store's lock held. 0 or -errno. */
int credentials_put(const char *host, const struct credentials *c);
/* Forgets host's credentials. 0, -ENOENT if there were none, or -errno. */
int credentials_remove(const char *host);

#endif
