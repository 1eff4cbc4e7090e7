/* The fault store: each fault kind really happens (checked through the
 * inner store's bytes), targeting by N-th operation, transient and
 * persistent, seeded mode, the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/fault_fields.h"
#include "store_tests.h"

#define KEY "_vectors/x.lhv1"

typedef struct rig {
    lhv1_store *inner;
    lhv1_store *fs;
} rig;

/* Inner store holding KEY = "old body 0123456789"; the fault store over it
 * with one planned fault (which counts from the fault store's first op). */
static rig rig_open(lhv1_fault f)
{
    rig r;
    r.inner = lhv1_memory_store_new();
    put_str(r.inner, KEY, "old body 0123456789");
    lhv1_fault_config cfg = {.plan = &f, .n_plan = 1};
    r.fs = lhv1_fault_store_new(r.inner, &cfg);
    ck_assert_ptr_nonnull(r.fs);
    return r;
}

static void rig_close(rig *r)
{
    lhv1_store_destroy(r->fs);
    lhv1_store_destroy(r->inner);
}

static void assert_inner(rig *r, const char *want)
{
    char *got = get_str(r->inner, KEY);
    if (!want)
        ck_assert_ptr_null(got);
    else
        ck_assert_str_eq(got ? got : "(absent)", want);
    free(got);
}

static int put(rig *r, const char *body, lhv1_store_err *err)
{
    return lhv1_store_put(r->fs, K(KEY), K(body), err);
}

START_TEST(put_fail_before_writes_nothing)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_FAIL_BEFORE});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW", &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_FAILED);
    ck_assert_int_ge(err.status, 500);
    assert_inner(&r, "old body 0123456789");
    ck_assert_uint_eq(lhv1_fault_store_fired(r.fs, LHV1_FAULT_PUT_FAIL_BEFORE), 1);
    rig_close(&r);
}
END_TEST

START_TEST(put_fail_after_writes_everything)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_FAIL_AFTER});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW", &err), -1);
    ck_assert_int_ge(err.status, 500);
    assert_inner(&r, "NEW");
    rig_close(&r);
}
END_TEST

START_TEST(torn_prefix_keeps_a_prefix)
{
    /* _i: 0 = reply 503, 1 = reply 200. */
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_TORN_PREFIX, .cut = 4, .ack = _i});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW BODY", &err), _i ? 0 : -1);
    ck_assert_int_eq(err.status, _i ? 200 : 503);
    assert_inner(&r, "NEW ");
    rig_close(&r);
}
END_TEST

START_TEST(torn_over_old_keeps_the_old_suffix)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_TORN_OVER_OLD, .cut = 4, .ack = 1});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW BODY", &err), 0);
    assert_inner(&r, "NEW body 0123456789");
    rig_close(&r);
}
END_TEST

START_TEST(torn_over_old_whole_body_leaves_old_tail)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_TORN_OVER_OLD, .cut = 1000});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW BODY", &err), -1);
    assert_inner(&r, "NEW BODY 0123456789");
    rig_close(&r);
}
END_TEST

START_TEST(put_lost_acks_and_drops)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_LOST});
    lhv1_store_err err;
    ck_assert_int_eq(put(&r, "NEW", &err), 0);
    ck_assert_int_eq(err.kind, LHV1_STORE_OK);
    assert_inner(&r, "old body 0123456789");
    rig_close(&r);
}
END_TEST

START_TEST(get_faults_leave_the_object_alone)
{
    static const lhv1_fault_kind kinds[] = {LHV1_FAULT_GET_FAIL,
                                            LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY,
                                            LHV1_FAULT_GET_NOT_FOUND};
    static const lhv1_store_kind want[] = {LHV1_STORE_FAILED, LHV1_STORE_FAILED,
                                           LHV1_STORE_NOT_FOUND};
    rig r = rig_open((lhv1_fault){.kind = kinds[_i]});
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_get(r.fs, K(KEY), &out, &err), -1);
    ck_assert_int_eq(err.kind, want[_i]);
    if (kinds[_i] == LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY)
        ck_assert_ptr_nonnull(strstr(err.body, "key not found"));
    assert_inner(&r, "old body 0123456789");
    /* Transient: the next read is clean. */
    ck_assert_int_eq(lhv1_store_get(r.fs, K(KEY), &out, &err), 0);
    ck_assert_uint_eq(lhv1_fault_store_fired(r.fs, kinds[_i]), 1);
    lhv1_buf_free(&out);
    rig_close(&r);
}
END_TEST

