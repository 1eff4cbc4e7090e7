/* The two-writer workload: the plans table and the play of one plan
 * (lhv1testing/two_writers.h), as examples/vectord/twowriters/plan.go
 * plays it. */
#include "lhv1testing/two_writers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/persistor.h"
#include "fail_why.h"

#define INDEX_NAME "shared"
#define ID_MAX 32 /* "base", "A12", "12 (Bw)" */
/* With two writers taking turns one retry always suffices (plan.go). */
#define MAX_RETRIES 3

static const char *const modes[] = {"plain", "conditional", "retry"};
enum { PLAIN, CONDITIONAL, RETRY, N_MODES };

/* --- the plans table --------------------------------------------------- */

static int yes_no(const char *s, size_t n, int *out)
{
    if (n == 3 && !memcmp(s, "yes", 3))
        return *out = 1, 0;
    if (n == 2 && !memcmp(s, "no", 2))
        return *out = 0, 0;
    return -1;
}

/* Every step is Ar, Aw, Br or Bw, separated by single spaces. */
static int steps_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || (n + 1) % 3)
        return 0;
    for (size_t i = 0; i < n; i += 3)
        if ((s[i] != 'A' && s[i] != 'B') || (s[i + 1] != 'r' && s[i + 1] != 'w') ||
            (i + 2 < n && s[i + 2] != ' '))
            return 0;
    return 1;
}

int lhv1_tw_plans_parse(const char *text, size_t len, lhv1_tw_plans *out, char *why,
                        size_t why_len)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, lineno = 0;
    for (size_t at = 0; at < len;) {
        const char *line = text + at, *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) : len - at;
        at += n + 1;
        lineno++;
        if (!n || line[0] == '#')
            continue;
        const char *f[4];
        size_t fl[4], nf = 0;
        for (const char *p = line, *end = line + n; nf < 4; nf++) {
            const char *tab = memchr(p, '\t', (size_t)(end - p));
            f[nf] = p;
            fl[nf] = tab ? (size_t)(tab - p) : (size_t)(end - p);
            if (!tab) {
                nf++;
                break;
            }
            p = tab + 1;
            if (nf == 3) { /* a fifth field */
                nf = 5;
                break;
            }
        }
        lhv1_tw_plan pl = {0};
        if (nf != 4 || !fl[0] || fl[0] >= sizeof pl.name || fl[1] >= sizeof pl.steps ||
            yes_no(f[2], fl[2], &pl.create) < 0 || yes_no(f[3], fl[3], &pl.racy) < 0) {
            lhv1_tw_plans_free(out);
            return lhv1_fail_why(why, why_len, "plans.tsv:%zu: want name, steps, create, racy",
                                 lineno);
        }
        memcpy(pl.name, f[0], fl[0]);
        memcpy(pl.steps, f[1], fl[1]);
        if (!steps_valid(pl.steps)) {
            lhv1_tw_plans_free(out);
            return lhv1_fail_why(why, why_len, "plans.tsv:%zu: steps are not Ar, Aw, Br or Bw",
                                 lineno);
        }
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            lhv1_tw_plan *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                lhv1_tw_plans_free(out);
                return lhv1_fail_why(why, why_len, "out of memory");
            }
            out->v = v;
        }
        out->v[out->n++] = pl;
    }
    if (!out->n)
        return lhv1_fail_why(why, why_len, "plans.tsv: no plan");
    return 0;
}

void lhv1_tw_plans_free(lhv1_tw_plans *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

/* --- the memory store -------------------------------------------------- */

static int mem_reset(void *ctx, char *why, size_t why_len)
{
    lhv1_store **s = ctx;
    lhv1_store_destroy(*s);
    *s = lhv1_memory_store_new();
    return *s ? 0 : lhv1_fail_why(why, why_len, "out of memory");
}

static lhv1_store *mem_open(void *ctx, char *why, size_t why_len)
{
    lhv1_store **s = ctx;
    if (!*s)
        lhv1_fail_why(why, why_len, "the memory store was not reset");
    return *s;
}

static void mem_close(void *ctx, lhv1_store *s)
{
    (void)ctx, (void)s; /* shared: freed with the stores */
}

int lhv1_tw_memory_stores(lhv1_tw_stores *out)
{
    memset(out, 0, sizeof *out);
    lhv1_store **s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    *out = (lhv1_tw_stores){"memory store", s, mem_reset, mem_open, mem_close};
    return 0;
}

void lhv1_tw_memory_stores_free(lhv1_tw_stores *s)
{
    lhv1_store **m = s->ctx;
    if (m)
        lhv1_store_destroy(*m);
    free(m);
    memset(s, 0, sizeof *s);
}

/* --- ids, and the index that holds them ---------------------------------- */

typedef struct ids {
    char (*v)[ID_MAX];
    size_t n, cap;
} ids;

static int ids_has(const ids *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], id))
            return 1;
    return 0;
}

