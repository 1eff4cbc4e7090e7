/* The S3 client store (libcurl, CURLOPT_AWS_SIGV4) against `lhv1 serve`:
 * the Store contract, pagination, the error model (only NoSuchKey is
 * not-found; a 5xx "key not found", a 404 with another code, a reset, a
 * cut body are failures), SigV4 with --auth; then `lhv1 verify|dump
 * s3://...` and `lhv1 scan` as users run them. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "s3_store.h"
#include "http_util.h"
#include "check_suites.h"
#include "cli_run.h"

static server srv;

static void up(void)
{
    server_start(&srv, NULL);
    ck_assert_int_eq(http_status(&srv, "PUT", "/cli", NULL, NULL, NULL), 200);
}

static void down(void)
{
    server_stop(&srv);
    cli_run_reset();
}

static lhv1_store *client(const server *s, const char *key, const char *secret)
{
    lhv1_s3_config cfg = {0};
    cfg.endpoint = s->url;
    cfg.bucket = "cli";
    cfg.access_key = key;
    cfg.secret_key = secret;
    cfg.timeout_ms = 5000;
    lhv1_store_err err;
    lhv1_store *st = lhv1_s3_store_new(&cfg, &err);
    ck_assert_msg(st != NULL, "%s", err.body);
    return st;
}

START_TEST(contract_and_pages)
{
    lhv1_store *st = client(&srv, NULL, NULL);
    lhv1_store_err err;
    lhv1_buf out;
    lhv1_buf_init(&out);
    const char body[] = "a body with \0 a NUL";
    ck_assert_int_eq(lhv1_store_put(st, lhv1_bytes_str("_vectors/a b+c.lhv1"),
                                    (lhv1_bytes){(const uint8_t *)body, sizeof body}, &err), 0);
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("_vectors/a b+c.lhv1"), &out, &err), 0);
    ck_assert_int_eq(out.len, sizeof body);
    ck_assert_int_eq(memcmp(out.data, body, sizeof body), 0);
    ck_assert_int_eq(lhv1_store_put(st, lhv1_bytes_str("empty"), (lhv1_bytes){NULL, 0}, &err), 0);
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("empty"), &out, &err), 0);
    ck_assert_int_eq(out.len, 0);
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("nothere"), &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    ck_assert_int_eq(lhv1_store_del(st, lhv1_bytes_str("_vectors/a b+c.lhv1"), &err), 0);
    ck_assert_int_eq(lhv1_store_del(st, lhv1_bytes_str("_vectors/a b+c.lhv1"), &err), 0);
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("_vectors/a b+c.lhv1"), &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    /* past one page of 1000 */
    for (int i = 0; i < 1005; i++) {
        char k[32];
        snprintf(k, sizeof k, "_vectors/p%04d", i);
        ck_assert_int_eq(lhv1_store_put(st, lhv1_bytes_str(k), lhv1_bytes_str("x"), &err), 0);
    }
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(st, lhv1_bytes_str("_vectors/"), &l, &err), 0);
    ck_assert_int_eq(l.n, 1005);
    lhv1_key_list_sort(&l);
    ck_assert_str_eq((char *)l.keys[1004].data, "_vectors/p1004");
    lhv1_key_list_free(&l);
    lhv1_buf_free(&out);
    lhv1_store_destroy(st);
}
END_TEST

