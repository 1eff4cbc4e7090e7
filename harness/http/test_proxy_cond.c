/* `lhv1 serve --upstream` passes a request's preconditions to its
 * upstream (docs/S3.md, "Conditional requests"): a conditional PUT is
 * judged where the write happens, not only by the proxy's own read of the
 * object, and the dates of a conditional GET are compared with the
 * upstream's Last-Modified, which the proxy sends on, as are its listings'
 * and copies' dates. The upstream is a second lhv1 serve, whose fault
 * rules make the proxy's own read stale. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

static long req(const server *s, const char *method, const char *path, const char *body,
                const char *const *headers, const char *header, char *value, size_t n)
{
    resp r;
    http_req(s, &r, method, path, body, body ? strlen(body) : 0, headers);
    long st = r.status;
    if (header)
        resp_header(&r, header, value, n);
    resp_free(&r);
    return st;
}

static void start_pair(server *up, server *proxy)
{
    server_start(up, NULL);
    /* A proxy started a second later: its own start (its Last-Modified
     * before it passed the upstream's) differs from the upstream's. */
    sleep(2);
    const char *args[] = {"--upstream", up->url, NULL};
    server_start(proxy, args);
}

/* The upstream holds "two" while the proxy's read of it is stale ("one",
 * whose ETag the client has): the If-Match write must fail where the
 * object is, and "two" stay. A proxy judging only what it read would
 * overwrite it: a lost update. */
START_TEST(conditional_put_judged_by_the_upstream)
{
    server up, proxy;
    start_pair(&up, &proxy);
    char e1[80], e2[80], line[128], body[32];
    ck_assert_int_eq(req(&proxy, "PUT", "/pcond", NULL, NULL, NULL, NULL, 0), 200);
    ck_assert_int_eq(req(&proxy, "PUT", "/pcond/k", "one", NULL, "ETag", e1, sizeof e1), 200);
    ck_assert_int_eq(req(&up, "PUT", "/pcond/k", "two", NULL, "ETag", e2, sizeof e2), 200);
    ck_assert_str_ne(e1, e2);
    add_rules(&up, "{\"kind\":\"get-stale\",\"key\":\"pcond/k\",\"lag\":1,\"persistent\":true}");
    snprintf(line, sizeof line, "If-Match: %s", e1);
    const char *if_match[] = {line, NULL};
    resp r;
    http_req(&proxy, &r, "PUT", "/pcond/k", "three", 5, if_match);
    ck_assert_msg(r.status == 412 && resp_code_is(&r, "PreconditionFailed"), "%ld %s", r.status,
                  (const char *)r.body.data);
    resp_free(&r);
    ck_assert_int_eq(req(&up, "DELETE", "/_lhv1/rules", NULL, NULL, NULL, NULL, 0), 204);
    http_req(&up, &r, "GET", "/pcond/k", NULL, 0, NULL);
    snprintf(body, sizeof body, "%.*s", (int)r.body.len, (const char *)r.body.data);
    ck_assert_str_eq(body, "two");
    resp_free(&r);
    server_stop(&proxy);
    server_stop(&up);
}
END_TEST

/* Through the proxy an object was last modified when the upstream says:
 * If-Modified-Since that time is 304, If-Unmodified-Since it is served. */
START_TEST(conditional_get_dates_are_the_upstreams)
{
    server up, proxy;
    start_pair(&up, &proxy);
    char lm_up[64], lm_proxy[64], line[96], etag[80];
    ck_assert_int_eq(req(&proxy, "PUT", "/pcond", NULL, NULL, NULL, NULL, 0), 200);
    ck_assert_int_eq(req(&proxy, "PUT", "/pcond/k", "one", NULL, NULL, NULL, 0), 200);
    ck_assert_int_eq(req(&up, "GET", "/pcond/k", NULL, NULL, "Last-Modified", lm_up, sizeof lm_up), 200);
    ck_assert_int_eq(req(&proxy, "GET", "/pcond/k", NULL, NULL, "Last-Modified", lm_proxy,
                         sizeof lm_proxy),
                     200);
    ck_assert_str_eq(lm_proxy, lm_up);
    snprintf(line, sizeof line, "If-Modified-Since: %s", lm_up);
    const char *ims[] = {line, NULL};
    ck_assert_int_eq(req(&proxy, "GET", "/pcond/k", NULL, ims, "ETag", etag, sizeof etag), 304);
    ck_assert_str_eq(etag, "\"f97c5d29941bfb1b2fdab0874906ab82\""); /* MD5 of "one" */
    snprintf(line, sizeof line, "If-Unmodified-Since: %s", lm_up);
    const char *ius[] = {line, NULL};
    ck_assert_int_eq(req(&proxy, "HEAD", "/pcond/k", NULL, ius, NULL, NULL, 0), 200);
    server_stop(&proxy);
    server_stop(&up);
}
END_TEST