static int ids_add(ids *l, const char *id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        void *v = realloc(l->v, cap * sizeof *l->v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    snprintf(l->v[l->n++], ID_MAX, "%s", id);
    return 0;
}

static void ids_free(ids *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* The list as JSON: null when empty, as Go marshals a nil slice. */
static cJSON *ids_json(const ids *l)
{
    if (!l->n)
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < l->n; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]))) {
            cJSON_Delete(a);
            return NULL;
        }
    return a;
}

/* Each id's own vector, as plan.go's add computes it. */
static void vector_of(const char *id, float v[2])
{
    v[0] = v[1] = 0;
    for (size_t i = 0; id[i]; i++) {
        v[0] += (float)(unsigned char)id[i] * (float)(i + 1);
        v[1] += (float)(unsigned char)id[i] / (float)(i + 1);
    }
}

/* Encodes an index of exactly `l`'s vectors (one layer, each node linked
 * to the next M on a ring) as the object a Save writes. */
static int encode_index(const ids *l, lhv1_index *idx, lhv1_buf *graph, char *why,
                        size_t why_len)
{
    const int m = 4;
    memset(idx, 0, sizeof *idx);
    lhv1_gw_header(graph, LHV1_GRAPH_VERSION, m, 1.0 / log((double)m), 8,
                   lhv1_bytes_str("euclidean"), l->n ? 1 : 0);
    if (l->n) {
        lhv1_gw_varint(graph, (int64_t)l->n);
        size_t k = l->n - 1 < (size_t)m ? l->n - 1 : (size_t)m;
        for (size_t p = 0; p < l->n; p++) {
            float v[2];
            vector_of(l->v[p], v);
            lhv1_gw_node(graph, lhv1_bytes_str(l->v[p]), v, 2, (int64_t)k);
            for (size_t j = 1; j <= k; j++)
                lhv1_gw_string(graph, lhv1_bytes_str(l->v[(p + j) % l->n]));
        }
    }
    lhv1_status st;
    if (graph->failed || lhv1_graph_decode(graph->data, graph->len, &idx->graph, &st) < 0)
        return lhv1_fail_why(why, why_len, "the writer's graph does not decode");
    idx->decoded = 1;
    if (lhv1_envelope_init(&idx->env, INDEX_NAME, 2, "euclidean", m, 8, (int64_t)l->n) < 0)
        return lhv1_fail_why(why, why_len, "out of memory");
    return 0;
}

/* The ids of a loaded index (its bottom layer's keys). */
static int ids_of(const lhv1_index *idx, ids *out)
{
    if (!idx->graph.n_layers)
        return 0;
    lhv1_layer layer;
    lhv1_graph_layer(&idx->graph, 0, &layer);
    for (uint64_t j = 0; j < layer.n_nodes; j++) {
        lhv1_node node;
        lhv1_layer_node(&idx->graph, &layer, j, &node);
        char id[ID_MAX];
        if (node.key.len >= sizeof id)
            continue; /* not one of the workload's */
        memcpy(id, node.key.data, node.key.len);
        id[node.key.len] = 0;
        if (ids_add(out, id) < 0)
            return -1;
    }
    return 0;
}

/* --- one plan under one mode -------------------------------------------- */

typedef struct writer {
    char name;
    lhv1_store *store;
    lhv1_persistor p;
    lhv1_store_version seen; /* the conditional persistor's: zero is "missing" */
    int has_index;
    ids index;   /* the writer's copy of the index: the ids it holds */
    ids pending; /* added, not yet acknowledged */
    int added;
} writer;

typedef struct result {
    ids acknowledged, final, lost, conflicts, unsaved;
    int retries;
} result;

static void result_free(result *r)
{
    ids_free(&r->acknowledged);
    ids_free(&r->final);
    ids_free(&r->lost);
    ids_free(&r->conflicts);
    ids_free(&r->unsaved);
}

/* Loads the index (a new one if missing); conditional modes remember the
 * version read. */
static int load(writer *w, int mode, ids *out, char *why, size_t why_len)
{
    lhv1_loaded got;
    lhv1_status st;
    lhv1_verdict v = mode == PLAIN ? lhv1_persistor_load(&w->p, INDEX_NAME, &got, &st)
                                   : lhv1_persistor_load_version(&w->p, INDEX_NAME, &got,
                                                                 &w->seen, &st);
    int rc = 0;
    if (v == LHV1_OK)
        rc = ids_of(&got.idx, out) < 0 ? lhv1_fail_why(why, why_len, "out of memory") : 0;
    else if (v != LHV1_MISSING)
        rc = lhv1_fail_why(why, why_len, "load: %s: %s", lhv1_verdict_name(v), st.message);
    lhv1_loaded_free(&got);
    return rc;
}

