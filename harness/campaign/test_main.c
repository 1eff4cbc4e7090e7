/* Runs the store, persistor, fault-store and campaign suites. */
#include <stdlib.h>

#include "store_tests.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_store_contract());
    srunner_add_suite(sr, suite_file_store());
    srunner_add_suite(sr, suite_file_store_integrity());
    srunner_add_suite(sr, suite_persistor());
    srunner_add_suite(sr, suite_fault_store());
    srunner_add_suite(sr, suite_campaign());
    srunner_add_suite(sr, suite_plan_offset());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
