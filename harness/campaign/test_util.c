/* Helpers shared by the store suites. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_tests.h"

char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/lhv1-store-XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(tmpl);
    ck_assert_msg(dir != NULL, "mkdtemp failed");
    return strdup(dir);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void rm_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void make_index(const char *name, int n, int seed, lhv1_buf *graph_bytes, lhv1_index *idx)
{
    memset(idx, 0, sizeof *idx);
    lhv1_buf_init(graph_bytes);
    int layers = n == 0 ? 0 : n > 2 ? 2 : 1;
    lhv1_gw_header(graph_bytes, 1, 4, 0.5, 8, lhv1_bytes_str("cosine"), layers);
    for (int l = 0; l < layers; l++) {
        int members = l == 0 ? n : 2; /* layer 1: the first two nodes */
        lhv1_gw_varint(graph_bytes, members);
        for (int i = 0; i < members; i++) {
            char key[16], other[16];
            snprintf(key, sizeof key, "k%02d", i);
            float vec[2] = {(float)(seed * 10 + i), (float)(seed - i) / 4.0f};
            int k = members - 1 < 2 ? members - 1 : 2;
            lhv1_gw_node(graph_bytes, lhv1_bytes_str(key), vec, 2, k);
            for (int j = 1; j <= k; j++) {
                snprintf(other, sizeof other, "k%02d", (i + j) % members);
                lhv1_gw_string(graph_bytes, lhv1_bytes_str(other));
            }
        }
    }
    lhv1_status st;
    ck_assert_int_eq(lhv1_graph_decode(graph_bytes->data, graph_bytes->len, &idx->graph, &st), 0);
    ck_assert_int_eq(lhv1_envelope_init(&idx->env, name, 2, "cosine", 4, 8, n), 0);
    idx->decoded = 1;
}

lhv1_bytes K(const char *s) { return lhv1_bytes_str(s); }

void put_str(lhv1_store *s, const char *key, const char *body)
{
    lhv1_store_err err;
    int rc = lhv1_store_put(s, K(key), K(body), &err);
    ck_assert_msg(rc == 0, "put %s: %s %d %s", key, lhv1_store_kind_name(err.kind), err.status,
                  err.body);
}

char *get_str(lhv1_store *s, const char *key)
{
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_store_err err;
    if (lhv1_store_get(s, K(key), &out, &err) < 0) {
        ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
        lhv1_buf_free(&out);
        return NULL;
    }
    char *copy = malloc(out.len + 1);
    memcpy(copy, out.data ? (const char *)out.data : "", out.len);
    copy[out.len] = '\0';
    lhv1_buf_free(&out);
    return copy;
}
