/* The server's reporter (serve_report in serve.h). */
#include <stdio.h>

#include "serve.h"

void serve_report(const serve_server *s, const char *who, const char *subject,
                  const char *what)
{
    if (s->report)
        s->report(who, subject, what);
    else /* nothing to escape it with: the untrusted parts are not shown */
        fprintf(stderr, "%s: refused\n", who);
}
