// SPDX-License-Identifier: MIT
/* Boards as board.mk describes them, see board.h. */
#include "tools/mote/board.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

#define MIB_PER_GIB   1024
#define SERIALS_MAX   4 /* more UARTs than a board has is a damaged manifest */
#define FIXED_MEM_MAX (64 * MIB_PER_GIB)

/*
 * The values become single QEMU arguments (never a shell's), but a comma or a
 * space would still change what QEMU reads: names, machine, cpu and device
 * keep to letters, digits, '-', '_' and '.'.
 */
static bool is_token(const char *s, bool may_be_empty)
{
    if (!*s)
        return may_be_empty;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

/*
 * A disk template: QEMU words separated by single spaces, each of letters,
 * digits and ",=_.-{}" ({file} and {n} are the placeholders), so no shell or
 * QEMU option syntax can be smuggled in from a manifest.
 */
static bool disk_template_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(" ,=_.-{}", *s)))
            return false;
    return true;
}

static int copy_disk(char *out, const char *val, char *err, size_t err_len)
{
    if (val && (strlen(val) > BOARD_DISK_MAX || !disk_template_ok(val))) {
        snprintf(err, err_len, "board disk: '%.80s' is not QEMU arguments with {file} and {n}",
                 val);
        return -EINVAL;
    }
    snprintf(out, BOARD_DISK_MAX + 1, "%s", val ? val : "");
    return 0;
}

/* The value of key in key=value lines, or NULL (a new string). */
static char *info_get(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= klen + 1 && strncmp(p, key, klen) == 0 && p[klen] == '=')
            return xasprintf("%.*s", (int)(n - klen - 1), p + klen + 1);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* "1024M", "1G" or "" (0) in MiB; -1 if it is none of these. */
static long parse_mib(const char *s)
{
    if (!*s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0)
        return -1;
    if (strcmp(end, "M") == 0)
        return v <= FIXED_MEM_MAX ? v : -1;
    if (strcmp(end, "G") == 0)
        return v <= FIXED_MEM_MAX / MIB_PER_GIB ? v * MIB_PER_GIB : -1;
    return -1;
}

static int copy_token(char *out, size_t max, const char *key, const char *val, bool may_be_empty,
                      char *err, size_t err_len)
{
    if (!val || strlen(val) > max || !is_token(val, may_be_empty)) {
        snprintf(err, err_len, "board %s: '%s' is missing or not a name of at most %zu characters",
                 key, val ? val : "", max);
        return -EINVAL;
    }
    strcpy(out, val);
    return 0;
}

int board_from_info(const char *text, struct board_qemu *b, char *err, size_t err_len)
{
    const char *keys[] = {"name",    "machine",      "cpu", "nic", "mem_fixed",
                          "serials", "power_button", "rng", "disk"};
    char *v[sizeof(keys) / sizeof(keys[0])];
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        v[i] = info_get(text, keys[i]);
    memset(b, 0, sizeof(*b));
    int r = copy_token(b->name, BOARD_NAME_MAX, "name", v[0], false, err, err_len);
    if (!r)
        r = copy_token(b->machine, BOARD_FIELD_MAX, "machine", v[1], false, err, err_len);
    if (!r)
        r = copy_token(b->cpu, BOARD_FIELD_MAX, "cpu", v[2], true, err, err_len);
    if (!r)
        r = copy_token(b->nic, BOARD_FIELD_MAX, "nic", v[3], true, err, err_len);
    /* A tree from before rng= had no entropy device: none. */
    if (!r)
        r = copy_token(b->rng, BOARD_FIELD_MAX, "rng", v[7] ? v[7] : "", true, err, err_len);
    /* A tree from before disk= attaches no disks. */
    if (!r)
        r = copy_disk(b->disk, v[8], err, err_len);
    long mib = v[4] ? parse_mib(v[4]) : 0;
    long serials = v[5] ? strtol(v[5], NULL, 10) : 0;
    if (!r && mib < 0) {
        snprintf(err, err_len, "board mem_fixed: '%s' is not a size such as 1024M or 1G", v[4]);
        r = -EINVAL;
    }
    if (!r && (serials < 1 || serials > SERIALS_MAX)) {
        snprintf(err, err_len, "board serials: '%s' is not 1 to %d", v[5] ? v[5] : "", SERIALS_MAX);
        r = -EINVAL;
    }
    b->fixed_mem_mib = (unsigned)(mib > 0 ? mib : 0);
    b->serials = (unsigned)serials;
    b->power_button = v[6] && strcmp(v[6], "yes") == 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        free(v[i]);
    return r;
}

json_t *board_to_json(const struct board_qemu *b)
{
    json_t *o = json_object();
    json_set_string(o, "machine", b->machine);
    json_set_string(o, "cpu", b->cpu);
    json_set_string(o, "nic", b->nic);
    json_set_string(o, "rng", b->rng);
    json_set_int(o, "fixed_mem_mib", b->fixed_mem_mib);
    json_set_int(o, "serials", b->serials);
    json_set_bool(o, "power_button", b->power_button);
    json_set_string(o, "disk", b->disk);
    return o;
}

int board_from_json(const json_t *j, const char *name, struct board_qemu *b, char *err,
                    size_t err_len)
{
    int64_t mem, serials;
    memset(b, 0, sizeof(*b));
    if (!json_is_object(j)) {
        snprintf(err, err_len,
                 "field 'qemu' (the board's QEMU facts) is missing: an image of an "
                 "older mote; build it again");
        return -EINVAL;
    }
    if (copy_token(b->name, BOARD_NAME_MAX, "name", name, false, err, err_len) ||
        copy_token(b->machine, BOARD_FIELD_MAX, "machine", json_get_string(j, "machine"), false,
                   err, err_len) ||
        copy_token(b->cpu, BOARD_FIELD_MAX, "cpu", json_get_string(j, "cpu"), true, err, err_len) ||
        copy_token(b->nic, BOARD_FIELD_MAX, "nic", json_get_string(j, "nic"), true, err, err_len))
        return -EINVAL;
    /* A manifest from before "rng" ran its instances without one: so do they now. */
    const char *rng = json_get_string(j, "rng");
    if (copy_token(b->rng, BOARD_FIELD_MAX, "rng", rng ? rng : "", true, err, err_len))
        return -EINVAL;
    if (json_get_int(j, "fixed_mem_mib", &mem) || mem < 0 || mem > FIXED_MEM_MAX ||
        json_get_int(j, "serials", &serials) || serials < 1 || serials > SERIALS_MAX) {
        snprintf(err, err_len, "qemu.fixed_mem_mib or qemu.serials is out of range");
        return -EINVAL;
    }
    b->fixed_mem_mib = (unsigned)mem;
    b->serials = (unsigned)serials;
    b->power_button = json_get_bool(j, "power_button", false);
    /* A manifest from before "disk": its instances attach no disks. */
    return copy_disk(b->disk, json_get_string(j, "disk"), err, err_len);
}

bool board_is_called(const struct board_qemu *b, const char *name)
{
    return strcmp(b->name, name) == 0 || strcmp(b->machine, name) == 0;
}