START_TEST(bit_flip_flips_one_bit_of_the_copy)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_GET_BIT_FLIP, .bit = 8 * 2 + 5});
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_get(r.fs, K(KEY), &out, &err), 0);
    const char *orig = "old body 0123456789";
    ck_assert_uint_eq(out.len, strlen(orig));
    for (size_t i = 0; i < out.len; i++)
        ck_assert_int_eq(out.data[i] ^ (uint8_t)orig[i], i == 2 ? 1 << 5 : 0);
    assert_inner(&r, orig);
    lhv1_buf_free(&out);
    rig_close(&r);
}
END_TEST

START_TEST(stale_read_serves_older_versions)
{
    /* The fault store's history: absent (before the rig's fault store
     * saw it, the inner held "old..."), then v1, v2. */
    lhv1_fault plan[] = {{.kind = LHV1_FAULT_GET_STALE, .nth = 0, .lag = 1},
                         {.kind = LHV1_FAULT_GET_STALE, .nth = 1, .lag = 2},
                         {.kind = LHV1_FAULT_GET_STALE, .nth = 2, .lag = 3}};
    lhv1_store *inner = lhv1_memory_store_new();
    lhv1_fault_config cfg = {.plan = plan, .n_plan = 3};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    put_str(fs, KEY, "v1");
    put_str(fs, KEY, "v2");
    char *a = get_str(fs, KEY), *b = get_str(fs, KEY), *c = get_str(fs, KEY);
    ck_assert_str_eq(a, "v1");
    ck_assert_ptr_null(b); /* two writes back: not yet created */
    ck_assert_ptr_null(c); /* clamped to the oldest state */
    char *now = get_str(fs, KEY);
    ck_assert_str_eq(now, "v2");
    free(a);
    free(now);
    /* A deleted object comes back. */
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_del(fs, K(KEY), &err), 0);
    lhv1_store_destroy(fs);
    lhv1_fault again = {.kind = LHV1_FAULT_GET_STALE, .nth = 0};
    cfg.plan = &again;
    cfg.n_plan = 1;
    fs = lhv1_fault_store_new(inner, &cfg);
    put_str(fs, KEY, "v3");
    ck_assert_int_eq(lhv1_store_del(fs, K(KEY), &err), 0);
    char *back = get_str(fs, KEY);
    ck_assert_str_eq(back, "v3");
    free(back);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(inner);
}
END_TEST

static size_t count_listed(lhv1_store *s, const char *key)
{
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_list(s, K(""), &l, &err), 0);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        n += lhv1_bytes_eq(l.keys[i], K(key));
    lhv1_key_list_free(&l);
    return n;
}

START_TEST(stale_list_hides_new_and_shows_deleted)
{
    lhv1_fault plan[] = {{.kind = LHV1_FAULT_LIST_STALE, .nth = 0},
                         {.kind = LHV1_FAULT_LIST_STALE, .nth = 2}};
    lhv1_store *inner = lhv1_memory_store_new();
    put_str(inner, "untouched", "u");
    lhv1_fault_config cfg = {.plan = plan, .n_plan = 2};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    put_str(fs, "new", "n");
    ck_assert_uint_eq(count_listed(fs, "new"), 0);       /* stale: before the put */
    ck_assert_uint_eq(count_listed(fs, "untouched"), 1); /* list #1, fresh */
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_del(fs, K("new"), &err), 0);
    ck_assert_uint_eq(count_listed(fs, "new"), 1);       /* stale: before the delete */
    ck_assert_uint_eq(count_listed(fs, "new"), 0);       /* fresh */
    ck_assert_uint_eq(lhv1_fault_store_fired(fs, LHV1_FAULT_LIST_STALE), 2);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(inner);
}
END_TEST

START_TEST(list_fail_fails)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_LIST_FAIL});
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_list(r.fs, K(""), &l, &err), -1);
    ck_assert_int_ge(err.status, 500);
    lhv1_key_list_free(&l);
    rig_close(&r);
}
END_TEST

