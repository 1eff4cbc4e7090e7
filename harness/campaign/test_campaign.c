/* The campaign as a library: it passes with faults injected, and FAILS
 * when the fault store injects nothing (so its checks can fail). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lhv1testing/campaign.h"
#include "store_tests.h"

START_TEST(campaign_holds_and_reports)
{
    lhv1_campaign_opts o = {.seed = 3, .sample = 1, .mix_runs = 20};
    lhv1_campaign_result res;
    int rc = lhv1_campaign_run(&o, &res);
    ck_assert_msg(rc == 0, "campaign failed: %.*s", (int)res.failures.len,
                  (const char *)res.failures.data);
    ck_assert_uint_gt(res.total_cases, 1000);
    uint64_t silent = 0;
    for (size_t i = 0; i < res.n_rows; i++) {
        ck_assert_uint_gt(res.rows[i].cases, 0);
        if (res.rows[i].kind != LHV1_FAULT_NONE) /* the seeded mix may miss a run */
            ck_assert_uint_eq(res.rows[i].fired, res.rows[i].cases);
        silent += res.rows[i].counts[LHV1_OUT_SILENT_WRONG];
    }
    /* No checksum in LHV1: bit flips in vectors load as wrong content. */
    ck_assert_uint_gt(silent, 0);
    lhv1_buf md, js;
    lhv1_buf_init(&md);
    lhv1_buf_init(&js);
    ck_assert_int_eq(lhv1_campaign_markdown(&res, &md), 0);
    ck_assert_int_eq(lhv1_campaign_json(&res, &js), 0);
    lhv1_buf_putc(&md, 0);
    lhv1_buf_putc(&js, 0);
    ck_assert_ptr_nonnull(strstr((char *)md.data, "| put-torn-prefix reply=503 |"));
    cJSON *doc = cJSON_Parse((char *)js.data);
    ck_assert_ptr_nonnull(doc);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "passed")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "rows")),
                     (int)res.n_rows);
    cJSON_Delete(doc);
    lhv1_buf_free(&md);
    lhv1_buf_free(&js);
    lhv1_campaign_result_free(&res);
}
END_TEST

START_TEST(campaign_fails_when_nothing_is_injected)
{
    lhv1_campaign_opts o = {.seed = 3, .sample = 1, .mix_runs = 5};
    lhv1_campaign_result res;
    ck_assert_int_eq(lhv1_campaign_run_uninjected(&o, &res), 1);
    lhv1_buf_putc(&res.failures, 0);
    const char *f = (const char *)res.failures.data;
    ck_assert_ptr_nonnull(strstr(f, "put-torn-prefix reply=503: fired in 0 of"));
    ck_assert_ptr_nonnull(strstr(f, "every torn prefix detected"));
    ck_assert_ptr_nonnull(strstr(f, "get-fail-key-not-found-body: expected store-error"));
    ck_assert_ptr_nonnull(strstr(f, "seeded mix (15% of ops): expected faults that fire"));
    /* The JUnit report fails every row. */
    lhv1_buf ju;
    lhv1_buf_init(&ju);
    ck_assert_int_eq(lhv1_campaign_junit(&res, &ju), 0);
    lhv1_buf_putc(&ju, 0);
    char want[64];
    snprintf(want, sizeof want, "tests=\"%zu\" failures=\"%zu\"", res.n_rows, res.n_rows);
    ck_assert_ptr_nonnull(strstr((const char *)ju.data, want));
    lhv1_buf_free(&ju);
    lhv1_campaign_result_free(&res);
}
END_TEST

START_TEST(expectations_table)
{
    ck_assert(lhv1_campaign_expected(LHV1_FAULT_GET_BIT_FLIP, LHV1_OUT_SILENT_WRONG));
    ck_assert(lhv1_campaign_expected(LHV1_FAULT_PUT_TORN_OVER_OLD, LHV1_OUT_SILENT_WRONG));
    ck_assert(!lhv1_campaign_expected(LHV1_FAULT_PUT_TORN_PREFIX, LHV1_OUT_SILENT_WRONG));
    ck_assert(!lhv1_campaign_expected(LHV1_FAULT_PUT_TORN_PREFIX, LHV1_OUT_STALE));
    ck_assert(!lhv1_campaign_expected(LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY, LHV1_OUT_MISSING));
    ck_assert(!lhv1_campaign_expected(LHV1_FAULT_PUT_FAIL_AFTER, LHV1_OUT_STALE));
    ck_assert(lhv1_campaign_expected(LHV1_FAULT_PUT_LOST, LHV1_OUT_STALE));
    /* LHV2: what changes an object's bytes is caught, nothing else changes. */
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++)
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++) {
            int v1 = lhv1_campaign_expected((lhv1_fault_kind)k, (lhv1_outcome)o);
            int v2 = lhv1_campaign_expected_in(LHV1_FORMAT_LHV2, (lhv1_fault_kind)k,
                                               (lhv1_outcome)o);
            if (!lhv1_fault_kind_info_of((lhv1_fault_kind)k)->damage)
                ck_assert_int_eq(v1, v2);
            else if (o == LHV1_OUT_SILENT_WRONG || o == LHV1_OUT_DECODE_ERROR ||
                     o == LHV1_OUT_INCONSISTENT)
                ck_assert(!v2);
        }
    ck_assert(lhv1_campaign_expected_in(LHV1_FORMAT_LHV2, LHV1_FAULT_GET_BIT_FLIP,
                                        LHV1_OUT_BAD_FORMAT));
    ck_assert(lhv1_campaign_expected_in(LHV1_FORMAT_LHV2, LHV1_FAULT_PUT_LOST, LHV1_OUT_STALE));
    lhv1_fault_kind_info torn = lhv1_fault_kind_info_for(LHV1_FAULT_PUT_TORN_PREFIX,
                                                         LHV1_FORMAT_LHV2);
    ck_assert_uint_eq(torn.each, LHV1_O(BAD_FORMAT)); /* was bad-format and decode-error */
}
END_TEST

