/* Conditional writes: the memory store's versions and put_if, the stores
 * that refuse them (NOT_SUPPORTED), and the conditional persistor, which
 * reports a conflict and never overwrites another writer's save. */
#include <stdlib.h>
#include <string.h>

#include "store_tests.h"

static lhv1_store_version version_of(lhv1_store *s, const char *key)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_store_version v;
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_get_version(s, K(key), &b, &v, &err), 0);
    ck_assert(v.exists);
    lhv1_buf_free(&b);
    return v;
}

START_TEST(memory_put_if_matches_the_version_read)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_store_err err;
    lhv1_store_version none = {0}, now;
    /* If-None-Match: creates once, then refused. */
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("one"), &none, &now, &err), 0);
    ck_assert(now.exists);
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("two"), &none, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    ck_assert_int_eq(err.status, 412);
    lhv1_store_version read = version_of(s, "k");
    ck_assert_str_eq(read.tag, now.tag);
    /* If-Match on the version read: written once; the stale one refused. */
    lhv1_store_version next;
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("three"), &read, &next, &err), 0);
    ck_assert_str_ne(next.tag, read.tag);
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("four"), &read, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    char *got = get_str(s, "k");
    ck_assert_str_eq(got, "three");
    free(got);
    /* A plain Put is a new version too. */
    put_str(s, "k", "five");
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("six"), &next, NULL, &err), -1);
    /* Deleted and created again: not the version read before. */
    lhv1_store_version before = version_of(s, "k");
    ck_assert_int_eq(lhv1_store_del(s, K("k"), &err), 0);
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("seven"), &before, NULL, &err), -1);
    put_str(s, "k", "eight");
    ck_assert_int_eq(lhv1_store_put_if(s, K("k"), K("nine"), &before, NULL, &err), -1);
    got = get_str(s, "k");
    ck_assert_str_eq(got, "eight");
    free(got);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(stores_without_conditional_writes_say_so)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *f = lhv1_file_store_new(dir, &err);
    ck_assert_ptr_nonnull(f);
    lhv1_store_version none = {0}, v;
    ck_assert_int_eq(lhv1_store_put_if(f, K("k"), K("x"), &none, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_SUPPORTED);
    ck_assert_int_eq(err.status, 501);
    lhv1_buf b;
    lhv1_buf_init(&b);
    ck_assert_int_eq(lhv1_store_get_version(f, K("k"), &b, &v, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_SUPPORTED);
    lhv1_buf_free(&b);
    /* Nothing was written. */
    ck_assert_ptr_null(get_str(f, "k"));
    lhv1_store_destroy(f);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(conditional_persistor_reports_a_conflict_and_keeps_the_other_save)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor a, b;
    lhv1_persistor_init(&a, s);
    lhv1_persistor_init(&b, s);
    lhv1_store_version seen_a = {0}, seen_b = {0};
    lhv1_loaded l;
    lhv1_status st;
    /* Both see the index missing: the second create is a conflict. */
    ck_assert_int_eq(lhv1_persistor_load_version(&a, "docs", &l, &seen_a, &st), LHV1_MISSING);
    lhv1_loaded_free(&l);
    ck_assert_int_eq(lhv1_persistor_load_version(&b, "docs", &l, &seen_b, &st), LHV1_MISSING);
    lhv1_loaded_free(&l);
    ck_assert(!seen_a.exists && !seen_b.exists);
    lhv1_buf ga, gb;
    lhv1_index ia, ib;
    make_index("docs", 3, 1, &ga, &ia);
    make_index("docs", 4, 2, &gb, &ib);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_save_if(&a, &ia, &seen_a, &err), 0);
    ck_assert(seen_a.exists);
    ck_assert_int_eq(lhv1_persistor_save_if(&b, &ib, &seen_b, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    ck_assert(!seen_b.exists); /* unchanged */
    /* B reloads: its save now goes over A's; A's stale save is refused. */
    ck_assert_int_eq(lhv1_persistor_load_version(&b, "docs", &l, &seen_b, &st), LHV1_OK);
    ck_assert_int_eq(l.idx.env.count, 3);
    lhv1_loaded_free(&l);
    ck_assert_str_eq(seen_b.tag, seen_a.tag);
    ck_assert_int_eq(lhv1_persistor_save_if(&b, &ib, &seen_b, &err), 0);
    ck_assert_int_eq(lhv1_persistor_save_if(&a, &ia, &seen_a, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    ck_assert_int_eq(lhv1_persistor_load(&a, "docs", &l, &st), LHV1_OK);
    ck_assert_int_eq(l.idx.env.count, 4);
    lhv1_loaded_free(&l);
    /* The plain Save overwrites, as upstream's does. */
    ck_assert_int_eq(lhv1_persistor_save(&a, &ia, &err), 0);
    ck_assert_int_eq(lhv1_persistor_load(&a, "docs", &l, &st), LHV1_OK);
    ck_assert_int_eq(l.idx.env.count, 3);
    lhv1_loaded_free(&l);
    lhv1_index_free(&ia);
    lhv1_index_free(&ib);
    lhv1_buf_free(&ga);
    lhv1_buf_free(&gb);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(load_version_on_a_store_without_versions_is_a_store_error)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *f = lhv1_file_store_new(dir, &err);
    lhv1_persistor p;
    lhv1_persistor_init(&p, f);
    lhv1_store_version seen = {1, "\"x\""};
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load_version(&p, "docs", &l, &seen, &st), LHV1_STORE_ERROR);
    ck_assert_int_eq(l.err.kind, LHV1_STORE_NOT_SUPPORTED);
    ck_assert(seen.exists); /* not taken for "missing" */
    lhv1_loaded_free(&l);
    lhv1_store_destroy(f);
    rm_tree(dir);
    free(dir);
}
END_TEST

Suite *suite_conditional(void)
{
    Suite *s = suite_create("conditional");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, memory_put_if_matches_the_version_read);
    tcase_add_test(tc, stores_without_conditional_writes_say_so);
    tcase_add_test(tc, conditional_persistor_reports_a_conflict_and_keeps_the_other_save);
    tcase_add_test(tc, load_version_on_a_store_without_versions_is_a_store_error);
    suite_add_tcase(s, tc);
    return s;
}
