// SPDX-License-Identifier: MIT
/* An OCI distribution client over libcurl, see registry.h. */
#include "tools/mote/registry.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tools/mote/credentials.h"
#include "tools/mote/json.h"
#include "tools/mote/sha256.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#define DOCKER_HUB_API    "registry-1.docker.io" /* docker.io's API host */
#define CONNECT_TIMEOUT_S 30L
#define STALL_BYTES_PER_S 1L  /* a registry slower than this ... */
#define STALL_S           60L /* ... for this long has gone quiet: give up */
#define ERROR_BODY_MAX    (64 * 1024)
#define TOKEN_BODY_MAX    (64 * 1024)
#define HEADER_VALUE_MAX  2048
#define HTTP_OK           200
#define HTTP_CREATED      201
#define HTTP_ACCEPTED     202
#define HTTP_UNAUTHORIZED 401
#define HTTP_NOT_FOUND    404
#define UA                "mote (OCI distribution client)"

struct registry {
    char host[REF_NAME_MAX + 1]; /* as the reference names it: the key of the credentials */
    char base[REF_NAME_MAX + 16];
    char repo[REF_NAME_MAX + 1];
    struct registry_options opts;
    bool have_creds, tls_checked;
    CURLcode last; /* of the last transfer */
    struct credentials creds;
    char *authorization; /* "Authorization: ..." once the registry asked for it */
    CURL *curl;
};

/* What one request sends and receives. */
struct exchange {
    /* upload: from memory or a file */
    const char *data;
    size_t len, pos;
    FILE *in;
    /* download: into body (bounded), or into out with a digest */
    struct strbuf body;
    size_t body_max;
    FILE *out;
    struct sha256 *digest;
    uint64_t got, limit;
    bool over_limit;
    void (*progress)(void *arg, uint64_t done);
    void *progress_arg;
    CURL *curl; /* to ask the status while the body arrives */
    /* answer */
    long status;
    char location[HEADER_VALUE_MAX], content_type[128], challenge[HEADER_VALUE_MAX];
};

__attribute__((format(printf, 2, 3))) static int fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, REGISTRY_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EIO;
}

static bool is_loopback(const char *host)
{
    return strncmp(host, "localhost", 9) == 0 || strncmp(host, "127.", 4) == 0 ||
           strncmp(host, "[::1]", 5) == 0;
}

struct registry *registry_open(const struct image_ref *ref, const struct registry_options *opts)
{
    static bool curl_ready;
    if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        die(MOTE_EXIT_ERROR, "libcurl cannot start");
    curl_ready = true;
    struct registry *r = xcalloc(1, sizeof(*r));
    snprintf(r->host, sizeof(r->host), "%s", ref->domain);
    snprintf(r->repo, sizeof(r->repo), "%s", ref->path);
    r->opts = *opts;
    const char *api = strcmp(ref->domain, REF_DEFAULT_HOST) == 0 ? DOCKER_HUB_API : ref->domain;
    snprintf(r->base, sizeof(r->base), "%s://%s", opts->plain_http ? "http" : "https", api);
    r->have_creds = credentials_get(r->host, &r->creds) == 0;
    r->curl = curl_easy_init();
    if (!r->curl)
        die(MOTE_EXIT_ERROR, "libcurl cannot start");
    return r;
}

void registry_close(struct registry *r)
{
    if (!r)
        return;
    curl_easy_cleanup(r->curl);
    if (r->authorization)
        OPENSSL_cleanse(r->authorization, strlen(r->authorization));
    free(r->authorization);
    OPENSSL_cleanse(&r->creds, sizeof(r->creds));
    free(r);
}

const char *registry_url(const struct registry *r)
{
    return r->base;
}

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
    struct exchange *x = arg;
    if (x->in)
        return fread(buf, 1, size * n, x->in);
    size_t left = x->len - x->pos, take = left < size * n ? left : size * n;
    memcpy(buf, x->data + x->pos, take);
    x->pos += take;
    return take;
}

