/* lhv1 campaign --two-writers: the workload over the memory store and over
 * a `lhv1 serve` child (started as `--http` starts it, reset through its
 * admin API before each plan), each writer with its own S3 client store.
 * Fails when a result breaks the rules of twowriters_test.go, when the
 * two stores give different tables, or when the table differs from the Go
 * workload's (--expect). */
#include "campaign_two_writers.h"

#include <stdlib.h>
#include <string.h>

#include "campaign_http.h"
#include "lhv1testing/two_writers.h"
#include "s3_store.h"

/* Per request: well above a loopback round trip. */
#define TIMEOUT_MS 10000

typedef struct serve_stores {
    campaign_http *server;
    lhv1_campaign_store_hook hook;
} serve_stores;

static int serve_reset(void *ctx, char *why, size_t why_len)
{
    serve_stores *s = ctx;
    lhv1_fault_config none = {0}; /* no fault armed: an empty bucket */
    lhv1_store *st = s->hook.open(s->hook.ctx, &none);
    if (!st) {
        snprintf(why, why_len, "lhv1 serve: reset failed");
        return -1;
    }
    s->hook.close(s->hook.ctx, st);
    return 0;
}

static lhv1_store *serve_open(void *ctx, char *why, size_t why_len)
{
    serve_stores *s = ctx;
    lhv1_s3_config sc = {0};
    sc.endpoint = campaign_http_url(s->server);
    sc.bucket = "campaign";
    sc.timeout_ms = TIMEOUT_MS;
    lhv1_store_err err;
    lhv1_store *st = lhv1_s3_store_new(&sc, &err);
    if (!st)
        snprintf(why, why_len, "S3 client store: %s", err.body);
    return st;
}

static void serve_close(void *ctx, lhv1_store *st)
{
    (void)ctx;
    lhv1_store_destroy(st);
}

/* The plan rows of `a` that differ from `b`'s, on stderr. */
static int differ(const cJSON *a, const char *an, const cJSON *b, const char *bn)
{
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b), bad = 0;
    if (na != nb) {
        fprintf(stderr, "two writers: %s has %d plans, %s %d\n", an, na, bn, nb);
        return 1;
    }
    for (int i = 0; i < na; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i), *y = cJSON_GetArrayItem(b, i);
        if (cJSON_Compare(x, y, 1))
            continue;
        char *xs = cJSON_PrintUnformatted(x), *ys = cJSON_PrintUnformatted(y);
        fprintf(stderr, "two writers: plan %d differs\n  %s: %s\n  %s: %s\n", i + 1, an,
                xs ? xs : "?", bn, ys ? ys : "?");
        free(xs);
        free(ys);
        bad = 1;
    }
    return bad;
}

static int judge(const cJSON *rows, const char *where)
{
    lhv1_buf problems;
    lhv1_buf_init(&problems);
    size_t n = lhv1_tw_judge(rows, &problems);
    if (n)
        fprintf(stderr, "two writers (%s): %zu checks failed:\n%.*s", where, n,
                (int)problems.len, problems.data ? (const char *)problems.data : "");
    lhv1_buf_free(&problems);
    return n != 0;
}

int campaign_two_writers(const char *text, size_t len, const cJSON *want, FILE *progress,
                         lhv1_buf *md, lhv1_buf *json)
{
    lhv1_tw_plans plans;
    char why[512];
    if (lhv1_tw_plans_parse(text, len, &plans, why, sizeof why) < 0) {
        fprintf(stderr, "lhv1 campaign: --two-writers: %s\n", why);
        return -1;
    }
    lhv1_tw_stores mem;
    cJSON *mem_rows = NULL, *serve_rows = NULL;
    if (lhv1_tw_memory_stores(&mem) == 0) {
        mem_rows = lhv1_tw_run(&plans, &mem, progress, why, sizeof why);
        lhv1_tw_memory_stores_free(&mem);
    } else {
        snprintf(why, sizeof why, "out of memory");
    }
    serve_stores ss = {0};
    if (mem_rows) {
        /* The server is this very program's `serve`. */
        ss.server = campaign_http_start("/proc/self/exe", &ss.hook, why, sizeof why);
        lhv1_tw_stores serve = {"lhv1 serve", &ss, serve_reset, serve_open, serve_close};
        if (ss.server)
            serve_rows = lhv1_tw_run(&plans, &serve, progress, why, sizeof why);
        if (ss.server && campaign_http_stop(ss.server) < 0 && serve_rows) {
            snprintf(why, sizeof why, "lhv1 serve did not exit cleanly");
            cJSON_Delete(serve_rows);
            serve_rows = NULL;
        }
    }
    lhv1_tw_plans_free(&plans);
    if (!serve_rows) {
        fprintf(stderr, "lhv1 campaign: --two-writers could not run: %s\n", why);
        cJSON_Delete(mem_rows);
        return -1;
    }

    int bad = judge(serve_rows, "lhv1 serve") | judge(mem_rows, "memory store");
    bad |= differ(mem_rows, "memory store", serve_rows, "lhv1 serve");
    if (want)
        bad |= differ(serve_rows, "C", want, "Go");

    char *js = cJSON_Print(serve_rows);
    int rc = bad ? 1 : 0;
    if (!js || lhv1_tw_markdown(serve_rows, "`lhv1 serve` (memory backend)", md) < 0 ||
        lhv1_buf_printf(md, "\nOver the memory store: %s.%s\n",
                        cJSON_Compare(mem_rows, serve_rows, 1) ? "the same table"
                                                               : "**a different table**",
                        !want                                    ? ""
                        : cJSON_Compare(serve_rows, want, 1) ? " The Go workload's table: the same."
                                                             : " The Go workload's table: "
                                                               "**different**.") < 0 ||
        lhv1_buf_puts(json, js) < 0 || lhv1_buf_putc(json, '\n') < 0) {
        fputs("lhv1 campaign: out of memory: no report\n", stderr);
        rc = -1;
    }
    free(js);
    cJSON_Delete(mem_rows);
    cJSON_Delete(serve_rows);
    return rc;
}
