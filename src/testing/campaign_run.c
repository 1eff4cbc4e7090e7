/* The campaign: enumerate faults, run the workload under each, classify
 * what every index loads as, check the expectations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign_internal.h"
#include "internal.h"
#include "lhv1testing/prng.h"

#define ABSENT (-1)
/* Seeded mix: each operation faulted with this probability (15%). */
#define MIX_RATE_PPM 150000
#define MAX_INFLIGHT 16

const char *lhv1_outcome_name(lhv1_outcome o)
{
    static const char *names[] = {
#define LHV1_OUTCOME_NAME(id, name) name,
        LHV1_OUTCOMES(LHV1_OUTCOME_NAME)
#undef LHV1_OUTCOME_NAME
    };
    return (unsigned)o < LHV1_OUTCOME_COUNT ? names[o] : "unknown";
}

/* How bad an outcome is, to pick the one a case is filed under. */
static int severity(lhv1_outcome o)
{
    static const int sev[LHV1_OUTCOME_COUNT] = {
        [LHV1_OUT_LATEST] = 0,       [LHV1_OUT_IN_FLIGHT] = 1,
        [LHV1_OUT_STORE_ERROR] = 2,  [LHV1_OUT_BAD_FORMAT] = 3,
        [LHV1_OUT_DECODE_ERROR] = 4, [LHV1_OUT_INCONSISTENT] = 5,
        [LHV1_OUT_MISSING] = 6,      [LHV1_OUT_STALE] = 7,
        [LHV1_OUT_SILENT_WRONG] = 8,
    };
    return sev[o];
}

int lhv1_campaign_expected_in(lhv1_format format, lhv1_fault_kind k, lhv1_outcome o)
{
    if ((unsigned)k >= LHV1_FAULT_KIND_COUNT || (unsigned)o >= LHV1_OUTCOME_COUNT)
        return 0;
    lhv1_fault_kind_info info = lhv1_fault_kind_info_for(k, format);
    return o == LHV1_OUT_LATEST || o == LHV1_OUT_IN_FLIGHT || (info.expected & (1u << o));
}

int lhv1_campaign_expected(lhv1_fault_kind k, lhv1_outcome o)
{
    return lhv1_campaign_expected_in(LHV1_FORMAT_LHV1, k, o);
}

/* --- the rows ----------------------------------------------------------- */

typedef struct row_def {
    lhv1_fault_kind kind;
    int ack;
    int persistent;
} row_def;

/* The rows, in LHV1_FAULT_KINDS order, each kind expanded by its `rows`
 * column, then the seeded mix (kind NONE): random faults of every kind. */
#define MAX_ROWS (2 * LHV1_FAULT_KIND_COUNT)

static size_t row_defs_of(row_def defs[MAX_ROWS])
{
    size_t n = 0;
    for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++) {
        const lhv1_fault_kind_info *info = lhv1_fault_kind_info_of((lhv1_fault_kind)k);
        defs[n++] = (row_def){(lhv1_fault_kind)k, 0, 0};
        if (info->rows == LHV1_ROWS_REPLY)
            defs[n++] = (row_def){(lhv1_fault_kind)k, 1, 0};
        else if (info->rows == LHV1_ROWS_PERSISTENT)
            defs[n++] = (row_def){(lhv1_fault_kind)k, 0, 1};
    }
    defs[n++] = (row_def){LHV1_FAULT_NONE, 0, 0};
    return n;
}

static int is_torn(lhv1_fault_kind k)
{
    return lhv1_fault_kind_info_of(k)->torn;
}

static void row_name(const row_def *d, char *out, size_t n)
{
    if (d->kind == LHV1_FAULT_NONE) {
        snprintf(out, n, "seeded mix (%d%% of ops)", MIX_RATE_PPM / 10000);
        return;
    }
    snprintf(out, n, "%s%s%s", lhv1_fault_kind_name(d->kind),
             is_torn(d->kind) ? (d->ack ? " reply=200" : " reply=503") : "",
             d->persistent ? " persistent" : "");
}

/* --- offset classes -------------------------------------------------------- */

typedef struct offset_class {
    uint64_t off;
    char label[48];
} offset_class;

typedef struct offset_set {
    offset_class *v;
    size_t n, cap;
    uint64_t limit; /* offsets >= limit are dropped */
} offset_set;

