/* The campaign over HTTP: every case resets a `lhv1 serve` child, adds
 * the case's fault as a rule through the admin API (/_lhv1/), and hands
 * the campaign an S3 client store on it; what fired comes from the
 * server's decision log. The classification is the campaign's own
 * (campaign_run.c), so the rows compare with the in-process table. */
#include "campaign_http.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "s3_store.h"

#define BUCKET "campaign"
/* Per request: well above a loopback round trip, below ctest's timeout. */
#define TIMEOUT_MS 10000

/* The faults only HTTP has, as rows: each case is one rule, fired on the
 * nth (0..n-1) match of its operation. `proxy` is the table kind of the
 * same operation whose expected outcomes the case gets: what a 5xx of that
 * operation may do (never missing, never SILENT-WRONG). */
typedef struct http_row {
    const char *row;
    const char *kind;
    const char *op;
    const char *params; /* extra rule fields, JSON members */
    int persistent;
    unsigned n;
    lhv1_fault_kind proxy;
} http_row;

static const http_row http_rows[] = {
    {"http-body-cut get cut=100", "http-body-cut", "get", "\"cut\":100", 0, 6, LHV1_FAULT_GET_FAIL},
    {"http-body-cut get cut=100 persistent", "http-body-cut", "get", "\"cut\":100", 1, 1,
     LHV1_FAULT_GET_FAIL},
    {"http-body-cut list cut=50", "http-body-cut", "list", "\"cut\":50", 0, 1, LHV1_FAULT_LIST_FAIL},
    {"http-reset get", "http-reset", "get", NULL, 0, 6, LHV1_FAULT_GET_FAIL},
    {"http-reset get persistent", "http-reset", "get", NULL, 1, 1, LHV1_FAULT_GET_FAIL},
    {"http-reset put done", "http-reset", "put", "\"done\":true", 0, 12, LHV1_FAULT_PUT_FAIL_AFTER},
    {"http-reset put persistent", "http-reset", "put", NULL, 1, 1, LHV1_FAULT_PUT_FAIL_BEFORE},
    {"http-slowdown put", "http-slowdown", "put", "\"retry_after\":0", 0, 12,
     LHV1_FAULT_PUT_FAIL_BEFORE},
    {"http-slowdown get", "http-slowdown", "get", "\"retry_after\":0", 0, 6, LHV1_FAULT_GET_FAIL},
    {"http-404-code get NoSuchBucket", "http-404-code", "get", NULL, 0, 6, LHV1_FAULT_GET_FAIL},
    {"http-404-code get persistent", "http-404-code", "get", NULL, 1, 1, LHV1_FAULT_GET_FAIL},
    {"http-404-code delete", "http-404-code", "delete", NULL, 0, 3, LHV1_FAULT_DEL_FAIL_BEFORE},
    {"http-404-code list", "http-404-code", "list", NULL, 0, 1, LHV1_FAULT_LIST_FAIL},
};
#define N_HTTP_ROWS (sizeof http_rows / sizeof http_rows[0])

struct campaign_http {
    pid_t pid;
    char url[64];
    CURL *admin;
    lhv1_fault_kind armed; /* the case's kind, for fired() */
    int fired_known;
    uint64_t fired;
    char extra_rule[512]; /* an HTTP-only case's rule, "" for a table case */
};

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    return lhv1_buf_append(cls, p, size * n) == 0 ? size * n : 0;
}

/* One admin request; the reply body in `out` (may be NULL). Returns the
 * HTTP status, or -1 when the request failed. */
static long admin(campaign_http *h, const char *method, const char *path, const char *body,
                  lhv1_buf *out)
{
    char url[160];
    snprintf(url, sizeof url, "%s%s", h->url, path);
    lhv1_buf sink;
    lhv1_buf_init(&sink);
    CURL *c = h->admin;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    } else if (!strcmp(method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out ? out : &sink);
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    lhv1_buf_free(&sink);
    return status;
}

