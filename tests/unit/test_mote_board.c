// SPDX-License-Identifier: MIT
/*
 * Unit tests for mote's board facts (tools/mote/board.c): what `make
 * board-info` prints, and the "qemu" object of a manifest, which may come
 * from an image archive someone else made (mote load).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/board.h"
#include "tools/mote/strbuf.h"

static const char raspi3_info[] = "name=raspi3\nmachine=raspi3b\ncpu=cortex-a53\nmem=1G\n"
                                  "mem_fixed=1024M\nnic=usb-net\nserials=2\npower_button=\n"
                                  "kernel=img\ndtb=bootargs.dtb\n"
                                  "debug_port=-serial tcp:127.0.0.1:{port},server=on,wait=off\n";

static void test_reads_what_board_info_prints(void **state)
{
    (void)state;
    struct board_qemu b;
    char err[128] = "";
    assert_int_equal(board_from_info(raspi3_info, &b, err, sizeof(err)), 0);
    assert_string_equal(b.name, "raspi3");
    assert_string_equal(b.machine, "raspi3b");
    assert_string_equal(b.cpu, "cortex-a53");
    assert_string_equal(b.nic, "usb-net");
    assert_int_equal(b.fixed_mem_mib, 1024);
    assert_int_equal(b.serials, 2);
    assert_false(b.power_button);
    assert_string_equal(b.rng, "");  /* a tree from before rng=: no entropy device */
    assert_string_equal(b.disk, ""); /* nor disk=: no disks */
    assert_true(board_is_called(&b, "raspi3"));
    assert_true(board_is_called(&b, "raspi3b"));
    assert_false(board_is_called(&b, "virt"));

    const char *virt =
        "name=virt\nmachine=virt\ncpu=cortex-a53\nmem_fixed=\nnic=virtio-net-device\n"
        "serials=1\npower_button=yes\nrng=virtio-rng-device\n";
    assert_int_equal(board_from_info(virt, &b, err, sizeof(err)), 0);
    assert_int_equal(b.fixed_mem_mib, 0);
    assert_string_equal(b.rng, "virtio-rng-device");
    assert_true(b.power_button);
}

static void expect_info_error(const char *text, const char *msg)
{
    struct board_qemu b;
    char err[128] = "";
    assert_int_equal(board_from_info(text, &b, err, sizeof(err)), -EINVAL);
    if (!strstr(err, msg))
        fail_msg("for %s expected an error with '%s', got '%s'", text, msg, err);
}

static void test_refuses_values_that_would_change_the_qemu_command(void **state)
{
    (void)state;
    expect_info_error("name=x\nmachine=virt\ncpu=\nnic=\nserials=1\nrng=virtio-rng-device,rng=r\n",
                      "rng");
    expect_info_error("machine=virt\nserials=1\n", "board name");
    expect_info_error("name=x\nmachine=virt,secure=on\nserials=1\n", "board machine");
    expect_info_error("name=x\nmachine=virt\ncpu=\nnic=virtio-net-device,mac=1\nserials=1\n",
                      "nic");
    expect_info_error("name=x\nmachine=virt\ncpu=max -S\nserials=1\n", "board cpu");
    expect_info_error("name=x\nmachine=virt\ncpu=\nnic=\nserials=0\n", "serials");
    expect_info_error("name=x\nmachine=virt\ncpu=\nnic=\nserials=9\n", "serials");
    expect_info_error("name=x\nmachine=virt\ncpu=\nnic=\nserials=1\nmem_fixed=lots\n", "mem_fixed");
    expect_info_error("name=much-too-long-for-a-board\nmachine=virt\nserials=1\n", "board name");
}

static void test_manifest_object_round_trips(void **state)
{
    (void)state;
    struct board_qemu b, back;
    char err[128] = "";
    assert_int_equal(board_from_info(raspi3_info, &b, err, sizeof(err)), 0);
    json_t *obj = board_to_json(&b);
    char *text = json_text(obj, false);
    json_t *j = json_parse_text(text, strlen(text), err, sizeof(err));
    assert_non_null(j);
    assert_int_equal(board_from_json(j, "raspi3", &back, err, sizeof(err)), 0);
    assert_memory_equal(&b, &back, sizeof(b));
    json_decref(j);
    json_decref(obj);
    free(text);
}

static void expect_json_error(const char *text, const char *msg)
{
    struct board_qemu b;
    char err[128] = "";
    json_t *j = json_parse_text(text, strlen(text), err, sizeof(err));
    assert_non_null(j);
    assert_int_equal(board_from_json(j, "virt", &b, err, sizeof(err)), -EINVAL);
    if (!strstr(err, msg))
        fail_msg("for %s expected an error with '%s', got '%s'", text, msg, err);
    json_decref(j);
}

static void test_refuses_a_damaged_manifest_object(void **state)
{
    (void)state;
    struct board_qemu b;
    char err[128] = "";
    assert_int_equal(board_from_json(NULL, "virt", &b, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "older mote"));
    expect_json_error("{\"machine\":\"virt\",\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":0}",
                      "serials");
    expect_json_error("{\"machine\":\"virt\",\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":-1,"
                      "\"serials\":1}",
                      "fixed_mem_mib");
    expect_json_error("{\"machine\":\"virt -S\",\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":0,"
                      "\"serials\":1}",
                      "machine");
    expect_json_error("{\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":0,\"serials\":1}", "machine");
    /* A disk template from a manifest cannot carry QEMU option syntax of its own. */
    expect_json_error("{\"machine\":\"virt\",\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":0,"
                      "\"serials\":1,\"disk\":\"-drive file={file};rm\"}",
                      "board disk");
    expect_json_error("{\"machine\":\"virt\",\"cpu\":\"\",\"nic\":\"\",\"fixed_mem_mib\":0,"
                      "\"serials\":1,\"disk\":\"-drive file=/etc/passwd\"}",
                      "board disk");
}

static void test_reads_the_disk_template(void **state)
{
    (void)state;
    struct board_qemu b;
    char err[128] = "";
    static const char virt[] =
        "name=virt\nmachine=virt\ncpu=cortex-a53\nnic=virtio-net-device\nserials=1\n"
        "disk=-drive if=none,id=disk{n},format=raw,file={file} -device "
        "virtio-blk-device,drive=disk{n}\n";
    assert_int_equal(board_from_info(virt, &b, err, sizeof(err)), 0);
    assert_string_equal(b.disk, "-drive if=none,id=disk{n},format=raw,file={file} -device "
                                "virtio-blk-device,drive=disk{n}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_what_board_info_prints),
        cmocka_unit_test(test_refuses_values_that_would_change_the_qemu_command),
        cmocka_unit_test(test_manifest_object_round_trips),
        cmocka_unit_test(test_reads_the_disk_template),
        cmocka_unit_test(test_refuses_a_damaged_manifest_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
