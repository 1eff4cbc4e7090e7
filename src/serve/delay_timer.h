/* Latency faults without a sleeping thread (delay_timer.c): the server's
 * few threads each serve many connections, so a delayed reply's
 * connection is suspended, and one timer thread per server resumes each
 * when its delay is over, when its client has closed its side (its place
 * under the connection caps is freed), or all of them at once when the
 * server stops. */
#ifndef LHV1_SERVE_DELAY_TIMER_H
#define LHV1_SERVE_DELAY_TIMER_H

#include <stdint.h>

struct MHD_Connection;

typedef struct delay_timer delay_timer;

/* NULL when out of memory or no thread could start. */
delay_timer *delay_timer_start(void);

/* Resumes `conn`, which the caller has suspended, `ms` from now. 0, or -1
 * when it cannot (stopping, out of memory): the caller resumes it. */
int delay_timer_add(delay_timer *t, struct MHD_Connection *conn, uint64_t ms);

/* Resumes every connection still waiting and ends the thread; later adds
 * fail. Before the daemon stops: it must see them resumed. */
void delay_timer_stop(delay_timer *t);
/* Stops (when not stopped) and frees. */
void delay_timer_free(delay_timer *t);

#endif
