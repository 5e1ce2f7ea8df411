/* SPDX-License-Identifier: MIT */
/* Everything a service sees: one include for all of Mote's API. */
#ifndef MOTE_MOTE_H
#define MOTE_MOTE_H

#include <mote/args.h>
#include <mote/block.h>
#include <mote/console.h>
#include <mote/error.h>
#include <mote/gpio.h>
#include <mote/log.h>
#include <mote/mdns.h>
#include <mote/mqtt.h>
#include <mote/net.h>
#include <mote/random.h>
#include <mote/service.h>
#include <mote/system.h>
#include <mote/time.h>
#include <mote/timer.h>

#endif
