// SPDX-License-Identifier: MIT
/*
 * ntp=ADDR: lwIP's SNTP client (RFC 4330) polls the server at ADDR (IPv4 or
 * IPv6; the image has no DNS resolver, so not a name) and its answers set
 * the wall clock. lwIP checks each answer comes from the server and answers
 * our last request (SNTP_CHECK_RESPONSE 2), compensates the round trip
 * (SNTP_COMP_ROUNDTRIP), retries with exponential backoff while the server
 * is silent and polls again every SNTP_UPDATE_DELAY (net/lwipopts.h).
 */
#include "net/sntp.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/time.h>

#include "kernel/boothook.h"
#include "kernel/time.h"
#include "lwip/apps/sntp.h"
#include "lwip/ip_addr.h"
#include "net/net.h"

#define SERVER_TEXT_MAX 48
#define DATE_TEXT_MAX   32
#define STEP_LOG_NS     MOTE_NS_PER_S /* steps smaller than this are routine: not logged */

static const char *config;
static char server_text[SERVER_TEXT_MAX];

void sntp_attach(const char *bootargs)
{
    config = bootargs;
}

static void format_date(int64_t ns, char *buf, size_t max)
{
    time_t secs = (time_t)(ns / (int64_t)MOTE_NS_PER_S);
    struct tm tm;
    buf[0] = '\0';
    if (gmtime_r(&secs, &tm)) /* not strftime: it would bring the time zone code along */
        snprintf(buf, max, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void net_sntp_set_time(uint32_t sec, uint32_t us)
{
    int64_t ns = (int64_t)sec * (int64_t)MOTE_NS_PER_S + (int64_t)us * (int64_t)MOTE_NS_PER_US;
    bool was_known;
    int64_t step = time_set_wallclock(ns, &was_known);
    char date[DATE_TEXT_MAX];
    format_date(ns, date, sizeof(date));
    if (!was_known)
        mote_log(MOTE_LOG_INFO, "sntp: wall clock set from %s: %s (there was no wall time)",
                 server_text, date);
    else if (step >= (int64_t)STEP_LOG_NS || step <= -(int64_t)STEP_LOG_NS)
        mote_log(MOTE_LOG_INFO, "sntp: wall clock set from %s: %s (stepped by %+lld ms)",
                 server_text, date, (long long)(step / (int64_t)MOTE_NS_PER_MS));
}

void net_sntp_get_time(uint32_t *sec, uint32_t *us)
{
    int64_t ns = mote_wallclock_ns();
    if (ns < 0) /* lwIP then sets the clock without round-trip compensation */
        ns = 0;
    *sec = (uint32_t)(ns / (int64_t)MOTE_NS_PER_S);
    *us = (uint32_t)(ns % (int64_t)MOTE_NS_PER_S / (int64_t)MOTE_NS_PER_US);
}

static void start(const char *bootargs)
{
    (void)bootargs;
    char server[SERVER_TEXT_MAX];
    int len = mote_arg_get(config ? config : "", "ntp", server, sizeof(server));
    if (len == -ENOENT) {
        if (mote_wallclock_ns() < 0) {
            uint64_t rtc = time_rtc_rejected();
            if (rtc)
                mote_log(MOTE_LOG_WARN,
                         "time: no wall-clock time: the RTC reads %llu s after "
                         "1970, before 2025, so it is unset (boot with ntp=ADDR to set it)",
                         (unsigned long long)rtc);
            else
                mote_log(MOTE_LOG_WARN, "time: no wall-clock time: the board has no RTC "
                                        "(boot with ntp=ADDR to set it)");
        }
        return;
    }
    ip_addr_t addr;
    if (len < 0 || !ipaddr_aton(server, &addr)) {
        mote_log(MOTE_LOG_ERROR,
                 "sntp: ntp=%s: expected the time server's IPv4 or IPv6 address "
                 "(the image has no DNS resolver)",
                 len < 0 ? "(too long)" : server);
        return;
    }
    if (net_up() != 0) {
        mote_log(MOTE_LOG_ERROR, "sntp: no network: the wall clock is not set from %s", server);
        return;
    }
    snprintf(server_text, sizeof(server_text), "%s", server);
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    sntp_setserver(0, &addr);
    sntp_init();
    net_timeouts_changed();
    mote_log(MOTE_LOG_INFO, "sntp: asking %s for the time", server);
}

BOOT_HOOK(sntp_hook) = {
    .name = "sntp",
    .args = {"ntp"},
    .start = start,
};