static size_t on_write(char *buf, size_t size, size_t n, void *arg)
{
    struct exchange *x = arg;
    size_t len = size * n;
    /* Only a successful answer is the blob; an error's body is its message. */
    long status = 0;
    if (x->out)
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
    if (x->out && status == HTTP_OK) {
        if (x->got + len > x->limit) {
            x->over_limit = true;
            return 0; /* ends the transfer */
        }
        if (fwrite(buf, 1, len, x->out) != len)
            return 0;
        sha256_update(x->digest, buf, len);
        x->got += len;
        if (x->progress)
            x->progress(x->progress_arg, x->got);
        return len;
    }
    if (x->body.len + len > x->body_max) {
        x->over_limit = true;
        return 0;
    }
    sb_add(&x->body, buf, len);
    return len;
}

/* Copies a header's value (trimmed) into out if line is "name: value". */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t max)
{
    size_t n = strlen(name);
    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    const char *v = line + n + 1;
    size_t vlen = len - n - 1;
    while (vlen && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    snprintf(out, max, "%.*s", (int)(vlen < max ? vlen : max - 1), v);
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    struct exchange *x = arg;
    size_t len = size * n;
    /* A new status line (after a 100 Continue or a redirect) starts the headers over. */
    if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
        x->location[0] = x->content_type[0] = x->challenge[0] = '\0';
        return len;
    }
    header_value(buf, len, "Location", x->location, sizeof(x->location));
    header_value(buf, len, "Content-Type", x->content_type, sizeof(x->content_type));
    header_value(buf, len, "WWW-Authenticate", x->challenge, sizeof(x->challenge));
    return len;
}

/* The registry's own explanation from an error body ({"errors":[{"code","message"}]}). */
static void explain(const struct exchange *x, char *out, size_t max)
{
    out[0] = '\0';
    json_t *j = x->body.len ? json_parse_text(x->body.s, x->body.len, NULL, 0) : NULL;
    const json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    const char *code = json_get_string(e, "code"), *msg = json_get_string(e, "message");
    if (code || msg)
        snprintf(out, max, ": %s%s%s", code ? code : "", code && msg ? " " : "", msg ? msg : "");
    json_decref(j);
}

/* The value of key in a challenge's parameters (realm="...",service="..."), or "". */
static void challenge_param(const char *c, const char *key, char *out, size_t max)
{
    out[0] = '\0';
    size_t klen = strlen(key);
    for (const char *p = c; (p = strstr(p, key)); p += klen) {
        if ((p != c && p[-1] != ' ' && p[-1] != ',') || p[klen] != '=')
            continue;
        const char *v = p + klen + 1;
        bool quoted = *v == '"';
        v += quoted;
        size_t n = strcspn(v, quoted ? "\"" : ", ");
        snprintf(out, max, "%.*s", (int)(n < max ? n : max - 1), v);
        return;
    }
}

static char *basic_header(const struct credentials *c)
{
    char plain[2 * CRED_FIELD_MAX + 2];
    unsigned char b64[((sizeof(plain) + 2) / 3) * 4 + 1];
    int n = snprintf(plain, sizeof(plain), "%s:%s", c->user, c->password);
    EVP_EncodeBlock(b64, (const unsigned char *)plain, n);
    char *h = xasprintf("Authorization: Basic %s", b64);
    OPENSSL_cleanse(plain, sizeof(plain));
    OPENSSL_cleanse(b64, sizeof(b64));
    return h;
}

static int perform(struct registry *r, const char *method, const char *url, struct exchange *x,
                   struct curl_slist *headers, char *err);

/*
 * Answers a 401's challenge: Basic with the stored credentials, or Bearer
 * with a token from the realm (fetched with the credentials, if any).
 */
