/* The envelope's metadata behind the public API's opaque lhv1_metadata:
 * its JSON text as validated by the envelope decoder (a copy of the
 * input's bytes, or cJSON's print of a tree built in memory), decoded on
 * demand. A load holds the text, never a tree: a tree costs about 64
 * bytes a value. For liblhv1's sources, the testing library and the
 * harness (the lhv1_internal_* CMake targets); not installed. */
#ifndef LHV1_METADATA_H
#define LHV1_METADATA_H

#include <cjson/cJSON.h>

#include "lhv1/envelope.h"

/* Not exported from the shared liblhv1 (the harness links it statically). */
#pragma GCC visibility push(hidden)

/* A copy of the object text p[0..len) with `count` members (valid JSON).
 * NULL on allocation failure. */
lhv1_metadata *lhv1_metadata_from_text(const uint8_t *p, size_t len, size_t count);
void lhv1_metadata_free(lhv1_metadata *m);

/* A new tree of the metadata (caller deletes), NULL for NULL or on
 * allocation failure. */
cJSON *lhv1_metadata_to_cjson(const lhv1_metadata *m);
/* Takes ownership of `j` (an object of objects, or NULL) and deletes it;
 * NULL for NULL or on allocation failure. */
lhv1_metadata *lhv1_metadata_from_cjson(cJSON *j);

/* Calls fn(key, arg) with each member's decoded key in order until fn
 * returns nonzero; returns that value, 0 after the last, -1 on allocation
 * failure. */
int lhv1_metadata_each_key(const lhv1_metadata *m, int (*fn)(lhv1_bytes key, void *arg),
                           void *arg);

#pragma GCC visibility pop

#endif
