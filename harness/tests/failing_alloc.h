/* Test-only replacement of liblhv1's allocator (src/lhv1/core/alloc.h). A
 * test binary that links failing_alloc.c ahead of the static library gets
 * these definitions of lhv1_malloc & co. instead of the library's alloc.o,
 * so it can fail the k-th allocation of any call; cJSON's too once the
 * test, as the host program, makes them cJSON's hooks
 * (failing_alloc_hook_cjson). Nothing of this ships. */
#ifndef LHV1_TESTS_FAILING_ALLOC_H
#define LHV1_TESTS_FAILING_ALLOC_H

#include <stdint.h>

/* Fails the allocation k positions from now (0 = the next one); with
 * `persistent`, that one and every later one. */
void failing_alloc_arm(uint64_t k, int persistent);
/* No allocation fails. Returns how many failures were injected since
 * the last arm. */
uint64_t failing_alloc_disarm(void);
/* Makes cJSON allocate through the failing allocator (cJSON_InitHooks). */
void failing_alloc_hook_cjson(void);
/* Blocks allocated and not yet freed, over the whole process. */
int64_t failing_alloc_live(void);
/* Allocations asked for so far (failed ones included). */
uint64_t failing_alloc_count(void);

#endif
