// SPDX-License-Identifier: MIT
/*
 * Unit tests for MQTT topic names and filters (net/mqtt_topic.c, MQTT 3.1.1
 * §4.7 and its examples) and the bounded queue of QoS 1 messages
 * (net/mqtt_queue.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mote/mqtt.h>

#include "net/mqtt_queue.h"

static void test_mqtt_topic_names_and_filters_are_validated(void **state)
{
    (void)state;
    char longest[MOTE_MQTT_TOPIC_MAX + 2];
    memset(longest, 'a', sizeof(longest));
    longest[MOTE_MQTT_TOPIC_MAX] = '\0';
    assert_true(mote_mqtt_topic_valid(longest));
    longest[MOTE_MQTT_TOPIC_MAX] = 'a';
    longest[MOTE_MQTT_TOPIC_MAX + 1] = '\0';
    assert_false(mote_mqtt_topic_valid(longest));
    assert_false(mote_mqtt_filter_valid(longest));

    assert_true(mote_mqtt_topic_valid("sensors/gw1/reading"));
    assert_true(mote_mqtt_topic_valid("/"));
    assert_false(mote_mqtt_topic_valid(""));
    assert_false(mote_mqtt_topic_valid(NULL));
    assert_false(mote_mqtt_topic_valid("a/+/b"));
    assert_false(mote_mqtt_topic_valid("a/#"));

    assert_true(mote_mqtt_filter_valid("#"));
    assert_true(mote_mqtt_filter_valid("+"));
    assert_true(mote_mqtt_filter_valid("a/+/b/#"));
    assert_true(mote_mqtt_filter_valid("+/+"));
    assert_true(mote_mqtt_filter_valid("/+"));
    assert_false(mote_mqtt_filter_valid("a/#/b")); /* # only last */
    assert_false(mote_mqtt_filter_valid("a#"));    /* # alone in its level */
    assert_false(mote_mqtt_filter_valid("a/b+"));  /* + alone in its level */
    assert_false(mote_mqtt_filter_valid("+a"));
    assert_false(mote_mqtt_filter_valid(""));
}

