/* For the test build of the lhv1 CLI (cli_oom.sh): LHV1_TEST_FAIL_ALLOC_FROM=k
 * fails the k-th allocation of liblhv1, cJSON and libcurl and every later one
 * (failing_alloc.c); the program, as the host, makes the failing allocator
 * cJSON's hooks and libcurl's memory functions. LHV1_TEST_COUNT_ALLOC=FILE
 * writes the number of allocations the run asked for to FILE at exit. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "failing_alloc.h"

void *lhv1_malloc(size_t n);
void *lhv1_calloc(size_t count, size_t size);
void *lhv1_realloc(void *p, size_t n);
char *lhv1_strdup(const char *s);
void lhv1_free(void *p);

static void write_count(void)
{
    FILE *f = fopen(getenv("LHV1_TEST_COUNT_ALLOC"), "w");
    if (f) {
        fprintf(f, "%llu\n", (unsigned long long)failing_alloc_count());
        fclose(f);
    }
}

__attribute__((constructor)) static void arm_from_environment(void)
{
    const char *k = getenv("LHV1_TEST_FAIL_ALLOC_FROM");
    const char *count = getenv("LHV1_TEST_COUNT_ALLOC");
    if (k && *k) {
        failing_alloc_hook_cjson();
        /* the S3 client's initialisation is then a no-op: these stay */
        curl_global_init_mem(CURL_GLOBAL_DEFAULT, lhv1_malloc, lhv1_free, lhv1_realloc,
                             lhv1_strdup, lhv1_calloc);
        failing_alloc_arm(strtoull(k, NULL, 10), 1);
    }
    if (count && *count)
        atexit(write_count);
}
