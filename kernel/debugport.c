// SPDX-License-Identifier: MIT
/* The debug port's registry; see debugport.h. */
#include "kernel/debugport.h"

#include <errno.h>

#include "kernel/gdb_transport.h"

static const struct debugport *current;

int debugport_register(const struct debugport *port)
{
    if (current)
        return -EBUSY;
    current = port;
    gdb_serial_register(port); /* debug images: the GDB stub may use it */
    return 0;
}

const struct debugport *debugport_get(void)
{
    return current;
}
