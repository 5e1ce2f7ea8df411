// SPDX-License-Identifier: MIT
/*
 * Unit tests for the checks mote makes on manifests and configs it reads from
 * an OCI layout (`mote load`) or a registry (`mote pull`), both outside input
 * (tools/mote/oci.c): what mote writes is read back, anything else refused
 * with a message naming what is wrong.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/oci.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define H1       "1111111111111111111111111111111111111111111111111111111111111111"
#define H2       "2222222222222222222222222222222222222222222222222222222222222222"
#define MAX_BLOB (64u * 1024 * 1024)

static char home[64];

/* A file of the store with content text: its digest into sha256. */
static uint64_t put_blob(const char *text, char sha256[65])
{
    sha256_hex(text, strlen(text), sha256);
    char *path = store_blob_path(sha256);
    assert_int_equal(file_write_atomic(path, text, strlen(text)), 0);
    free(path);
    return strlen(text);
}

static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof(home), "/tmp/mote-oci-XXXXXX");
    if (!mkdtemp(home))
        return -1;
    setenv("MOTE_HOME", home, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return dir_remove_tree(home);
}

static void make_image(struct image *img)
{
    memset(img, 0, sizeof(*img));
    strcpy(img->name, "127.0.0.1:5000/team/dns");
    strcpy(img->tag, "1");
    strcpy(img->board.name, "virt");
    strcpy(img->board.machine, "virt");
    strcpy(img->board.cpu, "cortex-a53");
    img->board.serials = 1;
    strcpy(img->service, "dns");
    img->size = put_blob("the kernel", img->sha256);
    img->elf_size = put_blob("the elf, with symbols", img->elf_sha256);
    img->created_ns = 1700000000000000000ll;
    img->args = xstrdup("zone=x");
    img->source = xstrdup("");
}

static void test_what_mote_writes_reads_back(void **state)
{
    (void)state;
    struct image img, back;
    struct oci_artifact a;
    struct oci_manifest m;
    char err[SPEC_ERR_LEN] = "";
    make_image(&img);
    assert_int_equal(oci_artifact_build(&img, &a), 0);
    if (oci_manifest_parse(a.manifest, a.manifest_len, MAX_BLOB, &m, err) != 0)
        fail_msg("%s", err);
    assert_string_equal(m.kernel.sha256, a.layers[0].sha256);
    assert_true(m.kernel.tarred);
    assert_string_equal(m.elf.sha256, a.layers[1].sha256);
    assert_string_equal(m.dtb.sha256, "");
    assert_string_equal(m.board, "virt");
    assert_string_equal(m.config.sha256, a.config_desc.sha256);
    if (oci_config_parse(a.config, a.config_len, &m, &back, err) != 0)
        fail_msg("%s", err);
    assert_string_equal(back.name, "dns"); /* named after its service: the caller names it */
    assert_string_equal(back.tag, "latest");
    assert_string_equal(back.args, "zone=x");
    image_free(&back);
    /* The same image gives the same manifest: its digest names it. */
    struct oci_artifact again;
    assert_int_equal(oci_artifact_build(&img, &again), 0);
    assert_string_equal(again.manifest_desc.sha256, a.manifest_desc.sha256);
    oci_artifact_free(&again);
    /* ... under any name. */
    strcpy(img.name, "dns");
    assert_int_equal(oci_artifact_build(&img, &again), 0);
    assert_string_equal(again.manifest_desc.sha256, a.manifest_desc.sha256);
    oci_artifact_free(&again);
    oci_artifact_free(&a);
    image_free(&img);
}

static void expect_bad_manifest(const char *text, const char *why)
{
    struct oci_manifest m;
    char err[SPEC_ERR_LEN] = "";
    assert_int_equal(oci_manifest_parse(text, strlen(text), MAX_BLOB, &m, err), -EINVAL);
    if (!strstr(err, why))
        fail_msg("for %s expected an error with '%s', got '%s'", text, why, err);
}

#define CFG                                                                                \
    "{\"mediaType\":\"application/vnd.mote.image.config.v1+json\",\"digest\":\"sha256:" H1 \
    "\",\"size\":10}"
#define KERNEL                                                                        \
    "{\"mediaType\":\"application/vnd.mote.image.kernel.v1\",\"digest\":\"sha256:" H1 \
    "\",\"size\":10}"
