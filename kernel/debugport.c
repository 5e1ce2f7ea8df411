// SPDX-License-Identifier: MIT
/* The debug port's registry; see debugport.h. */
#include "kernel/debugport.h"

#include <errno.h>

static const struct debugport *current;

int debugport_register(const struct debugport *port)
{
    if (current)
        return -EBUSY;
    current = port;
    return 0;
}

const struct debugport *debugport_get(void)
{
    return current;
}
