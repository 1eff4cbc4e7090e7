/* S3's conditional requests (conditional.h). */
#define _GNU_SOURCE /* timegm */
#include "conditional.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Whether `list` (an If-Match or If-None-Match value: "*", or quoted
 * ETags separated by commas, weak or unquoted ones tolerated) names the
 * quoted `etag`. */
static int etag_listed(const char *list, const char *etag)
{
    size_t el = strlen(etag);
    const char *bare = etag;
    if (el >= 2 && etag[0] == '"' && etag[el - 1] == '"')
        bare++, el -= 2;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        const char *v = p;
        if (n >= 2 && !strncmp(v, "W/", 2))
            v += 2, n -= 2;
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
            v++, n -= 2;
        if ((n == 1 && v[0] == '*') || (n == el && !memcmp(v, bare, n)))
            return 1;
        p = end ? end + 1 : p + strlen(p);
    }
    return 0;
}

/* An HTTP date (IMF-fixdate, the form S3 and every SDK send) into *t. */
int cond_http_date(const char *s, time_t *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end)
        return -1;
    *t = timegm(&tm);
    return 0;
}

int cond_write_present(const serve_request *q)
{
    return serve_header(q, "If-Match") || serve_header(q, "If-None-Match");
}

/* RFC 9110's order over the four values (NULL when absent): 0, or the
 * status `unmodified` for a failed If-None-Match / If-Modified-Since. */
static int cond_status(const char *im, const char *inm, const char *ims, const char *ius,
                       const char *etag, time_t last_modified, int unmodified)
{
    time_t t;
    if (im) {
        if (!etag_listed(im, etag))
            return 412;
    } else if (ius && cond_http_date(ius, &t) == 0 && last_modified > t) {
        return 412;
    }
    if (inm) {
        if (etag_listed(inm, etag))
            return unmodified;
    } else if (ims && cond_http_date(ims, &t) == 0 && last_modified <= t) {
        return unmodified;
    }
    return 0;
}

int cond_read_status(const serve_request *q, const char *etag, time_t last_modified)
{
    return cond_status(serve_header(q, "If-Match"), serve_header(q, "If-None-Match"),
                       serve_header(q, "If-Modified-Since"), serve_header(q, "If-Unmodified-Since"),
                       etag, last_modified, 304);
}

int cond_copy_status(const serve_request *q, const char *etag, time_t last_modified)
{
    return cond_status(serve_header(q, "x-amz-copy-source-if-match"),
                       serve_header(q, "x-amz-copy-source-if-none-match"),
                       serve_header(q, "x-amz-copy-source-if-modified-since"),
                       serve_header(q, "x-amz-copy-source-if-unmodified-since"), etag,
                       last_modified, 412);
}

int cond_write_check(const serve_request *q, serve_reply *r, int exists, const char *etag)
{
    const char *im = serve_header(q, "If-Match");
    const char *inm = serve_header(q, "If-None-Match");
    if (inm && strcmp(inm, "*") != 0) {
        serve_reply_error(r, q, 501, "NotImplemented",
                          "If-None-Match on PutObject takes only *");
        return -1;
    }
    if (im && !exists) {
        serve_reply_error(r, q, 404, "NoSuchKey", "The specified key does not exist.");
        return -1;
    }
    if ((im && !etag_listed(im, etag)) || (inm && exists)) {
        serve_reply_error(r, q, 412, "PreconditionFailed",
                          "At least one of the pre-conditions you specified did not hold");
        return -1;
    }
    return 0;
}

char **cond_forward_lines(const serve_request *q, int write)
{
    static const char *const names[] = {"If-Match", "If-None-Match", "If-Modified-Since",
                                        "If-Unmodified-Since"};
    size_t n = write ? 2 : 4, bytes = 0;
    const char *v[4];
    for (size_t i = 0; i < n; i++)
        if ((v[i] = serve_header(q, names[i])) != NULL)
            bytes += strlen(names[i]) + 2 + strlen(v[i]) + 1;
    char **out = malloc((n + 1) * sizeof *out + bytes);
    if (!out)
        return NULL;
    char *at = (char *)(out + n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i]) {
            out[k++] = at;
            at += sprintf(at, "%s: %s", names[i], v[i]) + 1;
        }
    out[k] = NULL;
    return out;
}
