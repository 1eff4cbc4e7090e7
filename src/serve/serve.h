/* `lhv1 serve`: an S3-compatible HTTP server (path-style subset) over a
 * liblhv1 store, built on libmicrohttpd, with faults injected from a plan
 * and an admin API (docs/FAULTS.md). Test machinery: linked into the CLI,
 * never into liblhv1.
 *
 * This header is the bottom of the server's files: the state of a server,
 * a request and a reply, and the helpers every handler uses (reply.c,
 * request.c, s3_xml.c). It includes none of the others; server.h starts
 * and stops a server. */
#ifndef LHV1_SERVE_H
#define LHV1_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lhv1/bytes.h"
#include "serve_limits.h"
#include "lhv1/store.h"

struct MHD_Connection;
struct conn_guard;
struct http_faults;
struct request_gate;
struct serve_transport;
struct sigv4_verified;

/* Prints "<who>: <subject>: <what>" (subject and what untrusted). */
typedef void (*serve_report_fn)(const char *who, const char *subject, const char *what);

typedef struct serve_config {
    char host[64];
    unsigned port;
    const char *root;       /* file store directory, or NULL for memory */
    const char *upstream;   /* proxy mode: an S3 server's URL, or NULL */
    const char *plan;       /* fault plan file, or NULL */
    uint64_t seed;
    int allow_remote;
    const char *auth_key;   /* SigV4 verification when both are set */
    const char *auth_secret;
    uint64_t max_body;
    unsigned idle_timeout;  /* seconds a connection may stay silent */
    serve_limits lim;       /* the security flags (serve_limits.h) */
} serve_config;

typedef struct serve_server {
    serve_config cfg;
    lhv1_store *store;       /* the backend: memory or file store */
    lhv1_store *faulty;      /* the fault store over it: every object operation */
    pthread_mutex_t lock;    /* one store operation (or admin action) at a time */
    time_t started;
    char started_http[40];   /* `started` as an HTTP date (Last-Modified) */
    char **buckets;          /* known bucket names, cached from the store */
    size_t n_buckets;
    uint64_t request_no;     /* atomic */
    struct http_faults *faults;
    struct object_meta *meta; /* sizes and ETags kept at PUT (object_meta.h) */
    struct conn_guard *guard; /* connection deadlines, caps, body budget */
    struct serve_transport *transport; /* the HTTP side while it runs (transport.h) */
    serve_report_fn report;  /* says what went wrong with an argument */
    int root_fd;             /* the file backend's root, locked; -1 */
    int stopping;            /* atomic; 1 from the stop on: upstream transfers
                              * end, queued requests are answered 503 */
} serve_server;

/* The most the event thread serves inline, about half a millisecond of
 * work each: a PUT body it hashes (MD5 and checksums, some 1.5 ns a
 * byte), an object a GET copies (some 0.1 ns a byte). Larger ones go to
 * a worker thread, and so does every request that would hash a stored
 * object or wait on a disk or a network (the file and proxy backends,
 * every listing): the event thread never blocks on them. */
#define SERVE_OFFLOAD_MIN ((size_t)256 << 10)
#define SERVE_GET_INLINE_MAX ((size_t)4 << 20)

/* One HTTP request, raw path and decoded parts. */
typedef struct serve_request {
    serve_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *raw_url;     /* the path as sent, percent-escapes intact */
    const char *raw_query;   /* the text after '?' as sent, or NULL */
    char bucket[64];         /* decoded; empty for the service root */
    lhv1_buf key;            /* decoded object key (may hold any byte) */
    int has_key;             /* a "/" followed the bucket */
    lhv1_buf body;           /* the raw request body (owned; a PUT may move it) */
    uint64_t id;
    const struct sigv4_verified *auth; /* signed headers verified, or NULL */
    int on_worker;           /* routed on a worker thread, not the event thread */
    int payload_checked;     /* x-amz-content-sha256 checked (before an offload) */
    struct request_gate *gate; /* its share of the in-flight budget (request_gate.h) */
} serve_request;

/* What the handler answers; deliver.c sends it (or misbehaves on purpose). */
#define SERVE_MAX_HEADERS 16
typedef struct serve_reply {
    int status;
    lhv1_buf body;
    size_t n_headers;
    char header_name[SERVE_MAX_HEADERS][48];
    char header_value[SERVE_MAX_HEADERS][160];
    /* HTTP-level faults */
    int reset;               /* close with RST before the status line */
    int64_t cut_at;          /* >= 0: send this many body bytes, then close */
    uint64_t delay_ms;       /* sleep before answering */
    int offload;             /* nothing done: a worker routes it again (below) */
    uint64_t reserved;       /* in-flight budget taken for the body already */
    lhv1_buf long_headers;   /* "name\0value\0" pairs: values of any length */
} serve_reply;

