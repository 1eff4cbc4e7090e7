/* Runs the liblhv1 Check suites. ctest runs each suite on its own by
 * setting CK_RUN_SUITE; run without it, the binary runs them all. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_varint());
    srunner_add_suite(sr, suite_frame());
    srunner_add_suite(sr, suite_envelope());
    srunner_add_suite(sr, suite_graph_decode());
    srunner_add_suite(sr, suite_reasons());
    srunner_add_suite(sr, suite_roundtrip());
    srunner_add_suite(sr, suite_dump());
    srunner_add_suite(sr, suite_go_predict());
    srunner_add_suite(sr, suite_envelope_edits());
    srunner_add_suite(sr, suite_complexity());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