START_TEST(delete_faults)
{
    /* _i: 0 fail-before, 1 fail-after, 2 lost. */
    static const lhv1_fault_kind kinds[] = {LHV1_FAULT_DEL_FAIL_BEFORE,
                                            LHV1_FAULT_DEL_FAIL_AFTER, LHV1_FAULT_DEL_LOST};
    rig r = rig_open((lhv1_fault){.kind = kinds[_i]});
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_del(r.fs, K(KEY), &err), _i == 2 ? 0 : -1);
    assert_inner(&r, _i == 1 ? NULL : "old body 0123456789");
    rig_close(&r);
}
END_TEST

START_TEST(nth_transient_and_persistent)
{
    /* _i: 0 transient, 1 persistent; the fault targets the 3rd put. */
    lhv1_store *inner = lhv1_memory_store_new();
    lhv1_fault f = {.kind = LHV1_FAULT_PUT_FAIL_BEFORE, .nth = 2, .persistent = _i};
    lhv1_fault_config cfg = {.plan = &f, .n_plan = 1};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    lhv1_store_err err;
    int rcs[5];
    for (int i = 0; i < 5; i++)
        rcs[i] = lhv1_store_put(fs, K("k"), K("v"), &err);
    ck_assert_int_eq(rcs[0], 0);
    ck_assert_int_eq(rcs[1], 0);
    ck_assert_int_eq(rcs[2], -1);
    ck_assert_int_eq(rcs[3], _i ? -1 : 0);
    ck_assert_int_eq(rcs[4], _i ? -1 : 0);
    ck_assert_uint_eq(lhv1_fault_store_fired(fs, LHV1_FAULT_PUT_FAIL_BEFORE), _i ? 3 : 1);
    ck_assert_uint_eq(lhv1_fault_store_ops(fs, LHV1_OP_PUT), 5);
    /* Gets are counted apart from puts, and untouched. */
    char *v = get_str(fs, "k");
    ck_assert_str_eq(v, "v");
    free(v);
    ck_assert_uint_eq(lhv1_fault_store_ops(fs, LHV1_OP_GET), 1);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(inner);
}
END_TEST

static char *seeded_log(uint64_t seed)
{
    lhv1_store *inner = lhv1_memory_store_new();
    lhv1_fault_config cfg = {.seed = seed, .rate_ppm = 500000};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    lhv1_store_err err;
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    for (int i = 0; i < 40; i++) {
        char key[8], body[32];
        snprintf(key, sizeof key, "k%d", i % 3);
        snprintf(body, sizeof body, "body number %d", i);
        lhv1_store_put(fs, K(key), K(body), &err);
        lhv1_store_get(fs, K(key), &out, &err);
        if (i % 7 == 0)
            lhv1_store_del(fs, K(key), &err);
        if (i % 5 == 0)
            lhv1_store_list(fs, K(""), &l, &err);
    }
    uint64_t fired = 0;
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++)
        fired += lhv1_fault_store_fired(fs, (lhv1_fault_kind)k);
    ck_assert_uint_gt(fired, 20);
    char *log = strdup(lhv1_fault_store_log(fs));
    lhv1_key_list_free(&l);
    lhv1_buf_free(&out);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(inner);
    return log;
}

START_TEST(seeded_faults_are_deterministic)
{
    char *a = seeded_log(7), *b = seeded_log(7), *c = seeded_log(8);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_ptr_nonnull(strstr(a, "put-"));
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(log_names_what_happened)
{
    rig r = rig_open((lhv1_fault){.kind = LHV1_FAULT_PUT_TORN_PREFIX, .cut = 3});
    lhv1_store_err err;
    put(&r, "NEW BODY", &err);
    const char *log = lhv1_fault_store_log(r.fs);
    ck_assert_ptr_nonnull(
        strstr(log, "#0 put _vectors/x.lhv1 (8 B): put-torn-prefix: kept 3 of 8 B, reply 503\n"));
    rig_close(&r);
}
END_TEST

/* no_log: the same faults, the same effects and counts, no log kept. */
START_TEST(no_log_keeps_the_faults_and_drops_the_log)
{
    lhv1_store *inner = lhv1_memory_store_new();
    put_str(inner, KEY, "old body 0123456789");
    lhv1_fault f = {.kind = LHV1_FAULT_PUT_TORN_PREFIX, .cut = 3};
    lhv1_fault_config cfg = {.plan = &f, .n_plan = 1, .no_log = 1};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    ck_assert_ptr_nonnull(fs);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_put(fs, K(KEY), K("NEW BODY"), &err), -1);
    char *got = get_str(inner, KEY);
    ck_assert_str_eq(got ? got : "(absent)", "NEW");
    free(got);
    ck_assert_uint_eq(lhv1_fault_store_fired(fs, LHV1_FAULT_PUT_TORN_PREFIX), 1);
    ck_assert_uint_eq(lhv1_fault_store_ops(fs, LHV1_OP_PUT), 1);
    ck_assert_str_eq(lhv1_fault_store_log(fs), "");
    lhv1_store_destroy(fs);
    lhv1_store_destroy(inner);
}
END_TEST