__attribute__((format(printf, 3, 4))) static void add_off(offset_set *s, int64_t off,
                                                          const char *fmt, ...)
{
    if (off < 0 || (uint64_t)off >= s->limit)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].off == (uint64_t)off)
            return;
    if (lhv1_array_grow(&s->v, s->n, &s->cap, sizeof *s->v, 64) != 0)
        return; /* a sample fewer */
    offset_class *c = &s->v[s->n++];
    c->off = (uint64_t)off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->label, sizeof c->label, fmt, ap);
    va_end(ap);
}

/* The structural offsets of a valid object: header bytes, the envelope's
 * end, the graph header, every layer and node boundary (and, for bit
 * flips, the first byte of every vector), the last bytes. */
static void structural_offsets(offset_set *s, const lhv1_buf *body, const char *tag,
                               int vectors)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    int ok = lhv1_unframe_any(body->data, body->len, &env, &graph, NULL, &st) == 0;
    int64_t header = ok ? (int64_t)(env.data - body->data) : LHV1_HEADER_LEN;
    for (int64_t i = 0; i <= header; i++)
        add_off(s, i, "%sheader+%lld", tag, (long long)i);
    if (!ok)
        return;
    int64_t e = header + (int64_t)env.len;
    /* A container trailer (LHV2's body CRC) after the graph. */
    for (int64_t at = e + (int64_t)graph.len; at < (int64_t)body->len; at++)
        add_off(s, at, "%strailer+%lld", tag, (long long)(at - e - (int64_t)graph.len));
    for (int d = -2; d <= 2; d++)
        add_off(s, e + d, "%senvelope-end%+d", tag, d);
    lhv1_graph g;
    if (lhv1_graph_decode(graph.data, graph.len, &g, &st) < 0)
        return;
    lhv1_layer ly;
    if (g.n_layers)
        lhv1_graph_layer(&g, 0, &ly);
    int64_t first = g.n_layers ? (int64_t)ly.offset : (int64_t)g.end;
    for (int64_t i = 0; i < first; i++)
        add_off(s, e + i, "%sgraph-header+%lld", tag, (long long)i);
    for (uint64_t l = 0; l < g.n_layers; l++) {
        lhv1_graph_layer(&g, l, &ly);
        int64_t lo = e + (int64_t)ly.offset;
        for (int d = -1; d <= 1; d++)
            add_off(s, lo + d, "%slayer%llu%+d", tag, (unsigned long long)l, d);
        for (uint64_t i = 0; i < ly.n_nodes; i++) {
            lhv1_node ndv;
            lhv1_layer_node(&g, &ly, i, &ndv);
            const lhv1_node *nd = &ndv;
            add_off(s, e + (int64_t)nd->offset, "%snode L%llu#%llu", tag,
                    (unsigned long long)l, (unsigned long long)i);
            if (vectors && nd->dim)
                add_off(s, (int64_t)(nd->vector - body->data), "%svector L%llu#%llu", tag,
                        (unsigned long long)l, (unsigned long long)i);
        }
    }
    add_off(s, e + (int64_t)g.end - 1, "%send-1", tag);
    add_off(s, e + (int64_t)g.end - 2, "%send-2", tag);
    lhv1_graph_free(&g);
}

/* Names the part of a valid object that holds byte `off`. */
static void describe(const lhv1_buf *body, uint64_t off, char *out, size_t n)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    lhv1_graph g;
    if (lhv1_unframe_any(body->data, body->len, &env, &graph, NULL, &st) < 0 ||
        off < (uint64_t)(env.data - body->data)) {
        snprintf(out, n, "header");
        return;
    }
    uint64_t e = (uint64_t)(env.data - body->data) + env.len;
    if (off >= e + graph.len) {
        snprintf(out, n, "trailer");
        return;
    }
    if (off < e) {
        snprintf(out, n, "envelope");
        return;
    }
    if (lhv1_graph_decode(graph.data, graph.len, &g, &st) < 0) {
        snprintf(out, n, "graph");
        return;
    }
    uint64_t rel = off - e;
    snprintf(out, n, "graph-header");
    for (uint64_t l = 0; l < g.n_layers; l++) {
        lhv1_layer ly;
        lhv1_graph_layer(&g, l, &ly);
        if (rel < ly.offset)
            break;
        snprintf(out, n, "layer%llu count", (unsigned long long)l);
        for (uint64_t i = 0; i < ly.n_nodes; i++) {
            lhv1_node ndv;
            lhv1_layer_node(&g, &ly, i, &ndv);
            const lhv1_node *nd = &ndv;
            if (rel < nd->offset)
                break;
            uint64_t vec = (uint64_t)(nd->vector - graph.data);
            const char *part = rel < vec ? "key" : rel < vec + nd->dim * 4 ? "vector"
                                                                          : "neighbors";
            snprintf(out, n, "%s L%llu#%llu", part, (unsigned long long)l,
                     (unsigned long long)i);
        }
    }
    lhv1_graph_free(&g);
}