START_TEST(only_nosuchkey_is_not_found)
{
    lhv1_store *st = client(&srv, NULL, NULL);
    lhv1_store_err err;
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_store_put(st, lhv1_bytes_str("k"), lhv1_bytes_str("0123456789"), &err), 0);
    static const char *const rules[] = {
        "{\"kind\":\"get-fail-key-not-found-body\"}",
        "{\"kind\":\"http-404-code\",\"op\":\"get\"}",
        "{\"kind\":\"http-slowdown\",\"op\":\"get\"}",
        /* persistent: libcurl silently resends a request whose reused
         * connection is reset before any reply byte */
        "{\"kind\":\"http-reset\",\"op\":\"get\",\"persistent\":true}",
        "{\"kind\":\"http-body-cut\",\"op\":\"get\",\"cut\":3}",
        "{\"kind\":\"get-fail\"}",
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        add_rules(&srv, rules[i]);
        ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("k"), &out, &err), -1);
        ck_assert_msg(err.kind == LHV1_STORE_FAILED, "%s: %s %s", rules[i],
                      lhv1_store_kind_name(err.kind), err.body);
        http_status(&srv, "DELETE", "/_lhv1/rules", NULL, NULL, NULL);
    }
    add_rules(&srv, "{\"kind\":\"get-not-found\"}");
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("k"), &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    ck_assert_int_eq(lhv1_store_get(st, lhv1_bytes_str("k"), &out, &err), 0);
    ck_assert_int_eq(out.len, 10);
    ck_assert_int_eq(memcmp(out.data, "0123456789", 10), 0);
    lhv1_buf_free(&out);
    lhv1_store_destroy(st);
}
END_TEST

START_TEST(signed_with_curl_sigv4)
{
    server a;
    const char *args[] = {"--auth", "AKIDCLIENT:s3cr3t", NULL};
    server_start(&a, args);
    lhv1_store *good = client(&a, "AKIDCLIENT", "s3cr3t");
    lhv1_store *bad = client(&a, "AKIDCLIENT", "wrong");
    lhv1_store_err err;
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_store_put(good, lhv1_bytes_str("x"), lhv1_bytes_str("y"), &err), -1);
    ck_assert_int_eq(err.status, 404); /* NoSuchBucket: a failure, not a missing key */
    ck_assert_int_eq(err.kind, LHV1_STORE_FAILED);
    /* create the bucket signed, through libcurl directly */
    resp cr;
    http_signed(&a, &cr, "PUT", "/cli", "", 0, NULL, "AKIDCLIENT:s3cr3t");
    ck_assert_int_eq(cr.status, 200);
    resp_free(&cr);
    ck_assert_int_eq(lhv1_store_put(good, lhv1_bytes_str("_vectors/k"), lhv1_bytes_str("v"), &err), 0);
    ck_assert_int_eq(lhv1_store_get(good, lhv1_bytes_str("_vectors/k"), &out, &err), 0);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(good, lhv1_bytes_str("_vectors/"), &l, &err), 0);
    ck_assert_int_eq(l.n, 1);
    lhv1_key_list_free(&l);
    ck_assert_int_eq(lhv1_store_get(bad, lhv1_bytes_str("_vectors/k"), &out, &err), -1);
    ck_assert_int_eq(err.status, 403);
    ck_assert_int_eq(err.kind, LHV1_STORE_FAILED);
    lhv1_buf_free(&out);
    lhv1_store_destroy(good);
    lhv1_store_destroy(bad);
    server_stop(&a);
}
END_TEST

/* Runs the CLI; returns its exit status, stdout into out. */
/* `lhv1 args...` ($LHV1_CLI): its exit status, its stdout in *out (cli_run's
 * pool, freed by down()). */
static int run_cli(const char *const *args, const lhv1_buf **out)
{
    run_result *r = cli_run(getenv("LHV1_CLI"), ".", args);
    *out = &r->out;
    return r->code;
}