/* The table fault `f` as a rule (the server's JSON, docs/FAULTS.md). */
static char *rule_of(const lhv1_fault *f)
{
    const lhv1_fault_kind_info *info = lhv1_fault_kind_info_of(f->kind);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "kind", lhv1_fault_kind_name(f->kind));
    cJSON_AddNumberToObject(o, "nth", (double)f->nth);
    cJSON_AddBoolToObject(o, "persistent", f->persistent);
    if (info->torn) {
        cJSON_AddNumberToObject(o, "cut", (double)f->cut);
        cJSON_AddNumberToObject(o, "reply", f->ack ? 200 : 503);
    }
    if (f->kind == LHV1_FAULT_GET_BIT_FLIP)
        cJSON_AddNumberToObject(o, "bit", (double)f->bit);
    if (f->kind == LHV1_FAULT_GET_STALE || f->kind == LHV1_FAULT_LIST_STALE)
        cJSON_AddNumberToObject(o, "lag", (double)f->lag);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static lhv1_store *hook_open(void *ctx, const lhv1_fault_config *cfg)
{
    campaign_http *h = ctx;
    h->fired_known = 0;
    h->fired = 0;
    h->armed = LHV1_FAULT_NONE;
    if (admin(h, "DELETE", "/_lhv1/rules", NULL, NULL) != 204 ||
        admin(h, "POST", "/_lhv1/reset", NULL, NULL) != 204 ||
        admin(h, "PUT", "/" BUCKET, NULL, NULL) != 200) {
        fprintf(stderr, "campaign --http: the server's admin API failed\n");
        return NULL;
    }
    const lhv1_fault *f = cfg->n_plan ? cfg->plan : NULL;
    if (f && f->kind != LHV1_FAULT_NONE) {
        h->armed = f->kind;
        char *rule = h->extra_rule[0] ? strdup(h->extra_rule) : rule_of(f);
        lhv1_buf out;
        lhv1_buf_init(&out);
        long st = rule ? admin(h, "POST", "/_lhv1/rules", rule, &out) : -1;
        if (st != 200)
            fprintf(stderr, "campaign --http: rule %s refused: %ld %.*s\n", rule ? rule : "?", st,
                    (int)out.len, out.data ? (const char *)out.data : "");
        free(rule);
        lhv1_buf_free(&out);
        if (st != 200)
            return NULL;
    }
    lhv1_s3_config sc = {0};
    sc.endpoint = h->url;
    sc.bucket = BUCKET;
    sc.timeout_ms = TIMEOUT_MS;
    lhv1_store_err err;
    lhv1_store *s = lhv1_s3_store_new(&sc, &err);
    if (!s)
        fprintf(stderr, "campaign --http: client store: %s\n", err.body);
    return s;
}

/* The decision log's lines in which a rule fired. */
static uint64_t log_fired(campaign_http *h)
{
    lhv1_buf out;
    lhv1_buf_init(&out);
    uint64_t n = 0;
    if (admin(h, "GET", "/_lhv1/log", NULL, &out) == 200 && out.len) {
        const char *p = (const char *)out.data, *end = p + out.len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            cJSON *j = cJSON_ParseWithLength(p, len);
            const cJSON *rule = j ? cJSON_GetObjectItemCaseSensitive(j, "rule") : NULL;
            n += cJSON_IsNumber(rule);
            cJSON_Delete(j);
            p += len + 1;
        }
    }
    lhv1_buf_free(&out);
    return n;
}

static uint64_t hook_fired(void *ctx, lhv1_store *s, lhv1_fault_kind kind)
{
    (void)s;
    campaign_http *h = ctx;
    if (kind != h->armed || kind == LHV1_FAULT_NONE)
        return 0; /* one rule per case: no other kind can fire */
    if (!h->fired_known) {
        h->fired = log_fired(h);
        h->fired_known = 1;
    }
    return h->fired;
}

