/* Work off the event thread (worker_pool.c). One thread runs every
 * connection's I/O: at 1 KiB a second one costs more in wake-ups than it
 * brings (bench/serve). What would hold that thread for long runs on a
 * server's workers instead, its connection suspended meanwhile: a large
 * PUT (its MD5, its checksums), so a 1 MiB PUT+GET uses both cores, and
 * whatever a handler hands over (serve_reply's `offload`: listings, the
 * file and proxy backends' I/O).
 *
 * A listing's time grows with its bucket and a client can send as many as
 * it has connections, so listings run on at most `listing_max` workers at
 * once; the rest wait in the queue, which other work passes. */
#ifndef LHV1_SERVE_WORKER_POOL_H
#define LHV1_SERVE_WORKER_POOL_H

typedef struct worker_pool worker_pool;
typedef void (*worker_fn)(void *arg);

/* `workers` threads started; NULL when they could not be (or no memory). */
worker_pool *worker_pool_start(unsigned workers, unsigned listing_max);

/* Queues fn(arg), a listing or not; 0, or -1 when the pool is stopping
 * (the caller runs it itself). */
int worker_pool_submit(worker_pool *p, int listing, worker_fn fn, void *arg);

/* Runs what is queued, then ends the threads; later submits fail. */
void worker_pool_stop(worker_pool *p);
/* Stops (when not stopped) and frees. */
void worker_pool_free(worker_pool *p);

#endif
