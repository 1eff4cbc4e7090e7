/* Sending a reply as the handler (or a fault) made it (deliver.c): whole,
 * its body cut after r->cut_at bytes (then the connection closes, short of
 * its Content-Length), or no reply at all and the connection reset (RST)
 * for r->reset. A delay (r->delay_ms) is the caller's, before this. */
#ifndef LHV1_SERVE_DELIVER_H
#define LHV1_SERVE_DELIVER_H

#include <microhttpd.h>

#include "serve.h"

/* Queues the reply on the connection; r's body is taken. MHD_NO closes
 * the connection (a reset, or no memory for the reply). */
enum MHD_Result serve_deliver(struct MHD_Connection *conn, uint64_t req_id, serve_reply *r);

/* The reply as bytes on the wire (status line, headers, Connection: close,
 * body), for a connection libmicrohttpd has given up on in the middle of
 * its request body: it queues no reply then (only before the body or after
 * all of it), so the answer goes out on the socket as it closes
 * (conn_guard_parting). NULL when out of memory. */
char *serve_render_reply(uint64_t req_id, const serve_reply *r, size_t *len);

#endif
