/* Out-of-scope S3 operations (s3_handlers.h): the sub-resources a client
 * names in the query, answered with S3's 501 NotImplemented before any
 * handler could take the request for a plain GET or PUT of the object or
 * a listing (the rows of out_of_scope.tsv, as docs/S3.md shows them), and
 * the headers that ask for an algorithm the server lacks. */
#include <string.h>
#include <strings.h>

#include "s3_handlers.h"

typedef struct out_of_scope {
    const char *arg;     /* the query argument naming the sub-resource */
    const char *methods; /* the methods it is refused for, NULL for all */
    const char *why;
} out_of_scope;

/* The rows of out_of_scope.tsv and out_of_scope_headers.tsv, generated
 * at configure time. */
#include "out_of_scope_table.h"

static const out_of_scope table[] = {OUT_OF_SCOPE_ARGS};

static int method_listed(const char *methods, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = methods; (p = strstr(p, m)) != NULL; p += n)
        if ((p == methods || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return 1;
    return 0;
}

/* Request headers that name functionality left out (out_of_scope_headers.tsv),
 * NULL value for any value. */
typedef struct header_out_of_scope {
    const char *name, *value;
    const char *why;
} header_out_of_scope;

static const header_out_of_scope header_table[] = {OUT_OF_SCOPE_HEADERS};

static int header_not_implemented(serve_request *q, serve_reply *r)
{
    for (size_t i = 0; i < sizeof header_table / sizeof *header_table; i++) {
        const header_out_of_scope *e = &header_table[i];
        const char *v = serve_header(q, e->name);
        if (!v || (e->value && strcasecmp(v, e->value)))
            continue;
        serve_reply_error(r, q, 501, "NotImplemented",
                          "A header you provided implies functionality that is not "
                          "implemented: %s is not implemented by lhv1 serve: %s",
                          e->name, e->why);
        serve_reply_header(r, "x-amz-unsupported", "%s", e->name);
        return 1;
    }
    return 0;
}

int s3_not_implemented(serve_request *q, serve_reply *r)
{
    if (header_not_implemented(q, r))
        return 1;
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
