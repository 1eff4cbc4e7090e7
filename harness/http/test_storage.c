/* The storage side of `lhv1 serve` under attack (ctest labels http and
 * security): every digest a client sends is verified; fault rules are
 * taken as written or refused; the file backend's key conflicts are a 4xx
 * on both backends, deleted keys leave no directories behind, a crash
 * leaves no temporary file; listings never read object bodies on the
 * event thread. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"
#include "cli_run.h"

static server srv;

/* These tests hash and copy objects of 60 MiB: on a loaded machine one
 * request may take minutes. What they check is the answer and the order of
 * events, never a request's speed, so the client waits long. */
static void up(void)
{
    http_timeout_ms = 300000;
    server_start(&srv, NULL);
}

static void down(void)
{
    server_stop(&srv);
    http_timeout_ms = 20000;
    cli_run_reset();
}

/* Each digest is sent once right and once wrong beside a right one of
 * the same kind: the wrong one is 400 and nothing is stored. The values
 * are those of "hello world". */
START_TEST(every_digest_verified)
{
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig", NULL, NULL, NULL), 200);
    static const char crc_ok[] = "x-amz-checksum-crc32: DUoRhQ==",
                      crc_bad[] = "x-amz-checksum-crc32: DUoRhA==",
                      md5_ok[] = "Content-MD5: XrY7u+Ae7tCTyyK7j1rNww==",
                      md5_bad[] = "Content-MD5: XrY7u+Ae7tCTyyK7j1rNwA==";
    const char *ok[] = {crc_ok, md5_ok, NULL};
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/k", "hello world", ok, NULL), 200);
    /* a second header of the same kind */
    const char *two_crc[] = {crc_ok, crc_bad, NULL};
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/a", "hello world", two_crc, "BadDigest"), 400);
    const char *two_md5[] = {md5_ok, md5_bad, NULL};
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/b", "hello world", two_md5, "BadDigest"), 400);
    /* aws-chunked: a wrong trailer beside a right header of the same
     * algorithm, and a wrong second trailer */
    const char *chunked[] = {"Content-Encoding: aws-chunked",
                             "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                             "x-amz-decoded-content-length: 11",
                             "x-amz-trailer: x-amz-checksum-crc32", crc_ok, NULL};
    const char good[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/c", good, chunked, NULL), 200);
    const char bad_trailer[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhA==\r\n\r\n";
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/d", bad_trailer, chunked, "BadDigest"), 400);
    const char two_trailers[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n"
                                "x-amz-checksum-crc32:DUoRhA==\r\n\r\n";
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/e", two_trailers, chunked, "BadDigest"), 400);
    /* a wrong hex payload hash after another value */
    const char *two_sha[] = {
        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
        "x-amz-content-sha256: b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
        NULL};
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/f", "hello world", two_sha, NULL), 200);
    two_sha[1] = "x-amz-content-sha256: b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde8";
    ck_assert_int_eq(http_status(&srv, "PUT", "/dig/g", "hello world", two_sha, "XAmzContentSHA256Mismatch"),
                     400);
    /* nothing refused was stored */
    static const char *const refused[] = {"a", "b", "d", "e", "g"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "/dig/%s", refused[i]);
        ck_assert_int_eq(http_status(&srv, "GET", path, NULL, NULL, NULL), 404);
    }
}
END_TEST

/* --- fault rules ------------------------------------------------------ */

static long post_rules(const server *s, const char *json, const char *code)
{
    return http_status(s, "POST", "/_lhv1/rules", json, NULL, code);
}

/* What the fault_rules fuzz target found, through the admin API: a
 * second document after the first (JSON lines) and a field given twice
 * were silently dropped, rules piled up without bound, the decision log
 * printed a key's raw bytes (not JSON once they are not UTF-8), and the
 * rule list printed 2^53 as 9007199254740990. */
START_TEST(fault_rules_are_taken_as_written)
{
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"get-fail\"}\n{\"kind\":\"put-lost\"}\n",
                                "MalformedJSON"), 400);
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"http-delay\",\"delay_ms\":10,\"delay_ms\":0}",
                                "InvalidRule"), 400);
    ck_assert_int_eq(post_rules(&srv, "{\"rules\":[{\"kind\":\"get-fail\"}],\"typo\":1}",
                                "InvalidRule"), 400);
    resp r;
    http_req(&srv, &r, "GET", "/_lhv1/rules", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "[]\n");
    resp_free(&r);
    /* listed as written */
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"put-lost\",\"key\":\"none/*\","
                                      "\"nth\":9007199254740992}", NULL), 200);
    http_req(&srv, &r, "GET", "/_lhv1/rules", NULL, 0, NULL);
    ck_assert_msg(strstr((char *)r.body.data, "\"nth\":9007199254740992"), "%s",
                  (char *)r.body.data);
    resp_free(&r);
    /* the log stays JSON in UTF-8 whatever bytes a key holds (a control
     * byte, which S3 keeps, escaped) */
    ck_assert_int_eq(http_status(&srv, "PUT", "/rul", NULL, NULL, NULL), 200);
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"http-slowdown\",\"op\":\"get\",\"key\":\"*\"}",
                                NULL), 200);
    ck_assert_int_eq(http_status(&srv, "GET", "/rul/%01k%1b", NULL, NULL, "SlowDown"), 503);
    http_req(&srv, &r, "GET", "/_lhv1/log", NULL, 0, NULL);
    for (size_t i = 0; i < r.body.len; i++)
        ck_assert_msg(r.body.data[i] < 0x80 && (r.body.data[i] >= 0x20 || r.body.data[i] == '\n'),
                      "raw byte 0x%02x in the log: %s", r.body.data[i], (char *)r.body.data);
    ck_assert_msg(strstr((char *)r.body.data, "\"key\":\"rul/\\u0001k\\u001b\""), "%s",
                  (char *)r.body.data);
    resp_free(&r);
    /* a bound on the rules in all */
    ck_assert_int_eq(http_status(&srv, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
    lhv1_buf many;
    lhv1_buf_init(&many);
    lhv1_buf_puts(&many, "[");
    for (int i = 0; i < 10000; i++)
        lhv1_buf_puts(&many, i ? ",{\"kind\":\"get-fail\",\"key\":\"none\"}"
                                : "{\"kind\":\"get-fail\",\"key\":\"none\"}");
    lhv1_buf_puts(&many, "]");
    lhv1_buf_putc(&many, 0);
    ck_assert_int_eq(post_rules(&srv, (char *)many.data, NULL), 200);
    lhv1_buf_free(&many);
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"get-fail\"}", "InvalidRule"), 400);
    ck_assert_int_eq(http_status(&srv, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
    ck_assert_int_eq(post_rules(&srv, "{\"kind\":\"get-fail\",\"key\":\"none\"}", NULL), 200);
}
END_TEST

/* --- the file backend ------------------------------------------------ */

/* A directory in the test's working directory, removed by rm_root. */
static void make_root(char *root, size_t n, const char *tag)
{
    snprintf(root, n, "lhv1-%s-XXXXXX", tag);
    ck_assert_ptr_nonnull(mkdtemp(root));
}

static void rm_root(const char *root)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}

