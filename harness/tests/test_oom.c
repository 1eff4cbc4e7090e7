/* The allocation-failure loop: for every k, fail the k-th allocation of
 * one operation (liblhv1's through failing_alloc.c, cJSON's through the
 * hooks this program sets, as a host may), over load, dump, encode, the Go
 * prediction, and the persistor's save, load, list and delete on each
 * store (memory, file, fault), on several goldens.
 * Each point must end in the operation's normal result or in
 * out-of-memory, never in another reason; the `idx` contract of
 * lhv1/index.h must hold; nothing may leak (counted here per point; the
 * asan variant also checks bounds and leaks of everything else). k runs
 * until an operation completes without reaching its k-th allocation.
 * Every k is tried twice: the k-th allocation alone fails (transient), and
 * the k-th and every later one fail (persistent; but for a store's load,
 * which would repeat the persistent `load`).
 *
 * Usage: lhv1_oomtests GOLDEN_DIR. Prints the figures (points tried and
 * outcomes per path); exit 1 on any violation. */
#define _GNU_SOURCE /* nftw, mkdtemp */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failing_alloc.h"
#include "lhv1testing/fault_store.h"
#include "lhv1/persistor.h"

static const char *const golden_files[] = {
    "y_dim_1.lhv1",           /* the smallest real index */
    "y_multi_layer.lhv1",     /* several layers */
    "y_rich_metadata.lhv1",   /* nested metadata */
    "n_cross_count.lhv1",     /* inconsistent: decoded content kept */
    "i_envelope_duplicate_key_last_wins.lhv1", /* decode-error in the tree walk */
    "i_envelope_deep_nesting.lhv1",            /* cJSON gives up 1,000 deep */
};
#define N_GOLDENS (sizeof golden_files / sizeof golden_files[0])

static const char *const store_kinds[] = {"memory", "file", "fault"};
enum { OP_SAVE, OP_LOAD, OP_LIST, OP_DELETE, N_OPS };
static const char *const op_names[N_OPS] = {"save", "load", "list", "delete"};

static int failures;
#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            if (failures++ < 30) {                                                        \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                      \
                fprintf(stderr, __VA_ARGS__);                                             \
                fputc('\n', stderr);                                                      \
            }                                                                             \
        }                                                                                 \
    } while (0)

typedef struct golden {
    const char *file;
    uint8_t *data;
    size_t len;
    char name[128]; /* params.name when the envelope decodes, else "x" */
    lhv1_index idx; /* the normal load */
    lhv1_status st;
    lhv1_verdict v;
    lhv1_buf dump, encoded;
    lhv1_go go;
    char why[256];
} golden;

typedef struct tally {
    uint64_t points, normal, oom;
} tally;

static const char *mode_name(int persistent) { return persistent ? "persistent" : "transient"; }

static void report(const char *path, const golden *g, int persistent, const tally *t)
{
    printf("%-16s %-10s %-40s %5llu points %5llu normal %5llu out-of-memory\n", path,
           mode_name(persistent), g->file, (unsigned long long)t->points,
           (unsigned long long)t->normal, (unsigned long long)t->oom);
}

/* --- the idx contract and the status ----------------------------------- */

static void check_status(const char *path, const golden *g, uint64_t k, lhv1_verdict v,
                         const lhv1_status *st, const lhv1_index *idx)
{
    CHECK(st->verdict == v, "%s %s k=%llu: returned %s, status says %s", path, g->file,
          (unsigned long long)k, lhv1_verdict_name(v), lhv1_verdict_name(st->verdict));
    CHECK(lhv1_reason_verdict(st->reason) == v, "%s %s k=%llu: reason %s under verdict %s",
          path, g->file, (unsigned long long)k, lhv1_reason_code(st->reason),
          lhv1_verdict_name(v));
    CHECK((v == LHV1_OUT_OF_MEMORY) == (st->reason == LHV1_R_OUT_OF_MEMORY),
          "%s %s k=%llu: verdict %s, reason %s", path, g->file, (unsigned long long)k,
          lhv1_verdict_name(v), lhv1_reason_code(st->reason));
    if (idx)
        CHECK(idx->decoded == (v == LHV1_OK || v == LHV1_INCONSISTENT),
              "%s %s k=%llu: verdict %s with idx.decoded=%d (index.h contract)", path,
              g->file, (unsigned long long)k, lhv1_verdict_name(v), idx->decoded);
}

