/* SPDX-License-Identifier: MIT */
/*
 * mote's state under $MOTE_HOME (default ~/.local/share/mote):
 *   lock                      flock(2) held for every read-modify-write of state
 *   blobs/sha256/<hex>        image files, by digest (.img, .elf), shared by tags and instances
 *   images/<name>/<tag>.json  an image's manifest (image.h)
 *   instances/<name>/         config.json, state.json, console.log, syslog.log, qemu.log,
 *                             monitor.log, qmp.sock, console.sock (instance.h)
 * Files are replaced atomically (write, fsync, rename), so a reader never sees
 * half a file and a crash leaves the old or the new one.
 */
#ifndef TOOLS_MOTE_STORE_H
#define TOOLS_MOTE_STORE_H

#include <stdbool.h>
#include <stdint.h>

/* $MOTE_HOME, created with its folders on first use. Ends the program with a message on failure. */
const char *store_home(void);

/* A new string: store_home() + "/" + the formatted relative path. */
__attribute__((format(printf, 1, 2))) char *store_path(const char *fmt, ...);

/* Takes the store's lock (blocks while another mote holds it). Returns a token for unlock. */
int store_lock(void);
void store_unlock(int token);

/* The path of a blob (new string); the digest is 64 hex digits. */
char *store_blob_path(const char *sha256);

/*
 * Copies the file at src into the blobs (unless that digest is there already)
 * and gives its digest and size. Returns 0 or -errno.
 */
int store_blob_add(const char *src, char sha256[65], uint64_t *size);

/*
 * Removes every blob no image manifest and no instance refers to. Call with
 * the lock held. Returns how many were removed.
 */
int store_gc(void);

#endif
