/* What a request must pass when its header is complete, before one byte of
 * its body is read (docs/SECURITY.md): one Content-Length at most, a Host
 * for HTTP/1.1, an admin call from a peer allowed to make one, a valid
 * signature where credentials are configured (a signed admin body signed
 * too), a body within --max-body and within the in-flight budget
 * (--max-inflight). A refused request is
 * answered at once; libmicrohttpd then closes the connection without
 * reading the body. */
#ifndef LHV1_SERVE_REQUEST_GATE_H
#define LHV1_SERVE_REQUEST_GATE_H

#include <stdint.h>

#include "serve.h"
#include "sigv4.h"

typedef struct request_gate {
    sigv4_verified auth;  /* valid when `authed` */
    int authed;
    int has_length;       /* a Content-Length was sent */
    uint64_t length;      /* its value */
    uint64_t charged;     /* bytes of the in-flight budget held */
    uint64_t body_max;    /* --max-body, or an admin call's own bound */
} request_gate;

/* An admin call's body (rules as JSON) is at most this, whatever
 * --max-body says: it is held and parsed whole. */
#define SERVE_ADMIN_MAX_BODY ((uint64_t)1 << 20)

/* q holds srv, conn, method, raw_url, raw_query and id. 0: read the body;
 * -1: answer `r` now. */
int request_gate_check(serve_request *q, const char *version, request_gate *g,
                       serve_reply *r);

/* Takes n more bytes from the budget (a body without Content-Length as it
 * arrives, a reply while it is sent); 0 or -1 (over budget). */
int request_gate_charge(serve_server *s, request_gate *g, uint64_t n);
/* The 413 a body past g->body_max gets. */
void request_gate_too_large(const serve_request *q, const request_gate *g, serve_reply *r);
/* Gives back what the request holds of the budget. */
void request_gate_release(serve_server *s, request_gate *g);
/* Gives back n of it (at most what it holds). */
void request_gate_give(serve_server *s, request_gate *g, uint64_t n);

/* Takes n bytes of the in-flight budget (--max-inflight) for the reply
 * body about to be made, before it is (a GET's copy of its object): 0, or
 * -1 with `r` filled (503 SlowDown). Held until the request completes. */
int serve_reply_reserve(serve_request *q, serve_reply *r, uint64_t n);
/* The answer when the budget has no room for a reply: 503 SlowDown. */
void request_gate_busy_reply(const serve_request *q, serve_reply *r);

/* 1 if the peer of `conn` is on loopback (127.0.0.0/8). */
int serve_peer_is_loopback(struct MHD_Connection *conn);

/* Who may call: the credentials a path needs (the admin API's own under
 * --admin-auth), NULL key when none; and whether the path is the admin
 * API's (which only loopback peers may call, unless --admin-remote). */
void serve_credentials_for(const serve_server *s, const char *path, const char **key,
                           const char **secret);
int serve_is_admin_path(const char *path);

#endif
