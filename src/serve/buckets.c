/* The server's buckets (buckets.h). */
#include "buckets.h"

#include <stdlib.h>
#include <string.h>

void serve_buckets_free(serve_server *s)
{
    for (size_t i = 0; i < s->n_buckets; i++)
        free(s->buckets[i]);
    free(s->buckets);
    s->buckets = NULL;
    s->n_buckets = 0;
}

int serve_bucket_add(serve_server *s, const char *name)
{
    char **p = realloc(s->buckets, (s->n_buckets + 1) * sizeof *p);
    if (!p)
        return -1;
    s->buckets = p;
    if (!(p[s->n_buckets] = strdup(name)))
        return -1;
    s->n_buckets++;
    return 0;
}

int serve_buckets_load(serve_server *s)
{
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    /* the proxy's listing lets the lock go: the names stay until it ends */
    if (lhv1_store_list(s->store, lhv1_bytes_str(SERVE_BUCKET_MARKERS), &l, &err) < 0) {
        lhv1_key_list_free(&l);
        return -1;
    }
    serve_buckets_free(s);
    lhv1_key_list_sort(&l);
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++)
        rc = serve_bucket_add(s, (const char *)l.keys[i].data + strlen(SERVE_BUCKET_MARKERS));
    lhv1_key_list_free(&l);
    return rc;
}

int serve_bucket_exists(serve_server *s, const char *name)
{
    for (size_t i = 0; i < s->n_buckets; i++)
        if (!strcmp(s->buckets[i], name))
            return 1;
    return 0;
}

void serve_bucket_forget(serve_server *s, const char *name)
{
    for (size_t i = 0; i < s->n_buckets; i++)
        if (!strcmp(s->buckets[i], name)) {
            free(s->buckets[i]);
            s->buckets[i] = s->buckets[--s->n_buckets];
            return;
        }
}

int serve_bucket_required(serve_request *q, serve_reply *r)
{
    pthread_mutex_lock(&q->srv->lock);
    int exists = serve_bucket_exists(q->srv, q->bucket);
    pthread_mutex_unlock(&q->srv->lock);
    if (!exists)
        serve_reply_error(r, q, 404, "NoSuchBucket", "The specified bucket does not exist");
    return exists;
}
