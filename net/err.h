/* SPDX-License-Identifier: MIT */
/* lwIP's err_t as the API's negative errno, in one place (net/err.c). */
#ifndef NET_ERR_H
#define NET_ERR_H

#include "lwip/err.h"

/*
 * 0 for ERR_OK, else a negative errno: ERR_MEM and ERR_BUF -ENOMEM (the API
 * says "no buffer" that way), ERR_RTE -EHOSTUNREACH, ERR_RST -ECONNRESET,
 * ERR_ABRT -ECONNABORTED, ERR_CLSD and ERR_CONN -ENOTCONN, ERR_USE
 * -EADDRINUSE, ERR_TIMEOUT -ETIMEDOUT, ERR_VAL and ERR_ARG -EINVAL; -EIO for
 * the rest.
 */
int net_errno(err_t err);

#endif
