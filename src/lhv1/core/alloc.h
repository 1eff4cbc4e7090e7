/* liblhv1's one allocator (internal). Every allocation the library makes
 * goes through these five functions, so that a test can fail the k-th
 * allocation. cJSON's go through the hooks the host program set (liblhv1
 * leaves them alone: they are process-wide); a test fails those by setting
 * hooks of its own.
 *
 * alloc.c defines exactly these five and nothing else. A test that wants
 * to inject failures links its own definitions of all five ahead of the
 * static library: the linker then resolves the library's references to
 * them and never pulls alloc.o out of the archive. No hook, switch or
 * counter ships in the library itself. */
#ifndef LHV1_ALLOC_H
#define LHV1_ALLOC_H

#include <stddef.h>

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

void *lhv1_malloc(size_t n);
void *lhv1_calloc(size_t count, size_t size);
void *lhv1_realloc(void *p, size_t n);
char *lhv1_strdup(const char *s);
void lhv1_free(void *p);

#pragma GCC visibility pop

#endif
