/* The fault-injecting store (src/testing/include/lhv1testing/fault_store.h, docs/FAULTS.md).
 *
 * It forwards to an inner store and, on the operations its plan or its
 * seed selects, does something else instead: fail before or after the
 * real write, store a torn body, drop the write, corrupt or age what a
 * read returns. It keeps, per key, the versions that landed in the inner
 * store through it (and the state found there before its first write),
 * which is what stale reads and stale listings serve.
 *
 * Over the memory store the newest version's body is not copied here: it
 * is the one the memory store holds, and the next mutation of the key
 * moves it into the history (lhv1_memory_store_exchange), so a Put costs
 * one copy of its body at most, none when the caller hands its buffer
 * over (lhv1_fault_store_put_owned). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "key_index.h"
#include "lhv1testing/fault_fields.h"
#include "lhv1testing/fault_store.h"
#include "lhv1testing/prng.h"

typedef struct version {
    uint64_t seq; /* global mutation number after which this state held */
    int present;
    int in_inner; /* the body is the inner memory store's (newest only) */
    lhv1_buf body;
} version;

typedef struct key_hist {
    lhv1_buf key;
    version *v;
    size_t n, cap;
} key_hist;

typedef struct fault_store {
    lhv1_store base;
    lhv1_store *inner;
    lhv1_fault *plan;
    size_t n_plan;
    uint64_t rng;
    uint32_t rate_ppm;
    size_t history_max;
    int no_log;
    int inner_mem; /* the inner store is the memory store */
    lhv1_fault armed; /* kind NONE when nothing is armed */
    uint64_t ops[LHV1_OP_COUNT];
    uint64_t fired[LHV1_FAULT_KIND_COUNT];
    uint64_t seq;    /* mutations that landed so far */
    uint64_t op_no;  /* operations of any type, for the log */
    key_hist *hist;
    size_t n_hist, cap_hist;
    lhv1_key_index hist_index;
    lhv1_buf log;
} fault_store;

/* --- names ------------------------------------------------------------ */

static const lhv1_fault_kind_info kinds[] = {
#define LHV1_FAULT_ROW(id, name, op, torn, damage, rows, expected, any, each, only, check) \
    {name, op, torn, damage, rows, expected, any, each, only, check},
    LHV1_FAULT_KINDS(LHV1_FAULT_ROW)
#undef LHV1_FAULT_ROW
};

const lhv1_fault_kind_info *lhv1_fault_kind_info_of(lhv1_fault_kind k)
{
    return (unsigned)k < LHV1_FAULT_KIND_COUNT ? &kinds[k] : NULL;
}

/* Under a checksummed container a damaged object is caught before it is
 * decoded: decode-error, inconsistent and SILENT-WRONG become bad-format. */
static unsigned checksummed(unsigned set)
{
    const unsigned caught = LHV1_O(DECODE_ERROR) | LHV1_O(INCONSISTENT) | LHV1_O(SILENT_WRONG);
    return (set & caught) ? (set & ~caught) | LHV1_O(BAD_FORMAT) : set;
}

lhv1_fault_kind_info lhv1_fault_kind_info_for(lhv1_fault_kind k, lhv1_format format)
{
    lhv1_fault_kind_info i = *lhv1_fault_kind_info_of(k);
    if (format == LHV1_FORMAT_LHV2 && i.damage) {
        i.expected = checksummed(i.expected);
        i.any = checksummed(i.any);
        i.each = checksummed(i.each);
        i.only = checksummed(i.only);
    }
    return i;
}

const char *lhv1_fault_kind_name(lhv1_fault_kind k)
{
    return (unsigned)k < LHV1_FAULT_KIND_COUNT ? kinds[k].name : "unknown";
}

lhv1_fault_kind lhv1_fault_kind_from_name(const char *name)
{
    for (int k = 0; k < LHV1_FAULT_KIND_COUNT; k++)
        if (!strcmp(kinds[k].name, name))
            return (lhv1_fault_kind)k;
    return LHV1_FAULT_KIND_COUNT;
}

