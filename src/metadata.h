/* The envelope's metadata is a cJSON tree behind the public API's opaque
 * lhv1_metadata: these casts are the one place that knows it, so cJSON
 * stays out of the installed headers. For liblhv1's sources, the testing
 * library and the harness (the lhv1_internal_* CMake targets); not
 * installed. */
#ifndef LHV1_METADATA_H
#define LHV1_METADATA_H

#include <cjson/cJSON.h>

#include "lhv1/envelope.h"

static inline cJSON *lhv1_metadata_cjson(lhv1_metadata *m)
{
    return (cJSON *)(void *)m;
}

static inline const cJSON *lhv1_metadata_cjson_const(const lhv1_metadata *m)
{
    return (const cJSON *)(const void *)m;
}

/* Takes ownership of `j` (an object of objects, or NULL). */
static inline lhv1_metadata *lhv1_metadata_from_cjson(cJSON *j)
{
    return (lhv1_metadata *)(void *)j;
}

#endif
