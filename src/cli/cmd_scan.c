/* lhv1 scan --endpoint URL BUCKET: verifies every object under _vectors/
 * of a bucket through the S3 client store, what an operator runs before
 * rolling out a new reader. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_store.h"
#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 scan --endpoint URL [--prefix P] [--json FILE] [--markdown FILE]\n"
    "                 [--quiet] BUCKET\n"
    "Lists the keys under P (default _vectors/) of BUCKET at the S3 endpoint,\n"
    "reads and verifies each object: verdict, reason, offset, message and what\n"
    "the Go loader is predicted to do. A progress line goes to stderr; the\n"
    "report (one line per object, then the totals) to stdout, and as JSON and\n"
    "Markdown to the files given. Credentials from AWS_ACCESS_KEY_ID and\n"
    "AWS_SECRET_ACCESS_KEY when set. Exit: 0 every object ok, 1 any not ok,\n"
    "2 usage error or the listing failed.\n";

typedef struct result {
    char *key;
    size_t size;
    lhv1_status st;
    lhv1_go go;
} result;

/* "_vectors/<name>.lhv1" names its index; the loader checks params.name. */
static char *index_name(const char *key, const char *prefix)
{
    size_t pl = strlen(prefix), kl = strlen(key);
    if (strncmp(key, prefix, pl) || kl < pl + 6 || strcmp(key + kl - 5, ".lhv1") ||
        strchr(key + pl, '/'))
        return NULL;
    char *n = strndup(key + pl, kl - pl - 5);
    return n;
}

static void scan_one(lhv1_store *s, const char *prefix, result *r)
{
    lhv1_buf body;
    lhv1_buf_init(&body);
    lhv1_store_err err;
    r->go = LHV1_GO_ERROR;
    memset(&r->st, 0, sizeof r->st);
    r->st.offset = -1;
    if (lhv1_store_get(s, lhv1_bytes_str(r->key), &body, &err) < 0) {
        r->st.verdict = err.kind == LHV1_STORE_NOT_FOUND ? LHV1_MISSING : LHV1_STORE_ERROR;
        snprintf(r->st.message, sizeof r->st.message, "%s", err.body);
        lhv1_buf_free(&body);
        return;
    }
    r->size = body.len;
    char *name = index_name(r->key, prefix);
    lhv1_index idx;
    lhv1_index_load_any(body.data ? body.data : (const uint8_t *)"", body.len, name, &idx, NULL,
                        &r->st);
    lhv1_index_free(&idx);
    r->go = lhv1_predict_go(body.data ? body.data : (const uint8_t *)"", body.len, NULL, 0);
    free(name);
    lhv1_buf_free(&body);
}

static int write_json(const char *path, const char *endpoint, const char *bucket,
                      const char *prefix, const result *rs, size_t n, const size_t *counts)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "endpoint", endpoint);
    cJSON_AddStringToObject(o, "bucket", bucket);
    cJSON_AddStringToObject(o, "prefix", prefix);
    cJSON_AddNumberToObject(o, "objects", (double)n);
    cJSON *c = cJSON_AddObjectToObject(o, "verdicts");
    for (int v = 0; v < LHV1_VERDICT_COUNT; v++)
        cJSON_AddNumberToObject(c, lhv1_verdict_name((lhv1_verdict)v), (double)counts[v]);
    cJSON *arr = cJSON_AddArrayToObject(o, "results");
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "key", rs[i].key);
        cJSON_AddNumberToObject(r, "size", (double)rs[i].size);
        cJSON_AddStringToObject(r, "verdict", lhv1_verdict_name(rs[i].st.verdict));
        cJSON_AddStringToObject(r, "reason", lhv1_reason_code(rs[i].st.reason));
        cJSON_AddNumberToObject(r, "offset", (double)rs[i].st.offset);
        cJSON_AddStringToObject(r, "message", rs[i].st.message);
        cJSON_AddStringToObject(r, "go", lhv1_go_name(rs[i].go));
        cJSON_AddItemToArray(arr, r);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return -1;
    int rc = cli_write_file(path, (const uint8_t *)text, strlen(text));
    free(text);
    return rc;
}

/* Markdown cells: '|' and newlines would break the table. */
static void md_cell(lhv1_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            lhv1_buf_puts(b, "\\|");
        else if ((unsigned char)*s < 0x20)
            lhv1_buf_putc(b, ' ');
        else
            lhv1_buf_putc(b, (uint8_t)*s);
    }
}

