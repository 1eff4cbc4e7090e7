/* lhv1 serve's entry point, for the command that parses its options
 * (src/cli/cmd_serve.c). The server prints nothing of an argument or a
 * peer's text itself: it hands such errors to the caller's reporter, which
 * escapes them by the caller's rules. */
#ifndef LHV1_SERVE_MAIN_H
#define LHV1_SERVE_MAIN_H

#include <stddef.h>
#include <stdint.h>

#include "serve.h"

/* Prints "<who>: <subject>: <what>" (subject and what untrusted). */
typedef void (*serve_report_fn)(const char *who, const char *subject, const char *what);

/* Runs the server `cfg` describes until SIGINT or SIGTERM: its backend (the
 * memory store, cfg->root's file store or cfg->upstream's S3 server), the
 * fault store over it, the rules of the plan (plan[0..plan_len), the JSON
 * text of the file cfg->plan; NULL for none). Returns 0, or 2 after saying
 * why on stderr (through `report` when the message quotes an argument). */
int serve_main(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
               serve_report_fn report);

/* The reporter serve_main was given (one server per process). */
void serve_report(const char *who, const char *subject, const char *what);

#endif
