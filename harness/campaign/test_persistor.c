/* The persistor: upstream Save/Load/Delete/List semantics, and the
 * classification of store errors (only the typed not-found is missing). */
#include <stdlib.h>
#include <string.h>

#include "store_tests.h"

START_TEST(save_then_load_round_trips)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    lhv1_buf g;
    lhv1_index idx;
    make_index("docs", 4, 1, &g, &idx);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_save(&p, &idx, &err), 0);
    /* Stored under the upstream key, as the encoder frames it. */
    char *raw = get_str(s, "_vectors/docs.lhv1");
    ck_assert_ptr_nonnull(raw);
    ck_assert_mem_eq(raw, "LHV1", 4);
    free(raw);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "docs", &l, &st), LHV1_OK);
    ck_assert(lhv1_graph_equal(&l.idx.graph, &idx.graph));
    ck_assert_str_eq(l.idx.env.name, "docs");
    ck_assert_int_eq(l.idx.env.count, 4);
    lhv1_loaded_free(&l);
    lhv1_index_free(&idx);
    lhv1_buf_free(&g);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(load_checks_the_name)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    lhv1_buf g;
    lhv1_index idx;
    make_index("docs", 3, 2, &g, &idx);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_save(&p, &idx, &err), 0);
    /* The same bytes copied under another name load as inconsistent. */
    lhv1_buf body;
    lhv1_buf_init(&body);
    lhv1_store_get(s, K("_vectors/docs.lhv1"), &body, &err);
    ck_assert_int_eq(lhv1_store_put(s, K("_vectors/other.lhv1"),
                                    (lhv1_bytes){body.data, body.len}, &err), 0);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "other", &l, &st), LHV1_INCONSISTENT);
    ck_assert_int_eq(st.reason, LHV1_R_CROSS_NAME);
    lhv1_loaded_free(&l);
    lhv1_buf_free(&body);
    lhv1_index_free(&idx);
    lhv1_buf_free(&g);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(missing_key_is_missing)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "none", &l, &st), LHV1_MISSING);
    ck_assert_int_eq(st.reason, LHV1_R_KEY_MISSING);
    ck_assert_int_eq(l.err.kind, LHV1_STORE_NOT_FOUND);
    lhv1_loaded_free(&l);
    lhv1_store_destroy(s);
}
END_TEST

/* A 5xx whose body says "key not found" is a store failure: the upstream
 * bug fixed in scrum O-B1 was to match that body as missing. */
START_TEST(server_error_saying_key_not_found_is_store_error)
{
    lhv1_store *mem = lhv1_memory_store_new();
    put_str(mem, "_vectors/docs.lhv1", "whatever");
    lhv1_fault plan = {.kind = LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY, .nth = 0};
    lhv1_fault_config cfg = {.plan = &plan, .n_plan = 1};
    lhv1_store *fs = lhv1_fault_store_new(mem, &cfg);
    lhv1_persistor p;
    lhv1_persistor_init(&p, fs);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "docs", &l, &st), LHV1_STORE_ERROR);
    ck_assert_int_eq(st.reason, LHV1_R_STORE_FAILED);
    ck_assert_int_eq(l.err.kind, LHV1_STORE_FAILED);
    ck_assert_int_ge(l.err.status, 500);
    ck_assert_ptr_nonnull(strstr(l.err.body, "key not found"));
    ck_assert_ptr_nonnull(strstr(st.message, "key not found"));
    lhv1_loaded_free(&l);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(mem);
}
END_TEST

