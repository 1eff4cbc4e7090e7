/* What keeps slow or many connections from locking clients out, and bodies
 * from exhausting memory (docs/SECURITY.md). libmicrohttpd closes silent
 * connections and holds hard caps (over all, per address) a little above
 * the ones below; this adds what it lacks:
 *   - a deadline for each request's header (--header-timeout), counted
 *     from the connection's start or the end of its previous reply;
 *   - a minimum average body rate (--min-body-rate), once the header
 *     deadline's time has passed since the header;
 *   - the same rate for reading replies: once a connection has spent the
 *     header deadline's time answering (its replies queued, not yet all
 *     sent), its client must have acknowledged that many bytes at that
 *     rate (a client pipelining requests and reading slowly is cut off);
 *   - when --max-connections are open, a new connection displaces the one
 *     that has waited longest for a header (slow or idle), never one whose
 *     request is under way; when its address has --max-peer-connections
 *     open, it displaces that address's own such connection, or is refused
 *     (libmicrohttpd's per-address limit refuses outright: a test process
 *     with 64 SDK clients, each keeping an idle connection, was locked
 *     out);
 *   - a budget of body bytes held over all requests (--max-inflight):
 *     a request's taken when its header announces it, a reply's while it
 *     waits to be sent.
 * A connection past a deadline is shut down (its socket, which
 * libmicrohttpd then closes); a watchdog thread checks every 250 ms. */
#ifndef LHV1_SERVE_CONN_GUARD_H
#define LHV1_SERVE_CONN_GUARD_H

#include <microhttpd.h>
#include <stdint.h>
#include <sys/socket.h>

#include "serve_limits.h"

typedef struct conn_guard conn_guard;

/* NULL when out of memory. */
conn_guard *conn_guard_new(const serve_limits *lim);
/* Starts the watchdog; 0 or -1. */
int conn_guard_start(conn_guard *g);
/* Stops the watchdog (before the daemons stop) and frees. */
void conn_guard_free(conn_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION with `g` as its closure. */
void conn_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

/* The accept policy (transport.c) asks before libmicrohttpd takes a
 * connection from `peer`: 1 take it (after displacing as above when a cap
 * is reached), 0 refuse it. One libmicrohttpd then drops after all (no
 * memory) is forgotten after a few seconds. */
int conn_guard_admit(conn_guard *g, const struct sockaddr *peer);

/* The phases of a connection's request, as the access handler sees them. */
void conn_guard_header_done(struct MHD_Connection *c);
void conn_guard_body_bytes(struct MHD_Connection *c, size_t n);
void conn_guard_body_done(struct MHD_Connection *c);
/* The connection is answered before its body was read: when
 * libmicrohttpd closes it, what still arrives is read and dropped for a
 * moment first, so that the client reads the answer instead of a reset. */
void conn_guard_linger(struct MHD_Connection *c);
/* The connection is to close in the middle of its request body (MHD_NO):
 * `bytes` (a whole reply, serve_render_reply; taken) are sent on it as it
 * closes, before it lingers as above. */
void conn_guard_parting(struct MHD_Connection *c, char *bytes, size_t len);
/* The reply is queued: its time counts toward the reply rate. */
void conn_guard_reply_queued(struct MHD_Connection *c);
void conn_guard_request_done(struct MHD_Connection *c);

/* The in-flight body budget: 0 when n more bytes fit (taken), -1 not. */
int conn_guard_budget_take(conn_guard *g, uint64_t n);
void conn_guard_budget_give(conn_guard *g, uint64_t n);

/* Connections displaced or shut down so far (for the log and tests). */
uint64_t conn_guard_closed(const conn_guard *g);

#endif
