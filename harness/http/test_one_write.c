/* A GET or HEAD reply is one write's object: its body, ETag, stored
 * headers and stored checksum all come from the same PUT while reads race
 * writes (both backends), and a PUT that wrote nothing changed none of
 * them. (A stale read's: goclients' TestStaleReadIsTheOlderObject.) */
#include <check.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "http_util.h"

/* Past SERVE_GET_INLINE_MAX (4 MiB): read by a worker, off the lock. */
#define OW_SIZE ((size_t)5 << 20)
#define OW_READS 300
#define OW_WRITERS 2

/* Version k of the object: body of 'A' + k, its own Content-Type, meta
 * and SHA-256 checksum. */
typedef struct ow_version {
    char *body;
    char type[64], meta[64], sha256[96]; /* header lines */
    char type_v[32], meta_v[8], sha256_v[48], md5_etag[40];
} ow_version;

static void ow_make(ow_version *v, int k)
{
    v->body = malloc(OW_SIZE);
    ck_assert_ptr_nonnull(v->body);
    memset(v->body, 'A' + k, OW_SIZE);
    snprintf(v->type_v, sizeof v->type_v, "application/x-version-%c", 'a' + k);
    snprintf(v->meta_v, sizeof v->meta_v, "%c", 'a' + k);
    uint8_t d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const uint8_t *)v->body, OW_SIZE);
    sodium_bin2base64(v->sha256_v, sizeof v->sha256_v, d, sizeof d,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(v->type, sizeof v->type, "Content-Type: %s", v->type_v);
    snprintf(v->meta, sizeof v->meta, "x-amz-meta-v: %s", v->meta_v);
    snprintf(v->sha256, sizeof v->sha256, "x-amz-checksum-sha256: %s", v->sha256_v);
}

/* PUTs version v at path: the reply's ETag into etag (35 bytes). */
static void ow_put(const server *s, const char *path, const ow_version *v, char *etag)
{
    const char *h[] = {v->type, v->meta, v->sha256, NULL};
    resp r;
    http_req(s, &r, "PUT", path, v->body, OW_SIZE, h);
    ck_assert_msg(r.status == 200, "PUT %s: %ld %.*s", path, r.status, (int)r.body.len,
                  (const char *)r.body.data);
    if (etag)
        resp_header(&r, "ETag", etag, 35);
    resp_free(&r);
}

/* Which version each part of a reply belongs to: 0 or 1, -1 neither. */
static int ow_which(const ow_version v[2], const char *got, size_t field)
{
    for (int k = 0; k < 2; k++) {
        const char *want = field == 0 ? v[k].type_v : field == 1 ? v[k].meta_v : v[k].sha256_v;
        if (!strcmp(got, want))
            return k;
    }
    return -1;
}

typedef struct ow_writer {
    const server *s;
    const ow_version *v;
    volatile int stop;
    long puts;
} ow_writer;

static void *ow_write(void *arg)
{
    ow_writer *w = arg;
    for (int i = 1; !w->stop; i++) {
        ow_put(w->s, "/owr/k", &w->v[i % 2], NULL);
        w->puts++;
    }
    return NULL;
}

/* One reply's parts, each 0 (A's), 1 (B's) or -1: the body's first and
 * last byte, the ETag, Content-Type, x-amz-meta-v, the checksum. */
static int ow_mixed(const ow_version v[2], const resp *r, int head, char *what, size_t n)
{
    char buf[128];
    int part[6];
    const char *etag = resp_header(r, "ETag", buf, sizeof buf);
    part[0] = head ? -2 : r->body.len == OW_SIZE ? r->body.data[0] - 'A' : -1;
    part[1] = head ? -2 : r->body.len == OW_SIZE ? r->body.data[OW_SIZE - 1] - 'A' : -1;
    part[2] = -1;
    for (int k = 0; k < 2; k++)
        if (!strcmp(etag, v[k].md5_etag))
            part[2] = k;
    part[3] = ow_which(v, resp_header(r, "Content-Type", buf, sizeof buf), 0);
    part[4] = ow_which(v, resp_header(r, "x-amz-meta-v", buf, sizeof buf), 1);
    part[5] = ow_which(v, resp_header(r, "x-amz-checksum-sha256", buf, sizeof buf), 2);
    int first = part[2];
    int mixed = first < 0;
    for (int i = 0; i < 6; i++)
        mixed |= part[i] != -2 && part[i] != first;
    snprintf(what, n, "body %d..%d etag %d type %d meta %d checksum %d", part[0], part[1],
             part[2], part[3], part[4], part[5]);
    return mixed;
}

/* GETs and HEADs with checksum mode while two clients rewrite the key
 * with two versions in turn: each reply is one version's whole. Reading
 * the body, letting go of the lock and then taking the headers let a PUT
 * between pair one version's body (and ETag) with the other's headers and
 * checksum. That gap is short: caught on the file backend in some runs
 * only (6, 2 and 0 of 600 replies); with the gap widened by 5 ms, 64 of
 * 600 on the memory backend. */
