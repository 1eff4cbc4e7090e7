/* lhv1 scan --endpoint URL BUCKET: verifies every object under _vectors/
 * of a bucket through the S3 client store, what an operator runs before
 * rolling out a new reader. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "s3_store.h"
#include "lhv1/index.h"
#include "lhv1testing/markdown.h"

static const char help[] =
    "usage: lhv1 scan --endpoint URL [--prefix P] [--json FILE] [--markdown FILE]\n"
    "                 [--max-keys N] [--max-object-size BYTES] [--listing-timeout S]\n"
    "                 [--quiet] BUCKET\n"
    "Lists the keys under P (default _vectors/) of BUCKET at the S3 endpoint,\n"
    "reads and verifies each object: verdict, reason, offset, message and what\n"
    "the Go loader is predicted to do. A progress line goes to stderr; the\n"
    "report (one line per object, then the totals) to stdout, and as JSON and\n"
    "Markdown to the files given. Credentials from AWS_ACCESS_KEY_ID and\n"
    "AWS_SECRET_ACCESS_KEY when set.\n"
    "Bounds: a listing of more than N keys (default 100000) fails, so does one\n"
    "that repeats a continuation token or a key, or that is not complete after\n"
    "S seconds (default 600; each page's request also within 30 s); an object\n"
    "of more than BYTES (default 1073741824; S3 objects reach 5368709120) is a\n"
    "store-error. A listed\n"
    "key outside P, or holding a NUL byte, is reported as a store-error, not\n"
    "read. Keys are escaped (README, Output escaping).\n"
    "Exit: 0 every object ok, 1 any not ok, 2 usage error, the listing failed or\n"
    "out of memory ('out of memory: no verdict' on stderr).\n";

#define OOM "out of memory: no verdict"

typedef struct result {
    lhv1_bytes key;
    const char *not_read; /* why the key is reported without being read, or NULL */
    size_t size;
    lhv1_status st;
    lhv1_go go;
} result;

/* "_vectors/<name>.lhv1" names its index; the loader checks params.name.
 * key holds no NUL (those are not read). *name NULL when the key names
 * none; -1 when out of memory. */
static int index_name(const char *key, const char *prefix, char **name)
{
    size_t pl = strlen(prefix), kl = strlen(key);
    *name = NULL;
    if (strncmp(key, prefix, pl) || kl < pl + 6 || strcmp(key + kl - 5, ".lhv1") ||
        strchr(key + pl, '/'))
        return 0;
    size_t n = kl - pl - 5;
    if (!(*name = lhv1_malloc(n + 1)))
        return -1;
    memcpy(*name, key + pl, n);
    (*name)[n] = 0;
    return 0;
}

static void store_status(lhv1_status *st, const lhv1_store_err *err)
{
    lhv1_reason r = err->kind == LHV1_STORE_NOT_FOUND       ? LHV1_R_KEY_MISSING
                    : err->kind == LHV1_STORE_OUT_OF_MEMORY ? LHV1_R_OUT_OF_MEMORY
                                                            : LHV1_R_STORE_FAILED;
    lhv1_fail(st, r, -1, "%s", err->body);
}