lhv1_store_op lhv1_fault_kind_op(lhv1_fault_kind k)
{
    return (unsigned)k < LHV1_FAULT_KIND_COUNT ? kinds[k].op : LHV1_OP_COUNT;
}

const char *lhv1_store_op_name(lhv1_store_op op)
{
    static const char *names[] = {"put", "get", "list", "delete"};
    return (unsigned)op < LHV1_OP_COUNT ? names[op] : "none";
}

/* The fields the kind takes, in the table's order: the plan line that
 * lhv1_fault_parse reads back. */
void lhv1_fault_format(const lhv1_fault *f, char *out, size_t out_len)
{
    size_t n = (size_t)snprintf(out, out_len, "%s nth=%llu%s", lhv1_fault_kind_name(f->kind),
                                (unsigned long long)f->nth, f->persistent ? " persistent" : "");
    for (int fl = 0; fl < LHV1_FIELD_COUNT && n < out_len; fl++) {
        if (!lhv1_fault_kind_takes(f->kind, (lhv1_fault_field)fl))
            continue;
        unsigned long long v = 0;
        switch ((lhv1_fault_field)fl) {
        case LHV1_FIELD_CUT: v = f->cut; break;
        case LHV1_FIELD_BIT: v = f->bit; break;
        case LHV1_FIELD_REPLY: v = f->ack ? 200 : 503; break;
        case LHV1_FIELD_LAG: v = f->lag ? f->lag : 1; break;
        default: continue; /* a store kind takes no other field */
        }
        n += (size_t)snprintf(out + n, out_len - n, " %s=%llu",
                              lhv1_fault_field_name((lhv1_fault_field)fl), v);
    }
}

/* --- log -------------------------------------------------------------- */

static void log_key(lhv1_buf *log, lhv1_bytes key)
{
    for (size_t i = 0; i < key.len; i++) {
        uint8_t c = key.data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            lhv1_buf_putc(log, c);
        else
            lhv1_buf_printf(log, "\\x%02x", c);
    }
}

static void log_op(fault_store *f, lhv1_store_op op, lhv1_bytes key)
{
    if (f->no_log)
        return;
    lhv1_buf_printf(&f->log, "#%llu %s ", (unsigned long long)f->op_no++,
                    lhv1_store_op_name(op));
    log_key(&f->log, key);
}

__attribute__((format(printf, 2, 3))) static void log_end(fault_store *f, const char *fmt,
                                                         ...)
{
    if (f->no_log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    lhv1_buf_printf(&f->log, ": %s\n", line);
}

/* --- selection -------------------------------------------------------- */

/* The fault for this operation of type `op` (on a body of `len` bytes for
 * a Put), or kind NONE. */
static lhv1_fault select_fault(fault_store *f, lhv1_store_op op, size_t len)
{
    uint64_t i = f->ops[op]++;
    if (f->armed.kind != LHV1_FAULT_NONE && lhv1_fault_kind_op(f->armed.kind) == op) {
        lhv1_fault armed = f->armed;
        armed.nth = i;
        f->armed.kind = LHV1_FAULT_NONE;
        return armed;
    }
    for (size_t p = 0; p < f->n_plan; p++) {
        const lhv1_fault *pf = &f->plan[p];
        if (lhv1_fault_kind_op(pf->kind) == op &&
            (i == pf->nth || (pf->persistent && i > pf->nth)))
            return *pf;
    }
    lhv1_fault none = {0};
    none.kind = LHV1_FAULT_NONE;
    if (f->rate_ppm == 0 || lhv1_prng_next(&f->rng) % 1000000 >= f->rate_ppm)
        return none;
    lhv1_fault_kind candidates[LHV1_FAULT_KIND_COUNT];
    int n = 0;
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++)
        if (kinds[k].op == op)
            candidates[n++] = (lhv1_fault_kind)k;
    lhv1_fault r = {0};
    r.kind = candidates[lhv1_prng_next(&f->rng) % (uint64_t)n];
    r.nth = i;
    r.cut = len ? lhv1_prng_next(&f->rng) % len : 0; /* a strict prefix */
    r.bit = lhv1_prng_next(&f->rng); /* reduced modulo the returned length */
    r.ack = (int)(lhv1_prng_next(&f->rng) & 1);
    r.lag = 1 + lhv1_prng_next(&f->rng) % 3;
    return r;
}