static int authenticate(struct registry *r, const char *challenge, char *err)
{
    char realm[HEADER_VALUE_MAX], service[512], scope[512];
    if (strncasecmp(challenge, "Basic", 5) == 0) {
        if (!r->have_creds)
            return fail(err, "%s asks for a login: run `mote login %s` first", r->host, r->host);
        free(r->authorization);
        r->authorization = basic_header(&r->creds);
        return 0;
    }
    if (strncasecmp(challenge, "Bearer", 6) != 0)
        return fail(err, "%s asks for an authentication mote does not know: %.100s", r->host,
                    challenge);
    challenge_param(challenge, "realm", realm, sizeof(realm));
    challenge_param(challenge, "service", service, sizeof(service));
    challenge_param(challenge, "scope", scope, sizeof(scope));
    if (strncmp(realm, "https://", 8) != 0 && strncmp(realm, "http://", 7) != 0)
        return fail(err, "%s names no usable token realm in its challenge", r->host);
    char *esc_service = curl_easy_escape(r->curl, service, 0),
         *esc_scope = curl_easy_escape(r->curl, scope, 0);
    char *url = xasprintf("%s%sservice=%s%s%s", realm, strchr(realm, '?') ? "&" : "?",
                          esc_service ? esc_service : "", scope[0] ? "&scope=" : "",
                          scope[0] && esc_scope ? esc_scope : "");
    curl_free(esc_service);
    curl_free(esc_scope);
    struct exchange x = {.body_max = TOKEN_BODY_MAX};
    struct curl_slist *h = NULL;
    char *basic = r->have_creds ? basic_header(&r->creds) : NULL;
    if (basic)
        h = curl_slist_append(h, basic);
    int rc = perform(r, "GET", url, &x, h, err);
    curl_slist_free_all(h);
    if (basic)
        OPENSSL_cleanse(basic, strlen(basic));
    free(basic);
    free(url);
    if (rc)
        goto out;
    if (x.status != HTTP_OK) {
        rc = fail(err, "the token service of %s refused%s (HTTP %ld)%s", r->host,
                  r->have_creds ? " the stored login" : "", x.status,
                  r->have_creds ? "" : "; run `mote login` first");
        goto out;
    }
    json_t *j = json_parse_text(x.body.s, x.body.len, NULL, 0);
    const char *token = json_get_string(j, "token");
    if (!token)
        token = json_get_string(j, "access_token");
    if (!token || strlen(token) > TOKEN_BODY_MAX || strpbrk(token, "\r\n"))
        rc = fail(err, "the token service of %s answered without a token", r->host);
    else {
        free(r->authorization);
        r->authorization = xasprintf("Authorization: Bearer %s", token);
    }
    json_decref(j);
out:
    if (x.body.s)
        OPENSSL_cleanse(x.body.s, x.body.len);
    sb_free(&x.body);
    return rc;
}

static int perform(struct registry *r, const char *method, const char *url, struct exchange *x,
                   struct curl_slist *headers, char *err)
{
    CURL *c = r->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_USERAGENT, UA);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, STALL_BYTES_PER_S);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, STALL_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    if (r->opts.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, r->opts.ca_file);
    if (headers)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "PUT") == 0) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, x);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->len);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    }
    x->status = 0;
    x->curl = c;
    CURLcode rc = r->last = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
    if (rc == CURLE_WRITE_ERROR && x->over_limit)
        return fail(err, "%s sent more than expected for %s", r->host, url);
    if (rc == CURLE_PEER_FAILED_VERIFICATION)
        return fail(err,
                    "cannot reach %s: its certificate is not trusted (%s); give its CA with "
                    "--ca-file",
                    url, curl_easy_strerror(rc));
    if (rc != CURLE_OK)
        return fail(err, "cannot reach %s: %s", url, curl_easy_strerror(rc));
    return 0;
}

/*
 * One request to the registry: path relative to base (or an absolute URL),
 * with the registry's authorization, answering one 401 challenge, and falling
 * back to plain HTTP once for a loopback registry without TLS.
 */