static int same_status(const lhv1_status *a, const lhv1_status *b)
{
    return a->verdict == b->verdict && a->reason == b->reason && a->offset == b->offset &&
           strcmp(a->message, b->message) == 0;
}

static int same_bytes(const lhv1_buf *a, const lhv1_buf *b)
{
    return lhv1_bytes_eq((lhv1_bytes){a->data, a->len}, (lhv1_bytes){b->data, b->len});
}

/* --- load, dump, encode, prediction --------------------------------------- */

static void loop_load(const golden *g, int persistent)
{
    tally t = {0, 0, 0};
    for (uint64_t k = 0;; k++) {
        int64_t live0 = failing_alloc_live();
        lhv1_index idx;
        lhv1_status st;
        failing_alloc_arm(k, persistent);
        lhv1_verdict v = lhv1_index_load(g->data, g->len, NULL, &idx, &st);
        uint64_t injected = failing_alloc_disarm();
        check_status("load", g, k, v, &st, &idx);
        if (v == LHV1_OUT_OF_MEMORY) {
            t.oom++;
            CHECK(injected, "load %s k=%llu: out-of-memory without a failed allocation",
                  g->file, (unsigned long long)k);
        } else {
            t.normal++;
            CHECK(same_status(&st, &g->st), "load %s k=%llu: %s/%s \"%s\", normally %s/%s",
                  g->file, (unsigned long long)k, lhv1_verdict_name(v),
                  lhv1_reason_code(st.reason), st.message, lhv1_verdict_name(g->v),
                  lhv1_reason_code(g->st.reason));
            if (idx.decoded) {
                lhv1_buf d;
                lhv1_buf_init(&d);
                CHECK(lhv1_index_dump(&idx, &d) == 0 && same_bytes(&d, &g->dump),
                      "load %s k=%llu: the content differs", g->file, (unsigned long long)k);
                lhv1_buf_free(&d);
            }
        }
        lhv1_index_free(&idx);
        CHECK(failing_alloc_live() == live0, "load %s k=%llu: %lld blocks leaked", g->file,
              (unsigned long long)k, (long long)(failing_alloc_live() - live0));
        t.points++;
        if (!injected)
            break;
    }
    report("load", g, persistent, &t);
}

/* Dump and encode of the normally loaded index: the normal bytes, or -1
 * with the buffer's allocation-failure latch set. */
static void loop_writer(const char *path, const golden *g, int persistent,
                        int (*write)(const lhv1_index *, lhv1_buf *), const lhv1_buf *normal)
{
    tally t = {0, 0, 0};
    for (uint64_t k = 0;; k++) {
        int64_t live0 = failing_alloc_live();
        lhv1_buf out;
        lhv1_buf_init(&out);
        failing_alloc_arm(k, persistent);
        int rc = write(&g->idx, &out);
        uint64_t injected = failing_alloc_disarm();
        if (rc == 0) {
            t.normal++;
            CHECK(same_bytes(&out, normal), "%s %s k=%llu: bytes differ", path, g->file,
                  (unsigned long long)k);
        } else {
            t.oom++;
            CHECK(out.failed && injected,
                  "%s %s k=%llu: failed without an allocation failure", path, g->file,
                  (unsigned long long)k);
        }
        lhv1_buf_free(&out);
        CHECK(failing_alloc_live() == live0, "%s %s k=%llu: %lld blocks leaked", path,
              g->file, (unsigned long long)k, (long long)(failing_alloc_live() - live0));
        t.points++;
        if (!injected)
            break;
    }
    report(path, g, persistent, &t);
}

#define PREDICT_OOM "out of memory in the predictor"