/* --- history ---------------------------------------------------------- */

static lhv1_bytes hist_key_at(const void *ctx, size_t pos)
{
    const key_hist *h = &((const fault_store *)ctx)->hist[pos];
    return (lhv1_bytes){h->key.data, h->key.len};
}

static key_hist *hist_find(fault_store *f, lhv1_bytes key)
{
    size_t pos = lhv1_key_index_find(&f->hist_index, key);
    return pos == LHV1_KEY_NONE ? NULL : &f->hist[pos];
}

/* Room for one more version: recording a write that landed must not need
 * an allocation. */
static int hist_reserve(key_hist *h)
{
    if (h->n < h->cap)
        return 0;
    size_t cap = h->cap ? h->cap * 2 : 4;
    version *v = lhv1_realloc(h->v, cap * sizeof *v);
    if (!v)
        return -1;
    h->v = v;
    h->cap = cap;
    return 0;
}

/* Appends a version whose body is already copied (ownership moves),
 * dropping the oldest when `max` versions are kept (0: no bound). */
static void hist_append(key_hist *h, size_t max, uint64_t seq, int present, int in_inner,
                        lhv1_buf *body)
{
    if (max && h->n >= max) {
        lhv1_buf_free(&h->v[0].body);
        memmove(&h->v[0], &h->v[1], (h->n - 1) * sizeof h->v[0]);
        h->n--;
    }
    version *v = &h->v[h->n++];
    v->seq = seq;
    v->present = present;
    v->in_inner = in_inner;
    v->body = *body;
    lhv1_buf_init(body);
}

/* The key's history, created on first use with the state the inner store
 * holds before this store mutates it. NULL on allocation failure, with
 * nothing recorded (a history always holds at least one version).
 *
 * An inner store may let other operations of this store run while it
 * works (lhv1 serve's proxy releases its lock for network I/O): nothing
 * here holds a pointer into the histories across a call to it, and a
 * history another operation created meanwhile is the one kept. */
static key_hist *hist_get(fault_store *f, lhv1_bytes key)
{
    key_hist *h = hist_find(f, key);
    if (h)
        return h;
    lhv1_buf before;
    lhv1_buf_init(&before);
    lhv1_store_err err;
    int present;
    if (f->inner_mem) { /* its body stays there: moved out on the next mutation */
        lhv1_bytes cur;
        lhv1_store_err_ok(&err);
        present = lhv1_memory_store_view(f->inner, key, &cur);
    } else {
        present = lhv1_store_get(f->inner, key, &before, &err) == 0;
        if ((h = hist_find(f, key))) {
            lhv1_buf_free(&before);
            return h;
        }
    }
    if (lhv1_key_index_reserve(&f->hist_index) < 0) {
        lhv1_buf_free(&before);
        return NULL;
    }
    if (f->n_hist == f->cap_hist) {
        size_t cap = f->cap_hist ? f->cap_hist * 2 : 8;
        key_hist *p = lhv1_realloc(f->hist, cap * sizeof *p);
        if (!p) {
            lhv1_buf_free(&before);
            return NULL;
        }
        f->hist = p;
        f->cap_hist = cap;
    }
    h = &f->hist[f->n_hist];
    memset(h, 0, sizeof *h);
    if ((!present && err.kind == LHV1_STORE_OUT_OF_MEMORY) || before.failed ||
        lhv1_buf_append(&h->key, key.data, key.len) < 0 || hist_reserve(h) < 0) {
        lhv1_buf_free(&before);
        lhv1_buf_free(&h->key);
        lhv1_free(h->v);
        return NULL;
    }
    if (!present)
        lhv1_buf_free(&before);
    hist_append(h, f->history_max, f->seq, present, present && f->inner_mem, &before);
    lhv1_key_index_add(&f->hist_index, key, f->n_hist++);
    return h;
}

