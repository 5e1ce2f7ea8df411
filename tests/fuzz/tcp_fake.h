/* SPDX-License-Identifier: MIT */
/*
 * A fake of the TCP API (include/mote/net.h) for fuzz targets of services:
 * one listener, one connection at a time, a send buffer of TCP_FAKE_SPACE
 * bytes that the target frees with tcp_fake_ack(). It aborts on any misuse a
 * real connection would refuse or that breaks the API's contract: a write to
 * a closed connection, more than the space, a second close.
 */
#ifndef TESTS_FUZZ_TCP_FAKE_H
#define TESTS_FUZZ_TCP_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/net.h>

#define TCP_FAKE_CONN  2
#define TCP_FAKE_SPACE 8192

/* The target's check of each piece the service queues (mote_tcp_send or mote_tcp_write). */
void tcp_fake_output(const uint8_t *data, size_t len);

/* A client connects (the service's accept callback runs). */
void tcp_fake_connect(void);

/* Whether the connection is still the service's (not closed or reset by it). */
bool tcp_fake_open(void);

/* The client sends len bytes (handed over in a heap copy of that exact size). */
void tcp_fake_deliver(const uint8_t *data, size_t len);

/* The client acknowledges everything: the send buffer is empty again. */
void tcp_fake_ack(void);

/* The connection ends as the client decides: reset (true) or FIN (false). */
void tcp_fake_end(bool reset);

#endif
