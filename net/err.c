// SPDX-License-Identifier: MIT
/*
 * See err.h. lwIP's own err_to_errno exists only with NO_SYS=0 (api/err.c);
 * Mote runs lwIP with NO_SYS=1, so the one map is here.
 */
#include "net/err.h"

#include <errno.h>

int net_errno(err_t err)
{
    switch (err) {
    case ERR_OK: return 0;
    case ERR_MEM:
    case ERR_BUF: return -ENOMEM;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -EHOSTUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL:
    case ERR_ARG: return -EINVAL;
    case ERR_WOULDBLOCK: return -EWOULDBLOCK;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN:
    case ERR_CLSD: return -ENOTCONN;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    default: return -EIO;
    }
}