START_TEST(kind_names_round_trip)
{
    for (int k = 0; k < LHV1_FAULT_KIND_COUNT; k++)
        ck_assert_int_eq(lhv1_fault_kind_from_name(lhv1_fault_kind_name((lhv1_fault_kind)k)), k);
    ck_assert_int_eq(lhv1_fault_kind_from_name("nope"), LHV1_FAULT_KIND_COUNT);
    char text[128];
    lhv1_fault f = {.kind = LHV1_FAULT_PUT_TORN_OVER_OLD, .nth = 3, .cut = 57, .ack = 1};
    lhv1_fault_format(&f, text, sizeof text);
    ck_assert_str_eq(text, "put-torn-over-old nth=3 cut=57 reply=200");
}
END_TEST

/* Every store kind's plan line reads back as the fault it was written
 * from (lhv1_fault_parse and lhv1_fault_format agree on every kind's
 * fields); an HTTP kind or a field the kind does not take is refused. */
START_TEST(plan_lines_round_trip)
{
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++) {
        lhv1_fault f = {.kind = (lhv1_fault_kind)k, .nth = 7, .persistent = k & 1};
        if (lhv1_fault_kind_takes(f.kind, LHV1_FIELD_CUT))
            f.cut = 9, f.ack = 1;
        if (lhv1_fault_kind_takes(f.kind, LHV1_FIELD_BIT))
            f.bit = 77;
        if (lhv1_fault_kind_takes(f.kind, LHV1_FIELD_LAG))
            f.lag = 2;
        char text[128], why[200];
        lhv1_fault_format(&f, text, sizeof text);
        lhv1_fault back;
        lhv1_plan_offset at;
        ck_assert_msg(lhv1_fault_parse(text, &back, &at, why, sizeof why) == 0, "%s: %s", text, why);
        ck_assert_msg(back.kind == f.kind && back.nth == f.nth && back.persistent == f.persistent &&
                          back.cut == f.cut && back.ack == f.ack && back.bit == f.bit &&
                          back.lag == f.lag,
                      "%s read back otherwise", text);
    }
    lhv1_fault f;
    lhv1_plan_offset at;
    char why[200];
    ck_assert_int_eq(lhv1_fault_parse("put-lost nth=1 cut=3", &f, &at, why, sizeof why), -1);
    ck_assert_str_eq(why, "put-lost does not take \"cut\"");
    ck_assert_int_eq(lhv1_fault_parse("http-reset done=true", &f, &at, why, sizeof why), -1);
    ck_assert_str_eq(why, "http-reset is an HTTP fault: lhv1 serve rules only, not plan lines");
}
END_TEST

/* The accessors check the store's type: another store is no fault store. */
START_TEST(accessors_check_the_store_type)
{
    lhv1_store *mem = lhv1_memory_store_new();
    ck_assert_ptr_nonnull(mem);
    ck_assert(!lhv1_is_fault_store(mem));
    ck_assert(!lhv1_is_fault_store(NULL));
    ck_assert_ptr_null(lhv1_fault_store_inner(mem));
    ck_assert_str_eq(lhv1_fault_store_log(mem), "(not a fault store)\n");
    ck_assert_uint_eq(lhv1_fault_store_fired(mem, LHV1_FAULT_PUT_LOST), 0);
    ck_assert_uint_eq(lhv1_fault_store_ops(mem, LHV1_OP_PUT), 0);
    lhv1_store *fs = lhv1_fault_store_new(mem, NULL);
    ck_assert_ptr_nonnull(fs);
    ck_assert(lhv1_is_fault_store(fs));
    ck_assert_ptr_eq(lhv1_fault_store_inner(fs), mem);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(mem);
}
END_TEST

/* A store that forwards to a memory store: the fault store cannot move
 * bodies in and out of it, so it keeps its history by copies. */
typedef struct relay {
    lhv1_store base;
    lhv1_store *to;
} relay;