/* A mutation about to be sent to the inner store, with everything its
 * record needs allocated beforehand; committed once it landed. */
typedef struct pending {
    size_t h; /* the history's place: the array may move meanwhile */
    int present;
    lhv1_buf body;
} pending;

static int pending_init(fault_store *f, lhv1_bytes key, int present, lhv1_bytes body,
                        pending *p)
{
    p->present = present;
    lhv1_buf_init(&p->body);
    key_hist *h = hist_get(f, key);
    if (h)
        p->h = (size_t)(h - f->hist);
    if (!h || hist_reserve(h) < 0 ||
        (present && lhv1_buf_append(&p->body, body.data, body.len) < 0)) {
        lhv1_buf_free(&p->body);
        return -1;
    }
    return 0;
}

/* Records what the inner store now holds for the key. */
static void pending_commit(fault_store *f, pending *p)
{
    key_hist *h = &f->hist[p->h];
    /* Another write of the key may have taken the room reserved: without
     * more, the oldest version makes room. */
    if (hist_reserve(h) < 0) {
        lhv1_buf_free(&h->v[0].body);
        memmove(&h->v[0], &h->v[1], (h->n - 1) * sizeof h->v[0]);
        h->n--;
    }
    f->seq++;
    hist_append(h, f->history_max, f->seq, p->present, 0, &p->body);
}

/* Over the memory store: the key's newest version gets the body the
 * memory store just handed back (`had`: it held one), which was that
 * version's. */
static void retire_newest(key_hist *h, lhv1_buf *old, int had)
{
    version *v = &h->v[h->n - 1];
    if (v->in_inner) {
        v->in_inner = 0;
        if (v->present && had) {
            v->body = *old;
            lhv1_buf_init(old);
        }
    }
    lhv1_buf_free(old);
}

/* The body the key holds now by this store's record (present). */
static lhv1_bytes newest_body(fault_store *f, const key_hist *h, lhv1_bytes key)
{
    const version *v = &h->v[h->n - 1];
    lhv1_bytes b = {v->body.data, v->body.len};
    if (v->in_inner && !lhv1_memory_store_view(f->inner, key, &b))
        b = (lhv1_bytes){NULL, 0};
    return b;
}

/* Puts `body` into the inner store and records it. `owned`, when not NULL,
 * is a buffer holding exactly `body` that the memory store may take (it
 * is then left empty). */
static int land_put(fault_store *f, lhv1_bytes key, lhv1_bytes body, lhv1_buf *owned,
                    lhv1_store_err *err)
{
    if (!f->inner_mem) {
        pending rec;
        if (pending_init(f, key, 1, body, &rec) < 0)
            return lhv1_store_oom(err, "fault store");
        if (lhv1_store_put(f->inner, key, body, err) < 0) {
            lhv1_buf_free(&rec.body);
            return -1;
        }
        pending_commit(f, &rec);
        return 0;
    }
    key_hist *h = hist_get(f, key);
    if (!h || hist_reserve(h) < 0)
        return lhv1_store_oom(err, "fault store");
    lhv1_buf b;
    int taken = owned && owned->data == body.data && owned->len == body.len && !owned->failed;
    if (taken) {
        b = *owned;
        lhv1_buf_init(owned);
    } else {
        lhv1_buf_init(&b);
        if (lhv1_buf_append(&b, body.data, body.len) < 0) {
            lhv1_buf_free(&b);
            return lhv1_store_oom(err, "fault store");
        }
    }
    int had;
    if (lhv1_memory_store_exchange(f->inner, key, &b, &had, err) < 0) {
        if (taken)
            *owned = b;
        else
            lhv1_buf_free(&b);
        return -1;
    }
    retire_newest(h, &b, had);
    f->seq++;
    hist_append(h, f->history_max, f->seq, 1, 1, &b);
    return 0;
}

