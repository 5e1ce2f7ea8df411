// SPDX-License-Identifier: MIT
/*
 * platform_probe: starts the late drivers the image links (platform.h). The
 * table is the "board_drivers" section BOARD_DRIVER fills; the linker names
 * its ends __start_board_drivers and __stop_board_drivers (GNU ld does that
 * for any section whose name is a C identifier) and keeps it through
 * --gc-sections because those symbols are referenced here. They are weak: an
 * image without any late driver has no such section, and both are then NULL.
 */
#include "platform/platform.h"

#include <mote/log.h>

extern const struct board_driver *const __start_board_drivers[] __attribute__((weak));
extern const struct board_driver *const __stop_board_drivers[] __attribute__((weak));

void platform_probe(const struct board *board)
{
    for (const struct board_driver *const *d = __start_board_drivers; d < __stop_board_drivers;
         d++) {
        int err = (*d)->start(board);
        if (err)
            mote_log(MOTE_LOG_ERROR, "%s: not started: error %d", (*d)->name, err);
    }
}
