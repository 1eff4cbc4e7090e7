/* The helpers the store, persistor, fault-store and campaign suites share
 * (the suites' prototypes: check_suites.h, generated from suites.txt). */
#ifndef LHV1_STORE_TESTS_H
#define LHV1_STORE_TESTS_H

#include "check_suites.h"
#include "lhv1testing/fault_store.h"
#include "lhv1/persistor.h"

/* A fresh directory under $TMPDIR; removed (recursively) by rm_tree. */
char *make_temp_dir(void);
void rm_tree(const char *path);

/* A valid index named `name`: `n` nodes of dimension 2 on one layer
 * (two layers when n > 2), vectors derived from `seed`. The graph views
 * `graph_bytes`, which must outlive it. */
void make_index(const char *name, int n, int seed, lhv1_buf *graph_bytes, lhv1_index *idx);

/* Store helpers with C-string keys. */
lhv1_bytes K(const char *s);
/* Puts `s` under `key`; asserts success. */
void put_str(lhv1_store *s, const char *key, const char *body);
/* The inner store's bytes for key as a NUL-terminated string, or NULL when
 * absent (caller frees). */
char *get_str(lhv1_store *s, const char *key);

#endif
