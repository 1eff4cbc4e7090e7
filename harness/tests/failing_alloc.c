/* See failing_alloc.h. Defines all five functions of src/lhv1/core/alloc.h
 * (if one were missing the linker would pull alloc.o and fail on
 * duplicates). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "failing_alloc.h"

void *lhv1_malloc(size_t n);
void *lhv1_calloc(size_t count, size_t size);
void *lhv1_realloc(void *p, size_t n);
char *lhv1_strdup(const char *s);
void lhv1_free(void *p);

static uint64_t next, fail_at = UINT64_MAX, injected;
static int fail_after;
static int64_t live;

static int should_fail(void)
{
    uint64_t i = next++;
    if (i == fail_at || (fail_after && i > fail_at)) {
        injected++;
        return 1;
    }
    return 0;
}

void failing_alloc_arm(uint64_t k, int persistent)
{
    fail_at = next + k;
    fail_after = persistent;
    injected = 0;
}

uint64_t failing_alloc_disarm(void)
{
    fail_at = UINT64_MAX;
    fail_after = 0;
    return injected;
}

int64_t failing_alloc_live(void) { return live; }

uint64_t failing_alloc_count(void) { return next; }

static void *counted(void *p)
{
    if (p)
        live++;
    return p;
}

void *lhv1_malloc(size_t n) { return should_fail() ? NULL : counted(malloc(n)); }

void *lhv1_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : counted(calloc(count, size));
}

void *lhv1_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    void *q = realloc(p, n);
    return p ? q : counted(q);
}

char *lhv1_strdup(const char *s) { return should_fail() ? NULL : counted(strdup(s)); }

void lhv1_free(void *p)
{
    if (p)
        live--;
    free(p);
}

void failing_alloc_hook_cjson(void)
{
    cJSON_Hooks hooks = {lhv1_malloc, lhv1_free};
    cJSON_InitHooks(&hooks);
}