static void loop_predict(const golden *g, int persistent)
{
    tally t = {0, 0, 0};
    for (uint64_t k = 0;; k++) {
        int64_t live0 = failing_alloc_live();
        char why[256] = "";
        failing_alloc_arm(k, persistent);
        lhv1_go go = lhv1_predict_go(g->data, g->len, why, sizeof why);
        uint64_t injected = failing_alloc_disarm();
        if (strcmp(why, PREDICT_OOM) == 0) {
            t.oom++;
            CHECK(go == LHV1_GO_ERROR && injected, "predict %s k=%llu: %s \"%s\"", g->file,
                  (unsigned long long)k, lhv1_go_name(go), why);
        } else {
            t.normal++;
            CHECK(go == g->go && strcmp(why, g->why) == 0,
                  "predict %s k=%llu: %s \"%s\", normally %s \"%s\"", g->file,
                  (unsigned long long)k, lhv1_go_name(go), why, lhv1_go_name(g->go), g->why);
        }
        CHECK(failing_alloc_live() == live0, "predict %s k=%llu: %lld blocks leaked",
              g->file, (unsigned long long)k, (long long)(failing_alloc_live() - live0));
        t.points++;
        if (!injected)
            break;
    }
    report("predict", g, persistent, &t);
}

/* --- the persistor over each store ---------------------------------------- */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

typedef struct bench {
    lhv1_store *inner; /* the memory store under the fault store */
    lhv1_store *store;
    char dir[256];     /* the file store's root */
} bench;

/* A fresh store of `kind`, holding the golden's bytes under its key when
 * `with_object` (put in the innermost store: the fault store first sees
 * the key during the operation under test, so its history is created
 * then). The fault store's plan makes the follow-up operations read that
 * history: later Puts are torn over the old object, later Gets and Lists
 * are stale. */
static void bench_open(bench *b, const char *kind, const golden *g, int with_object)
{
    memset(b, 0, sizeof *b);
    lhv1_store_err err;
    lhv1_store *base;
    if (!strcmp(kind, "file")) {
        /* RAM-backed when there is one: a Put fsyncs, and on a disk the
         * thousands of points here would take minutes instead of seconds. */
        const char *tmp = getenv("TMPDIR");
        if (access("/dev/shm", W_OK) == 0)
            tmp = "/dev/shm";
        snprintf(b->dir, sizeof b->dir, "%s/lhv1-oom-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(b->dir)) {
            perror("mkdtemp");
            exit(2);
        }
        base = lhv1_file_store_new(b->dir, &err);
    } else {
        base = lhv1_memory_store_new();
    }
    if (!base) {
        fprintf(stderr, "cannot open a %s store\n", kind);
        exit(2);
    }
    if (with_object) {
        lhv1_buf key;
        lhv1_buf_init(&key);
        lhv1_persistor_key(g->name, &key);
        if (lhv1_store_put(base, (lhv1_bytes){key.data, key.len},
                           (lhv1_bytes){g->data, g->len}, &err) != 0) {
            fprintf(stderr, "setup put: %s\n", err.body);
            exit(2);
        }
        lhv1_buf_free(&key);
    }
    b->store = base;
    if (!strcmp(kind, "fault")) {
        static const lhv1_fault plan[] = {
            {.kind = LHV1_FAULT_PUT_TORN_OVER_OLD, .nth = 1, .persistent = 1, .cut = 40, .ack = 1},
            {.kind = LHV1_FAULT_GET_STALE, .nth = 1, .persistent = 1, .lag = 1},
            {.kind = LHV1_FAULT_LIST_STALE, .nth = 1, .persistent = 1, .lag = 1},
        };
        lhv1_fault_config cfg = {.plan = plan, .n_plan = sizeof plan / sizeof plan[0]};
        b->inner = base;
        b->store = lhv1_fault_store_new(base, &cfg);
        if (!b->store) {
            fprintf(stderr, "cannot open a fault store\n");
            exit(2);
        }
    }
}

