/* A server's life (server.c): its backend (the memory store, cfg.root's
 * file store or cfg.upstream's S3 server), the fault store over it, the
 * rules of its plan, its transport. Nothing global: a process may run
 * several servers at once. */
#ifndef LHV1_SERVE_SERVER_H
#define LHV1_SERVE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "serve.h"

/* A server of `cfg` (copied) with the rules of the plan (plan[0..plan_len),
 * the JSON text of the file cfg->plan; NULL for none), not yet listening.
 * NULL after saying why on stderr (through `report` when the message
 * quotes an argument). */
serve_server *serve_server_new(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
                               serve_report_fn report);
/* Listens and serves on its own threads; 0, or -1 said as above. */
int serve_server_start(serve_server *s);
/* Where it listens, once started. */
const char *serve_server_host(const serve_server *s);
unsigned serve_server_port(const serve_server *s);
/* Stops serving (when started) and frees everything. */
void serve_server_free(serve_server *s);

#endif