/* How many temporary files of the file store are under dir. */
static int count_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t l = strlen(de->d_name);
        if (l > 9 && !strcmp(de->d_name + l - 9, ".tmp-lhv1"))
            n++;
        else if (de->d_type == DT_DIR)
            n += count_temporaries(path);
    }
    closedir(d);
    return n;
}

/* "a/b" beside "a/b/c": the file backend cannot hold both (a file cannot
 * also be a directory) and answers 409 KeyConflict in both directions,
 * never a 5xx (which SDKs retry); once the other key is deleted the name
 * is free again (it left its directories behind: a 500 for ever). The
 * memory backend holds both, as S3 does. */
START_TEST(key_conflicts_409_on_file_backend_only)
{
    char root[64];
    make_root(root, sizeof root, "conflict");
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b/c", "deep", NULL, NULL), 200);
        if (!backend) { /* memory: every key kept, each read back as written */
            ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b", "over", NULL, NULL), 200);
            ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a", "top", NULL, NULL), 200);
            ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b/c/d", "under", NULL, NULL), 200);
            const char *const keys[][2] = {{"/kcf/a", "top"}, {"/kcf/a/b", "over"},
                                           {"/kcf/a/b/c", "deep"}, {"/kcf/a/b/c/d", "under"}};
            for (size_t i = 0; i < 4; i++) {
                resp r;
                http_req(&s, &r, "GET", keys[i][0], NULL, 0, NULL);
                ck_assert_int_eq(r.status, 200);
                ck_assert_str_eq((char *)r.body.data, keys[i][1]);
                resp_free(&r);
            }
            server_stop(&s);
            continue;
        }
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b", "over", NULL, "KeyConflict"), 409);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a", "over", NULL, "KeyConflict"), 409);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b/c/d", "under", NULL, "KeyConflict"), 409);
        ck_assert_int_eq(http_status(&s, "GET", "/kcf/a/b", NULL, NULL, "NoSuchKey"), 404);
        ck_assert_int_eq(http_status(&s, "DELETE", "/kcf/a/b/c", NULL, NULL, NULL), 204);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b", "now free", NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/kcf/a/b/c", "deep", NULL, "KeyConflict"), 409);
        resp r;
        http_req(&s, &r, "GET", "/kcf/a/b", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq((char *)r.body.data, "now free");
        resp_free(&r);
        ck_assert_int_eq(http_status(&s, "DELETE", "/kcf/a/b", NULL, NULL, NULL), 204);
        if (backend) { /* no directory left behind */
            char path[128];
            snprintf(path, sizeof path, "%s/kcf/a", root);
            ck_assert_int_ne(access(path, F_OK), 0);
        }
        server_stop(&s);
    }
    rm_root(root);
}
END_TEST

/* Keys are names, not paths, as in S3: on the memory backend "a/../b",
 * "./c", "d//e", "folder/" and "../../x" are objects of their own, none of
 * them is "b", "c", "d/e" or "folder", a fault rule's key pattern matches
 * them as written, and nothing reaches the file system. The file backend
 * maps keys to paths and refuses what it cannot map (400 InvalidArgument,
 * its own words), on every operation, writing nothing outside its root. */
