/* A server's life (server.h). */
#include "server.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksums.h"
#include "file_root.h"
#include "http_faults.h"
#include "lhv1testing/fault_store.h"
#include "object_meta.h"
#include "s3_handlers.h"
#include "transport.h"
#include "upstream.h"

static int load_plan(serve_server *s, const uint8_t *data, size_t len)
{
    cJSON *j = http_faults_parse((const char *)data, len);
    if (!j) {
        serve_report(s, "lhv1 serve", s->cfg.plan, "not one JSON document");
        return -1;
    }
    char why[256];
    int n = http_faults_add_json(s->faults, j, why, sizeof why);
    cJSON_Delete(j);
    if (n < 0) {
        serve_report(s, "lhv1 serve", s->cfg.plan, why);
        return -1;
    }
    return 0;
}

/* The backend the options name; 0, or -1 said. */
static int open_backend(serve_server *s)
{
    lhv1_store_err err;
    if (s->cfg.upstream) {
        s->store = serve_upstream_new(s->cfg.upstream, s->cfg.max_body, &err);
        /* One ListBuckets first, so an unreachable upstream is reported
         * with its reason. */
        lhv1_key_list l;
        lhv1_key_list_init(&l);
        if (s->store && lhv1_store_list(s->store, lhv1_bytes_str("_buckets/"), &l, &err) < 0) {
            lhv1_store_destroy(s->store);
            s->store = NULL;
        }
        lhv1_key_list_free(&l);
        if (!s->store) {
            serve_report(s, "lhv1 serve: --upstream", s->cfg.upstream, err.body);
            return -1;
        }
    } else if (s->cfg.root) {
        s->store = lhv1_file_store_new(s->cfg.root, &err);
        if (!s->store) {
            serve_report(s, "lhv1 serve: --root", s->cfg.root, err.body);
            return -1;
        }
        if (serve_root_claim(s) < 0)
            return -1;
    } else {
        s->store = lhv1_memory_store_new();
        if (!s->store) {
            fprintf(stderr, "lhv1 serve: out of memory\n");
            return -1;
        }
    }
    return 0;
}

serve_server *serve_server_new(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
                               serve_report_fn report)
{
    if (serve_crypto_init() < 0) {
        fprintf(stderr, "lhv1 serve: libsodium failed to initialise\n");
        return NULL;
    }
    serve_server *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "lhv1 serve: out of memory\n");
        return NULL;
    }
    s->cfg = *cfg;
    s->report = report;
    s->root_fd = -1;
    /* Error-checking: the proxy's store asks it whether its caller holds
     * it (serve_upstream_bind). */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&s->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (open_backend(s) < 0) {
        serve_server_free(s);
        return NULL;
    }
    serve_upstream_bind(s->store, &s->lock, &s->stopping);
    s->meta = object_meta_new();
    lhv1_fault_config fcfg = {0};
    fcfg.history_max = 8;
    fcfg.no_log = 1; /* the rules' decision log is the server's log */
    s->faulty = lhv1_fault_store_new(s->store, &fcfg);
    s->faults = http_faults_new(s->cfg.seed);
    int ok = 0;
    if (!s->faulty || !s->faults || !s->meta)
        fprintf(stderr, "lhv1 serve: out of memory\n");
    else if (plan && load_plan(s, plan, plan_len) < 0)
        ; /* reported */
    else if (serve_buckets_load(s) < 0)
        fprintf(stderr, "lhv1 serve: cannot list the buckets of the store\n");
    else
        ok = 1;
    if (!ok) {
        serve_server_free(s);
        return NULL;
    }
    s->started = time(NULL);
    http_time(s->started_http, sizeof s->started_http, s->started);
    return s;
}

int serve_server_start(serve_server *s)
{
    return serve_transport_start(s);
}

const char *serve_server_host(const serve_server *s)
{
    return serve_transport_host(s);
}

unsigned serve_server_port(const serve_server *s)
{
    return serve_transport_port(s);
}

void serve_server_free(serve_server *s)
{
    if (!s)
        return;
    serve_transport_stop(s);
    serve_buckets_free(s);
    http_faults_free(s->faults);
    object_meta_free(s->meta);
    lhv1_store_destroy(s->faulty);
    lhv1_store_destroy(s->store);
    serve_root_release(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