/* serve_reply.offload. A listing's time grows with its bucket (it may
 * hash every object it lists, or read each from the upstream), so
 * listings take at most half of the workers and other work never queues
 * behind them (worker_pool.h). */
enum { SERVE_INLINE = 0, SERVE_OFFLOAD = 1, SERVE_OFFLOAD_LISTING = 2 };

void serve_reply_init(serve_reply *r);
void serve_reply_free(serve_reply *r);
void serve_reply_header(serve_reply *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A header whose value may be longer than header_value holds (an
 * object's stored headers): sent after the others; -1 out of memory. */
int serve_reply_long_header(serve_reply *r, const char *name, const char *value);
/* An S3 XML error: status, code, message (resource and request id added). */
void serve_reply_error(serve_reply *r, const serve_request *q, int status,
                       const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Out of memory while serving: 503 SlowDown "<what>: out of memory" with
 * Retry-After (a client retries; a later request may find memory), and a
 * line on stderr. */
void serve_reply_oom(serve_reply *r, const serve_request *q, const char *what);
/* A store error as an S3 reply (reply.c): NOT_FOUND is NoSuchKey 404, INVALID_KEY a
 * 400 (409 KeyConflict for a key and its path prefix, which the file
 * store cannot hold both of), FAILED its status with InternalError
 * (SlowDown for a 503). */
void serve_store_error(serve_request *q, serve_reply *r, const lhv1_store_err *err);

/* A decoded query argument (first occurrence) into out; 1 found, 0 absent,
 * -1 too long for out. NUL bytes in values are reported as -1 too. */
int serve_query(const serve_request *q, const char *name, char *out, size_t out_len);
/* A request header (any case) or NULL. */
const char *serve_header(const serve_request *q, const char *name);
/* Checks every query argument name against a NULL-terminated allow-list;
 * on an unknown one fills an InvalidArgument 400 and returns -1. */
int serve_query_allowed(const serve_request *q, serve_reply *r, const char *const *allowed);

/* S3's rules for an object key (the bytes after the bucket), checked
 * once for every backend: 1 to SERVE_KEY_MAX bytes of UTF-8 without NUL
 * (no listing, continuation token or marker could carry it back). Nothing
 * else: keys are names, not paths ("a/../b", "d//e" and "folder/" are
 * keys like any other), and what a backend cannot keep it refuses itself
 * (the file store's path rules, docs/SECURITY.md). */
#define SERVE_KEY_MAX 1024
enum { SERVE_KEY_EMPTY = 1, SERVE_KEY_TOO_LONG, SERVE_KEY_NOT_UTF8, SERVE_KEY_NUL };
/* 0, or which rule the key breaks. */
int serve_key_rule(lhv1_bytes key);
/* serve_key_rule answered as S3 answers: 0, or -1 with r filled (400
 * KeyTooLongError; 400 InvalidURI for bytes that are not UTF-8; 400
 * InvalidArgument for no key or a NUL). */
int serve_key_check(const serve_request *q, serve_reply *r, lhv1_bytes key);

/* Percent-decodes s[0:n] into out (any byte, NUL included); -1 on a bad
 * escape, -2 when out ran out of memory. */
int serve_unescape(const char *s, size_t n, lhv1_buf *out);

/* The bucket names served, S3's rules: 3 to 63 of [a-z0-9.-], each
 * dot-separated label starting and ending with a letter or digit, not an
 * IP address, no reserved prefix (xn--, ...) or suffix (-s3alias, ...).
 * 1 if s[0:n] is one (bucket_name.c). */
int serve_bucket_name_ok(const uint8_t *s, size_t n);

/* Says "<who>: <subject>: <what>" through the server's reporter, which
 * escapes the untrusted subject and what (report.c). */
void serve_report(const serve_server *s, const char *who, const char *subject,
                  const char *what);

/* XML helpers (s3_xml.c). */
void xml_escape(lhv1_buf *b, const uint8_t *s, size_t n);
void xml_url_escape(lhv1_buf *b, const uint8_t *s, size_t n);
/* <tag>s</tag>, s escaped, URL-encoded first when `url` (a listing's
 * encoding-type=url). */
void xml_element(lhv1_buf *b, const char *tag, int url, const uint8_t *s, size_t n);
void xml_time(lhv1_buf *b, time_t t);
void http_time(char *out, size_t n, time_t t);

#endif
