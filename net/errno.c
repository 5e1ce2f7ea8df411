// SPDX-License-Identifier: MIT
/*
 * lwIP's errors as negative errnos, the one map between them (net.h).
 * lwIP has the same table as err_to_errno in api/err.c, but compiles it only
 * with NO_SYS=0 (its sequential API), and Mote runs NO_SYS=1; so this is
 * that table, with the errors lwIP leaves without an errno filled in and
 * buffer shortages as the API promises them.
 */
#include <errno.h>

#include "lwip/err.h"
#include "net/net.h"

static const int errnos[] = {
    [-ERR_OK] = 0,
    [-ERR_MEM] = ENOMEM,
    [-ERR_BUF] = ENOMEM, /* lwIP: ENOBUFS; the API says -ENOMEM for any buffer shortage */
    [-ERR_TIMEOUT] = EAGAIN,
    [-ERR_RTE] = EHOSTUNREACH,
    [-ERR_INPROGRESS] = EINPROGRESS,
    [-ERR_VAL] = EINVAL,
    [-ERR_WOULDBLOCK] = EAGAIN,
    [-ERR_USE] = EADDRINUSE,
    [-ERR_ALREADY] = EALREADY,
    [-ERR_ISCONN] = EISCONN,
    [-ERR_CONN] = ENOTCONN,
    [-ERR_IF] = EIO, /* lwIP: none; a driver refused the frame */
    [-ERR_ABRT] = ECONNABORTED,
    [-ERR_RST] = ECONNRESET,
    [-ERR_CLSD] = ENOTCONN,
    [-ERR_ARG] = EIO, /* as lwIP's table */
};

int net_errno(err_t err)
{
    if (err > 0 || (size_t)-err >= sizeof(errnos) / sizeof(errnos[0]))
        return -EIO;
    return -errnos[-err];
}
