/* persistor: the input is a fault plan and a sequence of Save / Load /
 * Delete / List over three names and four contents each, run through the
 * persistor on a fault store over a memory store. A model tracks, per name,
 * every state the store may hold after each call given which faults fired.
 *
 * Invariant: a Load either returns content that may be there (the content
 * of a save the model allows, byte for byte), or reports an error the
 * faults explain; it never returns content never saved. Faults of the
 * get path must surface as their verdict (a 5xx saying "key not found" is
 * store-error, never missing). With no fault fired, the store is exact.
 *
 * LHV1 has no checksum, so two faults can load as `ok` with content never
 * saved: a flipped bit in a vector, and a torn write of a new body over an
 * old body of the same length. They are counted, not failed, unless
 * LHV1_FUZZ_STRICT_INTEGRITY is set (docs/FUZZING.md, "Findings"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_helpers.h"
#include "lhv1testing/fault_store.h"
#include "lhv1/persistor.h"

#define N_NAMES 3
#define N_VERSIONS 4
#define MAX_OPS 32
#define MAX_FAULTS 6

/* Model state bits: a version, absent, or bytes that do not load. */
#define S_ABSENT (1u << N_VERSIONS)
#define S_GARBAGE (1u << (N_VERSIONS + 1))
/* A torn write over an old body: may load as an unsaved mixture. */
#define S_MIXTURE (1u << (N_VERSIONS + 2))

static const char *const names[N_NAMES] = {"alpha", "beta", "gamma"};

static lhv1_buf bodies[N_NAMES][N_VERSIONS];
static lhv1_index contents[N_NAMES][N_VERSIONS];
static int strict;

/* Every content of every name has the same size, so that torn writes over
 * an old body can produce well-formed mixtures. */
static void build_content(int n, int v)
{
    lhv1_buf g, e;
    lhv1_buf_init(&g);
    lhv1_buf_init(&e);
    static const char *const keys[3] = {"k0", "k1", "k2"};
    lhv1_gw_header(&g, LHV1_GRAPH_VERSION, 2, 0.5, 8, lhv1_bytes_str("cosine"), 1);
    lhv1_gw_varint(&g, 3);
    for (int i = 0; i < 3; i++) {
        float vec[2] = {(float)(n * 100 + v * 10 + i), (float)(v + 1) / 4.0f};
        lhv1_gw_node(&g, lhv1_bytes_str(keys[i]), vec, 2, 2);
        for (int j = 0; j < 3; j++)
            if (j != i)
                lhv1_gw_string(&g, lhv1_bytes_str(keys[j]));
    }
    lhv1_envelope env;
    lhv1_status st;
    FUZZ_ASSERT(lhv1_envelope_init(&env, names[n], 2, "cosine", 2, 8, 3) == 0);
    FUZZ_ASSERT(lhv1_envelope_encode(&env, &e) == 0);
    lhv1_buf_init(&bodies[n][v]);
    FUZZ_ASSERT(lhv1_frame((lhv1_bytes){e.data, e.len}, (lhv1_bytes){g.data, g.len},
                           &bodies[n][v], &st) == 0);
    lhv1_verdict verdict =
        lhv1_index_load(bodies[n][v].data, bodies[n][v].len, names[n], &contents[n][v], &st);
    FUZZ_ASSERT_MSG(verdict == LHV1_OK, "content %s/%d: %s", names[n], v, st.message);
    lhv1_envelope_free(&env);
    lhv1_buf_free(&g);
    lhv1_buf_free(&e);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int n = 0; n < N_NAMES; n++)
        for (int v = 0; v < N_VERSIONS; v++)
            build_content(n, v);
    strict = getenv("LHV1_FUZZ_STRICT_INTEGRITY") != NULL;
    return 0;
}

/* Which saved content, if any, `body` is. */
static int which_version(int n, const lhv1_buf *body)
{
    for (int v = 0; v < N_VERSIONS; v++)
        if (body->len == bodies[n][v].len && memcmp(body->data, bodies[n][v].data, body->len) == 0)
            return v;
    return -1;
}