static void put_file(const char *src, const char *key)
{
    FILE *f = fopen(src, "rb");
    ck_assert_msg(f != NULL, "%s", src);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char path[256];
    snprintf(path, sizeof path, "/cli/%s", key);
    resp r;
    http_req(&srv, &r, "PUT", path, buf, n, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}

START_TEST(verify_dump_scan)
{
    const char *golden = getenv("LHV1_GOLDEN_OBJECTS");
    ck_assert_ptr_nonnull(golden);
    char src[512];
    snprintf(src, sizeof src, "%s/y_dim_1.lhv1", golden);
    put_file(src, "_vectors/dim_1.lhv1");
    snprintf(src, sizeof src, "%s/y_empty.lhv1", golden);
    put_file(src, "_vectors/empty.lhv1");
    resp r;
    http_req(&srv, &r, "PUT", "/cli/_vectors/torn.lhv1", "LHV1\0\0\0\x40{\"vers", 14, NULL);
    resp_free(&r);
    const lhv1_buf *out;
    const char *verify_ok[] = {"verify", "--endpoint", srv.url, "s3://cli/_vectors/dim_1.lhv1", NULL};
    ck_assert_int_eq(run_cli(verify_ok, &out), 0);
    /* the URL as written: no escaping where the name is plain */
    ck_assert_str_eq((char *)out->data, "s3://cli/_vectors/dim_1.lhv1: ok\n");
    const char *verify_bad[] = {"verify", "--endpoint", srv.url, "s3://cli/_vectors/torn.lhv1", NULL};
    ck_assert_int_eq(run_cli(verify_bad, &out), 1);
    ck_assert_ptr_nonnull(strstr((char *)out->data, "bad-format"));
    /* no such object is a verdict (exit 1), as lhv1 scan reports it; a ':'
     * of the key is escaped, the "s3://" is not */
    const char *verify_missing[] = {"verify", "--endpoint", srv.url, "s3://cli/_vectors/no.lhv1",
                                    "s3://cli/_vectors/a:b.lhv1", NULL};
    ck_assert_int_eq(run_cli(verify_missing, &out), 1);
    ck_assert_str_eq((char *)out->data,
                     "s3://cli/_vectors/no.lhv1: missing: key-missing: NoSuchKey\n"
                     "s3://cli/_vectors/a\\x3ab.lhv1: missing: key-missing: NoSuchKey\n");
    const char *verify_missing_json[] = {"verify", "--json", "--endpoint", srv.url,
                                         "s3://cli/_vectors/no.lhv1", NULL};
    ck_assert_int_eq(run_cli(verify_missing_json, &out), 1);
    ck_assert_str_eq((char *)out->data,
                     "{\"file\":\"s3://cli/_vectors/no.lhv1\",\"format\":\"LHV1\","
                     "\"verdict\":\"missing\",\"reason\":\"key-missing\",\"go\":\"error\","
                     "\"offset\":-1,\"message\":\"NoSuchKey\"}\n");
    const char *dump_missing[] = {"dump", "--endpoint", srv.url, "s3://cli/_vectors/no.lhv1", NULL};
    ck_assert_int_eq(run_cli(dump_missing, &out), 1);
    ck_assert_int_eq(out->len, 0);
    /* any other S3 failure stays an I/O error: no verdict, exit 2 */
    const char *verify_no_bucket[] = {"verify", "--endpoint", srv.url, "s3://nobucket/_vectors/x.lhv1", NULL};
    ck_assert_int_eq(run_cli(verify_no_bucket, &out), 2);
    ck_assert_int_eq(out->len, 0);
    const char *dump[] = {"dump", "--endpoint", srv.url, "s3://cli/_vectors/dim_1.lhv1", NULL};
    ck_assert_int_eq(run_cli(dump, &out), 0);
    ck_assert_ptr_nonnull(strstr((char *)out->data, "\"layers\""));
    const char *scan[] = {"scan", "--quiet", "--endpoint", srv.url, "--json", "scan-test.json",
                          "--markdown", "scan-test.md", "cli", NULL};
    ck_assert_int_eq(run_cli(scan, &out), 1);
    ck_assert_ptr_nonnull(strstr((char *)out->data, "_vectors/dim_1.lhv1: ok"));
    ck_assert_ptr_nonnull(strstr((char *)out->data, "_vectors/torn.lhv1: bad-format"));
    FILE *f = fopen("scan-test.json", "r");
    ck_assert_ptr_nonnull(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "\"objects\":\t3"));
    ck_assert_ptr_nonnull(strstr(text, "\"go\":\t\"error\""));
    unlink("scan-test.json");
    unlink("scan-test.md");
    /* a failing listing is exit 2 */
    add_rules(&srv, "{\"kind\":\"list-fail\",\"persistent\":true}");
    ck_assert_int_eq(run_cli(scan, &out), 2);
}
END_TEST