static void offset_classes(offset_set *s, const lhv1_buf *body, const lhv1_buf *old,
                           uint64_t limit, int vectors, uint64_t *rng, unsigned sample)
{
    memset(s, 0, sizeof *s);
    s->limit = limit;
    structural_offsets(s, body, "", vectors);
    if (old)
        structural_offsets(s, old, "old ", 0);
    for (unsigned i = 0; i < sample && body->len; i++) {
        uint64_t off = lhv1_prng_next(rng) % body->len;
        char where[80];
        describe(body, off, where, sizeof where);
        add_off(s, (int64_t)off, "sample in %s", where);
    }
}

/* --- one case -------------------------------------------------------------- */

typedef struct name_state {
    int acked;                  /* content id, or ABSENT */
    int inflight[MAX_INFLIGHT]; /* errored ops since: content ids or ABSENT */
    int n_inflight;
} name_state;

typedef struct case_result {
    lhv1_outcome outcome;       /* the worst over the list and every load */
    unsigned seen;              /* every outcome seen, as a bit mask */
    int unexpected;
    int fired;
    int go_silent;
    char index[32];
    char detail[256];
} case_result;

static int name_slot(const camp_workload *w, const char *name)
{
    for (size_t i = 0; i < w->n_names; i++)
        if (!strcmp(w->names[i], name))
            return (int)i;
    return -1;
}

static int inflight_has(const name_state *s, int c)
{
    for (int i = 0; i < s->n_inflight; i++)
        if (s->inflight[i] == c)
            return 1;
    return 0;
}

static void note(case_result *r, lhv1_outcome o, const char *index, const char *detail)
{
    r->seen |= 1u << o;
    if (severity(o) > severity(r->outcome) || !r->index[0]) {
        r->outcome = o;
        snprintf(r->index, sizeof r->index, "%s", index);
        snprintf(r->detail, sizeof r->detail, "%s", detail);
    }
}

