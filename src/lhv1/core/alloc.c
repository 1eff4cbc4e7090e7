/* The allocator of alloc.h: the C library's. Nothing else may live in this
 * file (tests replace it whole at link time; see alloc.h). */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void *lhv1_malloc(size_t n) { return malloc(n); }

void *lhv1_calloc(size_t count, size_t size) { return calloc(count, size); }

void *lhv1_realloc(void *p, size_t n) { return realloc(p, n); }

char *lhv1_strdup(const char *s) { return strdup(s); }

void lhv1_free(void *p) { free(p); }