typedef struct run {
    lhv1_store *mem, *fs;
    lhv1_persistor p;
    uint32_t may[N_NAMES];  /* states the store may hold now */
    uint32_t ever[N_NAMES]; /* states it may have held at any time */
    uint64_t fired[LHV1_FAULT_KIND_COUNT];
} run;

/* The kinds that fired since the last call (at most one: one fault per
 * operation). */
static lhv1_fault_kind fired_now(run *r)
{
    lhv1_fault_kind k = LHV1_FAULT_NONE;
    for (int i = 1; i < LHV1_FAULT_KIND_COUNT; i++) {
        uint64_t c = lhv1_fault_store_fired(r->fs, (lhv1_fault_kind)i);
        if (c != r->fired[i]) {
            FUZZ_ASSERT_MSG(k == LHV1_FAULT_NONE, "two faults fired in one operation");
            FUZZ_ASSERT(c == r->fired[i] + 1);
            k = (lhv1_fault_kind)i;
            r->fired[i] = c;
        }
    }
    return k;
}

static int any_fired(const run *r)
{
    for (int i = 1; i < LHV1_FAULT_KIND_COUNT; i++)
        if (r->fired[i])
            return 1;
    return 0;
}

static void do_save(run *r, int n, int v)
{
    lhv1_store_err err;
    int rc = lhv1_persistor_save(&r->p, &contents[n][v], &err);
    lhv1_fault_kind k = fired_now(r);
    uint32_t now = 1u << v;
    switch (k) {
    case LHV1_FAULT_NONE:
        FUZZ_ASSERT_MSG(rc == 0, "save without a fault failed: %s", err.body);
        r->may[n] = now;
        break;
    case LHV1_FAULT_PUT_FAIL_BEFORE:
        FUZZ_ASSERT(rc != 0);
        break;
    case LHV1_FAULT_PUT_FAIL_AFTER:
        FUZZ_ASSERT(rc != 0);
        r->may[n] = now;
        break;
    case LHV1_FAULT_PUT_LOST:
        FUZZ_ASSERT(rc == 0);
        break;
    case LHV1_FAULT_PUT_TORN_PREFIX:
        /* A cut at or past the end keeps the whole body. */
        r->may[n] = S_GARBAGE | now;
        break;
    case LHV1_FAULT_PUT_TORN_OVER_OLD:
        r->may[n] |= S_GARBAGE | S_MIXTURE | now;
        break;
    default:
        FUZZ_ASSERT_MSG(0, "a %s fault fired on a put", lhv1_fault_kind_name(k));
    }
    r->ever[n] |= r->may[n];
}

static void do_delete(run *r, int n)
{
    lhv1_store_err err;
    int rc = lhv1_persistor_delete(&r->p, names[n], &err);
    lhv1_fault_kind k = fired_now(r);
    switch (k) {
    case LHV1_FAULT_NONE:
        FUZZ_ASSERT_MSG(rc == 0, "delete without a fault failed: %s", err.body);
        r->may[n] = S_ABSENT;
        break;
    case LHV1_FAULT_DEL_FAIL_BEFORE:
        FUZZ_ASSERT(rc != 0);
        break;
    case LHV1_FAULT_DEL_FAIL_AFTER:
        FUZZ_ASSERT(rc != 0);
        r->may[n] = S_ABSENT;
        break;
    case LHV1_FAULT_DEL_LOST:
        FUZZ_ASSERT(rc == 0);
        break;
    default:
        FUZZ_ASSERT_MSG(0, "a %s fault fired on a delete", lhv1_fault_kind_name(k));
    }
    r->ever[n] |= r->may[n];
}

/* Content the format cannot tell from a saved one: allowed, not silent.
 * Strict mode aborts, at one line per cause so the two sign apart. */
