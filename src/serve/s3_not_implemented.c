/* Out-of-scope S3 operations (s3_handlers.h): the sub-resources a client
 * names in the query, answered with S3's 501 NotImplemented before any
 * handler could take the request for a plain GET or PUT of the object or
 * a listing. The rows are out_of_scope.tsv's, as docs/S3.md shows them. */
#include <string.h>

#include "s3_handlers.h"

typedef struct out_of_scope {
    const char *arg;     /* the query argument naming the sub-resource */
    const char *methods; /* the methods it is refused for, NULL for all */
    const char *why;
} out_of_scope;

/* out_of_scope.tsv's rows, generated at configure time. */
static const out_of_scope table[] = {
#include "out_of_scope_table.h"
};

static int method_listed(const char *methods, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = methods; (p = strstr(p, m)) != NULL; p += n)
        if ((p == methods || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return 1;
    return 0;
}

int s3_not_implemented(serve_request *q, serve_reply *r)
{
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        const out_of_scope *e = &table[i];
        char v[1];
        if (serve_query(q, e->arg, v, sizeof v) == 0) /* -1: present, with a value */
            continue;
        if (e->methods && !method_listed(e->methods, q->method))
            continue;
        serve_reply_error(r, q, 501, "NotImplemented",
                          "?%s is not implemented by lhv1 serve: %s", e->arg, e->why);
        return 1;
    }
    return 0;
}