static void scan_one(lhv1_store *s, const char *prefix, result *r)
{
    r->go = LHV1_GO_ERROR;
    if (r->not_read) {
        lhv1_fail(&r->st, LHV1_R_STORE_FAILED, -1, "%s", r->not_read);
        return;
    }
    lhv1_buf body;
    lhv1_buf_init(&body);
    lhv1_store_err err;
    if (lhv1_store_get(s, r->key, &body, &err) < 0) {
        store_status(&r->st, &err);
        lhv1_buf_free(&body);
        return;
    }
    r->size = body.len;
    char *name;
    if (index_name((const char *)r->key.data, prefix, &name) < 0) {
        lhv1_fail(&r->st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory: the index name");
        lhv1_buf_free(&body);
        return;
    }
    lhv1_index idx;
    lhv1_index_load_any(body.data ? body.data : (const uint8_t *)"", body.len, name, &idx, NULL,
                        &r->st);
    lhv1_index_free(&idx);
    r->go = lhv1_predict_go(body.data ? body.data : (const uint8_t *)"", body.len, NULL, 0);
    lhv1_free(name);
    lhv1_buf_free(&body);
}

/* The JSON report is built with cJSON, each of whose calls can fail for
 * lack of memory: the builder remembers the first failure, so no report
 * with a field missing is ever written. */
typedef struct json_builder {
    int oom;
} json_builder;

/* item added to o under field (an array's element when field is NULL). */
static cJSON *add(json_builder *jb, cJSON *o, const char *field, cJSON *item)
{
    if (!o || !item || !(field ? cJSON_AddItemToObject(o, field, item)
                               : cJSON_AddItemToArray(o, item))) {
        cJSON_Delete(item);
        jb->oom = 1;
        return NULL;
    }
    return item;
}

/* A JSON value of arbitrary bytes: a string, or {"hex":...} when not UTF-8. */
static void add_bytes(json_builder *jb, cJSON *o, const char *field, const void *data, size_t n)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    cli_json(&b, data, n);
    lhv1_buf_putc(&b, 0);
    add(jb, o, field, b.failed ? NULL : cJSON_CreateRaw((char *)b.data));
    lhv1_buf_free(&b);
}

/* 0, -1 after an error message, or -2 when out of memory (nothing said). */
static int write_json(const char *path, const char *endpoint, const char *bucket,
                      const char *prefix, const result *rs, size_t n, const size_t *counts)
{
    json_builder jb = {0};
    cJSON *o = cJSON_CreateObject();
    add_bytes(&jb, o, "endpoint", endpoint, strlen(endpoint));
    add_bytes(&jb, o, "bucket", bucket, strlen(bucket));
    add_bytes(&jb, o, "prefix", prefix, strlen(prefix));
    add(&jb, o, "objects", cJSON_CreateNumber((double)n));
    cJSON *c = add(&jb, o, "verdicts", cJSON_CreateObject());
    for (int v = 0; v < LHV1_VERDICT_COUNT; v++)
        add(&jb, c, lhv1_verdict_name((lhv1_verdict)v), cJSON_CreateNumber((double)counts[v]));
    cJSON *arr = add(&jb, o, "results", cJSON_CreateArray());
    for (size_t i = 0; i < n && !jb.oom; i++) {
        cJSON *r = add(&jb, arr, NULL, cJSON_CreateObject());
        add_bytes(&jb, r, "key", rs[i].key.data, rs[i].key.len);
        add(&jb, r, "read", cJSON_CreateBool(!rs[i].not_read));
        add(&jb, r, "size", cJSON_CreateNumber((double)rs[i].size));
        add(&jb, r, "verdict", cJSON_CreateString(lhv1_verdict_name(rs[i].st.verdict)));
        add(&jb, r, "reason", cJSON_CreateString(lhv1_reason_code(rs[i].st.reason)));
        add(&jb, r, "offset", cJSON_CreateNumber((double)rs[i].st.offset));
        add_bytes(&jb, r, "message", rs[i].st.message, strlen(rs[i].st.message));
        add(&jb, r, "go", cJSON_CreateString(lhv1_go_name(rs[i].go)));
    }
    char *text = jb.oom ? NULL : cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return -2;
    int rc = cli_write_file(path, (const uint8_t *)text, strlen(text));
    cJSON_free(text);
    return rc;
}

/* Markdown cells: the text escaping (no byte moves the terminal or ends
 * the line), then Markdown's (no byte opens a cell or becomes HTML), so a
 * rendered cell reads as the text line does. The buffer's failure is
 * sticky: out of memory anywhere is -2, nothing written. */
static void md_cell(lhv1_buf *b, const void *s, size_t n)
{
    lhv1_buf text;
    lhv1_buf_init(&text);
    cli_text_buf(&text, s, n, NULL);
    if (text.failed)
        b->failed = 1;
    else
        lhv1_md_text(b, text.data, text.len);
    lhv1_buf_free(&text);
}

