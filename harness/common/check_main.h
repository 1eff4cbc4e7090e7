/* The one main of every Check binary of the harness. A binary's suites are
 * one table (cmake/CheckSuites.cmake: a list file or a SUITES list in its
 * CMakeLists.txt); CMake generates from it check_suites.h (the prototypes)
 * and check_suites.c (the table below) and makes one ctest per suite. */
#ifndef LHV1_CHECK_MAIN_H
#define LHV1_CHECK_MAIN_H

#include <check.h>
#include <stddef.h>

typedef struct {
    const char *name;      /* CK_RUN_SUITE's name, and suite_create's */
    Suite *(*make)(void);  /* suite_<name> */
} lhv1_check_suite;

extern const lhv1_check_suite lhv1_check_suites[];
extern const size_t lhv1_check_nsuites;

/* The binary's SETUP, called with main's arguments before any suite is
 * made (a golden directory, curl_global_init); nonzero is a usage error.
 * NULL when the table names none. */
extern int (*const lhv1_check_setup)(int argc, char **argv);

#endif