static int relay_put(lhv1_store *s, lhv1_bytes k, lhv1_bytes b, lhv1_store_err *e)
{
    return lhv1_store_put(((relay *)s)->to, k, b, e);
}
static int relay_get(lhv1_store *s, lhv1_bytes k, lhv1_buf *o, lhv1_store_err *e)
{
    return lhv1_store_get(((relay *)s)->to, k, o, e);
}
static int relay_del(lhv1_store *s, lhv1_bytes k, lhv1_store_err *e)
{
    return lhv1_store_del(((relay *)s)->to, k, e);
}
static int relay_list(lhv1_store *s, lhv1_bytes p, lhv1_key_list *o, lhv1_store_err *e)
{
    return lhv1_store_list(((relay *)s)->to, p, o, e);
}
static void relay_destroy(lhv1_store *s)
{
    free(s);
}
static const lhv1_store_ops relay_ops = {"relay", relay_put, relay_get, relay_del, relay_list,
                                         relay_destroy, NULL, NULL};

/* One operation's outcome as text: what a caller can observe. */
static void observe(lhv1_store *fs, uint64_t r, int step, lhv1_buf *out)
{
    char key[16], body[64];
    snprintf(key, sizeof key, "k%d", (int)(r % 3));
    lhv1_store_err err;
    int rc = 0;
    lhv1_buf got;
    lhv1_buf_init(&got);
    switch ((r >> 8) % 6) {
    case 0:
    case 1: { /* bodies of several lengths, so torn tails differ */
        int n = snprintf(body, sizeof body, "%s-v%d-%.*s", key, step, (int)((r >> 16) % 20),
                         "abcdefghijklmnopqrstuvwxyz");
        if ((r >> 24) & 1) {
            lhv1_buf b;
            lhv1_buf_init(&b);
            lhv1_buf_append(&b, body, (size_t)n);
            rc = lhv1_fault_store_put_owned(fs, K(key), &b, &err);
            lhv1_buf_free(&b);
        } else {
            rc = lhv1_store_put(fs, K(key), K(body), &err);
        }
        break;
    }
    case 2:
    case 3:
        rc = lhv1_store_get(fs, K(key), &got, &err);
        break;
    case 4:
        rc = lhv1_store_del(fs, K(key), &err);
        break;
    default: {
        lhv1_key_list l;
        lhv1_key_list_init(&l);
        rc = lhv1_store_list(fs, K(""), &l, &err);
        lhv1_key_list_sort(&l);
        for (size_t i = 0; i < l.n; i++)
            lhv1_buf_printf(&got, "%s,", (const char *)l.keys[i].data);
        lhv1_key_list_free(&l);
    }
    }
    lhv1_buf_printf(out, "%d %d %d [%.*s]\n", step, rc, rc ? err.status : 0, (int)got.len,
                    got.data ? (const char *)got.data : "");
    lhv1_buf_free(&got);
}

/* Over the memory store the newest version of a key is not copied into
 * the history but moved there on the next mutation: every outcome (stale
 * reads at any lag, torn-over-old tails, stale lists, the log) must be
 * what the copying history gives over any other store. */
START_TEST(history_over_memory_equals_history_by_copies)
{
    lhv1_buf seen[2];
    char *logs[2];
    for (int v = 0; v < 2; v++) {
        lhv1_store *mem = lhv1_memory_store_new();
        put_str(mem, "k1", "k1-before");
        relay *rl = NULL;
        lhv1_store *inner = mem;
        if (v == 1) {
            rl = calloc(1, sizeof *rl);
            rl->base.ops = &relay_ops;
            rl->to = mem;
            inner = &rl->base;
        }
        lhv1_fault_config cfg = {.seed = 7, .rate_ppm = 400000, .history_max = 3};
        lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
        ck_assert_ptr_nonnull(fs);
        lhv1_buf_init(&seen[v]);
        uint64_t r = 12345;
        for (int step = 0; step < 400; step++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            observe(fs, r >> 11, step, &seen[v]);
        }
        for (int k = 0; k < 3; k++) {
            char key[8];
            snprintf(key, sizeof key, "k%d", k);
            char *now = get_str(mem, key);
            lhv1_buf_printf(&seen[v], "%s=%s\n", key, now ? now : "(absent)");
            free(now);
        }
        logs[v] = strdup(lhv1_fault_store_log(fs));
        ck_assert_uint_gt(lhv1_fault_store_fired(fs, LHV1_FAULT_GET_STALE), 0);
        ck_assert_uint_gt(lhv1_fault_store_fired(fs, LHV1_FAULT_PUT_TORN_OVER_OLD), 0);
        lhv1_store_destroy(fs);
        if (rl)
            lhv1_store_destroy(&rl->base);
        lhv1_store_destroy(mem);
    }
    ck_assert_uint_eq(seen[0].len, seen[1].len);
    ck_assert(!memcmp(seen[0].data, seen[1].data, seen[0].len));
    ck_assert_str_eq(logs[0], logs[1]);
    for (int v = 0; v < 2; v++) {
        lhv1_buf_free(&seen[v]);
        free(logs[v]);
    }
}
END_TEST