START_TEST(reads_racing_writes_are_one_write)
{
    http_timeout_ms = 300000; /* megabytes on a loaded machine: the answer is checked, not the time */
    ow_version v[2];
    for (int k = 0; k < 2; k++)
        ow_make(&v[k], k);
    char root[64];
    snprintf(root, sizeof root, "/tmp/lhv1-ow-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        ck_assert_int_eq(http_status(&s, "PUT", "/owr", NULL, NULL, NULL), 200);
        /* the ETags, from the server itself (a PUT's ETag is its body's MD5) */
        for (int k = 1; k >= 0; k--) {
            ow_put(&s, "/owr/k", &v[k], v[k].md5_etag);
            ck_assert_int_eq(strlen(v[k].md5_etag), 34);
        }
        ow_writer w[OW_WRITERS];
        pthread_t th[OW_WRITERS];
        for (int t = 0; t < OW_WRITERS; t++) {
            w[t] = (ow_writer){.s = &s, .v = v};
            ck_assert_int_eq(pthread_create(&th[t], NULL, ow_write, &w[t]), 0);
        }
        const char *mode[] = {"x-amz-checksum-mode: ENABLED", NULL};
        int mixed = 0, seen[2] = {0, 0};
        char first[256] = "";
        for (int i = 0; i < OW_READS; i++) {
            int head = i % 4 != 0; /* the server reads the body for a HEAD too */
            resp r;
            http_req(&s, &r, head ? "HEAD" : "GET", "/owr/k", NULL, 0, mode);
            ck_assert_int_eq(r.status, 200);
            char what[160];
            if (ow_mixed(v, &r, head, what, sizeof what)) {
                if (!mixed++)
                    snprintf(first, sizeof first, "%s %d: %s", head ? "HEAD" : "GET", i, what);
            } else {
                char etag[64];
                seen[!strcmp(resp_header(&r, "ETag", etag, sizeof etag), v[1].md5_etag)]++;
            }
            resp_free(&r);
        }
        long puts = 0;
        for (int t = 0; t < OW_WRITERS; t++) {
            w[t].stop = 1;
            pthread_join(th[t], NULL);
            puts += w[t].puts;
        }
        printf("one write (%s backend): %d reads during %ld PUTs: %d A, %d B, %d mixed\n",
               backend ? "file" : "memory", OW_READS, puts, seen[0], seen[1], mixed);
        ck_assert_msg(mixed == 0, "%s backend: %d of %d replies mixed two writes (first: %s)",
                      backend ? "file" : "memory", mixed, OW_READS, first);
        server_stop(&s);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
    free(v[0].body);
    free(v[1].body);
    http_timeout_ms = 20000;
}
END_TEST

/* A PUT an HTTP fault answered in the store's place (SlowDown) wrote
 * nothing: the object keeps its body and its headers. The old code
 * stored the refused PUT's headers over the kept body (Content-Type
 * text/two with body "one"). */
START_TEST(refused_put_leaves_the_headers)
{
    server s;
    server_start(&s, NULL);
    ck_assert_int_eq(http_status(&s, "PUT", "/owr", NULL, NULL, NULL), 200);
    const char *one[] = {"Content-Type: text/one", "x-amz-meta-v: 1", NULL};
    const char *two[] = {"Content-Type: text/two", "x-amz-meta-v: 2", NULL};
    ck_assert_int_eq(http_status(&s, "PUT", "/owr/k", "one", one, NULL), 200);
    add_rules(&s, "{\"kind\":\"http-slowdown\",\"op\":\"put\",\"key\":\"owr/k\"}");
    ck_assert_int_eq(http_status(&s, "PUT", "/owr/k", "two", two, "SlowDown"), 503);
    resp r;
    http_req(&s, &r, "GET", "/owr/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    char v[64];
    ck_assert_int_eq((int)r.body.len, 3);
    ck_assert_int_eq(memcmp(r.body.data, "one", 3), 0);
    ck_assert_str_eq(resp_header(&r, "Content-Type", v, sizeof v), "text/one");
    ck_assert_str_eq(resp_header(&r, "x-amz-meta-v", v, sizeof v), "1");
    resp_free(&r);
    server_stop(&s);
}
END_TEST

Suite *suite_one_write(void)
{
    Suite *s = suite_create("one_write");
    TCase *tc = tcase_create("one_write");
    tcase_set_timeout(tc, 600); /* gigabytes read under ASan on a loaded machine */
    tcase_add_test(tc, reads_racing_writes_are_one_write);
    tcase_add_test(tc, refused_put_leaves_the_headers);
    suite_add_tcase(s, tc);
    return s;
}
