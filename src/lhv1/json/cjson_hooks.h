/* cJSON through liblhv1's allocator (internal): a parse that fails because
 * an allocation failed is told apart from a syntax error. */
#ifndef LHV1_CJSON_HOOKS_H
#define LHV1_CJSON_HOOKS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#pragma GCC visibility push(hidden)

/* Installs the hooks (once per process). */
void lhv1_cjson_hooks_install(void);
/* cJSON_ParseWithLengthOpts (no null-termination required). On NULL,
 * *oom is 1 when an allocation failed during the parse, else 0. */
cJSON *lhv1_cjson_parse(const char *p, size_t n, const char **end, int *oom);

#pragma GCC visibility pop

#endif