/* Deletes the key in the inner store and records it. */
static int land_del(fault_store *f, lhv1_bytes key, lhv1_store_err *err)
{
    if (!f->inner_mem) {
        pending rec;
        if (pending_init(f, key, 0, (lhv1_bytes){NULL, 0}, &rec) < 0)
            return lhv1_store_oom(err, "fault store");
        if (lhv1_store_del(f->inner, key, err) < 0)
            return -1;
        pending_commit(f, &rec);
        return 0;
    }
    key_hist *h = hist_get(f, key);
    if (!h || hist_reserve(h) < 0)
        return lhv1_store_oom(err, "fault store");
    lhv1_buf old;
    int had = lhv1_memory_store_take(f->inner, key, &old);
    retire_newest(h, &old, had);
    f->seq++;
    hist_append(h, f->history_max, f->seq, 0, 0, &old);
    return 0;
}

/* The state of the key just after mutation number `seq`. */
static const version *hist_at(const key_hist *h, uint64_t seq)
{
    const version *best = &h->v[0];
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].seq <= seq)
            best = &h->v[i];
    return best;
}

/* --- operations ------------------------------------------------------- */

static int fail_5xx(lhv1_store_err *err, int status, const char *body)
{
    return lhv1_store_fail(err, LHV1_STORE_FAILED, status, "%s", body);
}

static int fault_put_owned(fault_store *f, lhv1_bytes key, lhv1_bytes body, lhv1_buf *owned,
                           lhv1_store_err *err)
{
    lhv1_fault fault = select_fault(f, LHV1_OP_PUT, body.len);
    log_op(f, LHV1_OP_PUT, key);
    if (!f->no_log)
        lhv1_buf_printf(&f->log, " (%zu B)", body.len);
    /* Make sure the state before the first write is on record. */
    if (!hist_get(f, key))
        return lhv1_store_oom(err, "fault store");
    switch (fault.kind) {
    case LHV1_FAULT_PUT_FAIL_BEFORE:
        f->fired[fault.kind]++;
        log_end(f, "put-fail-before: nothing written, reply 503");
        return fail_5xx(err, 503, "service unavailable");
    case LHV1_FAULT_PUT_LOST:
        f->fired[fault.kind]++;
        log_end(f, "put-lost: nothing written, reply 200");
        return 0;
    case LHV1_FAULT_PUT_FAIL_AFTER:
        if (land_put(f, key, body, owned, err) < 0) {
            log_end(f, "inner put failed: %d %s", err->status, err->body);
            return -1;
        }
        f->fired[fault.kind]++;
        log_end(f, "put-fail-after: whole body written, reply 500");
        return fail_5xx(err, 500, "internal server error");
    case LHV1_FAULT_PUT_TORN_PREFIX:
    case LHV1_FAULT_PUT_TORN_OVER_OLD: {
        uint64_t cut = fault.cut;
        if (cut > body.len)
            cut = body.len;
        lhv1_buf torn;
        lhv1_buf_init(&torn);
        lhv1_buf_append(&torn, body.data, (size_t)cut);
        size_t old_tail = 0;
        if (fault.kind == LHV1_FAULT_PUT_TORN_OVER_OLD) {
            const key_hist *h = hist_find(f, key);
            lhv1_bytes cur = newest_body(f, h, key);
            if (h->v[h->n - 1].present && cur.len > cut) {
                old_tail = cur.len - (size_t)cut;
                lhv1_buf_append(&torn, cur.data + cut, old_tail);
            }
        }
        if (torn.failed) {
            lhv1_buf_free(&torn);
            return lhv1_store_oom(err, "fault store");
        }
        lhv1_bytes stored = {torn.data, torn.len};
        int rc = land_put(f, key, stored, &torn, err);
        lhv1_buf_free(&torn);
        if (rc < 0) {
            log_end(f, "inner put failed: %d %s", err->status, err->body);
            return -1;
        }
        f->fired[fault.kind]++;
        char tail[64] = "";
        if (old_tail)
            snprintf(tail, sizeof tail, ", %zu B of the old object after it", old_tail);
        log_end(f, "%s: kept %llu of %zu B%s, reply %d", lhv1_fault_kind_name(fault.kind),
                (unsigned long long)cut, body.len, tail, fault.ack ? 200 : 503);
        return fault.ack ? 0 : fail_5xx(err, 503, "service unavailable");
    }
    default:
        break;
    }
    if (land_put(f, key, body, owned, err) < 0) {
        log_end(f, "inner put failed: %d %s", err->status, err->body);
        return -1;
    }
    log_end(f, "ok");
    return 0;
}

