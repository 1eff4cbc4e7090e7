/* The file store's answers are whole: a listing that cannot read a
 * directory fails instead of returning part of the keys as success, and
 * two handles (or threads) of one process never collide on a temporary
 * file name. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "store_tests.h"

enum { DEPTH = 40 };

/* "d0/d1/.../d39/deep": a key whose listing holds DEPTH directories open. */
static void deep_key(char *out, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < DEPTH; i++)
        n += (size_t)snprintf(out + n, cap - n, "d%d/", i);
    snprintf(out + n, cap - n, "deep");
}

/* Descriptors open now: the lowest free one is a good enough bound when
 * the process has no holes below it; count them to be exact. */
static int open_descriptors(void)
{
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory stream's own descriptor */
}

/* Tests run as root, so chmod 000 would not stop opendir: the descriptor
 * limit does (EMFILE), as `ulimit -n` does for a real server. */
START_TEST(listing_fails_when_a_directory_cannot_be_opened)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    ck_assert_ptr_nonnull(s);
    char key[512];
    deep_key(key, sizeof key);
    put_str(s, "top", "1");
    put_str(s, key, "2");

    lhv1_key_list all;
    lhv1_key_list_init(&all);
    ck_assert_int_eq(lhv1_store_list(s, lhv1_bytes_str(""), &all, &err), 0);
    ck_assert_uint_eq(all.n, 2);
    lhv1_key_list_free(&all);

    struct rlimit old;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    struct rlimit low = old;
    low.rlim_cur = (rlim_t)open_descriptors() + DEPTH / 2;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    lhv1_key_list part;
    lhv1_key_list_init(&part);
    lhv1_store_err list_err, get_err;
    int rc = lhv1_store_list(s, lhv1_bytes_str(""), &part, &list_err);
    lhv1_buf got;
    lhv1_buf_init(&got);
    int get_rc = lhv1_store_get(s, lhv1_bytes_str(key), &got, &get_err);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);

    ck_assert_msg(get_rc == 0, "get: %s", get_err.body); /* Get still finds the key ... */
    ck_assert_msg(rc == -1, "List returned %zu of 2 keys as success", part.n);
    ck_assert_int_eq(list_err.kind, LHV1_STORE_FAILED); /* ... so List is a store error */
    ck_assert_msg(strstr(list_err.body, "Too many open files") != NULL, "body: %s",
                  list_err.body);
    lhv1_key_list_free(&part);
    lhv1_buf_free(&got);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* A per-handle counter named the first temporary of every handle
 * ".<pid>.1.tmp-lhv1": another handle's temporary of that name (planted
 * here, in flight in real life) made Put fail with EEXIST. */
START_TEST(a_temporary_of_another_handle_does_not_block_put)
{
    char *dir = make_temp_dir();
    char planted[4096];
    for (int i = 1; i <= 4; i++) {
        snprintf(planted, sizeof planted, "%s/.%ld.%d.tmp-lhv1", dir, (long)getpid(), i);
        FILE *f = fopen(planted, "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
    }
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < 4; i++) {
        int rc = lhv1_store_put(s, lhv1_bytes_str("k"), lhv1_bytes_str("v"), &err);
        ck_assert_msg(rc == 0, "put %d: %s", i, err.body);
    }
    char *v = get_str(s, "k");
    ck_assert_str_eq(v, "v");
    free(v);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

enum { THREADS = 4, PUTS = 150 };

typedef struct worker {
    const char *root;
    int id;
    int failed;
    char first_error[LHV1_STORE_BODY_MAX];
} worker;

/* Each thread has its own handle on the shared root and writes its own
 * keys into one directory. */
static void *put_many(void *arg)
{
    worker *w = arg;
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(w->root, &err);
    if (!s) {
        w->failed = PUTS;
        snprintf(w->first_error, sizeof w->first_error, "%s", err.body);
        return NULL;
    }
    for (int i = 0; i < PUTS; i++) {
        char key[64];
        snprintf(key, sizeof key, "shared/t%d-%d", w->id, i);
        if (lhv1_store_put(s, lhv1_bytes_str(key), lhv1_bytes_str(key), &err) != 0 &&
            w->failed++ == 0)
            snprintf(w->first_error, sizeof w->first_error, "%s", err.body);
    }
    lhv1_store_destroy(s);
    return NULL;
}

START_TEST(threads_with_their_own_handles_never_collide)
{
    char *dir = make_temp_dir();
    worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){dir, i, 0, ""};
        ck_assert_int_eq(pthread_create(&t[i], NULL, put_many, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        ck_assert_msg(w[i].failed == 0, "thread %d: %d of %d puts failed, first: %s", i,
                      w[i].failed, PUTS, w[i].first_error);
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    lhv1_key_list keys;
    lhv1_key_list_init(&keys);
    ck_assert_int_eq(lhv1_store_list(s, lhv1_bytes_str("shared/"), &keys, &err), 0);
    ck_assert_uint_eq(keys.n, THREADS * PUTS); /* and no temporary left or listed */
    lhv1_key_list_free(&keys);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

Suite *suite_file_store_integrity(void)
{
    Suite *s = suite_create("file_store_integrity");
    TCase *tc = tcase_create("integrity");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, listing_fails_when_a_directory_cannot_be_opened);
    tcase_add_test(tc, a_temporary_of_another_handle_does_not_block_put);
    tcase_add_test(tc, threads_with_their_own_handles_never_collide);
    suite_add_tcase(s, tc);
    return s;
}
