/* Runs the binary's suites: all of them, or the one CK_RUN_SUITE names (as
 * ctest does). A name the table does not hold is an error, not an empty
 * pass, and so is a run in which no test ran (a suite whose suite_create
 * name differs from its table name, a CK_RUN_CASE that matches nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static void list_suites(FILE *f)
{
    fputs("its suites:", f);
    for (size_t i = 0; i < lhv1_check_nsuites; i++)
        fprintf(f, " %s", lhv1_check_suites[i].name);
    fputc('\n', f);
}

int main(int argc, char **argv)
{
    if (lhv1_check_setup && lhv1_check_setup(argc, argv) != 0)
        return 2;
    const char *only = getenv("CK_RUN_SUITE");
    SRunner *sr = NULL;
    for (size_t i = 0; i < lhv1_check_nsuites; i++) {
        if (only && strcmp(only, lhv1_check_suites[i].name) != 0)
            continue;
        Suite *s = lhv1_check_suites[i].make();
        if (sr)
            srunner_add_suite(sr, s);
        else
            sr = srunner_create(s);
    }
    if (!sr) {
        fprintf(stderr, "%s: CK_RUN_SUITE=%s is not a suite of this binary; ", argv[0],
                only ? only : "");
        list_suites(stderr);
        return 2;
    }
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (run == 0) {
        fprintf(stderr, "%s: no test ran (CK_RUN_SUITE=%s, CK_RUN_CASE=%s)\n", argv[0],
                only ? only : "(all)", getenv("CK_RUN_CASE") ? getenv("CK_RUN_CASE") : "(all)");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