static int write_markdown(const char *path, const char *bucket, const char *prefix,
                          const result *rs, size_t n, const size_t *counts)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_buf_printf(&b, "# lhv1 scan: %s/%s\n\n%zu objects.\n\n| verdict | objects |\n| --- | --- |\n",
                    bucket, prefix, n);
    for (int v = 0; v < LHV1_VERDICT_COUNT; v++)
        if (counts[v])
            lhv1_buf_printf(&b, "| %s | %zu |\n", lhv1_verdict_name((lhv1_verdict)v), counts[v]);
    lhv1_buf_puts(&b, "\n| key | size | verdict | reason | Go predicted | message |\n"
                      "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++) {
        lhv1_buf_puts(&b, "| ");
        md_cell(&b, rs[i].key);
        lhv1_buf_printf(&b, " | %zu | %s | %s | %s | ", rs[i].size,
                        lhv1_verdict_name(rs[i].st.verdict),
                        rs[i].st.verdict == LHV1_OK ? "" : lhv1_reason_code(rs[i].st.reason),
                        lhv1_go_name(rs[i].go));
        md_cell(&b, rs[i].st.message);
        lhv1_buf_puts(&b, " |\n");
    }
    int rc = b.failed ? -1 : cli_write_file(path, b.data, b.len);
    lhv1_buf_free(&b);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return EXIT_ALL_OK;
    }
    const char *endpoint = NULL, *bucket = NULL, *prefix = "_vectors/", *json = NULL,
               *md = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--quiet"))
            quiet = 1;
        else if (!strcmp(a, "--endpoint") && i + 1 < argc)
            endpoint = argv[++i];
        else if (!strcmp(a, "--prefix") && i + 1 < argc)
            prefix = argv[++i];
        else if (!strcmp(a, "--json") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(a, "--markdown") && i + 1 < argc)
            md = argv[++i];
        else if (!bucket && a[0] != '-')
            bucket = a;
        else {
            fputs(help, stderr);
            return EXIT_USAGE;
        }
    }
    if (!endpoint || !bucket) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    lhv1_store_err err;
    lhv1_store *s = lhv1_s3_store_from_env(endpoint, bucket, &err);
    if (!s) {
        fprintf(stderr, "lhv1 scan: %s\n", err.body);
        return EXIT_USAGE;
    }
    lhv1_key_list keys;
    lhv1_key_list_init(&keys);
    if (lhv1_store_list(s, lhv1_bytes_str(prefix), &keys, &err) < 0) {
        fprintf(stderr, "lhv1 scan: listing %s/%s: %s %d %s\n", bucket, prefix,
                lhv1_store_kind_name(err.kind), err.status, err.body);
        lhv1_key_list_free(&keys);
        lhv1_store_destroy(s);
        return EXIT_USAGE;
    }
    lhv1_key_list_sort(&keys);
    result *rs = calloc(keys.n ? keys.n : 1, sizeof *rs);
    size_t counts[LHV1_VERDICT_COUNT] = {0}, not_ok = 0;
    int tty = isatty(2);
    for (size_t i = 0; rs && i < keys.n; i++) {
        rs[i].key = (char *)keys.keys[i].data; /* NUL-terminated by the list */
        if (!quiet) {
            fprintf(stderr, "%sscan: %zu/%zu objects, %zu not ok", tty ? "\r" : "", i + 1, keys.n,
                    not_ok);
            if (!tty)
                fputc('\n', stderr);
        }
        scan_one(s, prefix, &rs[i]);
        counts[rs[i].st.verdict]++;
        not_ok += rs[i].st.verdict != LHV1_OK;
    }
    if (!quiet)
        fprintf(stderr, "%sscan: %zu objects, %zu not ok\n", tty ? "\r" : "", keys.n, not_ok);
    int rc = !rs ? EXIT_USAGE : not_ok ? EXIT_NOT_OK : EXIT_ALL_OK;
    for (size_t i = 0; rs && i < keys.n; i++) {
        cli_status_line(stdout, rs[i].key, &rs[i].st);
        if (rs[i].st.verdict != LHV1_OK && rs[i].st.verdict != LHV1_MISSING &&
            rs[i].st.verdict != LHV1_STORE_ERROR)
            printf("  go: %s\n", lhv1_go_name(rs[i].go));
    }
    if (rs && json && write_json(json, endpoint, bucket, prefix, rs, keys.n, counts) < 0)
        rc = EXIT_USAGE;
    if (rs && md && write_markdown(md, bucket, prefix, rs, keys.n, counts) < 0)
        rc = EXIT_USAGE;
    free(rs);
    lhv1_key_list_free(&keys);
    lhv1_store_destroy(s);
    return rc;
}