/* A GitHub-flavoured table row split into cells as the renderer splits it
 * (a backslash takes the next byte with it; '|' ends a cell), each cell's
 * backslash escapes of ASCII punctuation undone: what a reader sees. */
static int md_row_cells(const char *row, char cells[][256], int max)
{
    int n = -1;
    size_t len = 0;
    for (const char *p = row; *p && *p != '\n'; p++) {
        if (*p == '|') {
            if (n >= 0)
                cells[n][len] = 0;
            if (++n == max)
                return -1;
            len = 0;
            continue;
        }
        if (n < 0 || len + 2 >= sizeof cells[0])
            return -1;
        if (*p == '\\' && p[1] && p[1] != '\n') {
            if (!ispunct((unsigned char)p[1]))
                cells[n][len++] = '\\';
            p++;
        }
        cells[n][len++] = *p;
    }
    return n; /* the text after the last '|' is no cell */
}

/* F20: a listed key is the bucket's, anyone's: in the --markdown report
 * it stays in its cell and renders as scan's text line shows it, never
 * as HTML, code or another cell. */
START_TEST(scan_markdown_cells_hold_hostile_keys)
{
    lhv1_store *st = client(&srv, NULL, NULL);
    lhv1_store_err err;
    const char key[] = "_vectors/a|<b>bold</b>`code`*em*\n|.lhv1";
    ck_assert_int_eq(lhv1_store_put(st, lhv1_bytes_str(key), lhv1_bytes_str("junk"), &err), 0);
    lhv1_store_destroy(st);
    char md[64];
    snprintf(md, sizeof md, "scan-hostile-%d.md", (int)getpid());
    const char *scan[] = {"scan", "--quiet", "--endpoint", srv.url, "--markdown", md, "cli", NULL};
    const lhv1_buf *out;
    ck_assert_int_eq(run_cli(scan, &out), 1);
    FILE *f = fopen(md, "r");
    ck_assert_ptr_nonnull(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(md);
    ck_assert_msg(!strstr(text, "<b>") && !strstr(text, "</b>"), "raw HTML: %s", text);
    const char *keys = "| --- | --- | --- | --- | --- | --- |";
    const char *row = strstr(text, keys);
    ck_assert_msg(row != NULL, "no table of keys: %s", text);
    row += strlen(keys);
    char cells[8][256];
    int nc = md_row_cells(row + 1, cells, 8);
    ck_assert_msg(nc == 6, "%d cells in the row: %s", nc, row + 1);
    /* what verify's text line shows: the newline as \n */
    ck_assert_str_eq(cells[0], " _vectors/a|<b>bold</b>`code`*em*\\n|.lhv1 ");
    ck_assert_str_eq(cells[2], " bad-format ");
}
END_TEST

/* Loopback only unless --allow-remote; bad options are usage errors. */
START_TEST(serve_refuses_remote_and_bad_options)
{
    const lhv1_buf *out;
    const char *remote[] = {"serve", "--listen", "0.0.0.0:0", NULL};
    ck_assert_int_eq(run_cli(remote, &out), 2);
    static const char *const bad[][4] = {
        {"serve", "--listen", "127.0.0.1", NULL}, {"serve", "--max-body", "0", NULL},
        {"serve", "--auth", "nocolon", NULL}, {"serve", "--plan", "no-such-plan.json", NULL},
        {"serve", "--seed", "-1", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(run_cli(bad[i], &out) == 2, "%s %s", bad[i][1], bad[i][2]);
}
END_TEST

Suite *suite_client(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("client");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, contract_and_pages);
    tcase_add_test(tc, only_nosuchkey_is_not_found);
    tcase_add_test(tc, signed_with_curl_sigv4);
    tcase_add_test(tc, verify_dump_scan);
    tcase_add_test(tc, scan_markdown_cells_hold_hostile_keys);
    tcase_add_test(tc, serve_refuses_remote_and_bad_options);
    suite_add_tcase(s, tc);
    return s;
}
