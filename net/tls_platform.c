// SPDX-License-Identifier: MIT
/*
 * What mbedTLS needs from the machine (net/mbedtls_config.h): entropy from
 * Mote's random source and the time from Mote's wall clock.
 */
#include <stddef.h>
#include <time.h>

#include <mote/random.h>
#include <mote/time.h>

#include "mbedtls/entropy_poll.h"

/*
 * MBEDTLS_ENTROPY_HARDWARE_ALT: the entropy collector's one source. Mote's
 * generator is ChaCha20 over an entropy pool seeded from every source the
 * board has (kernel/random.c), so its output is as good as a device's.
 */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    mote_random_bytes(output, len);
    *olen = len;
    return 0;
}

/*
 * MBEDTLS_PLATFORM_TIME_MACRO: seconds since the epoch from the wall clock,
 * or 0 when there is no wall-clock time yet, which makes every certificate
 * "not yet valid"; net/tls_config.c's verify callback names the real reason.
 */
time_t net_tls_time(time_t *now)
{
    int64_t ns = mote_wallclock_ns();
    time_t t = ns < 0 ? 0 : (time_t)(ns / (int64_t)MOTE_NS_PER_S);
    if (now)
        *now = t;
    return t;
}
