/* SPDX-License-Identifier: MIT */
/*
 * Boot arguments: the string QEMU's -append (or the board's bootloader) passes,
 * handed to service_start() whole. It is a space-separated list of KEY=VALUE
 * words and bare flags; a value may be double-quoted to hold spaces
 * (name="my sensor"). When a key appears twice the last one wins.
 */
#ifndef MOTE_ARGS_H
#define MOTE_ARGS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies the value of key into val (NUL-terminated). A bare flag has the
 * empty value. Returns the value's length, -ENOENT if the key is absent,
 * -ENOSPC if val is NULL or its len bytes are too small, -EINVAL if args or key is NULL or
 * key is empty or has '=' or a space in it.
 */
int mote_arg_get(const char *args, const char *key, char *val, size_t len);

/*
 * Parses the value of key as an unsigned decimal (or 0x-prefixed hex) number
 * into *out. Returns 0, -ENOENT if absent, -EINVAL if the value is not a
 * number or does not fit in 64 bits (*out is then unchanged).
 */
int mote_arg_get_u64(const char *args, const char *key, uint64_t *out);

#endif