#define ELF \
    "{\"mediaType\":\"application/vnd.mote.image.elf.v1\",\"digest\":\"sha256:" H2 "\",\"size\":10}"

static void test_manifests_that_are_not_mote_images_are_refused(void **state)
{
    (void)state;
    expect_bad_manifest("", "not valid JSON");
    expect_bad_manifest("[]", "not an image manifest");
    expect_bad_manifest("{\"schemaVersion\":1,\"layers\":[]}", "not an image manifest");
    expect_bad_manifest("{\"schemaVersion\":2,\"mediaType\":\"x\",\"config\":" CFG
                        ",\"layers\":[]}",
                        "mediaType is x");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                        "vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" H1
                        "\",\"size\":1},\"artifactType\":\"x\",\"layers\":[" KERNEL "," ELF "]}",
                        "not a Mote image: its artifactType is x");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "]}",
                        "expected a kernel and an elf layer");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "," KERNEL
                        "]}",
                        "two kernel layers");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "," ELF
                        ",{\"mediaType\":\"x\",\"digest\":\"sha256:" H1 "\",\"size\":1}]}",
                        "a layer of type x");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "," ELF
                        ",{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\","
                        "\"digest\":\"sha256:" H1 "\",\"size\":1}]}",
                        "io.mote.image.layer absent");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "," ELF
                        ",{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":"
                        "\"sha256:" H1 "\",\"size\":1,\"annotations\":{\"io.mote.image.layer\":"
                        "\"x\"}}]}",
                        "io.mote.image.layer x");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" KERNEL "," ELF
                        "," ELF "," ELF "]}",
                        "at most 3");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG
                        ",\"layers\":[{\"mediaType\":\"application/vnd.mote.image.kernel.v1\","
                        "\"digest\":\"sha256:abc\",\"size\":1}," ELF "]}",
                        "is not sha256:<64 hex digits>");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG
                        ",\"layers\":[{\"mediaType\":\"application/vnd.mote.image.kernel.v1\","
                        "\"digest\":\"sha256:" H1 "\",\"size\":99999999999}," ELF "]}",
                        "more than a Mote image's");
    expect_bad_manifest("{\"schemaVersion\":2,\"config\":" CFG
                        ",\"layers\":[{\"mediaType\":\"application/vnd.mote.image.kernel.v1\","
                        "\"digest\":\"sha256:" H1 "\",\"size\":-1}," ELF "]}",
                        "lacks mediaType, digest or size");
    expect_bad_manifest("{\"schemaVersion\":2,\"schemaVersion\":2}", "not valid JSON");
}

static void test_config_must_match_the_layers(void **state)
{
    (void)state;
    struct image img, back;
    struct oci_artifact a;
    struct oci_manifest m;
    char err[SPEC_ERR_LEN] = "";
    make_image(&img);
    assert_int_equal(oci_artifact_build(&img, &a), 0);
    assert_int_equal(oci_manifest_parse(a.manifest, a.manifest_len, MAX_BLOB, &m, err), 0);
    /* A tarred layer is checked when unpacked: its file must be the config's. */
    char *blob = xasprintf("%s/layer", home), *file;
    assert_int_equal(file_write_atomic(blob, a.layer_data[0], a.layers[0].size), 0);
    file = oci_layer_file(blob, &m.kernel, img.sha256, img.size, err);
    assert_non_null(file);
    free(file);
    assert_null(oci_layer_file(blob, &m.kernel, img.elf_sha256, img.elf_size, err));
    assert_non_null(strstr(err, "not the one the config names"));
    free(blob);
    m.kernel.tarred = false; /* a raw layer (mote 0.1) is compared with the config at once */
    m.kernel.size++;
    assert_int_equal(oci_config_parse(a.config, a.config_len, &m, &back, err), -EINVAL);
    assert_non_null(strstr(err, "do not match the layers"));
    m.kernel.size--;
    assert_int_equal(oci_config_parse("{}", 2, &m, &back, err), -EINVAL);
    assert_non_null(strstr(err, "the image config is not valid"));
    assert_int_equal(oci_config_parse("{", 1, &m, &back, err), -EINVAL);
    assert_non_null(strstr(err, "not valid JSON"));
    oci_artifact_free(&a);
    image_free(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_mote_writes_reads_back),
        cmocka_unit_test(test_manifests_that_are_not_mote_images_are_refused),
        cmocka_unit_test(test_config_must_match_the_layers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
