/* SPDX-License-Identifier: MIT */
/*
 * Remote logs: every mote_log line also goes as an RFC 5424 syslog message
 * over UDP (RFC 5426) to the collector named at boot:
 *   syslog=HOST:PORT   an IPv4 address (with QEMU user networking the host is 10.0.2.2)
 *   hostname=NAME      the HOSTNAME field (default "mote")
 * Lines are queued by the logger (any context, never blocking) and sent from
 * the event loop; while the network cannot send, they wait in a queue of
 * SYSLOG_QUEUE_BYTES (about 100 typical lines, 25 of the longest), and
 * lines that find it full are dropped and counted;
 * the count goes out as a message of its own once sending works again.
 *
 * Linked exactly when the network is: net_up starts it as part of the
 * network's start-up, and its boot hook brings the network up before the
 * service starts when syslog= is given, so the collector hears the service's
 * first lines.
 */
#ifndef NET_SYSLOG_H
#define NET_SYSLOG_H

#define SYSLOG_QUEUE_BYTES 16384 /* a power of two (kernel/ring.h) */

/*
 * net_up, once the network is up: reads syslog= and hostname= from args and
 * starts sending. Returns 0, -ENOENT without syslog=, -EINVAL for a
 * malformed value (logged with what is expected), or the error of the network.
 */
int syslog_start(const char *args);

#endif
