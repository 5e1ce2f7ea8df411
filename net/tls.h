/* SPDX-License-Identifier: MIT */
/*
 * Inside the TLS API (include/mote/tls.h): configurations (net/tls_config.c)
 * as lwIP's altcp_tls_mbedtls configurations, for net/tls.c and for lwIP
 * applications that take an altcp TLS configuration (the MQTT client).
 */
#ifndef NET_TLS_H
#define NET_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tls.h"

struct mote_tls_config;

/* The altcp configuration behind config (for altcp_tls_new, mqtt_client_connect). */
struct altcp_tls_config *tls_altcp_config(struct mote_tls_config *config);

/* Whether config is a server's. */
bool tls_config_is_server(const struct mote_tls_config *config);

/*
 * Before an altcp TLS client connection's handshake starts (right after
 * altcp_tls_new, or after mqtt_client_connect returned): the host name its
 * server's certificate must be for (SNI too). Returns 0, -EINVAL, -ENOMEM.
 */
int tls_client_prepare(struct altcp_pcb *pcb, const char *server_name);

/*
 * Why pcb's handshake failed, for a log line ("certificate refused: not
 * trusted by the CA", "the peer does not speak TLS"), from the TLS state
 * that is still there in altcp's error callback. Writes at most max bytes
 * (NUL-terminated) into buf.
 */
void tls_describe_failure(struct altcp_pcb *pcb, char *buf, size_t max);

/* Whether pcb's handshake is done. */
bool tls_handshake_done(struct altcp_pcb *pcb);

/* Whether pcb's handshake has begun: the ClientHello went out, so TCP was up (net/mqtt.c). */
bool tls_handshake_started(struct altcp_pcb *pcb);

#endif
