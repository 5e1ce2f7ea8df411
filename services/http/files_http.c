// SPDX-License-Identifier: MIT
/* Request targets, content types, dates and headers for serving files: see files_http.h. */
#include "files_http.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define DATE_LEN    29 /* IMF-fixdate */
#define YEAR_FIRST  1970
#define YEAR_LAST   9999
#define ASCII_DEL   0x7f
#define ASCII_SPACE 0x20

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int files_path(const char *target, size_t len, char *out, size_t max)
{
    if (len == 0 || target[0] != '/' || max == 0)
        return -EINVAL;
    size_t o = 0;
    size_t component = 0; /* where the current component starts in out */
    for (size_t i = 0; i < len; i++) {
        char c = target[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_value(target[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(target[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -EINVAL;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if ((unsigned char)c < ASCII_SPACE || c == ASCII_DEL || c == '\\')
            return -EINVAL;
        if (o + 1 >= max)
            return -ENAMETOOLONG;
        if (c == '/') {
            /* A component just ended: ".." there climbs; an escaped '/' counts the same. */
            if (o - component == 2 && out[component] == '.' && out[component + 1] == '.')
                return -EACCES;
            out[o++] = c;
            component = o;
            continue;
        }
        out[o++] = c;
    }
    if (o - component == 2 && out[component] == '.' && out[component + 1] == '.')
        return -EACCES;
    if (o == component) { /* ends in '/': the directory's index, never a listing */
        size_t n = strlen(FILES_INDEX);
        if (o + n >= max)
            return -ENAMETOOLONG;
        memcpy(out + o, FILES_INDEX, n);
        o += n;
    }
    out[o] = '\0';
    return 0;
}

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/vnd.microsoft.icon"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"woff2", "font/woff2"},
};

const char *files_content_type(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot && dot[1]) {
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            const char *a = dot + 1, *b = types[i].ext;
            while (*a && *b && lower((unsigned char)*a) == *b) {
                a++;
                b++;
            }
            if (!*a && !*b)
                return types[i].type;
        }
    }
    return "application/octet-stream";
}

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int files_format_date(int64_t t, char *buf, size_t max)
{
    time_t secs = (time_t)t;
    struct tm tm;
    if (t < 0 || max < FILES_DATE_MAX || !gmtime_r(&secs, &tm) || tm.tm_year + 1900 > YEAR_LAST)
        return -EINVAL;
    /* By hand, not strftime: the names must be English whatever the locale. */
    int n = 0;
    static const char digits[] = "0123456789";
    memcpy(buf, days[tm.tm_wday], 3);
    buf[3] = ',';
    buf[4] = ' ';
    buf[5] = digits[tm.tm_mday / 10];
    buf[6] = digits[tm.tm_mday % 10];
    buf[7] = ' ';
    memcpy(buf + 8, months[tm.tm_mon], 3);
    buf[11] = ' ';
    int year = tm.tm_year + 1900;
    for (n = 0; n < 4; n++) {
        buf[15 - n] = digits[year % 10];
        year /= 10;
    }
    buf[16] = ' ';
    int hms[3] = {tm.tm_hour, tm.tm_min, tm.tm_sec};
    for (n = 0; n < 3; n++) {
        buf[17 + 3 * n] = digits[hms[n] / 10];
        buf[18 + 3 * n] = digits[hms[n] % 10];
        buf[19 + 3 * n] = n < 2 ? ':' : ' ';
    }
    memcpy(buf + 26, "GMT", 4);
    return 0;
}

/* n decimal digits at s; -1 if any is not a digit. */
static int digits_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int files_parse_date(const char *s, size_t len, int64_t *t)
{
    /* "Sun, 06 Nov 1994 08:49:37 GMT" */
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != DATE_LEN || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' ||
        memcmp(s + 26, "GMT", 3) != 0)
        return -EINVAL;
    int wday = -1, mon = -1;
    for (int i = 0; i < 7; i++)
        if (memcmp(s, days[i], 3) == 0)
            wday = i;
    for (int i = 0; i < 12; i++)
        if (memcmp(s + 8, months[i], 3) == 0)
            mon = i;
    int mday = digits_at(s + 5, 2), year = digits_at(s + 12, 4);
    int hour = digits_at(s + 17, 2), min = digits_at(s + 20, 2), sec = digits_at(s + 23, 2);
    if (wday < 0 || mon < 0 || mday < 1 || year < YEAR_FIRST || hour < 0 || hour > 23 || min < 0 ||
        min > 59 || sec < 0 || sec > 60)
        return -EINVAL;
    int mdays = month_days[mon] + (mon == 1 && is_leap(year));
    if (mday > mdays)
        return -EINVAL;
    /* Days since 1970-01-01: whole years, then months, then days. */
    int64_t d = 0;
    for (int y = YEAR_FIRST; y < year; y++)
        d += is_leap(y) ? 366 : 365;
    for (int m = 0; m < mon; m++)
        d += month_days[m] + (m == 1 && is_leap(year));
    d += mday - 1;
    /* 1970-01-01 was a Thursday (4); a weekday that disagrees is not this date. */
    if ((d + 4) % 7 != wday)
        return -EINVAL;
    *t = ((d * 24 + hour) * 60 + min) * 60 + (sec == 60 ? 59 : sec);
    return 0;
}

bool files_header(const char *head, size_t len, const char *name, const char **val, size_t *val_len)
{
    size_t nlen = strlen(name);
    size_t i = 0;
    /* Skip the request line. */
    while (i < len && head[i] != '\n')
        i++;
    while (i < len) {
        i++; /* past '\n' */
        size_t line = i;
        while (i < len && head[i] != '\n')
            i++;
        size_t end = i;
        if (end > line && head[end - 1] == '\r')
            end--;
        if (end - line <= nlen || head[line + nlen] != ':')
            continue;
        size_t k = 0;
        while (k < nlen && lower((unsigned char)head[line + k]) == lower((unsigned char)name[k]))
            k++;
        if (k != nlen)
            continue;
        size_t v = line + nlen + 1;
        while (v < end && (head[v] == ' ' || head[v] == '\t'))
            v++;
        while (end > v && (head[end - 1] == ' ' || head[end - 1] == '\t'))
            end--;
        *val = head + v;
        *val_len = end - v;
        return true;
    }
    return false;
}
