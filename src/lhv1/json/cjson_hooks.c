/* Installs liblhv1's allocator as cJSON's (cJSON_InitHooks, once per
 * process, before the library's first parse) and remembers, per thread,
 * whether one of cJSON's allocations failed: cJSON itself returns NULL for
 * both a syntax error and an allocation failure.
 *
 * cJSON's hooks are process-wide: an application that installs its own
 * must install malloc-compatible ones (blocks are freed with free()). */
#include <pthread.h>

#include "alloc.h"
#include "cjson_hooks.h"

static _Thread_local int cjson_alloc_failed;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *cjson_alloc(size_t n)
{
    void *p = lhv1_malloc(n);
    if (!p)
        cjson_alloc_failed = 1;
    return p;
}

static void install_hooks(void)
{
    cJSON_Hooks hooks = {cjson_alloc, lhv1_free};
    cJSON_InitHooks(&hooks);
}

void lhv1_cjson_hooks_install(void)
{
    pthread_once(&hooks_once, install_hooks);
}

cJSON *lhv1_cjson_parse(const char *p, size_t n, const char **end, int *oom)
{
    pthread_once(&hooks_once, install_hooks);
    cjson_alloc_failed = 0;
    cJSON *root = cJSON_ParseWithLengthOpts(p, n, end, 0);
    *oom = !root && cjson_alloc_failed;
    return root;
}
