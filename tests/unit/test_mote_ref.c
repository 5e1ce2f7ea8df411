// SPDX-License-Identifier: MIT
/*
 * Unit tests for image references (tools/mote/ref.c): the grammar and the
 * normalisation the Docker CLI applies, so `mote` and `docker`/`skopeo` name
 * the same repository for the same text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/ref.h"
#include "tools/mote/spec.h"

static void expect_ref(const char *s, const char *domain, const char *path, const char *name,
                       const char *tag, const char *digest)
{
    struct image_ref r;
    char err[SPEC_ERR_LEN] = "";
    if (image_ref_parse(s, &r, err) != 0)
        fail_msg("'%s' was refused: %s", s, err);
    assert_string_equal(r.domain, domain);
    assert_string_equal(r.path, path);
    assert_string_equal(r.name, name);
    assert_string_equal(r.tag, tag);
    assert_string_equal(r.digest, digest);
}

static void expect_bad(const char *s, const char *why)
{
    struct image_ref r;
    char err[SPEC_ERR_LEN] = "";
    assert_int_equal(image_ref_parse(s, &r, err), -EINVAL);
    if (!strstr(err, why))
        fail_msg("for '%s' expected an error with '%s', got '%s'", s, why, err);
}

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_single_names_are_official_docker_io_images(void **state)
{
    (void)state;
    expect_ref("dns", "docker.io", "library/dns", "dns", "latest", "");
    expect_ref("dns:1", "docker.io", "library/dns", "dns", "1", "");
    expect_ref("docker.io/dns", "docker.io", "library/dns", "dns", "latest", "");
    expect_ref("docker.io/library/dns:2", "docker.io", "library/dns", "dns", "2", "");
    expect_ref("index.docker.io/dns", "docker.io", "library/dns", "dns", "latest", "");
    expect_ref("team/dns", "docker.io", "team/dns", "team/dns", "latest", "");
    expect_ref("my.svc_2-x:V1.2_rc-1", "docker.io", "library/my.svc_2-x", "my.svc_2-x", "V1.2_rc-1",
               "");
}

static void test_first_part_with_dot_colon_or_localhost_is_a_registry(void **state)
{
    (void)state;
    expect_ref("registry.example/team/dns:1", "registry.example", "team/dns",
               "registry.example/team/dns", "1", "");
    expect_ref("127.0.0.1:5000/dns", "127.0.0.1:5000", "dns", "127.0.0.1:5000/dns", "latest", "");
    expect_ref("localhost/a/b/c", "localhost", "a/b/c", "localhost/a/b/c", "latest", "");
    expect_ref("localhost:5000/dns:v2", "localhost:5000", "dns", "localhost:5000/dns", "v2", "");
    expect_ref("[::1]:5000/dns", "[::1]:5000", "dns", "[::1]:5000/dns", "latest", "");
    /* Docker reads an uppercase first part as a host too. */
    expect_ref("Registry/dns", "Registry", "dns", "Registry/dns", "latest", "");
}

static void test_digests_with_and_without_tags(void **state)
{
    (void)state;
    expect_ref("dns@sha256:" D64, "docker.io", "library/dns", "dns", "", "sha256:" D64);
    expect_ref("h.io:1/dns:1@sha256:" D64, "h.io:1", "dns", "h.io:1/dns", "1", "sha256:" D64);
    struct image_ref r;
    char buf[600];
    assert_int_equal(image_ref_parse("dns@sha256:" D64, &r, NULL), 0);
    image_ref_format(&r, buf, sizeof(buf));
    assert_string_equal(buf, "dns@sha256:" D64);
    assert_int_equal(image_ref_parse("docker.io/library/dns", &r, NULL), 0);
    image_ref_format(&r, buf, sizeof(buf));
    assert_string_equal(buf, "dns:latest");
}

static void test_separators_follow_the_grammar(void **state)
{
    (void)state;
    expect_ref("a__b", "docker.io", "library/a__b", "a__b", "latest", "");
    expect_ref("a---b", "docker.io", "library/a---b", "a---b", "latest", "");
    expect_bad("a___b", "each part between slashes");
    expect_bad("a..b", "each part between slashes");
    expect_bad("-dns", "each part between slashes");
    expect_bad("dns-", "each part between slashes");
    expect_bad("team//dns", "each part between slashes");
    expect_bad("team/", "each part between slashes");
    expect_bad("a.-b", "each part between slashes");
}

static void test_bad_references_say_what_is_wrong(void **state)
{
    (void)state;
    expect_bad("", "empty image reference");
    expect_bad(":tag", "has no image name");
    expect_bad("Dns", "must be lowercase");
    expect_bad("h.io/Team/dns", "must be lowercase");
    expect_bad("dns:", "bad tag ''");
    expect_bad("dns:-x", "bad tag '-x'");
    expect_bad("dns:a b", "bad tag 'a b'");
    expect_bad("dns:a:b", "bad image name 'dns:a'");
    expect_bad("dns@sha256:abc", "bad digest");
    expect_bad("dns@md5:" D64, "bad digest");
    expect_bad("dns@sha256:" D64 "@x", "bad digest");
    expect_bad("../x", "bad registry host '..'");
    expect_bad("a/../x", "each part between slashes");
    expect_bad("h_o.st:5000/dns", "bad registry host");
    expect_bad("host:99999999/dns", "bad registry host");
    expect_bad("host:/dns", "bad registry host");
    expect_bad(".host/dns", "bad registry host");
    expect_bad("[zz]:1/dns", "bad registry host");
    expect_bad(D64, "would be an image ID");
    expect_bad("ä", "each part between slashes");
}

static void test_length_limits(void **state)
{
    (void)state;
    char s[700];
    /* A tag of 128 characters passes, 129 does not. */
    memset(s, 'a', sizeof(s));
    memcpy(s, "x:", 2);
    s[2 + REF_TAG_MAX] = '\0';
    expect_ref(s, "docker.io", "library/x", "x", s + 2, "");
    s[2 + REF_TAG_MAX] = 'a';
    s[3 + REF_TAG_MAX] = '\0';
    expect_bad(s, "bad tag");
    /* docker.io/library/NAME counts against the 255 characters. */
    memset(s, 'a', sizeof(s));
    s[REF_NAME_MAX - strlen("docker.io/library/")] = '\0';
    struct image_ref r;
    assert_int_equal(image_ref_parse(s, &r, NULL), 0);
    s[REF_NAME_MAX - strlen("docker.io/library/")] = 'a';
    s[REF_NAME_MAX - strlen("docker.io/library/") + 1] = '\0';
    expect_bad(s, "longer than 255");
    memset(s, 'a', sizeof(s));
    s[sizeof(s) - 1] = '\0';
    expect_bad(s, "longer than");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_names_are_official_docker_io_images),
        cmocka_unit_test(test_first_part_with_dot_colon_or_localhost_is_a_registry),
        cmocka_unit_test(test_digests_with_and_without_tags),
        cmocka_unit_test(test_separators_follow_the_grammar),
        cmocka_unit_test(test_bad_references_say_what_is_wrong),
        cmocka_unit_test(test_length_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