START_TEST(path_like_keys_by_backend)
{
    char root[64];
    make_root(root, sizeof root, "names");
    const char *file_args[] = {"--root", root, NULL};
    static const char escape[] = "lhv1-names-escape"; /* beside the root */
    static const char *const keys[][2] = {
        {"/pkn/a/../b", "..&apos; segment"}, {"/pkn/./c", "&apos;.&apos; segment"},
        {"/pkn/d//e", "empty segment"},       {"/pkn/folder/", "empty segment"},
        {"/pkn/../../lhv1-names-escape", "..&apos; segment"}, {"/pkn/../x", "..&apos; segment"},
    };
    const size_t n = sizeof keys / sizeof keys[0];
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        ck_assert_int_eq(http_status(&s, "PUT", "/pkn", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/pkn/b", "plain b", NULL, NULL), 200);
        for (size_t i = 0; i < n; i++) {
            const char *k = keys[i][0];
            resp r;
            http_req(&s, &r, "PUT", k, k, strlen(k), NULL);
            if (backend) {
                ck_assert_msg(r.status == 400 && resp_code_is(&r, "InvalidArgument") &&
                                  strstr((const char *)r.body.data, keys[i][1]),
                              "file PUT %s: %ld %s", k, r.status, (const char *)r.body.data);
                resp_free(&r);
                ck_assert_int_eq(http_status(&s, "GET", k, NULL, NULL, "InvalidArgument"), 400);
                ck_assert_int_eq(http_status(&s, "DELETE", k, NULL, NULL, "InvalidArgument"),
                                 400);
                continue;
            }
            ck_assert_msg(r.status == 200, "memory PUT %s: %ld %s", k, r.status,
                          (const char *)r.body.data);
            resp_free(&r);
            char got[64];
            ck_assert_int_eq(http_get_text(&s, k, got, sizeof got), 200);
            ck_assert_str_eq(got, k);
        }
        /* CopyObject: from such a key, and onto one */
        const char *from_dots[] = {"x-amz-copy-source: /pkn/a/../b", NULL};
        const char *from_b[] = {"x-amz-copy-source: /pkn/b", NULL};
        char got[64];
        if (backend) {
            ck_assert_int_eq(http_status(&s, "PUT", "/pkn/copy", NULL, from_dots,
                                         "InvalidArgument"), 400);
            ck_assert_int_eq(http_status(&s, "PUT", "/pkn/d//e", NULL, from_b, "InvalidArgument"),
                             400);
        } else {
            ck_assert_int_eq(http_status(&s, "PUT", "/pkn/copy", NULL, from_dots, NULL), 200);
            ck_assert_int_eq(http_get_text(&s, "/pkn/copy", got, sizeof got), 200);
            ck_assert_str_eq(got, "/pkn/a/../b");
            ck_assert_int_eq(http_status(&s, "PUT", "/pkn/./c", NULL, from_b, NULL), 200);
            ck_assert_int_eq(http_get_text(&s, "/pkn/./c", got, sizeof got), 200);
            ck_assert_str_eq(got, "plain b");
        }
        ck_assert_int_eq(http_get_text(&s, "/pkn/b", got, sizeof got), 200);
        ck_assert_str_eq(got, "plain b");
        ck_assert_int_eq(http_status(&s, "GET", "/pkn/c", NULL, NULL, "NoSuchKey"), 404);
        ck_assert_int_eq(http_status(&s, "GET", "/pkn/d/e", NULL, NULL, "NoSuchKey"), 404);
        if (!backend) {
            ck_assert_int_eq(http_status(&s, "GET", "/pkn/folder", NULL, NULL, "NoSuchKey"), 404);
            /* the rules match the key as written */
            add_rules(&s, "[{\"kind\":\"http-slowdown\",\"op\":\"get\",\"key\":\"pkn/a/../*\"},"
                          "{\"kind\":\"http-slowdown\",\"op\":\"get\",\"key\":\"pkn/d//e\"}]");
            ck_assert_int_eq(http_status(&s, "GET", "/pkn/a/../b", NULL, NULL, "SlowDown"), 503);
            ck_assert_int_eq(http_status(&s, "GET", "/pkn/d//e", NULL, NULL, "SlowDown"), 503);
            ck_assert_int_eq(http_get_text(&s, "/pkn/b", got, sizeof got), 200);
            ck_assert_int_eq(http_get_text(&s, "/pkn/./c", got, sizeof got), 200);
            ck_assert_int_eq(http_status(&s, "DELETE", "/pkn/a/../b", NULL, NULL, NULL), 204);
            ck_assert_int_eq(http_get_text(&s, "/pkn/b", got, sizeof got), 200);
            ck_assert_str_eq(got, "plain b");
        }
        server_stop(&s);
        ck_assert_msg(access(escape, F_OK) != 0, "%s backend wrote %s outside its root",
                      backend ? "file" : "memory", escape);
        char path[128];
        snprintf(path, sizeof path, "%s/x", root);
        ck_assert_msg(access(path, F_OK) != 0, "the file backend wrote %s", path);
        snprintf(path, sizeof path, "%s/pkn/b", root);
        ck_assert_int_eq(access(path, F_OK), backend ? 0 : -1);
    }
    rm_root(root);
}
END_TEST

typedef struct big_put {
    const server *s;
    const char *body;
    size_t len;
} big_put;

static void *put_big(void *arg)
{
    big_put *p = arg;
    resp r;
    http_req(p->s, &r, "PUT", "/crash/_vectors/big.lhv1", p->body, p->len, NULL);
    resp_free(&r);
    return NULL;
}

/* kill -9 of a real server while a PUT writes its temporary file: the
 * file stays behind (seen before the restart), and the restarted server
 * removes it; the key holds its old body or none. A second server on the
 * same root is refused (its recovery would remove the first one's
 * temporary files in flight). */
START_TEST(crash_mid_put_leaves_no_temporary_file)
{
    char root[64];
    make_root(root, sizeof root, "tmp");
    const char *args[] = {"--root", root, NULL};
    enum { BIG = 48 << 20 };
    char *body = malloc(BIG);
    ck_assert_ptr_nonnull(body);
    memset(body, 'N', BIG);
    int caught = 0;
    for (int attempt = 0; attempt < 20 && !caught; attempt++) {
        server s;
        server_start(&s, args);
        ck_assert_int_eq(http_status(&s, "PUT", "/crash", NULL, NULL, NULL), 200);
        big_put p = {&s, body, BIG};
        pthread_t th;
        ck_assert_int_eq(pthread_create(&th, NULL, put_big, &p), 0);
        /* The temporary file exists from after the body arrived until
         * its rename, after an fsync of 48 MiB: watch for it. */
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do {
            caught = count_temporaries(root) > 0;
            clock_gettime(CLOCK_MONOTONIC, &t);
        } while (!caught && (t.tv_sec - t0.tv_sec) < 20 && usleep(500) == 0);
        server_kill(&s);
        pthread_join(th, NULL);
        if (caught) /* the kill came before a rename that would remove it */
            caught = count_temporaries(root) > 0;
    }
    free(body);
    ck_assert_msg(caught, "no kill -9 landed while a temporary file existed");
    server s;
    server_start(&s, args);
    ck_assert_int_eq(count_temporaries(root), 0);
    const char *second[] = {"serve", "--root", root, NULL};
    run_result *rr = cli_run(getenv("LHV1_CLI"), ".", second);
    ck_assert_int_eq(rr->code, 2);
    ck_assert_msg(strstr((char *)rr->err.data, "another lhv1 serve uses it"), "%s",
                  (char *)rr->err.data);
    resp r;
    http_req(&s, &r, "GET", "/crash?list-type=2", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr((char *)r.body.data, "tmp-lhv1"));
    resp_free(&r);
    server_stop(&s);
    rm_root(root);
}
END_TEST

/* The one object listed under prefix "k" has this size and ETag. */
static void assert_listed(const server *s, long size, const char *md5)
{
    resp r;
    http_req(s, &r, "GET", "/etg?list-type=2&prefix=k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    char want[160];
    snprintf(want, sizeof want, "<ETag>&quot;%s&quot;</ETag><Size>%ld</Size>", md5, size);
    ck_assert_msg(strstr((char *)r.body.data, want), "want %s in %s", want, (char *)r.body.data);
    resp_free(&r);
    http_req(s, &r, "HEAD", "/etg/k", NULL, 0, NULL);
    char etag[64], quoted[40];
    snprintf(quoted, sizeof quoted, "\"%s\"", md5);
    ck_assert_str_eq(resp_header(&r, "ETag", etag, sizeof etag), quoted);
    resp_free(&r);
}

/* A key holding NUL is refused on every backend (400 InvalidArgument):
 * a listing page ending on one would hand out a continuation token, a
 * marker or a key-marker that no request can send back (before: the
 * memory backend kept it, and paging past it failed with 400). */
START_TEST(keys_with_nul_refused)
{
    char root[64];
    make_root(root, sizeof root, "nul");
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        ck_assert_int_eq(http_status(&s, "PUT", "/nul", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/nul/a%00b", "x", NULL, "InvalidArgument"), 400);
        ck_assert_int_eq(http_status(&s, "GET", "/nul/a%00b", NULL, NULL, "InvalidArgument"), 400);
        resp r;
        http_req(&s, &r, "GET", "/nul?list-type=2", NULL, 0, NULL);
        lhv1_buf_putc(&r.body, 0);
        ck_assert_msg(r.status == 200 && strstr((char *)r.body.data, "<KeyCount>0</KeyCount>"),
                      "%s backend: %s", backend ? "file" : "memory", (char *)r.body.data);
        resp_free(&r);
        server_stop(&s);
    }
    rm_root(root);
}
END_TEST

/* A file under --root whose key is longer than S3's 1024 bytes (put
 * there by hand: no request can name it) is not listed: a page ending on
 * it could give no continuation token, and a client following the empty
 * one would start over (before: IsTruncated true, token empty). */
START_TEST(file_keys_past_the_key_limit_not_listed)
{
    char root[64];
    make_root(root, sizeof root, "longkey");
    const char *file_args[] = {"--root", root, NULL};
    server s;
    server_start(&s, file_args);
    ck_assert_int_eq(http_status(&s, "PUT", "/lkey", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&s, "PUT", "/lkey/zz", "x", NULL, NULL), 200);
    char seg[251], path[1400];
    memset(seg, 'x', 250);
    seg[250] = 0;
    int n = snprintf(path, sizeof path, "%s/lkey", root);
    for (int i = 0; i < 5; i++) {
        n += snprintf(path + n, sizeof path - (size_t)n, "/%s", seg);
        ck_assert(mkdir(path, 0700) == 0);
    }
    snprintf(path + n, sizeof path - (size_t)n, "/z");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("hi", f);
    fclose(f);
    resp r;
    http_req(&s, &r, "GET", "/lkey?list-type=2&max-keys=1", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    lhv1_buf_putc(&r.body, 0);
    const char *b = (const char *)r.body.data;
    ck_assert_msg(strstr(b, "<Key>zz</Key>") && strstr(b, "<IsTruncated>false</IsTruncated>") &&
                      !strstr(b, "xxxxxxxx"),
                  "%s", b);
    resp_free(&r);
    server_stop(&s);
    rm_root(root);
}
END_TEST

/* What a listing and a HEAD say is what the store holds, on both
 * backends: after a torn PUT acknowledged with 200 (the store holds the
 * prefix, not the body whose MD5 the PUT computed), after a lost PUT (it
 * holds the old body), and on the file backend after a restart. */
START_TEST(listed_etags_are_the_stored_bodies)
{
    char root[64];
    make_root(root, sizeof root, "etag");
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        ck_assert_int_eq(http_status(&s, "PUT", "/etg", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/etg/k", "hello world", NULL, NULL), 200);
        assert_listed(&s, 11, "5eb63bbbe01eeed093cb22bb8f5acdc3");
        add_rules(&s, "{\"kind\":\"put-torn-prefix\",\"key\":\"etg/k\",\"cut\":4,\"reply\":200}");
        ck_assert_int_eq(http_status(&s, "PUT", "/etg/k", "version-three", NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_listed(&s, 4, "3bae61cc7cb88ff6ae7e54c8a3f588a4"); /* "vers" */
        add_rules(&s, "{\"kind\":\"put-lost\",\"key\":\"etg/k\"}");
        ck_assert_int_eq(http_status(&s, "PUT", "/etg/k", "lost", NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_listed(&s, 4, "3bae61cc7cb88ff6ae7e54c8a3f588a4");
        ck_assert_int_eq(http_status(&s, "PUT", "/etg/k", "hello world", NULL, NULL), 200);
        if (backend) {
            server_stop(&s);
            server_start(&s, file_args);
        }
        assert_listed(&s, 11, "5eb63bbbe01eeed093cb22bb8f5acdc3");
        server_stop(&s);
    }
    rm_root(root);
}
END_TEST

/* --- listings and the event thread ---------------------------------- */

#define BIG_OBJECTS 20
#define BIG_SIZE (60LL << 20)
#define BIG_MD5 "76c136bc0d680abd978d9934070c01e5" /* of 60 MiB of zeros */
#define LISTINGS 4

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

typedef struct lister {
    const server *s;
    int ok;
    char msg[200];
} lister;

static volatile int listings_running;

/* BIG_OBJECTS sparse files of BIG_SIZE under <root>/lst/big/, placed by
 * hand: no ETag is known for them until a worker hashes them. */
static void place_big_objects(const char *root)
{
    char path[256];
    snprintf(path, sizeof path, "%s/lst", root);
    mkdir(path, 0777); /* the bucket's directory, when no object made it */
    snprintf(path, sizeof path, "%s/lst/big", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    for (int i = 0; i < BIG_OBJECTS; i++) {
        snprintf(path, sizeof path, "%s/lst/big/o%02d", root, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(ftruncate(fd, BIG_SIZE), 0);
        close(fd);
    }
}

/* How many of the objects place_big_objects placed have been hashed (the
 * server keeps the ETag in the file's extended attribute). */
static int big_objects_hashed(const char *root)
{
    int n = 0;
    for (int i = 0; i < BIG_OBJECTS; i++) {
        char path[256], v[128];
        snprintf(path, sizeof path, "%s/lst/big/o%02d", root, i);
        n += getxattr(path, "user.lhv1.etag", v, sizeof v) > 0;
    }
    return n;
}

static void *list_big(void *arg)
{
    lister *l = arg;
    resp r;
    http_req(l->s, &r, "GET", "/lst?list-type=2&prefix=big%2F", NULL, 0, NULL);
    const char *b = (const char *)r.body.data;
    int n = 0;
    for (const char *p = b; (p = strstr(p, "<ETag>&quot;" BIG_MD5 "&quot;</ETag><Size>62914560</Size>"));
         p++)
        n++;
    l->ok = r.status == 200 && n == BIG_OBJECTS;
    snprintf(l->msg, sizeof l->msg, "%ld, %d of %d objects right: %.120s", r.status, n,
             BIG_OBJECTS, b);
    resp_free(&r);
    __atomic_sub_fetch(&listings_running, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Times of health checks (GET /_lhv1/health, alternating with a HEAD of
 * a small object) while `busy` holds, at least `min` of them. */
typedef struct check_times {
    long us[4096];
    int n;
    int failed; /* checks not answered 200 (a timeout: the time waited) */
} check_times;

static void time_checks(const server *s, int (*busy)(void), int min, check_times *t)
{
    t->n = 0;
    t->failed = 0;
    while ((busy() || t->n < min) && t->n < (int)(sizeof t->us / sizeof t->us[0])) {
        long t0 = now_us();
        resp r;
        if (t->n % 2)
            http_req(s, &r, "HEAD", "/lst/small", NULL, 0, NULL);
        else
            http_req(s, &r, "GET", "/_lhv1/health", NULL, 0, NULL);
        t->us[t->n++] = now_us() - t0;
        t->failed += r.status != 200;
        resp_free(&r);
        usleep(5000);
    }
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long median_us(check_times *t)
{
    qsort(t->us, (size_t)t->n, sizeof t->us[0], cmp_long);
    return t->us[t->n / 2];
}

static long worst_us(const check_times *t)
{
    long w = 0;
    for (int i = 0; i < t->n; i++)
        w = t->us[i] > w ? t->us[i] : w;
    return w;
}

static int never(void)
{
    return 0;
}

static int listing(void)
{
    return __atomic_load_n(&listings_running, __ATOMIC_SEQ_CST) > 0;
}

/* Four concurrent listings of 20 objects of 60 MiB (sparse files placed
 * by hand, so no ETag is known yet: each is hashed once, on a worker) do
 * not hold up a health check. The requirement is 50 ms; on a loaded
 * 2-core machine any one check can wait that long for a core, so it is
 * asked of the median (beside the idle median), and every check within
 * 2 s (or 4 times the idle worst): listing on the event thread held
 * every check for the whole listing, seconds (2.4 s for one listing, 11 s
 * for four). Then the ETags are kept (the extended attribute on each
 * file), and a file changed by hand is hashed again. */
START_TEST(listings_do_not_block_the_event_thread)
{
    char root[64];
    make_root(root, sizeof root, "list");
    const char *args[] = {"--root", root, NULL};
    server s;
    server_start(&s, args);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst/small", "small", NULL, NULL), 200);
    place_big_objects(root);
    char path[256];
    static check_times idle, during;
    time_checks(&s, never, 40, &idle);
    long idle_worst = worst_us(&idle), idle_median = median_us(&idle);
    lister ls[LISTINGS];
    pthread_t th[LISTINGS];
    listings_running = LISTINGS;
    long t0 = now_us();
    for (int i = 0; i < LISTINGS; i++) {
        ls[i].s = &s;
        ck_assert_int_eq(pthread_create(&th[i], NULL, list_big, &ls[i]), 0);
    }
    time_checks(&s, listing, 0, &during);
    long took = now_us() - t0;
    for (int i = 0; i < LISTINGS; i++)
        pthread_join(th[i], NULL);
    long worst = worst_us(&during), median = median_us(&during);
    long worst_bound = idle_worst * 4 > 2000000 ? idle_worst * 4 : 2000000;
    printf("listing: %d listings of %d x 60 MiB in %.2f s; %d health checks during them: "
           "median %.1f ms, worst %.1f ms (idle: median %.1f ms, worst %.1f ms)\n",
           LISTINGS, BIG_OBJECTS, (double)took / 1e6, during.n, (double)median / 1e3,
           (double)worst / 1e3, (double)idle_median / 1e3, (double)idle_worst / 1e3);
    ck_assert_msg(median <= idle_median + 50000,
                  "health checks took %.1f ms (median) during the listings", (double)median / 1e3);
    ck_assert_msg(worst <= worst_bound, "a health check took %.1f ms during the listings",
                  (double)worst / 1e3);
    ck_assert_msg(during.n >= 5, "only %d checks during the listings", during.n);
    ck_assert_int_eq(idle.failed + during.failed, 0);
    for (int i = 0; i < LISTINGS; i++)
        ck_assert_msg(ls[i].ok, "listing %d: %s", i, ls[i].msg);
    /* the ETags are kept beside the files */
    for (int i = 0; i < BIG_OBJECTS; i++) {
        snprintf(path, sizeof path, "%s/lst/big/o%02d", root, i);
        char v[128] = "";
        ssize_t n = getxattr(path, "user.lhv1.etag", v, sizeof v - 1);
        ck_assert_msg(n > 0 && !strncmp(v, "md5=" BIG_MD5 " ", 37), "%s: %.*s", path,
                      (int)(n > 0 ? n : 0), v);
    }
    /* a file changed by hand is not listed with its old ETag */
    snprintf(path, sizeof path, "%s/lst/big/o00", root);
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    resp r;
    http_req(&s, &r, "GET", "/lst?list-type=2&prefix=big%2Fo00", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Size>62914561</Size>"));
    ck_assert_ptr_null(strstr((char *)r.body.data, BIG_MD5));
    resp_free(&r);
    server_stop(&s);
    rm_root(root);
}
END_TEST

/* --- large GETs and the server lock -------------------------------- */

#define FETCHERS 16
#define FETCHED_SIZE (60L << 20)

/* Clients that GET one large object again and again until told to stop,
 * the bodies dropped as they come. */
typedef struct fetcher {
    const server *s;
    const char *path;
    volatile int *stop;
    long ok, busy, other; /* 200, 503, anything else */
} fetcher;

static size_t drop_body(char *p, size_t size, size_t n, void *cls)
{
    (void)p;
    (void)cls;
    return size * n;
}

/* One GET on connection c, counted; 1 if it was 200. */
static int fetch_on(fetcher *f, CURL *c)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", f->s->url, f->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 120000L);
    long st = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    if (st == 200)
        f->ok++;
    else if (st == 503)
        f->busy++;
    else
        f->other++;
    return st == 200;
}

static int fetch_once(fetcher *f)
{
    CURL *c = curl_easy_init();
    int ok = fetch_on(f, c);
    curl_easy_cleanup(c);
    return ok;
}

static void *fetch_loop(void *arg)
{
    fetcher *f = arg;
    CURL *c = curl_easy_init();
    while (!__atomic_load_n(f->stop, __ATOMIC_SEQ_CST))
        fetch_on(f, c);
    curl_easy_cleanup(c);
    return NULL;
}

/* 16 clients fetching an object of 60 MiB over and over, more than the
 * server has workers, do not hold up the rest: health checks and HEADs of
 * a small object (served on the event thread, which takes the server
 * lock for them) keep their median within 100 ms of the idle one. A
 * worker copied a large object under the server lock, and copied it
 * before taking its bytes from the in-flight budget (to drop the copy for
 * 503 after): the event thread waited for those copies, the median check
 * 0.8 s. */
START_TEST(large_gets_do_not_hold_up_the_rest)
{
    server s;
    server_start(&s, NULL);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst/small", "small", NULL, NULL), 200);
    char *big = calloc(1, FETCHED_SIZE);
    ck_assert_ptr_nonnull(big);
    resp r;
    http_req(&s, &r, "PUT", "/lst/big", big, FETCHED_SIZE, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    free(big);
    static check_times idle, during;
    time_checks(&s, never, 40, &idle);
    long idle_median = median_us(&idle);
    /* what one large GET alone takes here and now: the bound grows with it */
    long lone[5];
    for (int i = 0; i < 5; i++) {
        long t0 = now_us();
        fetcher one = {.s = &s, .path = "/lst/big", .stop = NULL};
        ck_assert(fetch_once(&one));
        lone[i] = now_us() - t0;
    }
    qsort(lone, 5, sizeof lone[0], cmp_long);
    long bound = idle_median + (lone[2] > 100000 ? lone[2] : 100000);
    volatile int stop = 0;
    fetcher f[FETCHERS];
    pthread_t th[FETCHERS];
    for (int i = 0; i < FETCHERS; i++) {
        f[i] = (fetcher){.s = &s, .path = "/lst/big", .stop = &stop};
        ck_assert_int_eq(pthread_create(&th[i], NULL, fetch_loop, &f[i]), 0);
    }
    usleep(500000); /* under way */
    time_checks(&s, never, 60, &during);
    stop = 1;
    long ok = 0, busy = 0, other = 0;
    for (int i = 0; i < FETCHERS; i++) {
        pthread_join(th[i], NULL);
        ok += f[i].ok, busy += f[i].busy, other += f[i].other;
    }
    long median = median_us(&during), worst = worst_us(&during);
    printf("large GETs: %d clients, %ld served, %ld 503, %ld other; %d checks during them: "
           "median %.1f ms, worst %.1f ms (idle median %.1f ms; one large GET alone %.1f ms)\n",
           FETCHERS, ok, busy, other, during.n, (double)median / 1e3, (double)worst / 1e3,
           (double)idle_median / 1e3, (double)lone[2] / 1e3);
    ck_assert_int_eq(idle.failed + during.failed, 0);
    ck_assert_int_gt(ok, 0);
    ck_assert_int_eq(other, 0);
    ck_assert_msg(median <= bound, "checks took %.1f ms (median) during the large GETs "
                  "(bound %.1f ms)", (double)median / 1e3, (double)bound / 1e3);
    server_stop(&s);
}
END_TEST

/* A large GET copies the object in slices, the server lock released
 * between them, while PUTs of the key go on: every body a GET returns is
 * one version whole (8 MiB of 'A' or of 'B', never a mixture) with that
 * version's ETag. */
#define AB_SIZE (8L << 20)
static const char *const ab_md5[2] = {"518886cb70c1c119c99ad1bbb5865e7a",
                                      "0c54d91bd719b6ace65a7513573b07ff"};

typedef struct ab_writer {
    const server *s;
    char *body[2];
    volatile int stop;
    long puts;
} ab_writer;

static void *write_ab(void *arg)
{
    ab_writer *w = arg;
    for (int i = 0; !w->stop; i++) {
        resp r;
        http_req(w->s, &r, "PUT", "/lst/ab", w->body[i % 2], AB_SIZE, NULL);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
        w->puts++;
    }
    return NULL;
}

START_TEST(large_get_is_one_version)
{
    server s;
    server_start(&s, NULL);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst", NULL, NULL, NULL), 200);
    ab_writer w = {.s = &s};
    for (int k = 0; k < 2; k++) {
        w.body[k] = malloc(AB_SIZE);
        ck_assert_ptr_nonnull(w.body[k]);
        memset(w.body[k], 'A' + k, AB_SIZE);
    }
    resp r;
    http_req(&s, &r, "PUT", "/lst/ab", w.body[0], AB_SIZE, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, write_ab, &w), 0);
    int seen[2] = {0, 0};
    for (int i = 0; i < 60; i++) {
        http_req(&s, &r, "GET", "/lst/ab", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq((long)r.body.len, AB_SIZE);
        int k = r.body.data[0] == 'B';
        const uint8_t *other = memchr(r.body.data, k ? 'A' : 'B', r.body.len);
        ck_assert_msg(!other, "GET %d: %c from byte 0, %c from byte %ld", i, 'A' + k,
                      'B' - k, other ? (long)(other - r.body.data) : 0L);
        char etag[64], want[40];
        snprintf(want, sizeof want, "\"%s\"", ab_md5[k]);
        ck_assert_str_eq(resp_header(&r, "ETag", etag, sizeof etag), want);
        seen[k]++;
        resp_free(&r);
    }
    w.stop = 1;
    pthread_join(th, NULL);
    printf("one version: 60 GETs of 8 MiB during %ld PUTs: %d A, %d B\n", w.puts, seen[0],
           seen[1]);
    free(w.body[0]);
    free(w.body[1]);
    server_stop(&s);
}
END_TEST

/* The copies workers make for large GETs are in the in-flight budget
 * before they are made: 16 clients fetching a 40 MiB object under
 * --max-inflight 128 MiB raise the server's peak memory by at most the
 * budget (and a little). Copies made first and dropped for 503 after
 * took it up by about a copy per worker beyond the budget (280 MiB). */
START_TEST(large_gets_stay_within_the_budget)
{
    server s;
    const char *args[] = {"--max-inflight", "134217728", NULL};
    server_start(&s, args);
    const long size = 40L << 20;
    ck_assert_int_eq(http_status(&s, "PUT", "/lst", NULL, NULL, NULL), 200);
    char *big = calloc(1, (size_t)size);
    ck_assert_ptr_nonnull(big);
    resp r;
    http_req(&s, &r, "PUT", "/lst/big", big, (size_t)size, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    free(big);
    http_req(&s, &r, "GET", "/lst/big", NULL, 0, NULL); /* one copy: the warm peak */
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    long rss, base, hwm;
    server_memory(&s, &rss, &base);
    volatile int stop = 0;
    fetcher f[FETCHERS];
    pthread_t th[FETCHERS];
    for (int i = 0; i < FETCHERS; i++) {
        f[i] = (fetcher){.s = &s, .path = "/lst/big", .stop = &stop};
        ck_assert_int_eq(pthread_create(&th[i], NULL, fetch_loop, &f[i]), 0);
    }
    long ok = 0, busy = 0, other = 0;
    for (long until = mono_ms() + 3000; mono_ms() < until || ok + busy < 4 * FETCHERS;) {
        usleep(100000);
        ok = busy = 0;
        for (int i = 0; i < FETCHERS; i++)
            ok += f[i].ok, busy += f[i].busy;
    }
    stop = 1;
    ok = busy = 0;
    for (int i = 0; i < FETCHERS; i++) {
        pthread_join(th[i], NULL);
        ok += f[i].ok, busy += f[i].busy, other += f[i].other;
    }
    server_memory(&s, &rss, &hwm);
    printf("budget: %d clients fetching 40 MiB under --max-inflight 128 MiB: %ld served, "
           "%ld 503; peak %ld -> %ld KiB\n",
           FETCHERS, ok, busy, base, hwm);
    ck_assert_int_gt(ok, 0);
    ck_assert_int_eq(other, 0);
    /* The plain build's: ASan's quarantine keeps what was freed. */
    const char *variant = getenv("LHV1_VARIANT");
    if (variant && !strcmp(variant, "plain"))
        ck_assert_msg(hwm - base <= (128 + 16) * 1024, "peak memory grew by %ld KiB",
                      hwm - base);
    server_stop(&s);
}
END_TEST

/* Listings may take seconds each (here: hashing 20 objects of 60 MiB
 * placed by hand), and a client may send as many as it has connections:
 * with more listings under way than the server has workers, a small GET
 * of the file backend (which needs a worker too) is still served while
 * they hash. When listings could take every worker it waited for all of
 * the hashing (the listings end only once every object they list is
 * hashed): the check is that it comes back with objects still unhashed,
 * which needs no clock. */
#define MANY_LISTINGS 12 /* more than the server's 8 workers */

START_TEST(listings_leave_workers_for_the_rest)
{
    char root[64];
    make_root(root, sizeof root, "lanes");
    const char *args[] = {"--root", root, NULL};
    server s;
    server_start(&s, args);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&s, "PUT", "/lst/small", "small", NULL, NULL), 200);
    place_big_objects(root);
    lister ls[MANY_LISTINGS];
    pthread_t th[MANY_LISTINGS];
    listings_running = MANY_LISTINGS;
    for (int i = 0; i < MANY_LISTINGS; i++) {
        ls[i].s = &s;
        ck_assert_int_eq(pthread_create(&th[i], NULL, list_big, &ls[i]), 0);
    }
    /* the listings are under way once the first object is hashed */
    for (long deadline = mono_ms() + 60000; !big_objects_hashed(root) && mono_ms() < deadline;)
        usleep(2000);
    int before = big_objects_hashed(root);
    long t0 = now_us();
    resp r;
    http_req(&s, &r, "GET", "/lst/small", NULL, 0, NULL);
    long took = now_us() - t0;
    int after = big_objects_hashed(root);
    int running = __atomic_load_n(&listings_running, __ATOMIC_SEQ_CST);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq((char *)r.body.data, "small");
    resp_free(&r);
    for (int i = 0; i < MANY_LISTINGS; i++)
        pthread_join(th[i], NULL);
    printf("lanes: a small GET during %d listings took %.1f ms; %d then %d of %d objects "
           "hashed, %d listings under way\n",
           MANY_LISTINGS, (double)took / 1e3, before, after, BIG_OBJECTS, running);
    ck_assert_msg(before >= 1, "the listings never started hashing");
    ck_assert_msg(after < BIG_OBJECTS && running > 0,
                  "the small GET waited for the listings: %d of %d objects hashed, %d "
                  "listings under way when it came back (%.1f ms)",
                  after, BIG_OBJECTS, running, (double)took / 1e3);
    for (int i = 0; i < MANY_LISTINGS; i++)
        ck_assert_msg(ls[i].ok, "listing %d: %s", i, ls[i].msg);
    server_stop(&s);
    rm_root(root);
}
END_TEST

/* Under --auth every request of the file backend goes to a worker (disk
 * I/O), and who is calling is still decided before that: unsigned, a
 * listing of objects whose ETags are not known hashes nothing, a PUT's
 * body is not read (a client waiting for 100 Continue gets the 403
 * instead), a GET reads nothing; signed, the same listing hashes them. */
START_TEST(unsigned_requests_never_reach_a_worker)
{
    char root[64];
    make_root(root, sizeof root, "authw");
    const char *args[] = {"--root", root, "--auth", "AKWORK:work-secret", NULL};
    server s;
    server_start(&s, args);
    resp r;
    http_signed(&s, &r, "PUT", "/lst", NULL, 0, NULL, "AKWORK:work-secret");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    place_big_objects(root);
    static const char *const heads[] = {
        "GET /lst?list-type=2&prefix=big%2F HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /lst/big/o00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "PUT /lst/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n"
        "Expect: 100-continue\r\n\r\n",
        "PUT /lst/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n",
        "POST /_lhv1/reset HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        lhv1_buf out;
        /* What is checked is the answer, not its speed: a generous wait,
         * so a loaded machine cannot fail it (a server that waits for the
         * body never answers within it either). */
        int st = raw_exchange(s.port, heads[i], strlen(heads[i]), 0, 120000, &out);
        ck_assert_msg(st == 403, "request %zu: %d %.300s", i, st, (char *)out.data);
        ck_assert_msg(!strstr((char *)out.data, "100 Continue"), "%.300s", (char *)out.data);
        lhv1_buf_free(&out);
    }
    ck_assert_int_eq(big_objects_hashed(root), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/lst/k", root);
    ck_assert_int_ne(access(path, F_OK), 0);
    http_signed(&s, &r, "GET", "/lst?list-type=2&prefix=big%2F", NULL, 0, NULL,
                "AKWORK:work-secret");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(big_objects_hashed(root), BIG_OBJECTS);
    server_stop(&s);
    rm_root(root);
}
END_TEST

/* --- stored headers ---------------------------------------------------- */

/* GET path's header name is value (with_auth: a signed-looking request). */
static void assert_header(const server *s, const char *path, const char *name, const char *want)
{
    resp r;
    char v[256];
    http_req(s, &r, "GET", path, NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(!strcmp(resp_header(&r, name, v, sizeof v), want), "GET %s: %s is \"%s\", not \"%s\"",
                  path, name, v, want);
    resp_free(&r);
}

/* The headers S3 keeps with an object go with the body the store holds,
 * on both backends: replaced by a torn PUT (its body, cut, is stored),
 * kept by a lost one and by one refused for its metadata's size, gone
 * with the object, and on the file backend kept across a restart. The
 * response-* arguments are refused on an anonymous request. */
START_TEST(stored_headers_follow_the_object)
{
    char root[64];
    make_root(root, sizeof root, "headers");
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 2; backend++) {
        server s;
        server_start(&s, backend ? file_args : NULL);
        const char *first[] = {"Cache-Control: max-age=1", "x-amz-meta-Gen: one", NULL};
        const char *second[] = {"Cache-Control: max-age=2", "x-amz-meta-gen: two", NULL};
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/k", "one", first, NULL), 200);
        assert_header(&s, "/hdr/k", "x-amz-meta-gen", "one");
        add_rules(&s, "{\"kind\":\"put-torn-prefix\",\"key\":\"hdr/k\",\"cut\":2,\"reply\":200}");
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/k", "two", second, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_header(&s, "/hdr/k", "x-amz-meta-gen", "two");
        add_rules(&s, "{\"kind\":\"put-lost\",\"key\":\"hdr/k\"}");
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/k", "one", first, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_header(&s, "/hdr/k", "Cache-Control", "max-age=2");
        char big[2200] = "x-amz-meta-big: ";
        memset(big + strlen(big), 'v', sizeof big - strlen(big) - 1);
        big[sizeof big - 1] = 0;
        const char *too_large[] = {big, NULL};
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/k", "one", too_large, "MetadataTooLarge"), 400);
        assert_header(&s, "/hdr/k", "x-amz-meta-gen", "two");
        ck_assert_int_eq(http_status(&s, "GET", "/hdr/k?response-content-type=text%2Fplain", NULL, NULL,
                             "InvalidRequest"),
                         400);
        const char *signed_looking[] = {"Authorization: AWS4-HMAC-SHA256 Credential=x", NULL};
        resp r;
        char v[64];
        http_req(&s, &r, "GET", "/hdr/k?response-content-type=text%2Fplain", NULL, 0,
                 signed_looking);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(resp_header(&r, "Content-Type", v, sizeof v), "text/plain");
        resp_free(&r);
        if (backend) {
            server_stop(&s);
            server_start(&s, file_args);
            assert_header(&s, "/hdr/k", "x-amz-meta-gen", "two");
        }
        ck_assert_int_eq(http_status(&s, "DELETE", "/hdr/k", NULL, NULL, NULL), 204);
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/k", "bare", NULL, NULL), 200);
        http_req(&s, &r, "GET", "/hdr/k", NULL, 0, NULL);
        ck_assert_str_eq(resp_header(&r, "x-amz-meta-gen", v, sizeof v), "");
        ck_assert_str_eq(resp_header(&r, "Cache-Control", v, sizeof v), "");
        resp_free(&r);
        server_stop(&s);
    }
    rm_root(root);
}
END_TEST

/* CopyObject's headers follow the same rule as PutObject's, on both
 * backends and through the proxy (in front of a memory backend, the
 * rules the proxy's): the source's (COPY) or the request's (REPLACE,
 * bounded as PutObject's) replace the destination's when the copy's write
 * landed, torn included, and a lost write keeps the old ones. */
START_TEST(copies_take_headers_as_puts_do)
{
    char root[64];
    make_root(root, sizeof root, "copyhdr");
    const char *file_args[] = {"--root", root, NULL};
    for (int backend = 0; backend < 3; backend++) {
        server s, upstream;
        const char *proxy_args[] = {"--upstream", NULL, NULL};
        if (backend == 2) {
            server_start(&upstream, NULL);
            proxy_args[1] = upstream.url;
        }
        server_start(&s, backend == 1 ? file_args : backend == 2 ? proxy_args : NULL);
        const char *source[] = {"Content-Type: text/x-source", "Cache-Control: max-age=1",
                                "x-amz-meta-Gen: source", NULL};
        const char *old[] = {"x-amz-meta-gen: old", NULL};
        const char *copy[] = {"x-amz-copy-source: /hdr/src", "x-amz-meta-gen: request", NULL};
        const char *replace[] = {"x-amz-copy-source: /hdr/src", "x-amz-metadata-directive: REPLACE",
                                 "x-amz-meta-gen: replaced", NULL};
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/src", "body", source, NULL), 200);
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/dst", "dst", old, NULL), 200);
        add_rules(&s, "{\"kind\":\"put-lost\",\"key\":\"hdr/dst\"}");
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/dst", NULL, copy, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_header(&s, "/hdr/dst", "x-amz-meta-gen", "old");
        add_rules(&s, "{\"kind\":\"put-torn-prefix\",\"key\":\"hdr/dst\",\"cut\":2,"
                      "\"reply\":200}");
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/dst", NULL, copy, NULL), 200);
        ck_assert_int_eq(http_status(&s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        assert_header(&s, "/hdr/dst", "x-amz-meta-gen", "source");
        assert_header(&s, "/hdr/dst", "Content-Type", "text/x-source");
        assert_header(&s, "/hdr/dst", "Cache-Control", "max-age=1");
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/dst", NULL, replace, NULL), 200);
        assert_header(&s, "/hdr/dst", "x-amz-meta-gen", "replaced");
        assert_header(&s, "/hdr/dst", "Content-Type", "binary/octet-stream");
        char big[2200] = "x-amz-meta-big: ";
        memset(big + strlen(big), 'v', sizeof big - strlen(big) - 1);
        big[sizeof big - 1] = 0;
        const char *too_large[] = {"x-amz-copy-source: /hdr/src",
                                   "x-amz-metadata-directive: REPLACE", big, NULL};
        ck_assert_int_eq(http_status(&s, "PUT", "/hdr/dst", NULL, too_large, "MetadataTooLarge"), 400);
        assert_header(&s, "/hdr/dst", "x-amz-meta-gen", "replaced");
        if (backend == 1) {
            server_stop(&s);
            server_start(&s, file_args);
            assert_header(&s, "/hdr/dst", "x-amz-meta-gen", "replaced");
        }
        assert_header(&s, "/hdr/src", "x-amz-meta-gen", "source");
        server_stop(&s);
        if (backend == 2) {
            assert_header(&upstream, "/hdr/dst", "x-amz-meta-gen", "replaced");
            server_stop(&upstream);
        }
    }
    rm_root(root);
}
END_TEST

Suite *suite_storage(void)
{
    Suite *s = suite_create("storage");
    TCase *tc = tcase_create("storage");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_digest_verified);
    tcase_add_test(tc, fault_rules_are_taken_as_written);
    tcase_add_test(tc, key_conflicts_409_on_file_backend_only);
    tcase_add_test(tc, path_like_keys_by_backend);
    tcase_add_test(tc, crash_mid_put_leaves_no_temporary_file);
    tcase_add_test(tc, listed_etags_are_the_stored_bodies);
    tcase_add_test(tc, file_keys_past_the_key_limit_not_listed);
    tcase_add_test(tc, keys_with_nul_refused);
    tcase_add_test(tc, listings_do_not_block_the_event_thread);
    tcase_add_test(tc, listings_leave_workers_for_the_rest);
    tcase_add_test(tc, large_gets_do_not_hold_up_the_rest);
    tcase_add_test(tc, large_gets_stay_within_the_budget);
    tcase_add_test(tc, large_get_is_one_version);
    tcase_add_test(tc, unsigned_requests_never_reach_a_worker);
    suite_add_tcase(s, tc);
    TCase *hdr = tcase_create("stored-headers");
    tcase_set_timeout(hdr, 120);
    tcase_add_test(hdr, stored_headers_follow_the_object);
    tcase_add_test(hdr, copies_take_headers_as_puts_do);
    suite_add_tcase(s, hdr);
    return s;
}
