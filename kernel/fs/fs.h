/* SPDX-License-Identifier: MIT */
/* The file API's state (include/mote/fs.h): one volume, its open handles. */
#ifndef KERNEL_FS_FS_H
#define KERNEL_FS_FS_H

#include <stdbool.h>

#include <mote/block.h>
#include <mote/fs.h>

#include "lib/fat/fat.h"

struct fs_state {
    bool mounted;
    char device[MOTE_BLOCK_NAME_MAX];
    struct fat_volume vol;
    bool used[MOTE_FS_OPEN_MAX];
    struct fat_file files[MOTE_FS_OPEN_MAX];
};

extern struct fs_state fs;

#endif