static void unsaved_content(int n, lhv1_fault_kind cause)
{
    static unsigned long seen;
    if (strict && cause == LHV1_FAULT_GET_BIT_FLIP)
        FUZZ_ASSERT_MSG(0, "load of %s: a bit flip gave content never saved", names[n]);
    if (strict)
        FUZZ_ASSERT_MSG(0, "load of %s: a torn write gave content never saved", names[n]);
    if (seen++ == 0)
        fprintf(stderr, "persistor: %s loaded content never saved (%s); LHV1 has no checksum\n",
                names[n], lhv1_fault_kind_name(cause));
}

static void do_load(run *r, int n)
{
    lhv1_loaded out;
    lhv1_status st;
    lhv1_verdict verdict = lhv1_persistor_load(&r->p, names[n], &out, &st);
    lhv1_fault_kind k = fired_now(r);
    fuzz_check_status(verdict, &st, out.body.len);
    int v = verdict == LHV1_OK ? which_version(n, &out.body) : -1;
    const char *what = lhv1_reason_code(st.reason);
    switch (k) {
    case LHV1_FAULT_GET_FAIL:
    case LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY:
        FUZZ_ASSERT_MSG(verdict == LHV1_STORE_ERROR, "%s reported as %s",
                        lhv1_fault_kind_name(k), what);
        break;
    case LHV1_FAULT_GET_NOT_FOUND:
        FUZZ_ASSERT_MSG(verdict == LHV1_MISSING, "get-not-found reported as %s", what);
        break;
    case LHV1_FAULT_GET_BIT_FLIP:
        if (verdict == LHV1_OK && v < 0)
            unsaved_content(n, LHV1_FAULT_GET_BIT_FLIP);
        break;
    case LHV1_FAULT_GET_STALE:
        /* Some earlier state of this key. */
        if (verdict == LHV1_MISSING)
            FUZZ_ASSERT(r->ever[n] & S_ABSENT);
        else if (verdict == LHV1_OK && v < 0) {
            FUZZ_ASSERT_MSG(r->ever[n] & S_MIXTURE, "stale read of content never saved");
            unsaved_content(n, LHV1_FAULT_PUT_TORN_OVER_OLD);
        }
        else if (verdict == LHV1_OK)
            FUZZ_ASSERT_MSG(r->ever[n] & (1u << v), "stale read of version %d, never stored", v);
        else
            FUZZ_ASSERT_MSG(r->ever[n] & S_GARBAGE, "stale read failed: %s", what);
        break;
    case LHV1_FAULT_NONE:
        if (verdict == LHV1_OK && v >= 0) {
            FUZZ_ASSERT_MSG(r->may[n] & (1u << v), "%s: loaded version %d, may hold 0x%x",
                            names[n], v, r->may[n]);
            r->may[n] = 1u << v; /* now known */
        } else if (verdict == LHV1_OK) {
            FUZZ_ASSERT_MSG(r->may[n] & S_MIXTURE, "%s: loaded content never saved", names[n]);
            unsaved_content(n, LHV1_FAULT_PUT_TORN_OVER_OLD);
        } else if (verdict == LHV1_MISSING) {
            FUZZ_ASSERT_MSG(r->may[n] & S_ABSENT, "%s: missing, may hold 0x%x", names[n],
                            r->may[n]);
            r->may[n] = S_ABSENT;
        } else {
            FUZZ_ASSERT_MSG(verdict != LHV1_STORE_ERROR, "store error without a fault");
            FUZZ_ASSERT_MSG(r->may[n] & S_GARBAGE, "%s: %s, may hold 0x%x", names[n], what,
                            r->may[n]);
        }
        break;
    default:
        FUZZ_ASSERT_MSG(0, "a %s fault fired on a get", lhv1_fault_kind_name(k));
    }
    if (verdict == LHV1_OK)
        FUZZ_ASSERT(strcmp(out.idx.env.name, names[n]) == 0);
    lhv1_loaded_free(&out);
}

