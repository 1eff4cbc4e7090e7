/* The admin API on /_lhv1/ (docs/FAULTS.md): fault rules, the decision
 * log, resetting the store. Who may call it is decided before the body is
 * read (request_gate.c, docs/SECURITY.md). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "http_faults.h"
#include "object_meta.h"
#include "s3_handlers.h"
#include "upstream.h"

static void json_reply(serve_reply *r, cJSON *j)
{
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    if (text) {
        lhv1_buf_puts(&r->body, text);
        lhv1_buf_putc(&r->body, '\n');
        free(text);
    }
    cJSON_Delete(j);
    serve_reply_header(r, "Content-Type", "application/json");
}

/* Deletes every key of the server's own backend. */
static int empty_store(lhv1_store *st, lhv1_store_err *err)
{
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    if (lhv1_store_list(st, (lhv1_bytes){(const uint8_t *)"", 0}, &l, err) < 0) {
        lhv1_key_list_free(&l);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++)
        rc = lhv1_store_del(st, l.keys[i], err);
    lhv1_key_list_free(&l);
    return rc;
}

/* Empties the backend (a proxy's: only what it created) and forgets the
 * fault store's history. */
static int reset_store(serve_server *s, lhv1_store_err *err)
{
    object_meta_clear(s->meta); /* first: a failure below may have deleted some keys */
    int rc = s->cfg.upstream ? serve_upstream_reset(s->store, err) : empty_store(s->store, err);
    if (rc < 0)
        return -1;
    lhv1_fault_config cfg = {0};
    cfg.history_max = 8;
    cfg.no_log = 1;
    lhv1_store *f = lhv1_fault_store_new(s->store, &cfg);
    if (!f)
        return lhv1_store_oom(err, "reset");
    serve_upstream_quiesce(s->store); /* no operation left inside the old one */
    lhv1_store_destroy(s->faulty);
    s->faulty = f;
    /* A proxy's upstream may keep buckets it did not create. */
    if (serve_buckets_load(s) < 0)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "cannot list the buckets");
    http_faults_restart(s->faults);
    return 0;
}

void serve_admin(serve_request *q, serve_reply *r)
{
    serve_server *s = q->srv;
    const char *path = q->raw_url + 7; /* after "/_lhv1/" */
    size_t plen = strcspn(path, "?");
    const char *m = q->method;
#define IS(p) (plen == strlen(p) && !strncmp(path, p, plen))
    if (IS("health") && !strcmp(m, "GET")) {
        lhv1_buf_puts(&r->body, "ok\n");
        serve_reply_header(r, "Content-Type", "text/plain");
    } else if (!q->on_worker && IS("rules") && !strcmp(m, "POST")) {
        /* Parsing a rule document (up to 1 MiB: about 17 ms of cJSON)
         * would hold every other connection: a worker does it, the lock
         * taken only to add what it parsed. */
        r->offload = SERVE_OFFLOAD;
    } else if (!q->on_worker && !lhv1_is_memory_store(s->store)) {
        /* The rest takes the server lock, which a worker may hold through
         * disk or upstream I/O (and reset does such I/O itself). */
        r->offload = SERVE_OFFLOAD;
    } else if (IS("rules") && !strcmp(m, "GET")) {
        pthread_mutex_lock(&s->lock);
        cJSON *j = http_faults_rules_json(s->faults);
        pthread_mutex_unlock(&s->lock);
        json_reply(r, j);
    } else if (IS("rules") && !strcmp(m, "POST")) {
        cJSON *j = http_faults_parse((const char *)q->body.data, q->body.len);
        if (!j) {
            serve_reply_error(r, q, 400, "MalformedJSON", "the body is not one JSON document");
            return;
        }
        char why[256];
        pthread_mutex_lock(&s->lock);
        int n = http_faults_add_json(s->faults, j, why, sizeof why);
        pthread_mutex_unlock(&s->lock);
        cJSON_Delete(j);
        if (n < 0 && !strcmp(why, "out of memory")) {
            serve_reply_oom(r, q, "fault rules");
            return;
        }
        if (n < 0) {
            serve_reply_error(r, q, 400, "InvalidRule", "%s", why);
            return;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "added", n);
        json_reply(r, o);
    } else if (IS("rules") && !strcmp(m, "DELETE")) {
        pthread_mutex_lock(&s->lock);
        http_faults_clear(s->faults);
        pthread_mutex_unlock(&s->lock);
        r->status = 204;
    } else if (IS("log") && !strcmp(m, "GET")) {
        pthread_mutex_lock(&s->lock);
        http_faults_log_text(s->faults, &r->body);
        pthread_mutex_unlock(&s->lock);
        serve_reply_header(r, "Content-Type", "application/x-ndjson");
    } else if (IS("reset") && !strcmp(m, "POST")) {
        lhv1_store_err err;
        pthread_mutex_lock(&s->lock);
        int rc = reset_store(s, &err);
        pthread_mutex_unlock(&s->lock);
        if (rc < 0)
            serve_store_error(q, r, &err);
        else
            r->status = 204;
    } else {
        serve_reply_error(r, q, 404, "NoSuchAdminEndpoint",
                          "admin API: GET health, GET/POST/DELETE rules, GET log, POST reset");
    }
#undef IS
}