static int request(struct registry *r, const char *method, const char *path, struct exchange *x,
                   const char *const *extra, char *err)
{
    bool answered = false; /* one challenge answered per request: a second 401 is a refusal */
    for (;;) {
        char *url = strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0
                        ? xstrdup(path)
                        : xasprintf("%s%s", r->base, path);
        struct curl_slist *h = NULL;
        for (size_t i = 0; extra && extra[i]; i++)
            h = curl_slist_append(h, extra[i]);
        if (r->authorization)
            h = curl_slist_append(h, r->authorization);
        x->pos = 0;
        if (x->in)
            rewind(x->in);
        sb_reset(&x->body);
        int rc = perform(r, method, url, x, h, err);
        curl_slist_free_all(h);
        free(url);
        long status = x->status;
        if (rc && !r->tls_checked && !r->opts.plain_http && is_loopback(r->host) &&
            strncmp(r->base, "https://", 8) == 0 && r->last == CURLE_SSL_CONNECT_ERROR) {
            /* As Docker does for a registry on this machine: it may not speak TLS (the
             * handshake failed, not the certificate check). */
            char *plain = xasprintf("http://%s", r->base + 8);
            snprintf(r->base, sizeof(r->base), "%s", plain);
            free(plain);
            r->tls_checked = true;
            continue;
        }
        r->tls_checked = true;
        if (rc)
            return rc;
        if (status == HTTP_UNAUTHORIZED && !answered && x->challenge[0]) {
            answered = true;
            char challenge[HEADER_VALUE_MAX];
            snprintf(challenge, sizeof(challenge), "%s", x->challenge);
            if ((rc = authenticate(r, challenge, err)))
                return rc;
            continue;
        }
        if (status == HTTP_UNAUTHORIZED)
            return fail(err, "%s refused %s: %s", r->host,
                        r->have_creds ? "the stored login" : "access without a login",
                        r->have_creds ? "run `mote login` again" : "run `mote login` first");
        return 0;
    }
}

int registry_ping(struct registry *r, char *err)
{
    struct exchange x = {.body_max = ERROR_BODY_MAX};
    int rc = request(r, "GET", "/v2/", &x, NULL, err);
    if (!rc && x.status != HTTP_OK) {
        char why[512];
        explain(&x, why, sizeof(why));
        rc = fail(err, "%s is not an OCI registry (GET /v2/ answered HTTP %ld%s)", r->base,
                  x.status, why);
    }
    sb_free(&x.body);
    return rc;
}

int registry_blob_exists(struct registry *r, const char *sha256, char *err)
{
    char *path = xasprintf("/v2/%s/blobs/sha256:%s", r->repo, sha256);
    struct exchange x = {.body_max = ERROR_BODY_MAX};
    int rc = request(r, "HEAD", path, &x, NULL, err);
    free(path);
    sb_free(&x.body);
    if (rc)
        return rc;
    if (x.status == HTTP_OK)
        return 1;
    if (x.status == HTTP_NOT_FOUND)
        return 0;
    return fail(err, "%s answered HTTP %ld to HEAD of blob sha256:%.12s", r->host, x.status,
                sha256);
}

int registry_blob_put(struct registry *r, const char *sha256, const void *data, size_t len,
                      const char *path, char *err)
{
    char *start = xasprintf("/v2/%s/blobs/uploads/", r->repo), why[512];
    struct exchange x = {.body_max = ERROR_BODY_MAX};
    int rc = request(r, "POST", start, &x, NULL, err);
    free(start);
    if (!rc && x.status != HTTP_ACCEPTED) {
        explain(&x, why, sizeof(why));
        rc = fail(err, "%s refused to start an upload (HTTP %ld%s)", r->host, x.status, why);
    }
    if (!rc && !x.location[0])
        rc = fail(err, "%s started an upload without saying where to send it", r->host);
    if (rc) {
        sb_free(&x.body);
        return rc;
    }
    /* The Location may be a path or a URL and may carry a query already. */
    char *put =
        xasprintf("%s%sdigest=sha256:%s", x.location, strchr(x.location, '?') ? "&" : "?", sha256);
    struct exchange up = {.body_max = ERROR_BODY_MAX, .data = data, .len = len};
    if (path) {
        up.in = fopen(path, "rb");
        if (!up.in) {
            free(put);
            sb_free(&x.body);
            return fail(err, "cannot read %s: %s", path, strerror(errno));
        }
        fseek(up.in, 0, SEEK_END);
        up.len = (size_t)ftell(up.in);
        rewind(up.in);
    }
    static const char *const hdr[] = {"Content-Type: application/octet-stream", NULL};
    rc = request(r, "PUT", put, &up, hdr, err);
    if (!rc && up.status != HTTP_CREATED) {
        explain(&up, why, sizeof(why));
        rc =
            fail(err, "%s refused blob sha256:%.12s (HTTP %ld%s)", r->host, sha256, up.status, why);
    }
    if (up.in)
        fclose(up.in);
    free(put);
    sb_free(&x.body);
    sb_free(&up.body);
    return rc;
}

