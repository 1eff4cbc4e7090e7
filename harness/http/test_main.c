/* Runs the HTTP suites; ctest runs each alone through CK_RUN_SUITE. */
#include <curl/curl.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create(suite_s3());
    srunner_add_suite(sr, suite_faults());
    srunner_add_suite(sr, suite_malformed());
    srunner_add_suite(sr, suite_load());
    srunner_add_suite(sr, suite_client());
    srunner_add_suite(sr, suite_hostile());
    srunner_add_suite(sr, suite_s3reply());
    srunner_add_suite(sr, suite_sec_admin());
    srunner_add_suite(sr, suite_sec_sigv4());
    srunner_add_suite(sr, suite_sec_body());
    srunner_add_suite(sr, suite_sec_conn());
    srunner_add_suite(sr, suite_storage());
    srunner_add_suite(sr, suite_proxy_bounds());
    srunner_add_suite(sr, suite_proxy_stall());
    srunner_add_suite(sr, suite_sec_listing());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