/* Ar: load, reapply the unsaved additions and (add_new) add one more. */
static int writer_read(writer *w, int mode, int add_new, char *why, size_t why_len)
{
    ids fresh = {0};
    if (load(w, mode, &fresh, why, why_len) < 0) {
        ids_free(&fresh);
        return -1;
    }
    if (add_new) {
        char id[ID_MAX];
        snprintf(id, sizeof id, "%c%d", w->name, ++w->added);
        if (ids_add(&w->pending, id) < 0)
            goto oom;
    }
    for (size_t i = 0; i < w->pending.n; i++)
        if (!ids_has(&fresh, w->pending.v[i]) && ids_add(&fresh, w->pending.v[i]) < 0)
            goto oom;
    ids_free(&w->index);
    w->index = fresh;
    w->has_index = 1;
    return 0;
oom:
    ids_free(&fresh);
    return lhv1_fail_why(why, why_len, "out of memory");
}

/* Aw: 0 saved, 1 refused as a conflict, -1 the workload failed. */
static int writer_save(writer *w, int mode, char *why, size_t why_len)
{
    lhv1_index idx;
    lhv1_buf graph;
    lhv1_buf_init(&graph);
    int rc = encode_index(&w->index, &idx, &graph, why, why_len);
    lhv1_store_err err;
    if (rc == 0) {
        rc = mode == PLAIN ? lhv1_persistor_save(&w->p, &idx, &err)
                           : lhv1_persistor_save_if(&w->p, &idx, &w->seen, &err);
        if (rc < 0 && err.kind == LHV1_STORE_PRECONDITION_FAILED)
            rc = 1;
        else if (rc < 0)
            lhv1_fail_why(why, why_len, "save: %s %d: %s", lhv1_store_kind_name(err.kind),
                          err.status, err.body);
    }
    lhv1_index_free(&idx);
    lhv1_buf_free(&graph);
    return rc;
}

static int seed_base(const lhv1_tw_stores *stores, char *why, size_t why_len)
{
    lhv1_store *s = stores->open(stores->ctx, why, why_len);
    if (!s)
        return -1;
    writer w = {.name = '-'};
    lhv1_persistor_init(&w.p, s);
    int rc = ids_add(&w.index, "base") < 0 ? lhv1_fail_why(why, why_len, "out of memory")
                                           : writer_save(&w, PLAIN, why, why_len);
    ids_free(&w.index);
    stores->close(stores->ctx, s);
    return rc;
}

/* The ids of the final object, in plan.go's allIDs order: base, then
 * A1..An and B1..Bn as far as each writer added. */
static int final_ids(const lhv1_tw_stores *stores, const int added[2], ids *out, char *why,
                     size_t why_len)
{
    lhv1_store *s = stores->open(stores->ctx, why, why_len);
    if (!s)
        return -1;
    writer w = {.name = '-'};
    lhv1_persistor_init(&w.p, s);
    ids got = {0};
    int rc = load(&w, PLAIN, &got, why, why_len);
    if (rc == 0 && ids_has(&got, "base") && ids_add(out, "base") < 0)
        rc = lhv1_fail_why(why, why_len, "out of memory");
    for (int k = 0; k < 2; k++)
        for (int n = 1; rc == 0 && n <= added[k]; n++) {
            char id[ID_MAX];
            snprintf(id, sizeof id, "%c%d", "AB"[k], n);
            if (ids_has(&got, id) && ids_add(out, id) < 0)
                rc = lhv1_fail_why(why, why_len, "out of memory");
        }
    ids_free(&got);
    stores->close(stores->ctx, s);
    return rc;
}

