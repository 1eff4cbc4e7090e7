/* For the test build of the lhv1 CLI (cli_oom.sh): LHV1_TEST_FAIL_ALLOC_FROM=k
 * fails the k-th allocation of liblhv1 and cJSON and every later one
 * (failing_alloc.c). */
#include <stdlib.h>

#include "failing_alloc.h"

__attribute__((constructor)) static void arm_from_environment(void)
{
    const char *k = getenv("LHV1_TEST_FAIL_ALLOC_FROM");
    if (k && *k) {
        failing_alloc_hook_cjson();
        failing_alloc_arm(strtoull(k, NULL, 10), 1);
    }
}
