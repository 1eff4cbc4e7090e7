/* A hostile S3 endpoint for the client's security tests: a thread on a free
 * loopback port that answers each request with whatever a scenario writes
 * on the raw socket (endless bodies, lying lengths, crafted listings), and
 * counts what it sent, so a test can tell how much the client read. */
#ifndef LHV1_HTTP_HOSTILE_H
#define LHV1_HTTP_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct hostile hostile;

/* One request: the method, the request target (path and query, as sent)
 * and the count of requests before it. Returns 1 to keep the connection
 * for the next request, 0 to close it. */
typedef int (*hostile_fn)(hostile *h, int fd, const char *method, const char *target,
                          void *cls);

/* Starts serving; fails the test when it cannot. */
hostile *hostile_start(hostile_fn fn, void *cls);
/* Stops the thread (after the client is gone) and frees. */
void hostile_stop(hostile *h);
/* "http://127.0.0.1:PORT" */
const char *hostile_url(const hostile *h);
/* Bytes written to clients so far, and requests answered. */
uint64_t hostile_sent(hostile *h);
int hostile_requests(hostile *h);
/* The request targets seen, one per line (a copy the caller frees). */
char *hostile_log(hostile *h);

/* Writes all of p; -1 once the client has gone (or the server stops). */
int hostile_write(hostile *h, int fd, const void *p, size_t n);
int hostile_printf(hostile *h, int fd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes `byte` until the client goes, the server stops, or `cap` bytes
 * were written; returns the bytes written. */
uint64_t hostile_flood(hostile *h, int fd, uint8_t byte, uint64_t cap);

/* A complete reply with a body and its true Content-Length. */
void hostile_reply(hostile *h, int fd, int status, const char *type, const void *body,
                   size_t n);

#endif