static void bench_close(bench *b)
{
    lhv1_store_destroy(b->store);
    lhv1_store_destroy(b->inner);
    if (b->dir[0])
        nftw(b->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct result {
    int oom;          /* the operation reported out-of-memory */
    char text[1024];  /* what it returned, comparable */
    lhv1_verdict after; /* a Load right after (nothing failing) */
} result;

static void run_op(int op, bench *b, const golden *g, uint64_t k, result *r)
{
    lhv1_persistor p;
    lhv1_persistor_init(&p, b->store);
    lhv1_store_err err;
    int rc;
    memset(r, 0, sizeof *r);
    switch (op) {
    case OP_SAVE:
        rc = lhv1_persistor_save(&p, &g->idx, &err);
        r->oom = rc < 0 && err.kind == LHV1_STORE_OUT_OF_MEMORY;
        snprintf(r->text, sizeof r->text, "%d %s %s", rc, lhv1_store_kind_name(err.kind),
                 err.body);
        break;
    case OP_LOAD: {
        lhv1_loaded l;
        lhv1_status st;
        lhv1_verdict v = lhv1_persistor_load(&p, g->name, &l, &st);
        check_status("persistor load", g, k, v, &st, &l.idx);
        r->oom = v == LHV1_OUT_OF_MEMORY;
        snprintf(r->text, sizeof r->text, "%s %s %s", lhv1_verdict_name(v),
                 lhv1_reason_code(st.reason), st.message);
        lhv1_loaded_free(&l);
        break;
    }
    case OP_LIST: {
        lhv1_key_list names;
        lhv1_key_list_init(&names);
        rc = lhv1_persistor_list(&p, &names, &err);
        r->oom = rc < 0 && err.kind == LHV1_STORE_OUT_OF_MEMORY;
        int n = snprintf(r->text, sizeof r->text, "%d %s", rc, lhv1_store_kind_name(err.kind));
        for (size_t i = 0; i < names.n && n > 0 && (size_t)n < sizeof r->text; i++)
            n += snprintf(r->text + n, sizeof r->text - (size_t)n, " %s",
                          (const char *)names.keys[i].data);
        lhv1_key_list_free(&names);
        break;
    }
    case OP_DELETE:
        rc = lhv1_persistor_delete(&p, g->name, &err);
        r->oom = rc < 0 && err.kind == LHV1_STORE_OUT_OF_MEMORY;
        snprintf(r->text, sizeof r->text, "%d %s", rc, lhv1_store_kind_name(err.kind));
        break;
    }
}

/* With nothing failing: a Load (its verdict is the store's state), and on
 * the fault store a Save, a List and a Load that read its history. */
static lhv1_verdict follow_up(bench *b, const golden *g, int is_fault)
{
    lhv1_persistor p;
    lhv1_persistor_init(&p, b->store);
    lhv1_loaded l;
    lhv1_status st;
    lhv1_verdict v = lhv1_persistor_load(&p, g->name, &l, &st);
    lhv1_loaded_free(&l);
    if (is_fault && g->idx.decoded) {
        lhv1_store_err err;
        lhv1_key_list names;
        lhv1_key_list_init(&names);
        lhv1_persistor_save(&p, &g->idx, &err);
        lhv1_persistor_list(&p, &names, &err);
        lhv1_key_list_free(&names);
        lhv1_persistor_load(&p, g->name, &l, &st);
        lhv1_loaded_free(&l);
    }
    return v;
}

static void loop_store(const char *kind, int op, const golden *g, int persistent)
{
    int is_fault = !strcmp(kind, "fault");
    int with_object = op != OP_SAVE;
    bench b;
    result normal;
    bench_open(&b, kind, g, with_object);
    run_op(op, &b, g, 0, &normal);
    normal.after = follow_up(&b, g, is_fault);
    bench_close(&b);
    CHECK(!normal.oom, "%s %s on %s: out of memory with nothing failing", op_names[op],
          g->file, kind);
    /* The state before the operation: the other state an interrupted
     * mutation may leave. */
    lhv1_verdict before = LHV1_MISSING;
    if (with_object) {
        bench_open(&b, kind, g, 1);
        before = follow_up(&b, g, 0);
        bench_close(&b);
    }
    tally t = {0, 0, 0};
    char path[64];
    snprintf(path, sizeof path, "%s %s", kind, op_names[op]);
    for (uint64_t k = 0;; k++) {
        int64_t live0 = failing_alloc_live();
        bench_open(&b, kind, g, with_object);
        result r;
        failing_alloc_arm(k, persistent);
        run_op(op, &b, g, k, &r);
        uint64_t injected = failing_alloc_disarm();
        r.after = follow_up(&b, g, is_fault);
        bench_close(&b);
        if (r.oom) {
            t.oom++;
            CHECK(injected, "%s %s k=%llu: out of memory without a failed allocation", path,
                  g->file, (unsigned long long)k);
            /* What an interrupted operation leaves: the state before or
             * after it, nothing else (the fault store's own faults make the
             * state after it differ from both). */
            CHECK(is_fault || r.after == normal.after || r.after == before,
                  "%s %s k=%llu: after out-of-memory a Load says %s (normally %s, before %s)",
                  path, g->file, (unsigned long long)k, lhv1_verdict_name(r.after),
                  lhv1_verdict_name(normal.after), lhv1_verdict_name(before));
        } else {
            t.normal++;
            CHECK(strcmp(r.text, normal.text) == 0 && r.after == normal.after,
                  "%s %s k=%llu: \"%s\" then %s; normally \"%s\" then %s", path, g->file,
                  (unsigned long long)k, r.text, lhv1_verdict_name(r.after), normal.text,
                  lhv1_verdict_name(normal.after));
        }
        CHECK(failing_alloc_live() == live0, "%s %s k=%llu: %lld blocks leaked", path,
              g->file, (unsigned long long)k, (long long)(failing_alloc_live() - live0));
        t.points++;
        if (!injected)
            break;
    }
    report(path, g, persistent, &t);
}

/* --- goldens -------------------------------------------------------------- */

static int read_golden(const char *dir, const char *file, golden *g)
{
    memset(g, 0, sizeof *g);
    g->file = file;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    g->data = malloc(n > 0 ? (size_t)n : 1);
    g->len = n > 0 ? fread(g->data, 1, (size_t)n, f) : 0;
    fclose(f);
    g->v = lhv1_index_load(g->data, g->len, NULL, &g->idx, &g->st);
    lhv1_buf_init(&g->dump);
    lhv1_buf_init(&g->encoded);
    snprintf(g->name, sizeof g->name, "x");
    if (g->idx.decoded) {
        snprintf(g->name, sizeof g->name, "%s", g->idx.env.name);
        if (lhv1_index_dump(&g->idx, &g->dump) != 0 ||
            lhv1_index_encode(&g->idx, &g->encoded) != 0) {
            fprintf(stderr, "%s: no dump or encoding with nothing failing\n", file);
            return -1;
        }
    }
    g->go = lhv1_predict_go(g->data, g->len, g->why, sizeof g->why);
    return 0;
}

static void free_golden(golden *g)
{
    lhv1_index_free(&g->idx);
    lhv1_buf_free(&g->dump);
    lhv1_buf_free(&g->encoded);
    free(g->data);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GOLDEN_DIR\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    failing_alloc_hook_cjson(); /* cJSON's allocations can fail too */
    golden g[N_GOLDENS];
    for (size_t i = 0; i < N_GOLDENS; i++)
        if (read_golden(argv[1], golden_files[i], &g[i]) != 0)
            return 2;
    printf("allocation-failure loop: points tried (k = 0, 1, ... until an operation "
           "completes) and outcomes\n");
    for (int persistent = 0; persistent <= 1; persistent++)
        for (size_t i = 0; i < N_GOLDENS; i++) {
            loop_load(&g[i], persistent);
            if (g[i].idx.decoded) {
                loop_writer("dump", &g[i], persistent, lhv1_index_dump, &g[i].dump);
                loop_writer("encode", &g[i], persistent, lhv1_index_encode, &g[i].encoded);
            }
            loop_predict(&g[i], persistent);
            if (i == N_GOLDENS - 1)
                continue; /* the deep nesting's 1,100 points would only
                           * repeat `load` on each store */
            for (size_t s = 0; s < sizeof store_kinds / sizeof store_kinds[0]; s++)
                for (int op = 0; op < N_OPS; op++) {
                    if (op == OP_SAVE && !g[i].idx.decoded)
                        continue;
                    if (op == OP_LOAD && persistent)
                        continue; /* would repeat the persistent `load` above */
                    loop_store(store_kinds[s], op, &g[i], persistent);
                }
        }
    for (size_t i = 0; i < N_GOLDENS; i++)
        free_golden(&g[i]);
    if (failures)
        fprintf(stderr, "%d violations\n", failures);
    return failures ? 1 : 0;
}