static int fault_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    return fault_put_owned((fault_store *)s, key, body, NULL, err);
}

int lhv1_fault_store_put_owned(lhv1_store *fs, lhv1_bytes key, lhv1_buf *body,
                               lhv1_store_err *err)
{
    return fault_put_owned((fault_store *)fs, key, (lhv1_bytes){body->data, body->len}, body,
                           err);
}

static int fault_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    fault_store *f = (fault_store *)s;
    lhv1_fault fault = select_fault(f, LHV1_OP_GET, 0);
    log_op(f, LHV1_OP_GET, key);
    switch (fault.kind) {
    case LHV1_FAULT_GET_FAIL:
        f->fired[fault.kind]++;
        log_end(f, "get-fail: reply 500");
        return fail_5xx(err, 500, "internal server error");
    case LHV1_FAULT_GET_FAIL_NOT_FOUND_BODY:
        f->fired[fault.kind]++;
        log_end(f, "get-fail-key-not-found-body: reply 500 \"key not found\"");
        return fail_5xx(err, 500, "{\"error\":\"key not found\"}");
    case LHV1_FAULT_GET_NOT_FOUND:
        f->fired[fault.kind]++;
        log_end(f, "get-not-found: reply 404 whatever the store holds");
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    case LHV1_FAULT_GET_STALE: {
        key_hist *h = hist_find(f, key);
        if (!h || h->n < 2)
            break; /* no older state known: serve the current one */
        uint64_t lag = fault.lag ? fault.lag : 1;
        const version *old = &h->v[lag >= h->n ? 0 : h->n - 1 - lag];
        f->fired[fault.kind]++;
        if (!old->present) {
            log_end(f, "get-stale: served the state %llu writes back: absent, 404",
                    (unsigned long long)lag);
            return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
        }
        if (lhv1_buf_append(out, old->body.data, old->body.len) < 0)
            return lhv1_store_oom(err, "fault store");
        log_end(f, "get-stale: served the version %llu writes back (%zu B)",
                (unsigned long long)lag, old->body.len);
        return 0;
    }
    default:
        break;
    }
    if (lhv1_store_get(f->inner, key, out, err) < 0) {
        log_end(f, "%s %d", lhv1_store_kind_name(err->kind), err->status);
        return -1;
    }
    if (fault.kind == LHV1_FAULT_GET_BIT_FLIP && out->len > 0) {
        uint64_t bit = fault.bit % ((uint64_t)out->len * 8);
        out->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        f->fired[fault.kind]++;
        log_end(f, "get-bit-flip: bit %llu (byte %llu, mask 0x%02x) of %zu B flipped",
                (unsigned long long)bit, (unsigned long long)(bit / 8),
                1u << (bit % 8), out->len);
        return 0;
    }
    if (fault.kind != LHV1_FAULT_NONE)
        log_end(f, "ok (%zu B); %s had nothing to act on", out->len,
                lhv1_fault_kind_name(fault.kind));
    else
        log_end(f, "ok (%zu B)", out->len);
    return 0;
}