static void do_list(run *r)
{
    lhv1_key_list got;
    lhv1_key_list_init(&got);
    lhv1_store_err err;
    int rc = lhv1_persistor_list(&r->p, &got, &err);
    lhv1_fault_kind k = fired_now(r);
    if (k == LHV1_FAULT_LIST_FAIL)
        FUZZ_ASSERT(rc != 0);
    else
        FUZZ_ASSERT_MSG(k == LHV1_FAULT_NONE || k == LHV1_FAULT_LIST_STALE,
                        "a %s fault fired on a list", lhv1_fault_kind_name(k));
    for (size_t i = 1; rc == 0 && i < got.n; i++)
        FUZZ_ASSERT_MSG(lhv1_bytes_cmp(got.keys[i - 1], got.keys[i]) < 0, "list not sorted");
    if (rc == 0 && !any_fired(r)) {
        /* Exact: the names that are stored, in order (names[] is sorted). */
        size_t j = 0;
        for (int n = 0; n < N_NAMES; n++)
            if (!(r->may[n] & S_ABSENT)) {
                FUZZ_ASSERT_MSG(j < got.n && lhv1_bytes_eq(got.keys[j], lhv1_bytes_str(names[n])),
                                "list misses %s", names[n]);
                j++;
            }
        FUZZ_ASSERT_MSG(j == got.n, "list has %zu names, %zu stored", got.n, j);
    }
    lhv1_key_list_free(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader in;
    fuzz_reader_init(&in, data, size);
    lhv1_fault plan[MAX_FAULTS];
    size_t n_plan = fuzz_range(&in, 0, MAX_FAULTS);
    for (size_t i = 0; i < n_plan; i++) {
        memset(&plan[i], 0, sizeof plan[i]);
        plan[i].kind = (lhv1_fault_kind)fuzz_range(&in, 1, LHV1_FAULT_KIND_COUNT - 1);
        plan[i].nth = fuzz_range(&in, 0, 7);
        plan[i].persistent = fuzz_range(&in, 0, 7) == 0;
        plan[i].cut = fuzz_range(&in, 0, 1023);
        plan[i].bit = fuzz_u32(&in);
        plan[i].ack = fuzz_bool(&in);
        plan[i].lag = fuzz_range(&in, 0, 3);
    }
    /* The log is text for reports; nothing here reads it. */
    lhv1_fault_config cfg = {.plan = plan, .n_plan = n_plan, .no_log = 1};

    run r;
    memset(&r, 0, sizeof r);
    r.mem = lhv1_memory_store_new();
    FUZZ_ASSERT(r.mem != NULL);
    r.fs = lhv1_fault_store_new(r.mem, &cfg);
    FUZZ_ASSERT(r.fs != NULL);
    lhv1_persistor_init(&r.p, r.fs);
    for (int n = 0; n < N_NAMES; n++)
        r.may[n] = r.ever[n] = S_ABSENT;

    uint64_t puts = 0;
    size_t n_ops = fuzz_range(&in, 1, MAX_OPS);
    for (size_t i = 0; i < n_ops && in.size; i++) {
        uint32_t op = fuzz_range(&in, 0, 7);
        int n = (int)fuzz_range(&in, 0, N_NAMES - 1);
        if (op < 3) {
            do_save(&r, n, (int)fuzz_range(&in, 0, N_VERSIONS - 1));
            puts++;
        } else if (op < 6) {
            do_load(&r, n);
        } else if (op == 6) {
            do_delete(&r, n);
        } else {
            do_list(&r);
        }
    }
    FUZZ_ASSERT(lhv1_fault_store_ops(r.fs, LHV1_OP_PUT) == puts);
    /* Every name's final state, read once more. */
    for (int n = 0; n < N_NAMES; n++)
        do_load(&r, n);
    lhv1_store_destroy(r.fs);
    lhv1_store_destroy(r.mem);
    return 0;
}
