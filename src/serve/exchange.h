/* One HTTP exchange, from the request line to the reply (exchange.c):
 * the gate before the body, the body collected within --max-body and the
 * in-flight budget, the route (here or on a worker), the reply sent now or
 * after its delay. libmicrohttpd's callbacks, with an `exchange` as their
 * closure. */
#ifndef LHV1_SERVE_EXCHANGE_H
#define LHV1_SERVE_EXCHANGE_H

#include <microhttpd.h>

#include "delay_timer.h"
#include "serve.h"
#include "worker_pool.h"

typedef struct exchange {
    serve_server *srv;
    delay_timer *timer;   /* resumes delayed replies */
    worker_pool *workers; /* runs what would hold the event thread */
} exchange;

/* MHD_OPTION_URI_LOG_CALLBACK: the request's context, from its target as
 * sent (what SigV4 signs). */
void *exchange_on_uri(void *cls, const char *uri, struct MHD_Connection *conn);
/* The access handler. */
enum MHD_Result exchange_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls);
/* MHD_OPTION_NOTIFY_COMPLETED. */
void exchange_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe);
/* MHD_OPTION_UNESCAPE_CALLBACK: arguments kept escaped; serve_unescape
 * decodes them and keeps NUL bytes visible. */
size_t exchange_keep_escaped(void *cls, struct MHD_Connection *c, char *s);

#endif