static int fault_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err)
{
    fault_store *f = (fault_store *)s;
    lhv1_fault fault = select_fault(f, LHV1_OP_DEL, 0);
    log_op(f, LHV1_OP_DEL, key);
    if (!hist_get(f, key))
        return lhv1_store_oom(err, "fault store");
    switch (fault.kind) {
    case LHV1_FAULT_DEL_FAIL_BEFORE:
        f->fired[fault.kind]++;
        log_end(f, "del-fail-before: nothing deleted, reply 503");
        return fail_5xx(err, 503, "service unavailable");
    case LHV1_FAULT_DEL_LOST:
        f->fired[fault.kind]++;
        log_end(f, "del-lost: nothing deleted, reply 200");
        return 0;
    default:
        break;
    }
    if (land_del(f, key, err) < 0) {
        log_end(f, "inner delete failed: %d %s", err->status, err->body);
        return -1;
    }
    if (fault.kind == LHV1_FAULT_DEL_FAIL_AFTER) {
        f->fired[fault.kind]++;
        log_end(f, "del-fail-after: deleted, reply 500");
        return fail_5xx(err, 500, "internal server error");
    }
    log_end(f, "ok");
    return 0;
}

static int has_prefix(lhv1_bytes k, lhv1_bytes prefix)
{
    return k.len >= prefix.len && (prefix.len == 0 || !memcmp(k.data, prefix.data, prefix.len));
}

static int fault_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                   lhv1_store_err *err)
{
    fault_store *f = (fault_store *)s;
    lhv1_fault fault = select_fault(f, LHV1_OP_LIST, 0);
    log_op(f, LHV1_OP_LIST, prefix);
    if (fault.kind == LHV1_FAULT_LIST_FAIL) {
        f->fired[fault.kind]++;
        log_end(f, "list-fail: reply 503");
        return fail_5xx(err, 503, "service unavailable");
    }
    if (fault.kind != LHV1_FAULT_LIST_STALE || f->seq == 0) {
        size_t before = out->n;
        if (lhv1_store_list(f->inner, prefix, out, err) < 0) {
            log_end(f, "inner list failed: %d %s", err->status, err->body);
            return -1;
        }
        log_end(f, "%zu keys%s", out->n - before,
                fault.kind == LHV1_FAULT_LIST_STALE ? "; list-stale had no older state" : "");
        return 0;
    }
    /* The key set as it stood `lag` mutations ago: keys this store never
     * touched come from the inner listing; the others from history. */
    uint64_t lag = fault.lag ? fault.lag : 1;
    lhv1_key_list fresh;
    lhv1_key_list_init(&fresh);
    if (lhv1_store_list(f->inner, prefix, &fresh, err) < 0) {
        log_end(f, "inner list failed: %d %s", err->status, err->body);
        return -1;
    }
    size_t shown = 0, hidden = 0, revived = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < fresh.n; i++) {
        if (hist_find(f, fresh.keys[i]))
            continue;
        rc = lhv1_key_list_push(out, fresh.keys[i]);
        shown++;
    }
    for (size_t i = 0; rc == 0 && i < f->n_hist; i++) {
        key_hist *h = &f->hist[i];
        lhv1_bytes k = {h->key.data, h->key.len};
        if (!has_prefix(k, prefix))
            continue;
        int now = h->v[h->n - 1].present;
        int then = hist_at(h, f->seq > lag ? f->seq - lag : 0)->present;
        if (then) {
            rc = lhv1_key_list_push(out, k);
            shown++;
        }
        hidden += now && !then;
        revived += then && !now;
    }
    lhv1_key_list_free(&fresh);
    if (rc < 0)
        return lhv1_store_oom(err, "fault store");
    f->fired[fault.kind]++;
    log_end(f, "list-stale: %zu keys as %llu mutations ago (%zu new hidden, "
               "%zu deleted shown)", shown, (unsigned long long)lag, hidden, revived);
    return 0;
}

