/* The file store: key confinement, subdirectories (pruned on Delete,
 * key conflicts refused as keys), no temporaries left behind or after
 * recovery, symlinks planted under the root are not followed, a FIFO is not
 * read (it would block). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_tests.h"

static const struct {
    const char *key;
    size_t len; /* 0: strlen */
    const char *why; /* a word the error body must contain */
} bad_keys[] = {
    {"", 0, "empty"},
    {"..", 0, ".."},
    {"../escape", 0, ".."},
    {"a/../../escape", 0, ".."},
    {"a/..", 0, ".."},
    {".", 0, "'.'"},
    {"a/./b", 0, "'.'"},
    {"/etc/passwd", 0, "absolute"},
    {"a//b", 0, "empty segment"},
    {"a/", 0, "empty segment"},
    {"a\0b", 3, "NUL"},
    {"x.tmp-lhv1", 0, "reserved"},
    {"d/x.tmp-lhv1/y", 0, "reserved"},
};

START_TEST(confinement_rejects_bad_keys)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    ck_assert_ptr_nonnull(s);
    lhv1_bytes key = {(const uint8_t *)bad_keys[_i].key,
                      bad_keys[_i].len ? bad_keys[_i].len : strlen(bad_keys[_i].key)};
    lhv1_buf out;
    lhv1_buf_init(&out);
    /* Every operation refuses it, with a 400 and a body that says why. */
    ck_assert_int_eq(lhv1_store_put(s, key, K("x"), &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_INVALID_KEY);
    ck_assert_int_eq(err.status, 400);
    ck_assert_msg(strstr(err.body, bad_keys[_i].why), "body \"%s\" lacks \"%s\"", err.body,
                  bad_keys[_i].why);
    ck_assert_int_eq(lhv1_store_get(s, key, &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_INVALID_KEY);
    ck_assert_int_eq(lhv1_store_del(s, key, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_INVALID_KEY);
    /* The shared rule agrees, except for the file store's own suffix rule. */
    if (!strstr(bad_keys[_i].why, "reserved"))
        ck_assert_int_eq(lhv1_store_key_check(key, &err), -1);
    lhv1_buf_free(&out);
    lhv1_store_destroy(s);
    /* Nothing was created outside the root either. */
    char outside[4200];
    snprintf(outside, sizeof outside, "%s/../escape", dir);
    ck_assert_int_ne(access(outside, F_OK), 0);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(good_keys_pass_the_rule)
{
    lhv1_store_err err;
    const char *good[] = {"a", "_vectors/x.lhv1", "a/b/c", "..a", "a..", "a/...", ".hidden"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(lhv1_store_key_check(K(good[i]), &err) == 0, "%s: %s", good[i], err.body);
}
END_TEST

START_TEST(slashes_make_directories_and_no_temporaries_remain)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    put_str(s, "_vectors/deep/er/x.lhv1", "payload");
    put_str(s, "_vectors/deep/er/x.lhv1", "payload 2");
    char path[4200];
    snprintf(path, sizeof path, "%s/_vectors/deep/er", dir);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
    /* Exactly one entry: the object, no temporary file. */
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(s, K(""), &l, &err), 0);
    ck_assert_uint_eq(l.n, 1);
    lhv1_key_list_free(&l);
    char cmd_path[4300];
    snprintf(cmd_path, sizeof cmd_path, "%s/x.lhv1", path);
    FILE *fp = fopen(cmd_path, "rb");
    ck_assert_ptr_nonnull(fp);
    char buf[32] = {0};
    ck_assert_uint_eq(fread(buf, 1, sizeof buf - 1, fp), 9);
    fclose(fp);
    ck_assert_str_eq(buf, "payload 2");
    /* A key under an object, or an object over a directory: a conflict,
     * refused as a key (409), not a store failure. */
    ck_assert_int_eq(lhv1_store_put(s, K("_vectors/deep/er/x.lhv1/y"), K("z"), &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_INVALID_KEY);
    ck_assert_int_eq(err.status, 409);
    ck_assert_msg(strstr(err.body, "a prefix of"), "%s", err.body);
    ck_assert_int_eq(lhv1_store_put(s, K("_vectors/deep"), K("z"), &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_INVALID_KEY);
    ck_assert_int_eq(err.status, 409);
    ck_assert_msg(strstr(err.body, "is a prefix of other keys"), "%s", err.body);
    /* A directory is not an object. */
    ck_assert_ptr_null(get_str(s, "_vectors/deep"));
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

static int exists(const char *dir, const char *rel)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return access(path, F_OK) == 0;
}

/* Delete leaves no directory behind, so the name is free again: a Put of
 * "a/b" after "a/b/c" came and went is an object, not a conflict. */
START_TEST(delete_prunes_empty_directories)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    put_str(s, "a/b/c", "1");
    put_str(s, "a/x", "2");
    ck_assert_int_eq(lhv1_store_del(s, K("a/b/c"), &err), 0);
    ck_assert(!exists(dir, "a/b"));
    ck_assert(exists(dir, "a/x")); /* a/ still holds an object */
    put_str(s, "a/b", "3");
    char *got = get_str(s, "a/b");
    ck_assert_str_eq(got, "3");
    free(got);
    ck_assert_int_eq(lhv1_store_del(s, K("a/b"), &err), 0);
    ck_assert_int_eq(lhv1_store_del(s, K("a/x"), &err), 0);
    ck_assert(!exists(dir, "a")); /* up to the root, which stays */
    ck_assert(exists(dir, ""));
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* Empty directories (a crash between a Delete and its pruning, or made by
 * hand) do not hold a name; a directory with a file in its tree does. */
START_TEST(put_replaces_an_empty_directory_tree)
{
    char *dir = make_temp_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/k/d1/d2", dir);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", path);
    ck_assert_int_eq(system(cmd), 0);
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    put_str(s, "k", "object");
    char *got = get_str(s, "k");
    ck_assert_str_eq(got, "object");
    free(got);
    put_str(s, "j/d/file", "x");
    ck_assert_int_eq(lhv1_store_put(s, K("j"), K("y"), &err), -1);
    ck_assert_int_eq(err.status, 409);
    ck_assert(exists(dir, "j/d/file"));
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* What a crash mid-Put leaves (temporaries, empty directories) goes at
 * recovery; objects stay. */
START_TEST(recover_removes_temporaries_and_empty_directories)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    put_str(s, "b/_vectors/x.lhv1", "x");
    const char *leftovers[] = {".1.1.00.tmp-lhv1", "b/_vectors/.2.7.ff.tmp-lhv1",
                               "c/d/.3.1.0a.tmp-lhv1"};
    char path[4200];
    snprintf(path, sizeof path, "mkdir -p %s/c/d %s/e/f", dir, dir);
    ck_assert_int_eq(system(path), 0);
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, leftovers[i]);
        FILE *fp = fopen(path, "wb");
        ck_assert_ptr_nonnull(fp);
        fputs("half", fp);
        fclose(fp);
    }
    size_t removed = 0;
    ck_assert_int_eq(lhv1_file_store_recover(s, &removed, &err), 0);
    ck_assert_uint_eq(removed, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert(!exists(dir, leftovers[i]));
    ck_assert(!exists(dir, "c"));
    ck_assert(!exists(dir, "e"));
    char *got = get_str(s, "b/_vectors/x.lhv1");
    ck_assert_str_eq(got, "x");
    free(got);
    /* Not a file store: refused. */
    lhv1_store *m = lhv1_memory_store_new();
    ck_assert_int_eq(lhv1_file_store_recover(m, &removed, &err), -1);
    int fd;
    ck_assert_int_eq(lhv1_file_store_open(m, K("k"), &fd, &err), -1);
    lhv1_store_destroy(m);
    /* open: the object's file, and nothing for a directory */
    ck_assert_int_eq(lhv1_file_store_open(s, K("b/_vectors/x.lhv1"), &fd, &err), 0);
    struct stat sb;
    ck_assert_int_eq(fstat(fd, &sb), 0);
    ck_assert_int_eq(sb.st_size, 1);
    close(fd);
    ck_assert_int_eq(lhv1_file_store_open(s, K("b/_vectors"), &fd, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    ck_assert_int_eq(fd, -1);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(temporaries_are_not_listed)
{
    char *dir = make_temp_dir();
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    put_str(s, "a", "1");
    /* What a crash between write and rename leaves behind. */
    char path[4200];
    snprintf(path, sizeof path, "%s/.123.1.tmp-lhv1", dir);
    FILE *fp = fopen(path, "wb");
    fputs("half", fp);
    fclose(fp);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(s, K(""), &l, &err), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq((const char *)l.keys[0].data, "a");
    lhv1_key_list_free(&l);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(symlinks_under_the_root_are_not_followed)
{
    char *dir = make_temp_dir();
    char *outside = make_temp_dir();
    char path[4200], target[4200];
    snprintf(target, sizeof target, "%s/secret", outside);
    FILE *fp = fopen(target, "wb");
    fputs("secret", fp);
    fclose(fp);
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    snprintf(path, sizeof path, "%s/link", dir);
    ck_assert_int_eq(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/file-link", dir);
    ck_assert_int_eq(symlink(target, path), 0);
    /* Reads through either link find nothing; writes do not land outside. */
    ck_assert_ptr_null(get_str(s, "link/secret"));
    ck_assert_ptr_null(get_str(s, "file-link"));
    ck_assert_int_eq(lhv1_store_put(s, K("link/new"), K("x"), &err), -1);
    snprintf(path, sizeof path, "%s/new", outside);
    ck_assert_int_ne(access(path, F_OK), 0);
    /* Deleting through the link leaves the target alone. */
    ck_assert_int_eq(lhv1_store_del(s, K("file-link"), &err), 0);
    ck_assert_int_eq(access(target, F_OK), 0);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    ck_assert_int_eq(lhv1_store_list(s, K(""), &l, &err), 0);
    ck_assert_uint_eq(l.n, 0);
    lhv1_key_list_free(&l);
    lhv1_store_destroy(s);
    rm_tree(dir);
    rm_tree(outside);
    free(dir);
    free(outside);
}
END_TEST

/* A FIFO planted at a key is not an object, and reading it must not block. */
START_TEST(fifo_under_the_root_is_not_an_object)
{
    char *dir = make_temp_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/pipe", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(dir, &err);
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_store_get(s, K("pipe"), &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    lhv1_buf_free(&out);
    lhv1_store_destroy(s);
    rm_tree(dir);
    free(dir);
}
END_TEST

START_TEST(root_is_created)
{
    char *dir = make_temp_dir();
    char root[4200];
    snprintf(root, sizeof root, "%s/new/root", dir);
    lhv1_store_err err;
    lhv1_store *s = lhv1_file_store_new(root, &err);
    ck_assert_msg(s != NULL, "%s", err.body);
    put_str(s, "k", "v");
    lhv1_store_destroy(s);
    ck_assert_ptr_null(lhv1_file_store_new("", &err));
    rm_tree(dir);
    free(dir);
}
END_TEST

Suite *suite_file_store(void)
{
    Suite *s = suite_create("file_store");
    TCase *tc = tcase_create("file_store");
    tcase_add_loop_test(tc, confinement_rejects_bad_keys, 0,
                        (int)(sizeof bad_keys / sizeof bad_keys[0]));
    tcase_add_test(tc, good_keys_pass_the_rule);
    tcase_add_test(tc, slashes_make_directories_and_no_temporaries_remain);
    tcase_add_test(tc, delete_prunes_empty_directories);
    tcase_add_test(tc, put_replaces_an_empty_directory_tree);
    tcase_add_test(tc, recover_removes_temporaries_and_empty_directories);
    tcase_add_test(tc, temporaries_are_not_listed);
    tcase_add_test(tc, symlinks_under_the_root_are_not_followed);
    tcase_add_test(tc, fifo_under_the_root_is_not_an_object);
    tcase_add_test(tc, root_is_created);
    suite_add_tcase(s, tc);
    return s;
}
