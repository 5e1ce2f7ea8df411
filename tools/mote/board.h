/* SPDX-License-Identifier: MIT */
/*
 * A board as tools/mote needs it to run an image: what the source tree's
 * platform/<board>/board.mk says, read through `make -s board-info BOARD=b`
 * when the image is built and kept in its manifest (and in each instance's
 * config), so `mote run` needs neither the tree nor a list of boards of its own.
 */
#ifndef TOOLS_MOTE_BOARD_H
#define TOOLS_MOTE_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "tools/mote/json.h"

#define BOARD_NAME_MAX  16
#define BOARD_FIELD_MAX 63
#define BOARD_DISK_MAX  255

struct board_qemu {
    char name[BOARD_NAME_MAX + 1];     /* "raspi3": the platform/ folder */
    char machine[BOARD_FIELD_MAX + 1]; /* QEMU's -M: "raspi3b" */
    char cpu[BOARD_FIELD_MAX + 1];     /* -cpu, "" for the machine's own */
    char nic[BOARD_FIELD_MAX + 1];     /* the -device that carries -netdev n0 */
    char rng[BOARD_FIELD_MAX + 1];     /* the -device feeding the random source, "" for none */
    unsigned fixed_mem_mib;            /* the machine only has this much (0: -m as asked) */
    unsigned serials;                  /* how many -serial lines print the console (>= 1) */
    bool power_button;                 /* QMP system_powerdown reaches the image */
    /* QEMU's arguments attaching disk image {file} as disk {n} (board-info's disk=), "" for
     * a board (or an image built before disk=) that cannot attach one */
    char disk[BOARD_DISK_MAX + 1];
};

/*
 * Fills b from the key=value lines `make board-info` printed. Returns 0, or
 * -EINVAL with a one-line reason in err (a missing or unusable value).
 */
int board_from_info(const char *text, struct board_qemu *b, char *err, size_t err_len);

/* b as a JSON object (see board_from_json). A new reference. */
json_t *board_to_json(const struct board_qemu *b);

/* Fills b from such an object and name. Returns 0, or -EINVAL with the reason in err. */
int board_from_json(const json_t *j, const char *name, struct board_qemu *b, char *err,
                    size_t err_len);

/* true if name is the board's own name or its QEMU machine ("raspi3" or "raspi3b"). */
bool board_is_called(const struct board_qemu *b, const char *name);

#endif