static void fault_destroy(lhv1_store *s)
{
    fault_store *f = (fault_store *)s;
    for (size_t i = 0; i < f->n_hist; i++) {
        for (size_t j = 0; j < f->hist[i].n; j++)
            lhv1_buf_free(&f->hist[i].v[j].body);
        lhv1_free(f->hist[i].v);
        lhv1_buf_free(&f->hist[i].key);
    }
    lhv1_free(f->hist);
    lhv1_key_index_free(&f->hist_index);
    lhv1_free(f->plan);
    lhv1_buf_free(&f->log);
    lhv1_free(f);
}

/* No conditional writes: its faults are the plain operations'. */
static const lhv1_store_ops fault_ops = {
    "fault", fault_put, fault_get, fault_del, fault_list, fault_destroy, NULL, NULL,
};

lhv1_store *lhv1_fault_store_new(lhv1_store *inner, const lhv1_fault_config *cfg)
{
    fault_store *f = lhv1_calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->base.ops = &fault_ops;
    f->inner = inner;
    if (lhv1_key_index_init(&f->hist_index, hist_key_at, f) < 0) {
        lhv1_free(f);
        return NULL;
    }
    lhv1_buf_init(&f->log);
    if (cfg) {
        if (cfg->n_plan) {
            f->plan = lhv1_malloc(cfg->n_plan * sizeof *f->plan);
            if (!f->plan) {
                lhv1_free(f);
                return NULL;
            }
            memcpy(f->plan, cfg->plan, cfg->n_plan * sizeof *f->plan);
            f->n_plan = cfg->n_plan;
        }
        f->rng = cfg->seed;
        f->rate_ppm = cfg->rate_ppm;
        f->history_max = cfg->history_max;
        f->no_log = cfg->no_log;
    }
    f->inner_mem = lhv1_is_memory_store(inner);
    f->armed.kind = LHV1_FAULT_NONE;
    return &f->base;
}

int lhv1_is_fault_store(const lhv1_store *s)
{
    return s && s->ops == &fault_ops;
}

/* The fault store behind `s`, or NULL when `s` is another kind of store. */
static fault_store *as_fault_store(lhv1_store *s)
{
    return lhv1_is_fault_store(s) ? (fault_store *)s : NULL;
}

lhv1_store *lhv1_fault_store_inner(lhv1_store *fs)
{
    fault_store *f = as_fault_store(fs);
    return f ? f->inner : NULL;
}

void lhv1_fault_store_arm(lhv1_store *fs, const lhv1_fault *f)
{
    ((fault_store *)fs)->armed = *f;
}

void lhv1_fault_store_log_clear(lhv1_store *fs)
{
    lhv1_buf_reset(&((fault_store *)fs)->log);
}

const char *lhv1_fault_store_log(lhv1_store *fs)
{
    fault_store *f = as_fault_store(fs);
    if (!f)
        return "(not a fault store)\n";
    if (f->no_log)
        return "";
    /* Keep the text NUL-terminated without counting the NUL. */
    if (lhv1_buf_putc(&f->log, '\0') < 0)
        return "(log lost: out of memory)\n";
    f->log.len--;
    return (const char *)f->log.data;
}

uint64_t lhv1_fault_store_fired(lhv1_store *fs, lhv1_fault_kind kind)
{
    fault_store *f = as_fault_store(fs);
    return f && (unsigned)kind < LHV1_FAULT_KIND_COUNT ? f->fired[kind] : 0;
}

uint64_t lhv1_fault_store_ops(lhv1_store *fs, lhv1_store_op op)
{
    fault_store *f = as_fault_store(fs);
    return f && (unsigned)op < LHV1_OP_COUNT ? f->ops[op] : 0;
}
