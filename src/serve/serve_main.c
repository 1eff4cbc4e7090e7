/* The server's life (serve_main.h): backend, fault store, plan, then the
 * HTTP server until a signal; everything freed on the way out. */
#include <cjson/cJSON.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "http_faults.h"
#include "lhv1testing/fault_store.h"
#include "object_meta.h"
#include "serve_main.h"

static serve_report_fn reporter;

void serve_report(const char *who, const char *subject, const char *what)
{
    if (reporter)
        reporter(who, subject, what);
    else /* nothing to escape it with: the untrusted parts are not shown */
        fprintf(stderr, "%s: refused\n", who);
}

static int load_plan(http_faults *f, const char *path, const uint8_t *data, size_t len)
{
    cJSON *j = http_faults_parse((const char *)data, len);
    if (!j) {
        serve_report("lhv1 serve", path, "not one JSON document");
        return -1;
    }
    char why[256];
    int n = http_faults_add_json(f, j, why, sizeof why);
    cJSON_Delete(j);
    if (n < 0) {
        serve_report("lhv1 serve", path, why);
        return -1;
    }
    return 0;
}

int serve_main(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
               serve_report_fn report)
{
    reporter = report;
    serve_server s;
    memset(&s, 0, sizeof s);
    s.cfg = *cfg;
    /* Bodies are allocated and freed whole, a few MiB at a time: glibc
     * would serve each from a fresh mmap (or trim the heap after it) and
     * the server would page-fault every body in again. Keep them in the
     * heap and keep the heap. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (serve_crypto_init() < 0) {
        fprintf(stderr, "lhv1 serve: libsodium failed to initialise\n");
        return 2;
    }
    lhv1_store_err err;
    if (s.cfg.upstream) {
        s.store = serve_upstream_new(s.cfg.upstream, s.cfg.max_body, &err);
        /* One ListBuckets first, so an unreachable upstream is reported
         * with its reason. */
        lhv1_key_list l;
        lhv1_key_list_init(&l);
        if (s.store && lhv1_store_list(s.store, lhv1_bytes_str("_buckets/"), &l, &err) < 0) {
            lhv1_store_destroy(s.store);
            s.store = NULL;
        }
        lhv1_key_list_free(&l);
        if (!s.store) {
            serve_report("lhv1 serve: --upstream", s.cfg.upstream, err.body);
            return 2;
        }
    } else if (s.cfg.root) {
        s.store = lhv1_file_store_new(s.cfg.root, &err);
        if (!s.store) {
            serve_report("lhv1 serve: --root", s.cfg.root, err.body);
            return 2;
        }
        if (serve_root_claim(&s) < 0) {
            lhv1_store_destroy(s.store);
            return 2;
        }
    } else {
        s.store = lhv1_memory_store_new();
    }
    s.meta = object_meta_new();
    lhv1_fault_config fcfg = {0};
    fcfg.history_max = 8;
    fcfg.no_log = 1; /* the rules' decision log is the server's log */
    s.faulty = s.store ? lhv1_fault_store_new(s.store, &fcfg) : NULL;
    s.faults = http_faults_new(s.cfg.seed);
    int rc = 2;
    if (!s.faulty || !s.faults || !s.meta) {
        fprintf(stderr, "lhv1 serve: out of memory\n");
    } else if (plan && load_plan(s.faults, s.cfg.plan, plan, plan_len) < 0) {
        /* reported */
    } else if (serve_buckets_load(&s) < 0) {
        fprintf(stderr, "lhv1 serve: cannot list the buckets of the store\n");
    } else {
        pthread_mutex_init(&s.lock, NULL);
        s.started = time(NULL);
        http_time(s.started_http, sizeof s.started_http, s.started);
        rc = serve_run(&s);
        pthread_mutex_destroy(&s.lock);
    }
    serve_buckets_free(&s);
    http_faults_free(s.faults);
    object_meta_free(s.meta);
    lhv1_store_destroy(s.faulty);
    lhv1_store_destroy(s.store);
    return rc;
}
