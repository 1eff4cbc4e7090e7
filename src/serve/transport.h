/* The transport of a server (transport.c): its listening socket, which
 * peers it takes (the accept policy: loopback only unless --allow-remote,
 * then conn_guard's caps), and libmicrohttpd's daemon with its one event
 * thread, its workers and its delay timer. All of it in the server's
 * state, so one process may run several servers. */
#ifndef LHV1_SERVE_TRANSPORT_H
#define LHV1_SERVE_TRANSPORT_H

#include "serve.h"

/* Listens on cfg.host:cfg.port (port 0: a free one) and serves until
 * serve_transport_stop. 0, or -1 said on stderr (or through the reporter
 * when it quotes an argument). */
int serve_transport_start(serve_server *s);
/* The address it listens on. */
const char *serve_transport_host(const serve_server *s);
unsigned serve_transport_port(const serve_server *s);
/* Stops taking connections, finishes the work under way (workers,
 * delays), then closes every connection. */
void serve_transport_stop(serve_server *s);

#endif
