/* Request routing: the admin API, ListBuckets, a bucket's or an object's
 * operation, by the path as sent (route.c). */
#ifndef LHV1_SERVE_ROUTE_H
#define LHV1_SERVE_ROUTE_H

#include "serve.h"

/* Fills q's bucket and key and `r` with the handler's answer (or with
 * r->offload set, nothing done, when a worker must run it). The body is
 * checked against its signed hash once, though a request handed to a
 * worker is routed again there. */
void serve_route(serve_request *q, serve_reply *r);

#endif
