/* A server's workers and their queue (worker_pool.h). */
#include "worker_pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
    struct job *next;
    worker_fn fn;
    void *arg;
    int listing;
} job;

struct worker_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job *head, **tail;
    int stopping;
    unsigned listing_max, listings_running;
    unsigned n_threads;
    pthread_t *threads;
};

/* The oldest job a worker may take now (a listing only while fewer than
 * listing_max run), unlinked; NULL when none. Lock held. */
static job *take_job(worker_pool *p)
{
    job **pp = &p->head;
    while (*pp && (*pp)->listing && p->listings_running >= p->listing_max)
        pp = &(*pp)->next;
    job *j = *pp;
    if (!j)
        return NULL;
    *pp = j->next;
    if (p->tail == &j->next)
        p->tail = pp;
    p->listings_running += j->listing != 0;
    return j;
}

static void *worker_loop(void *arg)
{
    worker_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        job *j;
        while (!(j = take_job(p)) && !(p->stopping && !p->head))
            pthread_cond_wait(&p->wake, &p->lock);
        pthread_mutex_unlock(&p->lock);
        if (!j)
            return NULL; /* stopping, queue drained */
        j->fn(j->arg);
        if (j->listing) { /* a queued listing may start now */
            pthread_mutex_lock(&p->lock);
            p->listings_running--;
            pthread_cond_broadcast(&p->wake);
            pthread_mutex_unlock(&p->lock);
        }
        free(j);
    }
}

worker_pool *worker_pool_start(unsigned workers, unsigned listing_max)
{
    worker_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = calloc(workers, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->tail = &p->head;
    p->listing_max = listing_max;
    while (p->n_threads < workers &&
           pthread_create(&p->threads[p->n_threads], NULL, worker_loop, p) == 0)
        p->n_threads++;
    if (p->n_threads < workers) {
        worker_pool_free(p);
        return NULL;
    }
    return p;
}

int worker_pool_submit(worker_pool *p, int listing, worker_fn fn, void *arg)
{
    job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    *j = (job){NULL, fn, arg, listing};
    pthread_mutex_lock(&p->lock);
    int ok = !p->stopping;
    if (ok) {
        *p->tail = j;
        p->tail = &j->next;
        pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    if (!ok)
        free(j);
    return ok ? 0 : -1;
}

void worker_pool_stop(worker_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int was = p->stopping;
    p->stopping = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (was)
        return;
    for (unsigned i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
}

void worker_pool_free(worker_pool *p)
{
    if (!p)
        return;
    worker_pool_stop(p);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}