int registry_blob_get(struct registry *r, const char *sha256, uint64_t size, const char *path,
                      void (*progress)(void *arg, uint64_t done), void *arg, char *err)
{
    char *url = xasprintf("/v2/%s/blobs/sha256:%s", r->repo, sha256), got[SHA256_HEX_LEN + 1];
    struct exchange x = {
        .body_max = ERROR_BODY_MAX, .limit = size, .progress = progress, .progress_arg = arg};
    int rc = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        x.out = fopen(path, "wb");
        if (!x.out) {
            rc = fail(err, "cannot write %s: %s", path, strerror(errno));
            break;
        }
        x.digest = sha256_new();
        x.got = 0;
        x.over_limit = false;
        rc = request(r, "GET", url, &x, NULL, err);
        fclose(x.out);
        x.out = NULL;
        sha256_finish(x.digest, got);
        if (rc || x.status == HTTP_OK)
            break;
    }
    if (!rc && x.status != HTTP_OK)
        rc = fail(err, "%s answered HTTP %ld for blob sha256:%.12s", r->host, x.status, sha256);
    else if (!rc && x.got != size)
        rc = fail(err, "blob sha256:%.12s from %s is truncated: %llu of %llu bytes", sha256,
                  r->host, (unsigned long long)x.got, (unsigned long long)size);
    else if (!rc && strcmp(got, sha256) != 0)
        rc = fail(err,
                  "blob sha256:%.12s from %s does not match its digest (its content is "
                  "sha256:%.12s): refused",
                  sha256, r->host, got);
    if (rc)
        unlink(path);
    free(url);
    sb_free(&x.body);
    return rc;
}

int registry_manifest_put(struct registry *r, const char *reference, const char *media_type,
                          const char *data, size_t len, char *err)
{
    char *path = xasprintf("/v2/%s/manifests/%s", r->repo, reference);
    char *type = xasprintf("Content-Type: %s", media_type), why[512];
    const char *const hdr[] = {type, NULL};
    struct exchange x = {.body_max = ERROR_BODY_MAX, .data = data, .len = len};
    int rc = request(r, "PUT", path, &x, hdr, err);
    if (!rc && x.status != HTTP_CREATED) {
        explain(&x, why, sizeof(why));
        rc = fail(err, "%s refused the manifest (HTTP %ld%s)", r->host, x.status, why);
    }
    free(path);
    free(type);
    sb_free(&x.body);
    return rc;
}

int registry_manifest_get(struct registry *r, const char *reference, const char *media_type,
                          size_t max, char **data, size_t *len, char type[128], char *err)
{
    char *path = xasprintf("/v2/%s/manifests/%s", r->repo, reference);
    char *accept = xasprintf("Accept: %s", media_type), why[512];
    const char *const hdr[] = {accept, NULL};
    struct exchange x = {.body_max = max};
    int rc = request(r, "GET", path, &x, hdr, err);
    free(path);
    free(accept);
    *data = NULL;
    if (!rc && x.status == HTTP_NOT_FOUND) {
        sb_free(&x.body);
        fail(err, "%s has no manifest %s:%s", r->host, r->repo, reference);
        return -ENOENT;
    }
    if (!rc && x.status != HTTP_OK) {
        explain(&x, why, sizeof(why));
        rc = fail(err, "%s answered HTTP %ld for manifest %s%s", r->host, x.status, reference, why);
    }
    if (rc) {
        sb_free(&x.body);
        return rc;
    }
    snprintf(type, 128, "%s", x.content_type);
    *len = x.body.len;
    *data = x.body.s ? x.body.s : xstrdup("");
    return 0;
}