static void test_mqtt_topics_match_the_specification_examples(void **state)
{
    (void)state;
    /* §4.7.1.2 */
    assert_true(mote_mqtt_topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
    assert_true(mote_mqtt_topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    assert_true(
        mote_mqtt_topic_matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    assert_true(mote_mqtt_topic_matches("sport/#", "sport"));
    assert_true(mote_mqtt_topic_matches("#", "sport/tennis"));
    /* §4.7.1.3 */
    assert_true(mote_mqtt_topic_matches("sport/tennis/+", "sport/tennis/player1"));
    assert_false(mote_mqtt_topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
    assert_false(mote_mqtt_topic_matches("sport/+", "sport"));
    assert_true(mote_mqtt_topic_matches("sport/+", "sport/"));
    assert_true(mote_mqtt_topic_matches("+/+", "/finance"));
    assert_true(mote_mqtt_topic_matches("/+", "/finance"));
    assert_false(mote_mqtt_topic_matches("+", "/finance"));
    /* §4.7.2: wildcards at the start do not match $ topics */
    assert_false(mote_mqtt_topic_matches("#", "$SYS/broker/uptime"));
    assert_false(mote_mqtt_topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
    assert_true(mote_mqtt_topic_matches("$SYS/#", "$SYS/broker/uptime"));
    assert_true(mote_mqtt_topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
}

static void test_mqtt_topics_match_levels_exactly(void **state)
{
    (void)state;
    assert_true(mote_mqtt_topic_matches("actuators/gw1/#", "actuators/gw1/output"));
    assert_false(mote_mqtt_topic_matches("actuators/gw1/#", "actuators/gw10/output"));
    assert_false(mote_mqtt_topic_matches("actuators/gw1", "actuators/gw"));
    assert_false(mote_mqtt_topic_matches("actuators/gw", "actuators/gw1"));
    assert_false(mote_mqtt_topic_matches("a/b", "a/b/c"));
    assert_false(mote_mqtt_topic_matches("a/b/c", "a/b"));
    assert_true(mote_mqtt_topic_matches("a/+/c", "a/b/c"));
    assert_true(mote_mqtt_topic_matches("a/+/c", "a//c"));
    assert_true(mote_mqtt_topic_matches("+/+/#", "a/b"));
    assert_false(mote_mqtt_topic_matches("a/+", "a/b/c"));
    /* case matters; invalid arguments never match */
    assert_false(mote_mqtt_topic_matches("A/b", "a/b"));
    assert_false(mote_mqtt_topic_matches("a/#/b", "a/x/b"));
    assert_false(mote_mqtt_topic_matches("a/b", "a/+"));
}

static void test_mqtt_queue_keeps_order_and_drops_the_oldest_beyond_its_bound(void **state)
{
    (void)state;
    struct mqtt_queue q;
    mqtt_queue_init(&q, 3);
    assert_int_equal(mqtt_queue_push(&q, "t/1", "one", 3, false), 0);
    assert_int_equal(mqtt_queue_push(&q, "t/2", "two", 3, true), 0);
    assert_int_equal(mqtt_queue_push(&q, "t/3", "", 0, false), 0);
    assert_int_equal(q.count, 3);
    assert_int_equal(mqtt_queue_push(&q, "t/4", "four", 4, false), 1); /* t/1 dropped */
    assert_int_equal(q.count, 3);
    struct mqtt_msg *m = mqtt_queue_next_waiting(&q);
    assert_string_equal(m->topic, "t/2");
    assert_int_equal(m->len, 3);
    assert_memory_equal(m->payload, "two", 3);
    assert_true(m->retain);
    m->in_flight = true;
    uint32_t seq2 = m->seq;
    m = mqtt_queue_next_waiting(&q);
    assert_string_equal(m->topic, "t/3");
    assert_int_equal(m->len, 0);
    m->in_flight = true;
    m = mqtt_queue_next_waiting(&q);
    assert_string_equal(m->topic, "t/4");
    m->in_flight = true;
    assert_null(mqtt_queue_next_waiting(&q));

    /* Acknowledged: gone; acknowledged twice, or after being dropped: nothing. */
    assert_true(mqtt_queue_ack(&q, seq2));
    assert_false(mqtt_queue_ack(&q, seq2));
    assert_false(mqtt_queue_ack(&q, 1));
    assert_int_equal(q.count, 2);

    /* The connection is gone: everything waits again, in order. */
    mqtt_queue_requeue_all(&q);
    assert_string_equal(mqtt_queue_next_waiting(&q)->topic, "t/3");
    mqtt_queue_clear(&q);
    assert_int_equal(q.count, 0);
    assert_null(q.head);
    assert_null(q.tail);
}

static void test_mqtt_queue_ack_in_the_middle_keeps_the_tail(void **state)
{
    (void)state;
    struct mqtt_queue q;
    mqtt_queue_init(&q, 10);
    for (int i = 0; i < 3; i++)
        assert_int_equal(mqtt_queue_push(&q, "t", "x", 1, false), 0);
    uint32_t last = q.tail->seq;
    assert_true(mqtt_queue_ack(&q, last));
    assert_int_equal(q.tail->seq, last - 1);
    assert_int_equal(mqtt_queue_push(&q, "u", "y", 1, false), 0);
    assert_string_equal(q.tail->topic, "u");
    assert_true(mqtt_queue_requeue(&q, q.head->seq));
    assert_false(mqtt_queue_requeue(&q, last));
    mqtt_queue_clear(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mqtt_topic_names_and_filters_are_validated),
        cmocka_unit_test(test_mqtt_topics_match_the_specification_examples),
        cmocka_unit_test(test_mqtt_topics_match_levels_exactly),
        cmocka_unit_test(test_mqtt_queue_keeps_order_and_drops_the_oldest_beyond_its_bound),
        cmocka_unit_test(test_mqtt_queue_ack_in_the_middle_keeps_the_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
