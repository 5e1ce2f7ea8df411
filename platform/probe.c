// SPDX-License-Identifier: MIT
/*
 * platform_probe: starts the late drivers the image links (platform.h). The
 * table is the "board_drivers" section BOARD_DRIVER fills; the linker script
 * (arch/aarch64/image.ld.in) keeps it and bounds it with the hidden symbols
 * __start_board_drivers and __stop_board_drivers, equal when the image links
 * no late driver.
 */
#include "platform/platform.h"

#include <mote/log.h>

extern const struct board_driver *const __start_board_drivers[];
extern const struct board_driver *const __stop_board_drivers[];

void platform_probe(const struct board *board)
{
    for (const struct board_driver *const *d = __start_board_drivers; d < __stop_board_drivers;
         d++) {
        int err = (*d)->start(board);
        if (err)
            mote_log(MOTE_LOG_ERROR, "%s: not started: error %d", (*d)->name, err);
    }
}
