// SPDX-License-Identifier: MIT
/* The registry of Ethernet drivers (netdev.h): a fixed table, filled at boot. */
#include "net/netdev.h"

#include <errno.h>

void (*netdev_on_link)(struct netdev *dev);

static struct netdev *netdevs[NETDEV_MAX];
static unsigned nnetdevs;

int netdev_register(struct netdev *dev)
{
    if (dev->rx_frame_room && !dev->transmit_frame)
        return -EINVAL; /* replies built in place go out through it */
    if (nnetdevs >= NETDEV_MAX)
        return -ENOSPC;
    netdevs[nnetdevs++] = dev;
    return 0;
}

struct netdev *netdev_get(unsigned index)
{
    return index < nnetdevs ? netdevs[index] : NULL;
}

void netdev_link_changed(struct netdev *dev)
{
    if (netdev_on_link)
        netdev_on_link(dev);
}
