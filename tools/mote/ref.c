// SPDX-License-Identifier: MIT
/* Image references with Docker's normalisation, see ref.h. */
#include "tools/mote/ref.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tools/mote/spec.h"

#define LEGACY_HOST      "index.docker.io" /* Docker's old name for docker.io */
#define OFFICIAL_PREFIX  "library/"
#define DIGEST_ALGORITHM "sha256:"
#define DIGEST_HEX_LEN   64
#define PORT_DIGITS_MAX  5

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* A path component: [a-z0-9]+ runs joined by one '.', one '_', "__" or any number of '-'. */
static bool path_component_ok(const char *s, size_t len)
{
    if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
        return false;
    for (size_t i = 0; i < len;) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        size_t run = 0;
        if (s[i] == '-') {
            while (i + run < len && s[i + run] == '-')
                run++;
        } else if (s[i] == '.') {
            run = 1;
        } else if (s[i] == '_') {
            run = i + 1 < len && s[i + 1] == '_' ? 2 : 1;
        } else {
            return false;
        }
        i += run;
        if (!is_lower_alnum(s[i])) /* a separator is followed by a letter or digit */
            return false;
    }
    return true;
}

/* One DNS-like label of a domain: [A-Za-z0-9], '-' inside. */
static bool domain_label_ok(const char *s, size_t len)
{
    if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* HOST[:PORT], HOST being labels joined by '.', or [IPv6]. */
static bool domain_ok(const char *s, size_t len)
{
    const char *end = s + len, *host_end = end;
    if (len && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close || close == s + 1)
            return false;
        for (const char *p = s + 1; p < close; p++)
            if (!is_hex(*p) && !(*p >= 'A' && *p <= 'F') && *p != ':' && *p != '.')
                return false;
        host_end = close + 1;
    } else {
        const char *colon = memchr(s, ':', len);
        host_end = colon ? colon : end;
        for (const char *p = s; p <= host_end;) {
            const char *dot = memchr(p, '.', (size_t)(host_end - p));
            const char *label_end = dot ? dot : host_end;
            if (!domain_label_ok(p, (size_t)(label_end - p)))
                return false;
            p = label_end + 1;
        }
    }
    if (host_end == end)
        return true;
    if (*host_end != ':')
        return false;
    size_t digits = (size_t)(end - host_end - 1);
    if (digits == 0 || digits > PORT_DIGITS_MAX)
        return false;
    for (const char *p = host_end + 1; p < end; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static bool tag_ok(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > REF_TAG_MAX || !(is_alnum(s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

static bool digest_ok(const char *s)
{
    size_t n = strlen(DIGEST_ALGORITHM);
    if (strncmp(s, DIGEST_ALGORITHM, n) != 0 || strlen(s + n) != DIGEST_HEX_LEN)
        return false;
    for (const char *p = s + n; *p; p++)
        if (!is_hex(*p))
            return false;
    return true;
}

static const char expected[] = "expected [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], e.g. dns, "
                               "dns:1 or 127.0.0.1:5000/team/dns:1";

int image_ref_parse(const char *s, struct image_ref *r, char *err)
{
    static const size_t input_max = REF_NAME_MAX + 1 + REF_TAG_MAX + 1 + REF_DIGEST_MAX;
    char buf[REF_NAME_MAX + 1 + REF_TAG_MAX + 1 + REF_DIGEST_MAX + 1];
    memset(r, 0, sizeof(*r));
    size_t len = strlen(s);
    if (len == 0)
        return spec_fail(err, "empty image reference; %s", expected);
    if (len > input_max)
        return spec_fail(err, "image reference '%.60s...' is longer than %zu characters", s,
                         input_max);
    memcpy(buf, s, len + 1);

    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        if (!digest_ok(at + 1))
            return spec_fail(
                err, "bad digest '%s' in '%s': expected sha256: and 64 lowercase hex digits",
                at + 1, s);
        snprintf(r->digest, sizeof(r->digest), "%s", at + 1);
    }
    char *slash = strrchr(buf, '/'), *colon = strrchr(slash ? slash : buf, ':');
    if (colon) {
        *colon = '\0';
        if (!tag_ok(colon + 1))
            return spec_fail(
                err,
                "bad tag '%s' in '%s': expected a letter, digit or '_', then up to %d of "
                "A-Z a-z 0-9 . _ -",
                colon + 1, s, REF_TAG_MAX - 1);
        snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
        r->tagged = true;
    } else if (!r->digest[0]) {
        snprintf(r->tag, sizeof(r->tag), "%s", REF_DEFAULT_TAG);
    }
    const char *name = buf, *path = buf;
    size_t name_len = strlen(buf);
    if (name_len == 0)
        return spec_fail(err, "'%s' has no image name; %s", s, expected);
    if (name_len > REF_NAME_MAX)
        return spec_fail(err, "image name in '%.60s...' is longer than %d characters", s,
                         REF_NAME_MAX);
    const char *first_slash = strchr(name, '/');
    size_t first_len = first_slash ? (size_t)(first_slash - name) : 0;
    bool has_upper_first = false;
    for (size_t i = 0; i < first_len; i++)
        has_upper_first |= name[i] >= 'A' && name[i] <= 'Z';
    if (first_slash &&
        (memchr(name, '.', first_len) || memchr(name, ':', first_len) ||
         (first_len == 9 && strncmp(name, "localhost", 9) == 0) || has_upper_first)) {
        if (!domain_ok(name, first_len))
            return spec_fail(err, "bad registry host '%.*s' in '%s': expected HOST or HOST:PORT",
                             (int)first_len, name, s);
        snprintf(r->domain, sizeof(r->domain), "%.*s", (int)first_len, name);
        path = first_slash + 1;
    } else {
        snprintf(r->domain, sizeof(r->domain), "%s", REF_DEFAULT_HOST);
    }
    for (const char *p = path; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            return spec_fail(err, "bad image name '%s': a repository name must be lowercase", name);
    for (const char *p = path;;) {
        const char *next = strchr(p, '/');
        size_t n = next ? (size_t)(next - p) : strlen(p);
        if (!path_component_ok(p, n))
            return spec_fail(
                err,
                "bad image name '%s': each part between slashes is lowercase letters and "
                "digits, joined by '.', '_', '__' or '-'; %s",
                name, expected);
        if (!next)
            break;
        p = next + 1;
    }
    if (strcmp(r->domain, LEGACY_HOST) == 0)
        snprintf(r->domain, sizeof(r->domain), "%s", REF_DEFAULT_HOST);
    bool add_library = strcmp(r->domain, REF_DEFAULT_HOST) == 0 && !strchr(path, '/');
    /* Docker refuses a bare 64-hex name: it would read as an image ID. */
    if (path == name && strlen(path) == DIGEST_HEX_LEN && !r->tagged) {
        bool all_hex = true;
        for (const char *p = path; *p; p++)
            all_hex &= is_hex(*p);
        if (all_hex)
            return spec_fail(err, "bad image name '%s': 64 hex digits would be an image ID", name);
    }
    int n = snprintf(r->path, sizeof(r->path), "%s%s", add_library ? OFFICIAL_PREFIX : "", path);
    if (n < 0 || (size_t)n >= sizeof(r->path) ||
        strlen(r->domain) + 1 + strlen(r->path) > REF_NAME_MAX)
        return spec_fail(err, "image name '%s' is longer than %d characters with its registry",
                         name, REF_NAME_MAX);
    /* The familiar name: docker.io/ and library/ dropped. */
    if (strcmp(r->domain, REF_DEFAULT_HOST) != 0) {
        /* Fits: the length was checked above. */
        if (snprintf(r->name, sizeof(r->name), "%s/%s", r->domain, r->path) >= (int)sizeof(r->name))
            return spec_fail(err, "image name '%s' is too long", name);
    } else if (strncmp(r->path, OFFICIAL_PREFIX, strlen(OFFICIAL_PREFIX)) == 0 &&
               !strchr(r->path + strlen(OFFICIAL_PREFIX), '/'))
        snprintf(r->name, sizeof(r->name), "%s", r->path + strlen(OFFICIAL_PREFIX));
    else
        snprintf(r->name, sizeof(r->name), "%s", r->path);
    return 0;
}

void image_ref_format(const struct image_ref *r, char *buf, unsigned long len)
{
    if (r->tag[0])
        snprintf(buf, len, "%s:%s", r->name, r->tag);
    else
        snprintf(buf, len, "%s@%s", r->name, r->digest);
}
