/* The most body a request may carry (body_limit.h). */
#include "body_limit.h"

#include <string.h>

uint64_t s3_body_limit(const serve_request *q, uint64_t max_body)
{
    char v[1];
    if (!strcmp(q->method, "POST") && serve_query(q, "delete", v, sizeof v) != 0 &&
        max_body > S3_DELETE_OBJECTS_MAX_BODY)
        return S3_DELETE_OBJECTS_MAX_BODY;
    return max_body;
}
