/* See heap_meter.h. Each block carries a 16-byte header with its size so
 * free knows what to subtract; alignment stays at 16. */
#include "heap_meter.h"

#include <cjson/cJSON.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

#define HDR 16

static size_t live, peak;
static uint64_t count, fail_at = UINT64_MAX;

static void *account(unsigned char *raw, size_t n)
{
    if (!raw)
        return NULL;
    memcpy(raw, &n, sizeof n);
    live += n;
    if (live > peak)
        peak = live;
    return raw + HDR;
}

static int should_fail(void) { return count++ == fail_at; }

void *__wrap_malloc(size_t n)
{
    if (should_fail() || n > SIZE_MAX - HDR)
        return NULL;
    return account(__real_malloc(n + HDR), n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (n && k > (SIZE_MAX - HDR) / n)
        return NULL;
    void *p = __wrap_malloc(k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    unsigned char *raw = (unsigned char *)p - HDR;
    size_t n;
    memcpy(&n, raw, sizeof n);
    live -= n;
    __real_free(raw);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (!p)
        return __wrap_malloc(n);
    if (should_fail() || n > SIZE_MAX - HDR)
        return NULL;
    unsigned char *raw = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, raw, sizeof old);
    unsigned char *grown = __real_realloc(raw, n + HDR);
    if (!grown)
        return NULL;
    live -= old;
    return account(grown, n);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = __wrap_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void heap_meter_install(void)
{
    cJSON_Hooks hooks = {__wrap_malloc, __wrap_free};
    cJSON_InitHooks(&hooks);
}

size_t heap_meter_reset_peak(void) { return peak = live; }
size_t heap_meter_peak(void) { return peak; }
size_t heap_meter_live(void) { return live; }
uint64_t heap_meter_count(void) { return count; }
void heap_meter_fail_at(uint64_t n) { fail_at = n; }