static int write_markdown(const char *path, const char *bucket, const char *prefix,
                          const result *rs, size_t n, const size_t *counts)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_buf_puts(&b, "# lhv1 scan: ");
    md_cell(&b, bucket, strlen(bucket));
    lhv1_buf_putc(&b, '/');
    md_cell(&b, prefix, strlen(prefix));
    lhv1_buf_printf(&b, "\n\n%zu objects.\n\n| verdict | objects |\n| --- | --- |\n", n);
    for (int v = 0; v < LHV1_VERDICT_COUNT; v++)
        if (counts[v])
            lhv1_buf_printf(&b, "| %s | %zu |\n", lhv1_verdict_name((lhv1_verdict)v), counts[v]);
    lhv1_buf_puts(&b, "\n| key | size | verdict | reason | Go predicted | message |\n"
                      "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++) {
        lhv1_buf_puts(&b, "| ");
        md_cell(&b, rs[i].key.data, rs[i].key.len);
        lhv1_buf_printf(&b, " | %zu | %s | %s | %s | ", rs[i].size,
                        lhv1_verdict_name(rs[i].st.verdict),
                        rs[i].st.verdict == LHV1_OK ? "" : lhv1_reason_code(rs[i].st.reason),
                        lhv1_go_name(rs[i].go));
        md_cell(&b, rs[i].st.message, strlen(rs[i].st.message));
        lhv1_buf_puts(&b, " |\n");
    }
    int rc = b.failed ? -2 : cli_write_file(path, b.data, b.len);
    lhv1_buf_free(&b);
    return rc;
}

static int by_key(const void *a, const void *b)
{
    return lhv1_bytes_cmp(((const result *)a)->key, ((const result *)b)->key);
}

/* Every listed key as a result, in key order: the ones under the prefix to
 * read, except those holding NUL; those outside it reported unread. */
