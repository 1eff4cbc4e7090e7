/* The Store contract, run against every store: Put/Get/Delete/List, the
 * typed not-found, idempotent delete, keys with '/'. Loop index 0 is the
 * memory store, 1 the file store, 2 a fault store with an empty plan
 * over a memory store (it must be transparent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_tests.h"

typedef struct fixture {
    lhv1_store *store;
    lhv1_store *inner;
    char *dir;
} fixture;

static fixture open_store(int which)
{
    fixture f = {0};
    lhv1_store_err err;
    if (which == 0) {
        f.store = lhv1_memory_store_new();
    } else if (which == 1) {
        f.dir = make_temp_dir();
        f.store = lhv1_file_store_new(f.dir, &err);
    } else {
        f.inner = lhv1_memory_store_new();
        f.store = lhv1_fault_store_new(f.inner, NULL);
    }
    ck_assert_ptr_nonnull(f.store);
    return f;
}

static void close_store(fixture *f)
{
    lhv1_store_destroy(f->store);
    lhv1_store_destroy(f->inner);
    if (f->dir) {
        rm_tree(f->dir);
        free(f->dir);
    }
}

START_TEST(put_get_overwrite)
{
    fixture f = open_store(_i);
    put_str(f.store, "_vectors/a.lhv1", "first");
    char *got = get_str(f.store, "_vectors/a.lhv1");
    ck_assert_str_eq(got, "first");
    free(got);
    put_str(f.store, "_vectors/a.lhv1", "second, longer");
    got = get_str(f.store, "_vectors/a.lhv1");
    ck_assert_str_eq(got, "second, longer");
    free(got);
    put_str(f.store, "_vectors/a.lhv1", "");
    got = get_str(f.store, "_vectors/a.lhv1");
    ck_assert_str_eq(got, "");
    free(got);
    close_store(&f);
}
END_TEST

START_TEST(get_missing_is_typed_not_found)
{
    fixture f = open_store(_i);
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_get(f.store, K("_vectors/none.lhv1"), &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    ck_assert_int_eq(err.status, 404);
    lhv1_buf_free(&out);
    close_store(&f);
}
END_TEST

START_TEST(delete_is_idempotent)
{
    fixture f = open_store(_i);
    lhv1_store_err err;
    put_str(f.store, "a/b", "x");
    ck_assert_int_eq(lhv1_store_del(f.store, K("a/b"), &err), 0);
    ck_assert_ptr_null(get_str(f.store, "a/b"));
    ck_assert_int_eq(lhv1_store_del(f.store, K("a/b"), &err), 0);
    ck_assert_int_eq(err.kind, LHV1_STORE_OK);
    ck_assert_int_eq(lhv1_store_del(f.store, K("never/was"), &err), 0);
    close_store(&f);
}
END_TEST

static int listed(const lhv1_key_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (lhv1_bytes_eq(l->keys[i], K(key)))
            return 1;
    return 0;
}

START_TEST(list_by_prefix)
{
    fixture f = open_store(_i);
    put_str(f.store, "_vectors/a.lhv1", "1");
    put_str(f.store, "_vectors/sub/b.lhv1", "2");
    put_str(f.store, "_vectorsX", "3");
    put_str(f.store, "other/c.lhv1", "4");
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_list(f.store, K("_vectors/"), &l, &err), 0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert(listed(&l, "_vectors/a.lhv1"));
    ck_assert(listed(&l, "_vectors/sub/b.lhv1"));
    lhv1_key_list_free(&l);
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(f.store, K(""), &l, &err), 0);
    ck_assert_uint_eq(l.n, 4);
    lhv1_key_list_sort(&l);
    ck_assert_str_eq((const char *)l.keys[0].data, "_vectors/a.lhv1");
    ck_assert_str_eq((const char *)l.keys[3].data, "other/c.lhv1");
    lhv1_key_list_free(&l);
    close_store(&f);
}
END_TEST

START_TEST(binary_body_round_trips)
{
    fixture f = open_store(_i);
    uint8_t body[300];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (uint8_t)(i * 7);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_put(f.store, K("bin"), (lhv1_bytes){body, sizeof body}, &err), 0);
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_store_get(f.store, K("bin"), &out, &err), 0);
    ck_assert_uint_eq(out.len, sizeof body);
    ck_assert_mem_eq(out.data, body, sizeof body);
    lhv1_buf_free(&out);
    close_store(&f);
}
END_TEST

/* Many keys, deleted in an order that moves entries around (the memory
 * store fills a deleted entry's place with its last one, and its index
 * follows): every survivor still found with its own body, every deleted
 * key gone, the listing exact. */
enum { MANY_KEYS = 600 };
/* Its time is the file store's fsyncs (two per Put, one per Delete:
 * about 1,600), which a loaded machine's disk makes take seconds: Check's
 * default 4 s timed out. Its own case allows 50 ms for each, far more
 * than a loaded disk needs on average, and still ends a hang. */
#define MANY_KEYS_FSYNCS (2 * MANY_KEYS + MANY_KEYS * 2 / 3)
#define MANY_KEYS_TIMEOUT (MANY_KEYS_FSYNCS * 0.05)

START_TEST(many_keys_survive_deletes)
{
    fixture f = open_store(_i);
    enum { N = MANY_KEYS };
    char key[32], body[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "d/%d", i);
        snprintf(body, sizeof body, "body %d", i);
        put_str(f.store, key, body);
    }
    lhv1_store_err err;
    for (int i = 0; i < N; i++)
        if (i % 3 != 1) {
            snprintf(key, sizeof key, "d/%d", (i * 7) % N); /* scattered */
            ck_assert_int_eq(lhv1_store_del(f.store, K(key), &err), 0);
        }
    size_t alive = 0;
    for (int i = 0; i < N; i++) {
        int deleted = 0;
        for (int j = 0; j < N; j++)
            deleted |= j % 3 != 1 && (j * 7) % N == i;
        snprintf(key, sizeof key, "d/%d", i);
        char *got = get_str(f.store, key);
        if (deleted) {
            ck_assert_ptr_null(got);
        } else {
            snprintf(body, sizeof body, "body %d", i);
            ck_assert_str_eq(got ? got : "(absent)", body);
            alive++;
        }
        free(got);
    }
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(f.store, K("d/"), &l, &err), 0);
    ck_assert_uint_eq(l.n, alive);
    lhv1_key_list_free(&l);
    close_store(&f);
}
END_TEST

Suite *suite_store_contract(void)
{
    Suite *s = suite_create("store_contract");
    TCase *tc = tcase_create("contract");
    tcase_add_loop_test(tc, put_get_overwrite, 0, 3);
    tcase_add_loop_test(tc, get_missing_is_typed_not_found, 0, 3);
    tcase_add_loop_test(tc, delete_is_idempotent, 0, 3);
    tcase_add_loop_test(tc, list_by_prefix, 0, 3);
    tcase_add_loop_test(tc, binary_body_round_trips, 0, 3);
    suite_add_tcase(s, tc);
    TCase *many = tcase_create("many_keys");
    tcase_set_timeout(many, MANY_KEYS_TIMEOUT);
    tcase_add_loop_test(many, many_keys_survive_deletes, 0, 3);
    suite_add_tcase(s, many);
    return s;
}
