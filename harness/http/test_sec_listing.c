/* The memory backend lists a page by its key order: a page of a server
 * holding 60,000 keys costs about what a page of a server holding one key
 * does, and so do a ListObjectVersions page and DeleteBucket's "is it
 * empty" (docs/SECURITY.md).
 * Before, each page listed every key of the store and sorted the bucket's
 * under the server lock, and a DeleteBucket of a non-empty bucket listed
 * every key. Measured relative to the one-key server in the same run,
 * requests to the two interleaved (medians, a wide ratio), so load does
 * not decide. Labels http and security. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

#define KEYS 60000
#define BATCH 500
#define SAMPLES 21
/* Before: a page some 35 times the one-key server's, a DeleteBucket some
 * 18 times (measured); after, about 1 each. */
#define RATIO_MAX 8.0

/* PUTs of empty objects big/k<first>..k<first+n-1>, pipelined on one
 * connection, each answered 200. */
static void put_batch(const server *p, int first, int n)
{
    lhv1_buf req;
    lhv1_buf_init(&req);
    for (int i = first; i < first + n; i++)
        lhv1_buf_printf(&req, "PUT /big/k%06d HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                        i);
    ck_assert(!req.failed);
    int fd = raw_connect(p->port);
    ck_assert_int_eq(send(fd, req.data, req.len, MSG_NOSIGNAL), (ssize_t)req.len);
    lhv1_buf_free(&req);
    int ok = 0, other = 0;
    char buf[65536], carry[16] = "";
    while (ok + other < n) {
        ssize_t got = recv(fd, buf, sizeof buf - 1, 0);
        ck_assert_msg(got > 0, "the server closed after %d replies", ok + other);
        buf[got] = 0;
        /* count status lines, one split across reads included */
        char joined[sizeof carry + sizeof buf];
        snprintf(joined, sizeof joined, "%s%s", carry, buf);
        for (const char *s = joined; (s = strstr(s, "HTTP/1.1 ")); s += 9)
            if (strlen(s) >= 12)
                *(strncmp(s + 9, "200", 3) ? &other : &ok) += 1;
        size_t jl = strlen(joined), keep = jl < 11 ? jl : 11;
        memcpy(carry, joined + jl - keep, keep);
        carry[keep] = 0;
    }
    close(fd);
    ck_assert_int_eq(ok, n);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The median time of `method path` on the small server and on the big
 * one, interleaved, in microseconds; each reply's status checked. */
static void medians(const server *small, const server *large, const char *method,
                    const char *path_one, const char *path_big, int status, long *one, long *big)
{
    long t[2][SAMPLES];
    for (int i = 0; i < SAMPLES; i++)
        for (int w = 0; w < 2; w++) {
            struct timespec a, b;
            resp r;
            clock_gettime(CLOCK_MONOTONIC, &a);
            http_req(w ? large : small, &r, method, w ? path_big : path_one, NULL, 0, NULL);
            clock_gettime(CLOCK_MONOTONIC, &b);
            ck_assert_msg(r.status == status, "%s %s: %ld", method, w ? path_big : path_one,
                          r.status);
            resp_free(&r);
            t[w][i] = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
        }
    qsort(t[0], SAMPLES, sizeof t[0][0], cmp_long);
    qsort(t[1], SAMPLES, sizeof t[1][0], cmp_long);
    *one = t[0][SAMPLES / 2];
    *big = t[1][SAMPLES / 2];
}

START_TEST(listing_page_independent_of_bucket_size)
{
    server p, small;
    server_start(&p, NULL);
    server_start(&small, NULL);
    resp r;
    static const char *const paths[] = {"/big", "/one", "/one/k000000"};
    for (int i = 0; i < 3; i++) {
        http_req(i ? &small : &p, &r, "PUT", paths[i], "", 0, NULL);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
    http_req(&p, &r, "PUT", "/one", "", 0, NULL); /* empty: DeleteBucket 204 */
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < KEYS; i += BATCH)
        put_batch(&p, i, BATCH);
    /* the page is right: the key after the token, and more to come */
    http_req(&p, &r, "GET", "/big?list-type=2&max-keys=1&start-after=k030000", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    lhv1_buf_putc(&r.body, 0);
    ck_assert_msg(strstr((char *)r.body.data, "<Key>k030001</Key>") &&
                      strstr((char *)r.body.data, "<IsTruncated>true</IsTruncated>"),
                  "%s", (char *)r.body.data);
    resp_free(&r);
    long one, big;
    medians(&small, &p, "GET", "/one?list-type=2&max-keys=1",
            "/big?list-type=2&max-keys=1&start-after=k030000", 200, &one, &big);
    fprintf(stderr, "sec_listing: a page among %d keys: median %ld us; among 1 key: %ld us\n",
            KEYS, big, one);
    ck_assert_msg(big <= RATIO_MAX * one, "a page of %d keys took %ld us, of 1 key %ld us", KEYS,
                  big, one);
    /* ListObjectVersions pages the same way */
    http_req(&p, &r, "GET", "/big?versions&max-keys=1&key-marker=k030000", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    lhv1_buf_putc(&r.body, 0);
    ck_assert_msg(strstr((char *)r.body.data, "<Key>k030001</Key>") &&
                      strstr((char *)r.body.data, "<NextKeyMarker>k030001</NextKeyMarker>"),
                  "%s", (char *)r.body.data);
    resp_free(&r);
    medians(&small, &p, "GET", "/one?versions&max-keys=1",
            "/big?versions&max-keys=1&key-marker=k030000", 200, &one, &big);
    fprintf(stderr, "sec_listing: a versions page among %d keys: median %ld us; among 1 key: %ld us\n",
            KEYS, big, one);
    ck_assert_msg(big <= RATIO_MAX * one, "a versions page of %d keys took %ld us, of 1 key %ld us",
                  KEYS, big, one);
    medians(&small, &p, "DELETE", "/one", "/big", 409, &one, &big);
    fprintf(stderr, "sec_listing: DeleteBucket among %d keys: median %ld us; among 1 key: %ld us\n",
            KEYS, big, one);
    ck_assert_msg(big <= RATIO_MAX * one, "DeleteBucket of %d keys took %ld us, of 1 key %ld us",
                  KEYS, big, one);
    http_req(&p, &r, "DELETE", "/one", NULL, 0, NULL); /* and an empty one goes */
    ck_assert_int_eq(r.status, 204);
    resp_free(&r);
    server_stop(&small);
    server_stop(&p);
}
END_TEST

Suite *suite_sec_listing(void)
{
    Suite *s = suite_create("sec_listing");
    TCase *tc = tcase_create("sec_listing");
    tcase_set_timeout(tc, 170);
    tcase_add_test(tc, listing_page_independent_of_bucket_size);
    suite_add_tcase(s, tc);
    return s;
}