/* The fault-kind table (lhv1testing/fault_kinds.h) holds together: each kind's
 * self-check demands only outcomes it expects, torn writes get the reply
 * rows, every kind but NONE hits an operation and states its check. */
START_TEST(fault_kind_table_is_consistent)
{
    const unsigned always = (1u << LHV1_OUT_LATEST) | (1u << LHV1_OUT_IN_FLIGHT);
    ck_assert_ptr_null(lhv1_fault_kind_info_of(LHV1_FAULT_KIND_COUNT));
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++) {
        const lhv1_fault_kind_info *i = lhv1_fault_kind_info_of((lhv1_fault_kind)k);
        ck_assert_ptr_nonnull(i);
        const char *n = i->name;
        ck_assert_msg(i->op < LHV1_OP_COUNT, "%s: no operation", n);
        ck_assert_msg(i->torn == (i->rows == LHV1_ROWS_REPLY), "%s: torn vs reply rows", n);
        ck_assert_msg(!i->torn || i->op == LHV1_OP_PUT, "%s: a torn non-Put", n);
        unsigned allowed = i->expected | always;
        ck_assert_msg(!(i->each & ~allowed), "%s: demands an unexpected outcome", n);
        ck_assert_msg(!i->any || (i->any & allowed), "%s: 'any' outside expected", n);
        ck_assert_msg(!i->only || (i->only & allowed), "%s: 'only' outside expected", n);
        ck_assert_msg((i->any | i->each | i->only) == 0 || i->check[0], "%s: check unnamed", n);
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
            ck_assert_int_eq(lhv1_campaign_expected((lhv1_fault_kind)k, (lhv1_outcome)o),
                             !!(allowed & (1u << o)));
    }
}
END_TEST

/* docs/FAULTS.md "Expected outcomes" states the table's `expected` column
 * in words; it must say what the code does ($LHV1_FAULTS_MD is the doc). */
static void trim(char *s)
{
    char *b = s;
    while (*b == ' ')
        b++;
    size_t n = strlen(b);
    while (n && (b[n - 1] == ' ' || b[n - 1] == '\n'))
        n--;
    memmove(s, b, n);
    s[n] = '\0';
}

START_TEST(faults_md_states_the_expectations)
{
    const char *path = getenv("LHV1_FAULTS_MD");
    ck_assert_msg(path != NULL, "LHV1_FAULTS_MD not set");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[512];
    int in_section = 0, rows = 0;
    unsigned listed = 0; /* outcomes the doc's table names */
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "## ", 3)) {
            in_section = !strncmp(line, "## Expected outcomes", 20);
            continue;
        }
        if (!in_section || strncmp(line, "| ", 2) != 0 || strstr(line, "| outcome |") ||
            strstr(line, "| --- |"))
            continue;
        char *bar = strchr(line + 2, '|');
        ck_assert_ptr_nonnull(bar);
        *bar = '\0';
        char *kinds = bar + 1, *end = strrchr(kinds, '|');
        ck_assert_ptr_nonnull(end);
        *end = '\0';
        unsigned kind_set = 0;
        for (char *save, *k = strtok_r(kinds, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
            trim(k);
            lhv1_fault_kind kind = lhv1_fault_kind_from_name(k);
            ck_assert_msg(kind != LHV1_FAULT_KIND_COUNT, "FAULTS.md: unknown fault %s", k);
            kind_set |= 1u << kind;
        }
        for (char *save, *o = strtok_r(line + 2, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
            trim(o);
            int out = -1;
            for (int i = 0; i < LHV1_OUTCOME_COUNT; i++)
                if (!strcmp(lhv1_outcome_name((lhv1_outcome)i), o))
                    out = i;
            ck_assert_msg(out >= 0, "FAULTS.md: unknown outcome %s", o);
            listed |= 1u << out;
            for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++)
                ck_assert_msg(lhv1_campaign_expected((lhv1_fault_kind)k, (lhv1_outcome)out) ==
                                  !!(kind_set & (1u << k)),
                              "FAULTS.md and LHV1_FAULT_KINDS disagree on %s after %s", o,
                              lhv1_fault_kind_name((lhv1_fault_kind)k));
        }
        rows++;
    }
    fclose(f);
    ck_assert_int_gt(rows, 0);
    for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
        if (o != LHV1_OUT_LATEST && o != LHV1_OUT_IN_FLIGHT)
            ck_assert_msg(listed & (1u << o), "FAULTS.md does not list %s",
                          lhv1_outcome_name((lhv1_outcome)o));
}
END_TEST

Suite *suite_campaign(void)
{
    Suite *s = suite_create("campaign");
    TCase *tc = tcase_create("campaign");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, campaign_holds_and_reports);
    tcase_add_test(tc, fault_kind_table_is_consistent);
    tcase_add_test(tc, faults_md_states_the_expectations);
    tcase_add_test(tc, campaign_fails_when_nothing_is_injected);
    tcase_add_test(tc, expectations_table);
    suite_add_tcase(s, tc);
    return s;
}
