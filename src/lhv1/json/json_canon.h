/* Canonical JSON of the dump's metadata (FORMAT.md section 6). */
#ifndef LHV1_JSON_CANON_H
#define LHV1_JSON_CANON_H

#include <cjson/cJSON.h>

#include "lhv1/bytes.h"

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

void lhv1_json_number_append(lhv1_buf *out, double v);
int lhv1_json_canon_append(lhv1_buf *out, const cJSON *v);

#pragma GCC visibility pop

#endif
