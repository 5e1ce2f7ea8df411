// SPDX-License-Identifier: MIT
/* libFuzzer target: the boot argument parser (lib/args/args.c) on any string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/args.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte picks the key length; the rest, NUL-terminated, is the argument string. */
    if (size < 1)
        return 0;
    size_t key_len = data[0] % 8;
    if (key_len > size - 1)
        key_len = size - 1;
    char key[8];
    memcpy(key, data + 1, key_len);
    key[key_len] = '\0';
    char *args = malloc(size - key_len);
    memcpy(args, data + 1 + key_len, size - 1 - key_len);
    args[size - 1 - key_len] = '\0';

    char val[16];
    uint64_t n;
    mote_arg_get(args, key, val, sizeof(val));
    mote_arg_get(args, key, val, 1);
    mote_arg_get_u64(args, key, &n);
    mote_arg_get(args, "ip", val, sizeof(val));
    free(args);
    return 0;
}