static int play(const lhv1_tw_plan *plan, int mode, const lhv1_tw_stores *stores, result *res,
                char *why, size_t why_len)
{
    if (stores->reset(stores->ctx, why, why_len) < 0)
        return -1;
    if (!plan->create) {
        if (seed_base(stores, why, why_len) != 0)
            return -1;
        if (ids_add(&res->acknowledged, "base") < 0)
            return lhv1_fail_why(why, why_len, "out of memory");
    }
    writer ws[2] = {{.name = 'A'}, {.name = 'B'}};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (!(ws[k].store = stores->open(stores->ctx, why, why_len)))
            rc = -1;
        else
            lhv1_persistor_init(&ws[k].p, ws[k].store);
    }
    size_t nsteps = (strlen(plan->steps) + 1) / 3;
    for (size_t i = 0; rc == 0 && i < nsteps; i++) {
        const char *s = plan->steps + 3 * i;
        writer *w = &ws[s[0] == 'B'];
        if (s[1] == 'r') {
            rc = writer_read(w, mode, 1, why, why_len);
            continue;
        }
        if (!w->has_index) {
            rc = lhv1_fail_why(why, why_len, "step %zu (%.2s): the writer has read nothing", i + 1,
                               s);
            break;
        }
        for (int try = 0;; try++) {
            int saved = writer_save(w, mode, why, why_len);
            if (saved < 0) {
                rc = -1;
                break;
            }
            if (saved == 0) {
                for (size_t j = 0; j < w->pending.n; j++)
                    if (ids_add(&res->acknowledged, w->pending.v[j]) < 0)
                        rc = lhv1_fail_why(why, why_len, "out of memory");
                w->pending.n = 0;
                break;
            }
            if (try == 0) {
                char c[ID_MAX];
                snprintf(c, sizeof c, "%d (%.2s)", (int)(i + 1), s);
                if (ids_add(&res->conflicts, c) < 0) {
                    rc = lhv1_fail_why(why, why_len, "out of memory");
                    break;
                }
            }
            if (mode != RETRY)
                break;
            if (try == MAX_RETRIES) {
                rc = lhv1_fail_why(why, why_len,
                                   "step %zu (%.2s): still conflicting after %d retries", i + 1, s,
                                   MAX_RETRIES);
                break;
            }
            res->retries++;
            if (writer_read(w, mode, 0, why, why_len) < 0) {
                rc = -1;
                break;
            }
        }
    }
    int added[2] = {ws[0].added, ws[1].added};
    for (int k = 0; k < 2; k++) {
        for (size_t j = 0; rc == 0 && j < ws[k].pending.n; j++)
            if (ids_add(&res->unsaved, ws[k].pending.v[j]) < 0)
                rc = lhv1_fail_why(why, why_len, "out of memory");
        if (ws[k].store)
            stores->close(stores->ctx, ws[k].store);
        ids_free(&ws[k].index);
        ids_free(&ws[k].pending);
    }
    if (rc == 0 && final_ids(stores, added, &res->final, why, why_len) < 0)
        return -1;
    for (size_t i = 0; rc == 0 && i < res->acknowledged.n; i++)
        if (!ids_has(&res->final, res->acknowledged.v[i]) &&
            ids_add(&res->lost, res->acknowledged.v[i]) < 0)
            rc = lhv1_fail_why(why, why_len, "out of memory");
    return rc;
}

static cJSON *result_json(const result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToObject(o, "acknowledged", ids_json(&r->acknowledged)) ||
        !cJSON_AddItemToObject(o, "final", ids_json(&r->final)) ||
        !cJSON_AddItemToObject(o, "lost", ids_json(&r->lost)) ||
        !cJSON_AddItemToObject(o, "conflicts", ids_json(&r->conflicts)) ||
        !cJSON_AddNumberToObject(o, "retries", r->retries) ||
        !cJSON_AddItemToObject(o, "unsaved", ids_json(&r->unsaved))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *lhv1_tw_run(const lhv1_tw_plans *plans, const lhv1_tw_stores *stores, FILE *progress,
                   char *why, size_t why_len)
{
    cJSON *rows = cJSON_CreateArray();
    for (size_t i = 0; rows && i < plans->n; i++) {
        const lhv1_tw_plan *pl = &plans->v[i];
        cJSON *row = cJSON_CreateObject(), *results = cJSON_CreateObject();
        if (!row || !results || !cJSON_AddItemToArray(rows, row) ||
            !cJSON_AddStringToObject(row, "plan", pl->name) ||
            !cJSON_AddStringToObject(row, "steps", pl->steps) ||
            !cJSON_AddBoolToObject(row, "create", pl->create) ||
            !cJSON_AddBoolToObject(row, "racy", pl->racy) ||
            !cJSON_AddItemToObject(row, "results", results)) {
            cJSON_Delete(results);
            lhv1_fail_why(why, why_len, "out of memory");
            goto fail;
        }
        for (int m = 0; m < N_MODES; m++) {
            result res = {0};
            char msg[256];
            int rc = play(pl, m, stores, &res, msg, sizeof msg);
            cJSON *j = rc == 0 ? result_json(&res) : NULL;
            result_free(&res);
            if (rc < 0) {
                lhv1_fail_why(why, why_len, "%s, %s (%s): %s", pl->name, modes[m], stores->name,
                              msg);
                goto fail;
            }
            if (!j || !cJSON_AddItemToObject(results, modes[m], j)) {
                cJSON_Delete(j);
                lhv1_fail_why(why, why_len, "out of memory");
                goto fail;
            }
        }
        if (progress)
            fprintf(progress, "two writers (%s): %zu/%zu plans: %s\n", stores->name, i + 1,
                    plans->n, pl->name);
    }
    if (!rows)
        lhv1_fail_why(why, why_len, "out of memory");
    return rows;
fail:
    cJSON_Delete(rows);
    return NULL;
}
