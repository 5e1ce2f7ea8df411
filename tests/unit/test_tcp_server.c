// SPDX-License-Identifier: MIT
/*
 * Unit tests for mote_tcp_serve (net/tcp_server.c) over a fake of the TCP
 * API it is built on: one listener, one connection at a time. AddressSanitizer
 * reports any per-connection state left unfreed or used after it was freed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mote/net.h>

#define LISTENER 1
#define CONN     2
#define SPACE    1000

/* The fake TCP API: what the server helper asked for. */
static struct {
    mote_tcp_accept_fn accept;
    void *accept_arg;
    struct mote_tcp_callbacks cb;
    void *cb_arg;
    uint64_t idle_ns;
    bool open;
    bool closed, aborted;
} tcp;

int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    (void)port;
    tcp.accept = on_accept;
    tcp.accept_arg = arg;
    return LISTENER;
}

int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    assert_int_equal(conn, CONN);
    tcp.cb = *cb;
    tcp.cb_arg = arg;
    return 0;
}

int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns)
{
    assert_int_equal(conn, CONN);
    tcp.idle_ns = idle_ns;
    return 0;
}

int mote_tcp_space(int conn)
{
    return conn == CONN && tcp.open ? SPACE : -EBADF;
}

int mote_tcp_close(int conn)
{
    assert_int_equal(conn, CONN);
    tcp.open = false;
    tcp.closed = true;
    return 0;
}

int mote_tcp_abort(int conn)
{
    assert_int_equal(conn, CONN);
    tcp.open = false;
    tcp.aborted = true;
    return 0;
}

/* What the service's input callback saw and does. */
struct seen {
    unsigned calls;
    char last[64];
    size_t last_len;
    bool close_on_bye;
};

struct line_state {
    unsigned lines;
    unsigned zero_check; /* stays 0 unless the state was not zeroed */
};

/* Consumes complete lines; "bye\n" closes when asked to. */
static size_t lines_input(int conn, void *state, const void *in, size_t len, void *arg)
{
    struct seen *seen = arg;
    struct line_state *st = state;
    assert_int_equal(conn, CONN);
    assert_true(len >= 1);
    assert_int_equal(st->zero_check, 0);
    seen->calls++;
    seen->last_len = len < sizeof(seen->last) ? len : sizeof(seen->last);
    memcpy(seen->last, in, seen->last_len);
    size_t used = 0;
    const char *p = in;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '\n')
            continue;
        st->lines++;
        if (seen->close_on_bye && i - used == strlen("bye") && !memcmp(p + used, "bye", 3)) {
            mote_tcp_close(conn);
            return 0; /* ignored: the connection is closed */
        }
        used = i + 1;
    }
    return used;
}

static struct seen seen;
static const struct mote_tcp_server lines_server = {
    .in_max = 16,
    .state_size = sizeof(struct line_state),
    .idle_ns = 5,
    .input = lines_input,
    .arg = &seen,
};

static void start(const struct mote_tcp_server *server)
{
    memset(&tcp, 0, sizeof(tcp));
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(mote_tcp_serve(80, server), LISTENER);
    tcp.open = true;
    tcp.accept(CONN, NULL, tcp.accept_arg);
    assert_non_null(tcp.cb.data);
}

static void receive(const char *text)
{
    tcp.cb.data(CONN, text, strlen(text), tcp.cb_arg);
}

static void assert_last(const char *text)
{
    assert_int_equal(seen.last_len, strlen(text));
    assert_memory_equal(seen.last, text, seen.last_len);
}

static void test_tcp_server_keeps_unconsumed_input_for_the_next_call(void **state)
{
    (void)state;
    start(&lines_server);
    assert_int_equal(tcp.idle_ns, 5);
    receive("ab");
    assert_last("ab");
    receive("c\nde");
    assert_last("abc\nde");
    receive("f\n");
    assert_last("def\n");
    assert_int_equal(seen.calls, 3);
    tcp.cb.closed(CONN, tcp.cb_arg); /* the peer is done: closed, state freed */
    assert_true(tcp.closed);
}

static void test_tcp_server_feeds_a_large_piece_in_buffer_sized_steps(void **state)
{
    (void)state;
    start(&lines_server);
    receive("0123456\n0123456\n0123456\n"); /* 24 bytes through a 16-byte buffer */
    assert_int_equal(seen.calls, 2);
    assert_last("0123456\n");
    assert_false(tcp.aborted);
    tcp.cb.error(CONN, -ECONNRESET, tcp.cb_arg); /* gone: state freed */
}

static void test_tcp_server_frees_the_state_when_the_service_closes(void **state)
{
    (void)state;
    start(&lines_server);
    seen.close_on_bye = true;
    receive("hi\nbye\nmore\n");
    assert_true(tcp.closed);
    assert_int_equal(seen.calls, 1); /* nothing after the close */
}

static void test_tcp_server_resets_a_request_larger_than_the_buffer(void **state)
{
    (void)state;
    start(&lines_server);
    receive("0123456789abcdefXYZ"); /* no newline in 16 bytes */
    assert_true(tcp.aborted);
    assert_int_equal(seen.calls, 1);
}

static void test_tcp_server_refuses_an_unusable_server(void **state)
{
    (void)state;
    struct mote_tcp_server bad = lines_server;
    assert_int_equal(mote_tcp_serve(80, NULL), -EINVAL);
    bad.in_max = 0;
    assert_int_equal(mote_tcp_serve(80, &bad), -EINVAL);
    bad = lines_server;
    bad.input = NULL;
    assert_int_equal(mote_tcp_serve(80, &bad), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_server_keeps_unconsumed_input_for_the_next_call),
        cmocka_unit_test(test_tcp_server_feeds_a_large_piece_in_buffer_sized_steps),
        cmocka_unit_test(test_tcp_server_frees_the_state_when_the_service_closes),
        cmocka_unit_test(test_tcp_server_resets_a_request_larger_than_the_buffer),
        cmocka_unit_test(test_tcp_server_refuses_an_unusable_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
