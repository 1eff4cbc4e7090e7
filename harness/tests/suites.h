/* The Check suites of liblhv1. Each file defines one suite; main.c runs
 * them all (CK_RUN_SUITE=<name> runs one, as ctest does). */
#ifndef LHV1_TESTS_SUITES_H
#define LHV1_TESTS_SUITES_H

#include <check.h>

Suite *suite_varint(void);
Suite *suite_frame(void);
Suite *suite_envelope(void);
Suite *suite_graph_decode(void);
Suite *suite_reasons(void);
Suite *suite_roundtrip(void);
Suite *suite_dump(void);
Suite *suite_go_predict(void);
Suite *suite_complexity(void);
Suite *suite_envelope_edits(void);

#endif