/* The text of the first <tag> in r's body after `after` (or the start). */
static void xml_text(const resp *r, const char *after, const char *tag, char *out, size_t n)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *b = r->body.data ? (const char *)r->body.data : "";
    const char *p = after ? strstr(b, after) : b;
    p = p ? strstr(p, open) : NULL;
    const char *e = p ? strstr(p, close) : NULL;
    ck_assert_msg(p && e, "no <%s> in %s", tag, b);
    p += strlen(open);
    ck_assert_uint_lt((size_t)(e - p), n);
    snprintf(out, n, "%.*s", (int)(e - p), p);
}

static void listed_date(const server *s, const char *method, const char *path, const char *key,
                        char *out, size_t n)
{
    resp r;
    http_req(s, &r, method, path, NULL, 0, NULL);
    ck_assert_msg(r.status == 200, "%s %s: %ld", method, path, r.status);
    xml_text(&r, key, "LastModified", out, n);
    resp_free(&r);
}

/* Every date the proxy reports for an object is the upstream's: the
 * listings' (v1, v2, versions) and a copy's, as GET's Last-Modified is.
 * The proxy started two seconds after the upstream, so its own clock's
 * dates would differ. */
START_TEST(listing_and_copy_dates_are_the_upstreams)
{
    server up, proxy;
    start_pair(&up, &proxy);
    char want[64], got[64], lm_up[64], lm_proxy[64];
    ck_assert_int_eq(req(&proxy, "PUT", "/pdate", NULL, NULL, NULL, NULL, 0), 200);
    ck_assert_int_eq(req(&proxy, "PUT", "/pdate/k", "one", NULL, NULL, NULL, 0), 200);
    listed_date(&up, "GET", "/pdate?list-type=2", "<Key>k</Key>", want, sizeof want);
    listed_date(&proxy, "GET", "/pdate?list-type=2", "<Key>k</Key>", got, sizeof got);
    ck_assert_str_eq(got, want);
    listed_date(&proxy, "GET", "/pdate", "<Key>k</Key>", got, sizeof got);
    ck_assert_str_eq(got, want);
    listed_date(&proxy, "GET", "/pdate?versions", "<Key>k</Key>", got, sizeof got);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(req(&up, "GET", "/pdate/k", NULL, NULL, "Last-Modified", lm_up, sizeof lm_up), 200);
    ck_assert_int_eq(req(&proxy, "GET", "/pdate/k", NULL, NULL, "Last-Modified", lm_proxy,
                         sizeof lm_proxy),
                     200);
    ck_assert_str_eq(lm_proxy, lm_up);

    const char *copy[] = {"x-amz-copy-source: /pdate/k", NULL};
    resp r;
    http_req(&proxy, &r, "PUT", "/pdate/c", NULL, 0, copy);
    ck_assert_msg(r.status == 200, "copy: %ld", r.status);
    xml_text(&r, NULL, "LastModified", got, sizeof got);
    resp_free(&r);
    listed_date(&up, "GET", "/pdate?list-type=2", "<Key>c</Key>", want, sizeof want);
    ck_assert_str_eq(got, want);
    /* The source's date decides x-amz-copy-source-if-unmodified-since: at
     * the upstream's Last-Modified it holds. */
    char line[128];
    snprintf(line, sizeof line, "x-amz-copy-source-if-unmodified-since: %s", lm_up);
    const char *ius[] = {"x-amz-copy-source: /pdate/k", line, NULL};
    http_req(&proxy, &r, "PUT", "/pdate/c2", NULL, 0, ius);
    ck_assert_msg(r.status == 200, "copy if-unmodified-since: %ld %.*s", r.status,
                  (int)r.body.len, r.body.data ? (const char *)r.body.data : "");
    resp_free(&r);
    server_stop(&proxy);
    server_stop(&up);
}
END_TEST

Suite *suite_proxy_cond(void)
{
    Suite *s = suite_create("proxy_cond");
    TCase *tc = tcase_create("proxy_cond");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, conditional_put_judged_by_the_upstream);
    tcase_add_test(tc, conditional_get_dates_are_the_upstreams);
    tcase_add_test(tc, listing_and_copy_dates_are_the_upstreams);
    suite_add_tcase(s, tc);
    return s;
}
