/* The HTTP suites of `lhv1 serve` (ctest label http). */
#ifndef LHV1_HTTP_SUITES_H
#define LHV1_HTTP_SUITES_H

#include <check.h>

Suite *suite_s3(void);
Suite *suite_faults(void);
Suite *suite_malformed(void);
Suite *suite_load(void);
Suite *suite_client(void);
Suite *suite_hostile(void);
Suite *suite_s3reply(void);
Suite *suite_sec_admin(void);
Suite *suite_sec_sigv4(void);
Suite *suite_sec_body(void);
Suite *suite_sec_conn(void);
Suite *suite_storage(void);
Suite *suite_proxy_bounds(void);
Suite *suite_proxy_stall(void);
Suite *suite_sec_listing(void);

#endif