/* The first line where two dumps differ, for the report. */
static void first_diff(const lhv1_buf *a, const lhv1_buf *b, char *out, size_t n)
{
    size_t i = 0, line = 1, start = 0;
    while (i < a->len && i < b->len && a->data[i] == b->data[i]) {
        if (a->data[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    size_t end = start;
    while (end < a->len && a->data[end] != '\n' && end - start < 120)
        end++;
    snprintf(out, n, "dump line %zu: %.*s", line, (int)(end - start),
             (const char *)a->data + start);
}

static lhv1_outcome classify_load(const camp_workload *w, const char *name,
                                  const name_state *s, lhv1_verdict v,
                                  const lhv1_loaded *l, const lhv1_status *st,
                                  char *detail, size_t dn)
{
    snprintf(detail, dn, "%s: %.200s", lhv1_reason_code(st->reason), st->message);
    switch (v) {
    case LHV1_MISSING:
        if (s->acked == ABSENT)
            return LHV1_OUT_LATEST;
        return inflight_has(s, ABSENT) ? LHV1_OUT_IN_FLIGHT : LHV1_OUT_MISSING;
    case LHV1_STORE_ERROR: return LHV1_OUT_STORE_ERROR;
    case LHV1_BAD_FORMAT: return LHV1_OUT_BAD_FORMAT;
    case LHV1_DECODE_ERROR: return LHV1_OUT_DECODE_ERROR;
    case LHV1_INCONSISTENT: return LHV1_OUT_INCONSISTENT;
    default: break;
    }
    lhv1_buf dump;
    lhv1_buf_init(&dump);
    lhv1_index_dump(&l->idx, &dump);
    int match = -2;
    for (size_t c = 0; c < w->n_contents; c++)
        if (!strcmp(w->contents[c].index, name) &&
            lhv1_bytes_eq((lhv1_bytes){dump.data, dump.len},
                          (lhv1_bytes){w->contents[c].dump.data, w->contents[c].dump.len}))
            match = (int)c;
    lhv1_outcome o;
    if (match == -2) {
        o = LHV1_OUT_SILENT_WRONG;
        if (s->acked >= 0)
            first_diff(&dump, &w->contents[s->acked].dump, detail, dn);
        else
            snprintf(detail, dn, "loads ok; the last acknowledged op deleted it");
    } else if (match == s->acked) {
        o = LHV1_OUT_LATEST;
    } else if (inflight_has(s, match)) {
        o = LHV1_OUT_IN_FLIGHT;
    } else {
        o = LHV1_OUT_STALE;
        snprintf(detail, dn, "loads %s generation %d; acknowledged: %s", name,
                 w->contents[match].gen,
                 s->acked >= 0 ? "a newer generation" : "its deletion");
    }
    lhv1_buf_free(&dump);
    return o;
}

/* Lists and loads every index, noting each outcome against the model. */
static void verify(const camp_workload *w, lhv1_persistor *p, const name_state *states,
                   case_result *r)
{
    char detail[256];
    lhv1_store_err err;
    /* List: each name must be listed iff its state says so (either way
     * when an errored op may have changed it). */
    lhv1_key_list listed;
    lhv1_key_list_init(&listed);
    if (lhv1_persistor_list(p, &listed, &err) < 0) {
        snprintf(detail, sizeof detail, "list: %d %.200s", err.status, err.body);
        note(r, LHV1_OUT_STORE_ERROR, "(list)", detail);
    } else {
        for (size_t i = 0; i < w->n_names; i++) {
            const name_state *s = &states[i];
            int shown = 0;
            for (size_t k = 0; k < listed.n; k++)
                shown |= lhv1_bytes_eq(listed.keys[k], lhv1_bytes_str(w->names[i]));
            int want = s->acked != ABSENT;
            int either = 0;
            for (int k = 0; k < s->n_inflight; k++)
                either |= (s->inflight[k] != ABSENT) != want;
            if (shown != want && !either) {
                snprintf(detail, sizeof detail, "list %s %s", shown ? "shows" : "omits",
                         w->names[i]);
                note(r, LHV1_OUT_STALE, "(list)", detail);
            }
        }
    }
    lhv1_key_list_free(&listed);
    for (size_t i = 0; i < w->n_names; i++) {
        lhv1_loaded l;
        lhv1_status st;
        lhv1_verdict v = lhv1_persistor_load(p, w->names[i], &l, &st);
        lhv1_outcome o = classify_load(w, w->names[i], &states[i], v, &l, &st, detail,
                                       sizeof detail);
        if ((v == LHV1_BAD_FORMAT || v == LHV1_DECODE_ERROR || v == LHV1_INCONSISTENT) &&
            lhv1_predict_go(l.body.data, l.body.len, NULL, 0) == LHV1_GO_OK)
            r->go_silent = 1;
        note(r, o, w->names[i], detail);
        lhv1_loaded_free(&l);
    }
}

/* An outcome is unexpected when none of the faults that fired allows it
 * (latest and in-flight are always allowed). */
/* How often `k` fired in the case: the fault store's count, or the hook's. */
static uint64_t fired_of(const lhv1_campaign_store_hook *hook, lhv1_store *fs, lhv1_fault_kind k)
{
    return hook ? hook->fired(hook->ctx, fs, k) : lhv1_fault_store_fired(fs, k);
}

static int unexpected_outcomes(lhv1_format format, unsigned seen,
                               const lhv1_campaign_store_hook *hook, lhv1_store *fs)
{
    for (int o = 0; o < LHV1_OUTCOME_COUNT; o++) {
        if (!(seen & (1u << o)) || o == LHV1_OUT_LATEST || o == LHV1_OUT_IN_FLIGHT)
            continue;
        int allowed = 0;
        for (int k = 1; k < LHV1_FAULT_KIND_COUNT && !allowed; k++)
            allowed = fired_of(hook, fs, (lhv1_fault_kind)k) &&
                      lhv1_campaign_expected_in(format, (lhv1_fault_kind)k, (lhv1_outcome)o);
        if (!allowed)
            return 1;
    }
    return 0;
}

/* Runs the workload over a fault store configured by `cfg`.
 * With `single` (a planned fault), a Put or Delete fault is checked twice:
 * right after the faulted operation (the state a crash there would leave)
 * and after the whole workload (what later operations make of it); Get and
 * List faults hit the final check. Without (a seeded mix), the state is
 * checked after every operation. The case's outcome is the worst seen.
 * Returns 0, or -1 on allocation failure. `log` gets the fault store's
 * log when non-NULL. With a `hook`, the store and what fired come from it. */
static int run_case(const camp_workload *w, const lhv1_campaign_store_hook *hook,
                    const lhv1_fault_config *cfg, const lhv1_fault *single, case_result *r,
                    char **log)
{
    memset(r, 0, sizeof *r);
    lhv1_store *mem = hook ? NULL : lhv1_memory_store_new();
    lhv1_store *fs = hook ? hook->open(hook->ctx, cfg) : mem ? lhv1_fault_store_new(mem, cfg) : NULL;
    if (!fs) {
        lhv1_store_destroy(mem);
        return -1;
    }
    lhv1_persistor p;
    lhv1_persistor_init(&p, fs);
    p.format = w->format;
    name_state states[16];
    for (size_t i = 0; i < w->n_names; i++) {
        states[i].acked = ABSENT;
        states[i].n_inflight = 0;
    }
    const lhv1_store_op fop = single ? lhv1_fault_kind_op(single->kind) : LHV1_OP_COUNT;
    uint64_t seen[LHV1_OP_COUNT] = {0};
    lhv1_store_err err;
    for (size_t i = 0; i < w->n_ops; i++) {
        const camp_op *op = &w->ops[i];
        name_state *s = &states[name_slot(w, op->index)];
        lhv1_store_op type = op->content >= 0 ? LHV1_OP_PUT : LHV1_OP_DEL;
        int rc = op->content >= 0
                     ? lhv1_persistor_save(&p, &w->contents[op->content].idx, &err)
                     : lhv1_persistor_delete(&p, op->index, &err);
        if (rc == 0) {
            s->acked = op->content; /* ABSENT for a delete */
            s->n_inflight = 0;
        } else if (s->n_inflight < MAX_INFLIGHT) {
            s->inflight[s->n_inflight++] = op->content;
        }
        if (!single || (type == fop && seen[type]++ == single->nth))
            verify(w, &p, states, r);
    }
    verify(w, &p, states, r);
    if (single) {
        r->fired = fired_of(hook, fs, single->kind) > 0;
    } else {
        for (int k = 1; k < LHV1_FAULT_KIND_COUNT; k++)
            r->fired |= fired_of(hook, fs, (lhv1_fault_kind)k) > 0;
    }
    r->unexpected = unexpected_outcomes(w->format, r->seen, hook, fs);
    if (log)
        *log = hook ? hook->log(hook->ctx, fs) : strdup(lhv1_fault_store_log(fs));
    if (hook) {
        hook->close(hook->ctx, fs);
    } else {
        lhv1_store_destroy(fs);
        lhv1_store_destroy(mem);
    }
    return 0;
}

/* --- the campaign ------------------------------------------------------------ */

static int list_case(lhv1_campaign_result *res, const lhv1_fault *f, const char *row,
                     const char *where, const case_result *r, char *log)
{
    if (res->n_listed == res->cap_listed) {
        size_t cap = res->cap_listed ? res->cap_listed * 2 : 64;
        lhv1_campaign_case *p = realloc(res->listed, cap * sizeof *p);
        if (!p) {
            free(log);
            return -1;
        }
        res->listed = p;
        res->cap_listed = cap;
    }
    lhv1_campaign_case *c = &res->listed[res->n_listed++];
    memset(c, 0, sizeof *c);
    c->fault = *f;
    snprintf(c->row, sizeof c->row, "%s", row);
    snprintf(c->index, sizeof c->index, "%s", r->index);
    snprintf(c->offset_class, sizeof c->offset_class, "%s", where);
    c->outcome = r->outcome;
    c->expected = !r->unexpected;
    snprintf(c->detail, sizeof c->detail, "%s", r->detail);
    c->log = log;
    return 0;
}

typedef struct runner {
    const camp_workload *w;
    const lhv1_campaign_opts *opts;
    int inject; /* 0: the self-test, nothing injected */
    lhv1_campaign_result *res;
    time_t last_progress;
    time_t start;
    unsigned stride; /* every stride-th offset class */
} runner;

/* Runs one case: the planned fault `f`, or (f == NULL) a seeded mix. */
static int one(runner *rn, lhv1_campaign_row *row, const lhv1_fault *f, uint64_t mix_seed,
               const char *cls)
{
    lhv1_fault_config cfg = {0};
    if (!rn->inject) {
        /* the self-test: the same cases, nothing injected */
    } else if (f) {
        cfg.plan = f;
        cfg.n_plan = 1;
    } else {
        cfg.seed = mix_seed;
        cfg.rate_ppm = MIX_RATE_PPM;
    }
    case_result r;
    if (run_case(rn->w, rn->opts->store_hook, &cfg, f, &r, NULL) < 0)
        return -1;
    row->cases++;
    row->fired += (uint64_t)r.fired;
    row->go_silent += (uint64_t)r.go_silent;
    row->counts[r.outcome]++;
    rn->res->total_cases++;
    rn->res->n_unexpected += (uint64_t)r.unexpected;
    row->unexpected += (uint64_t)r.unexpected;
    if (r.outcome == LHV1_OUT_SILENT_WRONG || r.unexpected) {
        /* Run it again to keep its log: listed cases are few. */
        char *log = NULL;
        case_result again;
        if (run_case(rn->w, rn->opts->store_hook, &cfg, f, &again, &log) < 0)
            return -1;
        lhv1_fault none = {0};
        if (list_case(rn->res, f ? f : &none, row->name, cls, &r, log) < 0)
            return -1;
    }
    time_t now = time(NULL);
    if (rn->opts->progress && now != rn->last_progress) {
        rn->last_progress = now;
        fprintf(rn->opts->progress, "campaign: %llu cases, %s, %lds\n",
                (unsigned long long)rn->res->total_cases, row->name,
                (long)(now - rn->start));
        fflush(rn->opts->progress);
    }
    return 0;
}

/* The content at a put, and what the key held just before (fault-free). */
static void put_context(const camp_workload *w, size_t nth, const lhv1_buf **body,
                        const lhv1_buf **old)
{
    size_t k = 0;
    *body = *old = NULL;
    for (size_t i = 0; i < w->n_ops; i++) {
        const camp_op *op = &w->ops[i];
        if (op->content < 0)
            continue;
        if (k++ == nth) {
            *body = &w->contents[op->content].body;
            for (size_t j = i; j-- > 0;) {
                if (strcmp(w->ops[j].index, op->index))
                    continue;
                if (w->ops[j].content >= 0)
                    *old = &w->contents[w->ops[j].content].body;
                break;
            }
            return;
        }
    }
}

/* The final fault-free content of a name, or NULL when absent. */
static const lhv1_buf *final_body(const camp_workload *w, const char *name)
{
    const lhv1_buf *b = NULL;
    for (size_t i = 0; i < w->n_ops; i++)
        if (!strcmp(w->ops[i].index, name))
            b = w->ops[i].content >= 0 ? &w->contents[w->ops[i].content].body : NULL;
    return b;
}

static size_t mutations_of(const camp_workload *w, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_ops; i++)
        n += !strcmp(w->ops[i].index, name);
    return n;
}

static int run_row(runner *rn, const row_def *d, lhv1_campaign_row *row, uint64_t *rng)
{
    const camp_workload *w = rn->w;
    if (d->kind == LHV1_FAULT_NONE) {
        char cls[48];
        for (unsigned i = 0; i < rn->opts->mix_runs; i++) {
            uint64_t seed = lhv1_prng_next(rng);
            snprintf(cls, sizeof cls, "seed 0x%016llx", (unsigned long long)seed);
            if (one(rn, row, NULL, seed, cls) < 0)
                return -1;
        }
        return 0;
    }
    lhv1_store_op op = lhv1_fault_kind_op(d->kind);
    size_t n = op == LHV1_OP_PUT ? w->n_puts
             : op == LHV1_OP_GET ? w->n_names
             : op == LHV1_OP_DEL ? w->n_dels
                                 : 1;
    for (size_t nth = 0; nth < n; nth++) {
        lhv1_fault f = {0};
        f.kind = d->kind;
        f.nth = nth;
        f.ack = d->ack;
        f.persistent = d->persistent;
        char cls[48];
        if (is_torn(d->kind)) {
            const lhv1_buf *body, *old;
            put_context(w, nth, &body, &old);
            int over = d->kind == LHV1_FAULT_PUT_TORN_OVER_OLD;
            /* A strict prefix; over an older, longer object also the whole
             * new body with the old tail left behind. */
            uint64_t limit = body->len + (over && old && old->len > body->len);
            offset_set s;
            offset_classes(&s, body, over ? old : NULL, limit, 0, rng, rn->opts->sample);
            if (over && old && old->len > body->len)
                add_off(&s, (int64_t)body->len, "whole new body, old tail kept");
            for (size_t i = 0; i < s.n; i++) {
                if (i % rn->stride)
                    continue;
                f.cut = s.v[i].off;
                snprintf(cls, sizeof cls, "%s", s.v[i].label);
                if (one(rn, row, &f, 0, cls) < 0) {
                    free(s.v);
                    return -1;
                }
            }
            free(s.v);
        } else if (d->kind == LHV1_FAULT_GET_BIT_FLIP) {
            const lhv1_buf *body = final_body(w, w->names[nth]);
            if (!body)
                continue; /* nothing to flip: the name ends absent */
            offset_set s;
            offset_classes(&s, body, NULL, body->len, 1, rng, rn->opts->sample);
            for (size_t i = 0; i < s.n; i++) {
                f.bit = s.v[i].off * 8 + lhv1_prng_next(rng) % 8; /* drawn either way */
                if (i % rn->stride)
                    continue;
                snprintf(cls, sizeof cls, "%s", s.v[i].label);
                if (one(rn, row, &f, 0, cls) < 0) {
                    free(s.v);
                    return -1;
                }
            }
            free(s.v);
        } else if (d->kind == LHV1_FAULT_GET_STALE || d->kind == LHV1_FAULT_LIST_STALE) {
            /* Every age the store could serve: each older version of the
             * key, or each earlier key set. */
            size_t ages = d->kind == LHV1_FAULT_LIST_STALE ? w->n_ops
                                                            : mutations_of(w, w->names[nth]);
            for (size_t lag = 1; lag <= ages; lag++) {
                f.lag = lag;
                snprintf(cls, sizeof cls, "%s #%zu lag=%zu", lhv1_store_op_name(op), nth, lag);
                if (one(rn, row, &f, 0, cls) < 0)
                    return -1;
            }
        } else {
            snprintf(cls, sizeof cls, "%s #%zu", lhv1_store_op_name(op), nth);
            if (one(rn, row, &f, 0, cls) < 0)
                return -1;
        }
    }
    return 0;
}

/* The hook's own faults: each case in the row it names (rows appended in
 * order of first appearance), filed like a planned fault of its proxy kind. */
static int run_extra_rows(runner *rn, const lhv1_campaign_store_hook *hook)
{
    lhv1_campaign_result *res = rn->res;
    for (size_t i = 0; i < hook->n_extra; i++) {
        char name[64], cls[48];
        lhv1_fault f = {0};
        hook->extra(hook->ctx, i, name, sizeof name, cls, sizeof cls, &f);
        lhv1_campaign_row *row = NULL;
        for (size_t r = 0; r < res->n_rows && !row; r++)
            if (res->rows[r].extra && !strcmp(res->rows[r].name, name))
                row = &res->rows[r];
        if (!row) {
            row = &res->rows[res->n_rows++];
            row->extra = 1;
            row->kind = f.kind;
            snprintf(row->name, sizeof row->name, "%s", name);
        }
        if (one(rn, row, &f, 0, cls) < 0)
            return -1;
    }
    return 0;
}

__attribute__((format(printf, 2, 3))) static void check_fail(lhv1_campaign_result *res,
                                                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[256];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    lhv1_buf_printf(&res->failures, "%s\n", line);
}

/* What proves each fault did something: every case fired, and the
 * outcome the fault must produce was seen. A fault store that did
 * nothing fails every one of these. */
static void check_rows(lhv1_campaign_result *res)
{
    for (size_t i = 0; i < res->n_rows; i++) {
        const lhv1_campaign_row *r = &res->rows[i];
        const uint64_t *c = r->counts;
        if (r->cases == 0) {
            check_fail(res, "%s: no cases", r->name);
            continue;
        }
        if (r->kind == LHV1_FAULT_NONE) {
            if (!r->fired || r->counts[LHV1_OUT_LATEST] == r->cases)
                check_fail(res, "%s: expected faults that fire and have effects", r->name);
            continue;
        }
        if (r->fired != r->cases)
            check_fail(res, "%s: fired in %llu of %llu cases", r->name,
                       (unsigned long long)r->fired, (unsigned long long)r->cases);
        if (r->extra)
            continue;
        /* The row's self-check: the kind's any / each / only columns. */
        const lhv1_fault_kind_info kind = lhv1_fault_kind_info_for(r->kind, res->format);
        const lhv1_fault_kind_info *info = &kind;
        uint64_t in_any = 0, in_only = 0;
        int each = 1;
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++) {
            if (info->any & (1u << o))
                in_any += c[o];
            if (info->only & (1u << o))
                in_only += c[o];
            if ((info->each & (1u << o)) && !c[o])
                each = 0;
        }
        const char *need = NULL;
        if ((info->any && !in_any) || !each || (info->only && in_only != r->cases))
            need = info->check;
        if (need)
            check_fail(res, "%s: expected %s", r->name, need);
    }
    if (res->n_unexpected)
        check_fail(res, "%llu cases with an unexpected outcome (listed)",
                   (unsigned long long)res->n_unexpected);
}

static int campaign_run(const lhv1_campaign_opts *opts, int inject, lhv1_campaign_result *res)
{
    memset(res, 0, sizeof *res);
    lhv1_buf_init(&res->failures);
    res->seed = opts->seed;
    res->format = opts->format == LHV1_FORMAT_LHV2 ? LHV1_FORMAT_LHV2 : LHV1_FORMAT_LHV1;
    lhv1_campaign_opts o = *opts;
    if (!o.sample)
        o.sample = 16;
    if (!o.mix_runs)
        o.mix_runs = 200;
    camp_workload w;
    char why[256];
    if (camp_workload_build(&w, res->format, why, sizeof why) < 0) {
        check_fail(res, "workload: %s", why);
        camp_workload_free(&w);
        return -1;
    }
    /* The fault-free run must give every index its latest state. */
    lhv1_fault none = {0};
    case_result base;
    lhv1_fault_config clean = {0};
    if (run_case(&w, o.store_hook, &clean, &none, &base, NULL) < 0 ||
        base.outcome != LHV1_OUT_LATEST) {
        check_fail(res, "fault-free run: %s %s: %.150s", base.index, lhv1_outcome_name(base.outcome),
                   base.detail);
        camp_workload_free(&w);
        return -1;
    }
    row_def defs[MAX_ROWS];
    size_t n_rows = row_defs_of(defs);
    const lhv1_campaign_store_hook *hook = o.store_hook;
    if (hook && hook->skip_mix)
        n_rows--; /* the mix row is last */
    /* A hook's extra rows follow; at most one per case. */
    res->rows = calloc(n_rows + (hook ? hook->n_extra : 0), sizeof *res->rows);
    if (!res->rows) {
        camp_workload_free(&w);
        return -1;
    }
    res->n_rows = n_rows;
    runner rn = {&w, &o, inject, res, 0, time(NULL), o.stride ? o.stride : 1};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t rng = opts->seed;
    int rc = 0;
    for (size_t i = 0; i < n_rows && rc == 0; i++) {
        res->rows[i].kind = defs[i].kind;
        row_name(&defs[i], res->rows[i].name, sizeof res->rows[i].name);
        rc = run_row(&rn, &defs[i], &res->rows[i], &rng);
    }
    if (hook && rc == 0)
        rc = run_extra_rows(&rn, hook);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    camp_workload_free(&w);
    if (rc < 0)
        return -1;
    check_rows(res);
    return res->failures.len ? 1 : 0;
}

int lhv1_campaign_run(const lhv1_campaign_opts *opts, lhv1_campaign_result *res)
{
    return campaign_run(opts, 1, res);
}

int lhv1_campaign_run_uninjected(const lhv1_campaign_opts *opts, lhv1_campaign_result *res)
{
    return campaign_run(opts, 0, res);
}

void lhv1_campaign_result_free(lhv1_campaign_result *res)
{
    for (size_t i = 0; i < res->n_listed; i++)
        free(res->listed[i].log);
    free(res->listed);
    free(res->rows);
    lhv1_buf_free(&res->failures);
    memset(res, 0, sizeof *res);
}