START_TEST(invalid_key_is_store_error)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "../../etc/x", &l, &st), LHV1_STORE_ERROR);
    ck_assert_int_eq(l.err.kind, LHV1_STORE_INVALID_KEY);
    lhv1_loaded_free(&l);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(garbage_is_bad_format)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    put_str(s, "_vectors/x.lhv1", "LHV0....");
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "x", &l, &st), LHV1_BAD_FORMAT);
    ck_assert_int_eq(st.reason, LHV1_R_FRAME_BAD_MAGIC);
    lhv1_loaded_free(&l);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(delete_is_idempotent)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    put_str(s, "_vectors/x.lhv1", "x");
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_delete(&p, "x", &err), 0);
    ck_assert_ptr_null(get_str(s, "_vectors/x.lhv1"));
    ck_assert_int_eq(lhv1_persistor_delete(&p, "x", &err), 0);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(list_filters_and_sorts_bytewise)
{
    lhv1_store *s = lhv1_memory_store_new();
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    const char *keys[] = {
        "_vectors/b.lhv1", "_vectors/a.lhv1", "_vectors/B.lhv1",  "_vectors/.lhv1",
        "_vectors/c.txt",  "other/d.lhv1",    "_vectors/sub/e.lhv1", "_vectors/a.lhv1.bak",
        "_vectorsf.lhv1",  "_vectors/\xc3\xa9.lhv1",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        put_str(s, keys[i], "x");
    lhv1_key_list names;
    lhv1_key_list_init(&names);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_list(&p, &names, &err), 0);
    /* Prefix and suffix kept as upstream does (a '/' in a name stays),
     * empty names dropped, sorted by bytes: 'B' < 'a' < "sub/e" < 0xc3. */
    const char *want[] = {"B", "a", "b", "sub/e", "\xc3\xa9"};
    ck_assert_uint_eq(names.n, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq((const char *)names.keys[i].data, want[i]);
    lhv1_key_list_free(&names);
    lhv1_store_destroy(s);
}
END_TEST

START_TEST(list_and_save_errors_propagate)
{
    lhv1_store *mem = lhv1_memory_store_new();
    lhv1_fault plan[] = {{.kind = LHV1_FAULT_LIST_FAIL}, {.kind = LHV1_FAULT_PUT_FAIL_BEFORE}};
    lhv1_fault_config cfg = {.plan = plan, .n_plan = 2};
    lhv1_store *fs = lhv1_fault_store_new(mem, &cfg);
    lhv1_persistor p;
    lhv1_persistor_init(&p, fs);
    lhv1_key_list names;
    lhv1_key_list_init(&names);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_persistor_list(&p, &names, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_FAILED);
    lhv1_key_list_free(&names);
    lhv1_buf g;
    lhv1_index idx;
    make_index("docs", 2, 1, &g, &idx);
    ck_assert_int_eq(lhv1_persistor_save(&p, &idx, &err), -1);
    ck_assert_int_eq(err.status, 503);
    ck_assert_ptr_null(get_str(mem, "_vectors/docs.lhv1"));
    lhv1_index_free(&idx);
    lhv1_buf_free(&g);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(mem);
}
END_TEST

/* The whole persistor cycle over the file store: save two indexes (one
 * with a '/' in its name, which makes a subdirectory), overwrite, list,
 * load, delete. */
START_TEST(file_store_cycle)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    lhv1_persistor p;
    lhv1_persistor_init(&p, s);
    lhv1_buf g1, g2, g3;
    lhv1_index a1, a2, b;
    make_index("a", 3, 1, &g1, &a1);
    make_index("a", 5, 2, &g2, &a2);
    make_index("team/b", 0, 3, &g3, &b);
    ck_assert_int_eq(lhv1_persistor_save(&p, &a1, &err), 0);
    ck_assert_int_eq(lhv1_persistor_save(&p, &b, &err), 0);
    ck_assert_int_eq(lhv1_persistor_save(&p, &a2, &err), 0);
    lhv1_key_list names;
    lhv1_key_list_init(&names);
    ck_assert_int_eq(lhv1_persistor_list(&p, &names, &err), 0);
    ck_assert_uint_eq(names.n, 2);
    ck_assert_str_eq((const char *)names.keys[0].data, "a");
    ck_assert_str_eq((const char *)names.keys[1].data, "team/b");
    lhv1_key_list_free(&names);
    lhv1_loaded l;
    lhv1_status st;
    ck_assert_int_eq(lhv1_persistor_load(&p, "a", &l, &st), LHV1_OK);
    ck_assert(lhv1_graph_equal(&l.idx.graph, &a2.graph));
    lhv1_loaded_free(&l);
    ck_assert_int_eq(lhv1_persistor_load(&p, "team/b", &l, &st), LHV1_OK);
    ck_assert_int_eq(l.idx.env.count, 0);
    lhv1_loaded_free(&l);
    ck_assert_int_eq(lhv1_persistor_delete(&p, "a", &err), 0);
    ck_assert_int_eq(lhv1_persistor_load(&p, "a", &l, &st), LHV1_MISSING);
    lhv1_loaded_free(&l);
    lhv1_index_free(&a1);
    lhv1_index_free(&a2);
    lhv1_index_free(&b);
    lhv1_buf_free(&g1);
    lhv1_buf_free(&g2);
    lhv1_buf_free(&g3);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

Suite *suite_persistor(void)
{
    Suite *s = suite_create("persistor");
    TCase *tc = tcase_create("persistor");
    tcase_add_test(tc, save_then_load_round_trips);
    tcase_add_test(tc, load_checks_the_name);
    tcase_add_test(tc, missing_key_is_missing);
    tcase_add_test(tc, server_error_saying_key_not_found_is_store_error);
    tcase_add_test(tc, invalid_key_is_store_error);
    tcase_add_test(tc, garbage_is_bad_format);
    tcase_add_test(tc, delete_is_idempotent);
    tcase_add_test(tc, list_filters_and_sorts_bytewise);
    tcase_add_test(tc, list_and_save_errors_propagate);
    tcase_add_test(tc, file_store_cycle);
    suite_add_tcase(s, tc);
    return s;
}
