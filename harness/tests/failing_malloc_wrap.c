/* For the test build of lhv1 serve (serve_oom.py). The link wraps malloc,
 * calloc, realloc and strdup (-Wl,--wrap=...) in every object of the
 * program: lhv1 serve, the CLI, liblhv1 (its allocator calls malloc), the
 * testing library and the S3 client; not in the shared libraries
 * (libmicrohttpd, libc, cJSON). LHV1_TEST_FAIL_ALLOC_AT=k fails the k-th of
 * those allocations, once; LHV1_TEST_COUNT_ALLOC=FILE writes how many were
 * asked for to FILE at exit. The count is atomic: the server's threads
 * allocate too. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static uint64_t next, fail_at = UINT64_MAX;

static int should_fail(void)
{
    if (__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) != fail_at)
        return 0;
    errno = ENOMEM; /* as malloc says it */
    return 1;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }

void *__wrap_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

static void write_count(void)
{
    FILE *f = fopen(getenv("LHV1_TEST_COUNT_ALLOC"), "w");
    if (f) {
        fprintf(f, "%llu\n", (unsigned long long)__atomic_load_n(&next, __ATOMIC_RELAXED));
        fclose(f);
    }
}

__attribute__((constructor)) static void arm_from_environment(void)
{
    const char *k = getenv("LHV1_TEST_FAIL_ALLOC_AT");
    const char *count = getenv("LHV1_TEST_COUNT_ALLOC");
    if (k && *k)
        fail_at = strtoull(k, NULL, 10);
    if (count && *count)
        atexit(write_count);
}