/* put_owned over the memory store takes the buffer (no copy); the version
 * it replaced is still served by a stale read. Over another store it
 * copies and leaves the buffer alone. */
START_TEST(put_owned_takes_the_buffer_over_memory)
{
    lhv1_fault plan = {.kind = LHV1_FAULT_GET_STALE, .nth = 0, .lag = 1};
    lhv1_store *inner = lhv1_memory_store_new();
    lhv1_fault_config cfg = {.plan = &plan, .n_plan = 1};
    lhv1_store *fs = lhv1_fault_store_new(inner, &cfg);
    put_str(fs, KEY, "v1");
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_buf_puts(&b, "v2");
    const uint8_t *data = b.data;
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_fault_store_put_owned(fs, K(KEY), &b, &err), 0);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    lhv1_bytes view;
    ck_assert(lhv1_memory_store_view(inner, K(KEY), &view));
    ck_assert_ptr_eq(view.data, data); /* the very buffer */
    char *stale = get_str(fs, KEY), *now = get_str(fs, KEY);
    ck_assert_str_eq(stale, "v1");
    ck_assert_str_eq(now, "v2");
    free(stale);
    free(now);
    lhv1_store_destroy(fs);
    /* Over a store that is not the memory store: copied. */
    relay *rl = calloc(1, sizeof *rl);
    rl->base.ops = &relay_ops;
    rl->to = inner;
    fs = lhv1_fault_store_new(&rl->base, NULL);
    lhv1_buf_puts(&b, "v3");
    ck_assert_int_eq(lhv1_fault_store_put_owned(fs, K(KEY), &b, &err), 0);
    ck_assert_uint_eq(b.len, 2);
    char *v3 = get_str(inner, KEY);
    ck_assert_str_eq(v3, "v3");
    free(v3);
    lhv1_buf_free(&b);
    lhv1_store_destroy(fs);
    lhv1_store_destroy(&rl->base);
    lhv1_store_destroy(inner);
}
END_TEST

Suite *suite_fault_store(void)
{
    Suite *s = suite_create("fault_store");
    TCase *tc = tcase_create("faults");
    tcase_add_test(tc, put_fail_before_writes_nothing);
    tcase_add_test(tc, put_fail_after_writes_everything);
    tcase_add_loop_test(tc, torn_prefix_keeps_a_prefix, 0, 2);
    tcase_add_test(tc, torn_over_old_keeps_the_old_suffix);
    tcase_add_test(tc, torn_over_old_whole_body_leaves_old_tail);
    tcase_add_test(tc, put_lost_acks_and_drops);
    tcase_add_loop_test(tc, get_faults_leave_the_object_alone, 0, 3);
    tcase_add_test(tc, bit_flip_flips_one_bit_of_the_copy);
    tcase_add_test(tc, stale_read_serves_older_versions);
    tcase_add_test(tc, stale_list_hides_new_and_shows_deleted);
    tcase_add_test(tc, list_fail_fails);
    tcase_add_loop_test(tc, delete_faults, 0, 3);
    tcase_add_loop_test(tc, nth_transient_and_persistent, 0, 2);
    tcase_add_test(tc, seeded_faults_are_deterministic);
    tcase_add_test(tc, log_names_what_happened);
    tcase_add_test(tc, no_log_keeps_the_faults_and_drops_the_log);
    tcase_add_test(tc, kind_names_round_trip);
    tcase_add_test(tc, plan_lines_round_trip);
    tcase_add_test(tc, accessors_check_the_store_type);
    tcase_add_test(tc, history_over_memory_equals_history_by_copies);
    tcase_add_test(tc, put_owned_takes_the_buffer_over_memory);
    suite_add_tcase(s, tc);
    return s;
}