static result *results_of(const lhv1_key_list *keys, const lhv1_key_list *outside, size_t *n)
{
    *n = keys->n + outside->n;
    result *rs = lhv1_calloc(*n ? *n : 1, sizeof *rs);
    if (!rs)
        return NULL;
    for (size_t i = 0; i < *n; i++) {
        result *r = &rs[i];
        r->key = i < keys->n ? keys->keys[i] : outside->keys[i - keys->n];
        if (i >= keys->n)
            r->not_read = "listed for the prefix but outside it: not read";
        else if (memchr(r->key.data, 0, r->key.len))
            r->not_read = "the key holds a NUL byte: not read (no index name liblhv1 loads does)";
    }
    qsort(rs, *n, sizeof *rs, by_key);
    return rs;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"endpoint", required_argument, NULL, 'e'},
        {"prefix", required_argument, NULL, 'p'},
        {"json", required_argument, NULL, 'j'},
        {"markdown", required_argument, NULL, 'M'},
        {"max-keys", required_argument, NULL, 'k'},
        {"max-object-size", required_argument, NULL, 'm'},
        {"listing-timeout", required_argument, NULL, 'L'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *endpoint = NULL, *prefix = "_vectors/", *json = NULL, *md = NULL;
    uint64_t max_keys = LHV1_S3_MAX_KEYS_DEFAULT;
    uint64_t listing_s = LHV1_S3_LISTING_TIMEOUT_DEFAULT / 1000;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'e': endpoint = optarg; break;
        case 'p': prefix = optarg; break;
        case 'j': json = optarg; break;
        case 'M': md = optarg; break;
        case 'q': quiet = 1; break;
        case 'k':
            if (cli_parse_count("--max-keys", optarg, &max_keys) < 0 || max_keys > SIZE_MAX / 2)
                return EXIT_USAGE;
            break;
        case 'm':
            if (cli_parse_count("--max-object-size", optarg, &cli_max_object) < 0)
                return EXIT_USAGE;
            break;
        case 'L':
            if (cli_parse_count("--listing-timeout", optarg, &listing_s) < 0 ||
                listing_s > 10000000)
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("scan", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (!endpoint || optind != argc - 1) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    const char *bucket = argv[optind];
    lhv1_store_err err;
    lhv1_s3_config cfg = {.endpoint = endpoint, .bucket = bucket, .max_object = cli_max_object,
                          .max_keys = (size_t)max_keys,
                          .listing_timeout_ms = (long)listing_s * 1000};
    lhv1_store *s = lhv1_s3_store_from_env(&cfg, &err);
    if (!s) {
        cli_error_in("lhv1 scan", bucket, err.kind == LHV1_STORE_OUT_OF_MEMORY ? OOM : err.body);
        return EXIT_USAGE;
    }
    lhv1_key_list keys, outside;
    lhv1_key_list_init(&keys);
    lhv1_key_list_init(&outside);
    if (lhv1_s3_list(s, lhv1_bytes_str(prefix), &keys, &outside, &err) < 0) {
        char what[LHV1_STORE_BODY_MAX + 64];
        if (err.kind == LHV1_STORE_OUT_OF_MEMORY)
            snprintf(what, sizeof what, "listing: %s", OOM);
        else
            snprintf(what, sizeof what, "listing: %s %d %s", lhv1_store_kind_name(err.kind),
                     err.status, err.body);
        cli_error_in("lhv1 scan", bucket, what);
        lhv1_key_list_free(&keys);
        lhv1_key_list_free(&outside);
        lhv1_store_destroy(s);
        return EXIT_USAGE;
    }
    size_t n;
    result *rs = results_of(&keys, &outside, &n);
    if (!rs)
        cli_error_in("lhv1 scan", bucket, OOM);
    size_t counts[LHV1_VERDICT_COUNT] = {0}, not_ok = 0, oom = 0;
    int tty = isatty(2);
    for (size_t i = 0; rs && i < n; i++) {
        if (!quiet) {
            fprintf(stderr, "%sscan: %zu/%zu objects, %zu not ok", tty ? "\r" : "", i + 1, n,
                    not_ok);
            if (!tty)
                fputc('\n', stderr);
        }
        scan_one(s, prefix, &rs[i]);
        counts[rs[i].st.verdict]++;
        not_ok += rs[i].st.verdict != LHV1_OK;
        oom += rs[i].st.verdict == LHV1_OUT_OF_MEMORY;
    }
    if (!quiet)
        fprintf(stderr, "%sscan: %zu objects, %zu not ok\n", tty ? "\r" : "", n, not_ok);
    /* an object not judged for lack of memory leaves the scan without a verdict */
    int rc = !rs || oom ? EXIT_USAGE : not_ok ? EXIT_NOT_OK : EXIT_ALL_OK;
    if (oom)
        cli_error_in("lhv1 scan", bucket, OOM);
    for (size_t i = 0; rs && i < n; i++) {
        cli_status_line_n(stdout, rs[i].key.data, rs[i].key.len, &rs[i].st);
        if (rs[i].st.verdict != LHV1_OK && rs[i].st.verdict != LHV1_MISSING &&
            rs[i].st.verdict != LHV1_STORE_ERROR && rs[i].st.verdict != LHV1_OUT_OF_MEMORY)
            printf("  go: %s\n", lhv1_go_name(rs[i].go));
    }
    int wj = rs && json ? write_json(json, endpoint, bucket, prefix, rs, n, counts) : 0;
    int wm = rs && md ? write_markdown(md, bucket, prefix, rs, n, counts) : 0;
    if (wj == -2 || wm == -2)
        cli_error_in("lhv1 scan", wj == -2 ? json : md, OOM);
    if (wj < 0 || wm < 0)
        rc = EXIT_USAGE;
    lhv1_free(rs);
    lhv1_key_list_free(&keys);
    lhv1_key_list_free(&outside);
    lhv1_store_destroy(s);
    return rc;
}