static char *hook_log(void *ctx, lhv1_store *s)
{
    (void)s;
    campaign_http *h = ctx;
    lhv1_buf out;
    lhv1_buf_init(&out);
    char *text = NULL;
    if (admin(h, "GET", "/_lhv1/log", NULL, &out) == 200 && (text = malloc(out.len + 1))) {
        if (out.len)
            memcpy(text, out.data, out.len);
        text[out.len] = 0;
    }
    lhv1_buf_free(&out);
    return text;
}

static void hook_close(void *ctx, lhv1_store *s)
{
    (void)ctx;
    lhv1_store_destroy(s);
}

static void hook_extra(void *ctx, size_t i, char *row, size_t row_len, char *cls, size_t cls_len,
                       lhv1_fault *proxy)
{
    campaign_http *h = ctx;
    const http_row *r = http_rows;
    while (i >= r->n) {
        i -= r->n;
        r++;
    }
    snprintf(row, row_len, "%s", r->row);
    snprintf(cls, cls_len, "%s #%zu", r->op, i);
    memset(proxy, 0, sizeof *proxy);
    proxy->kind = r->proxy;
    proxy->nth = i;
    proxy->persistent = r->persistent;
    snprintf(h->extra_rule, sizeof h->extra_rule,
             "{\"kind\":\"%s\",\"op\":\"%s\",\"nth\":%zu,\"persistent\":%s%s%s}", r->kind, r->op,
             i, r->persistent ? "true" : "false", r->params ? "," : "", r->params ? r->params : "");
}

/* Reads the server's first line, "listening on http://127.0.0.1:PORT". */
static int read_listen_line(int fd, char *url, size_t url_len)
{
    char line[256];
    size_t len = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = 10000 - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t got = read(fd, line + len, sizeof line - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    line[len] = 0;
    int port = 0;
    if (sscanf(line, "listening on http://127.0.0.1:%d", &port) != 1 || port <= 0 ||
        port > 65535)
        return -1;
    snprintf(url, url_len, "http://127.0.0.1:%d", port);
    return 0;
}

campaign_http *campaign_http_start(const char *exe, lhv1_campaign_store_hook *hook, char *why,
                                   size_t why_len)
{
    campaign_http *h = calloc(1, sizeof *h);
    int fds[2];
    if (!h || pipe(fds) != 0) {
        snprintf(why, why_len, "%s", h ? strerror(errno) : "out of memory");
        free(h);
        return NULL;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the campaign */
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(exe, exe, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        snprintf(why, why_len, "fork: %s", strerror(errno));
        close(fds[0]);
        free(h);
        return NULL;
    }
    h->pid = pid;
    int rc = read_listen_line(fds[0], h->url, sizeof h->url);
    close(fds[0]);
    if (rc < 0 || !(h->admin = curl_easy_init())) {
        snprintf(why, why_len, "the server did not start (no \"listening on\" line)");
        campaign_http_stop(h);
        return NULL;
    }
    memset(hook, 0, sizeof *hook);
    hook->ctx = h;
    hook->open = hook_open;
    hook->fired = hook_fired;
    hook->log = hook_log;
    hook->close = hook_close;
    hook->extra = hook_extra;
    for (size_t i = 0; i < N_HTTP_ROWS; i++)
        hook->n_extra += http_rows[i].n;
    hook->skip_mix = 1; /* the mix's random faults are drawn in-process */
    return h;
}

const char *campaign_http_url(const campaign_http *h)
{
    return h->url;
}

int campaign_http_stop(campaign_http *h)
{
    if (!h)
        return 0;
    int ok = 0;
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
        int status;
        ok = waitpid(h->pid, &status, 0) == h->pid && WIFEXITED(status) &&
             WEXITSTATUS(status) == 0;
    }
    if (h->admin)
        curl_easy_cleanup(h->admin);
    free(h);
    return ok ? 0 : -1;
}
