/* lhv1 serve's entry point, for the command that parses its options
 * (src/cli/cmd_serve.c). The server prints nothing of an argument or a
 * peer's text itself: it hands such errors to the caller's reporter, which
 * escapes them by the caller's rules. */
#ifndef LHV1_SERVE_MAIN_H
#define LHV1_SERVE_MAIN_H

#include <stddef.h>
#include <stdint.h>

#include "serve.h"

/* Runs the server `cfg` describes (server.h) until SIGINT or SIGTERM.
 * Returns 0, or 2 after saying why on stderr (through `report` when the
 * message quotes an argument). */
int serve_main(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
               serve_report_fn report);

#endif
