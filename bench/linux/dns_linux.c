// SPDX-License-Identifier: MIT
/*
 * dns_linux: the Linux twin of services/dns for the benchmark (bench/README.md).
 *
 * A plain UDP socket on port 53 feeding lib/dns, exactly as the IncludeOS
 * paper's Linux baseline did. It is linked with the very object files the Mote
 * image links (build/<board>/obj/lib/dns/, compiled once with the kernel's
 * flags: mk/bench.mk), so both systems run the same DNS machine code; only
 * what moves the datagrams differs. One process, one thread, blocking
 * recvfrom/sendto: the simplest server a Linux programmer would write.
 *
 *   dns_linux [records=N] [port=P]
 *
 * Arguments are the same words the Mote image takes on its command line;
 * words it does not know (ip=, gw=, ...) are ignored, so the init script can
 * pass /proc/cmdline through. Prints "dns_linux: serving N records ..." once
 * the socket is bound. SIGTERM or SIGINT prints the counters and exits 0.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dns/dns.h>

/* Larger than any UDP reply lib/dns builds (DNS_EDNS_PAYLOAD) and any query we accept */
#define MSG_MAX 4096

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/*
 * Parses "key=VALUE" with VALUE a decimal number in [min, max] into *value.
 * Returns 1 when word is that key, 0 when it is another word, -EINVAL when
 * the value is not such a number.
 */
static int arg_parse_u32(const char *word, const char *key, unsigned long min, unsigned long max,
                         unsigned long *value)
{
    size_t key_len = strlen(key);
    if (strncmp(word, key, key_len) != 0 || word[key_len] != '=')
        return 0;
    const char *digits = word + key_len + 1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(digits, &end, 10);
    if (*digits < '0' || *digits > '9' || *end != '\0' || errno != 0 || v < min || v > max)
        return -EINVAL;
    *value = v;
    return 1;
}

static void stats_print(const struct dns_stats *s)
{
    printf("dns_linux: %llu queries, %llu noerror, %llu nxdomain, %llu refused, %llu formerr, "
           "%llu dropped\n",
           (unsigned long long)s->queries, (unsigned long long)s->noerror,
           (unsigned long long)s->nxdomain, (unsigned long long)s->refused,
           (unsigned long long)s->formerr, (unsigned long long)s->dropped);
}

int main(int argc, char **argv)
{
    unsigned long records = DNS_ZONE_RECORDS_DEFAULT;
    unsigned long port = DNS_PORT;

    for (int i = 1; i < argc; i++) {
        int r = arg_parse_u32(argv[i], "records", 1, DNS_ZONE_RECORDS_MAX, &records);
        if (r == 0)
            r = arg_parse_u32(argv[i], "port", 1, 65535, &port);
        if (r < 0) {
            fprintf(stderr, "dns_linux: %s: expected records=N (1 to %u) or port=P (1 to 65535)\n",
                    argv[i], (unsigned)DNS_ZONE_RECORDS_MAX);
            return 2;
        }
    }

    static struct dns_zone zone;
    static struct dns_stats stats;
    if (dns_zone_init(&zone, (uint32_t)records) != 0) {
        fprintf(stderr, "dns_linux: cannot set up a zone of %lu records\n", records);
        return 2;
    }

    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    if (sock < 0) {
        perror("dns_linux: socket");
        return 1;
    }
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_ANY),
    };
    if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        fprintf(stderr, "dns_linux: cannot bind UDP port %lu: %s\n", port, strerror(errno));
        return 1;
    }

    /* No SA_RESTART: the signal interrupts recvfrom, so the loop sees it. */
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    printf("dns_linux: serving %lu records of mote.test on UDP port %lu\n", records, port);
    fflush(stdout);

    static uint8_t query[MSG_MAX], reply[MSG_MAX];
    while (!stop_requested) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof(from);
        ssize_t n = recvfrom(sock, query, sizeof(query), 0, (struct sockaddr *)&from, &from_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* Transient errors (ICMP-induced ECONNREFUSED, ENOMEM) must not stop a server. */
            stats.servfail++;
            continue;
        }
        size_t len =
            dns_answer(&zone, &stats, query, (size_t)n, reply, sizeof(reply), DNS_TRANSPORT_UDP);
        if (len > 0 && sendto(sock, reply, len, 0, (struct sockaddr *)&from, from_len) < 0)
            stats.servfail++;
    }
    stats_print(&stats);
    close(sock);
    return 0;
}
