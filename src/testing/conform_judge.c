/* Judging one case of lhv1 conform (conform_judge.h). Every failure gets
 * a reason in the runner's words, the same from run to run (a failure
 * list compares it); what the testee said goes into the detail. */
#include "conform_judge.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/conform_reasons.h"
#include "lhv1/index.h"

static void add_text(char **dst, const char *sep, const char *text)
{
    size_t old = *dst ? strlen(*dst) : 0, n = old + strlen(sep) + strlen(text) + 1;
    char *s = realloc(*dst, n);
    if (!s)
        return;
    snprintf(s + old, n - old, "%s%s", old ? sep : "", text);
    *dst = s;
}

static const char *const reason_text[] = {
#define REASON_TEXT(id, who, text) text,
    LHV1_CONFORM_REASONS(REASON_TEXT)
#undef REASON_TEXT
};

/* Fails the case with a reason of the table (lhv1testing/conform_reasons.h), its
 * placeholders filled in order: {s} a const char *, {u} an unsigned long
 * long, {i} a long long. */
static void fail(lhv1_conform_case *c, lhv1_conform_reason r, ...)
{
    char buf[512];
    size_t n = 0;
    va_list ap;
    va_start(ap, r);
    for (const char *t = reason_text[r]; *t && n < sizeof buf - 1;) {
        if (t[0] == '{' && t[1] && t[2] == '}') {
            if (t[1] == 's')
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", va_arg(ap, const char *));
            else if (t[1] == 'u')
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%llu",
                                      va_arg(ap, unsigned long long));
            else
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld", va_arg(ap, long long));
            t += 3;
            if (n > sizeof buf - 1)
                n = sizeof buf - 1;
        } else {
            buf[n++] = *t++;
        }
    }
    buf[n] = '\0';
    va_end(ap);
    c->failed = 1;
    add_text(&c->failure, "; ", buf);
}

static void detail(lhv1_conform_case *c, const char *what, const char *message)
{
    if (!message)
        return;
    char *clean = conform_clean_text((const uint8_t *)message, strlen(message), 8192);
    if (!clean)
        return;
    char *line = malloc(strlen(what) + strlen(clean) + 3);
    if (line) {
        sprintf(line, "%s%s", what, clean);
        add_text(&c->detail, "; ", line);
    }
    free(line);
    free(clean);
}

/* The testee's message; the runner's own (a crash, a timeout: already
 * made safe, stderr included) as it is. */
static void detail_reply(lhv1_conform_case *c, const lhv1_testee_reply *rep)
{
    if (rep->outcome == LHV1_T_CRASH || rep->outcome == LHV1_T_TIMEOUT) {
        if (rep->message)
            add_text(&c->detail, "; ", rep->message);
    } else {
        detail(c, "", rep->message);
    }
}

static int go_matches(const char *go, lhv1_testee_outcome t)
{
    return (t == LHV1_T_OK && !strcmp(go, "ok")) || (t == LHV1_T_ERROR && !strcmp(go, "error")) ||
           (t == LHV1_T_PANIC && !strcmp(go, "panic")) ||
           (t == LHV1_T_CRASH && !strcmp(go, "fatal"));
}

/* Where two dumps first differ: 1-based line and column in `want`, and
 * both texts from there (for the detail). Returns 1 when they differ. */
static int dump_diff(lhv1_bytes want, const uint8_t *got, size_t got_len, size_t *line,
                     size_t *col, char **where)
{
    size_t n = want.len < got_len ? want.len : got_len, i = 0;
    while (i < n && want.data[i] == got[i])
        i++;
    if (i == n && want.len == got_len)
        return 0;
    size_t l = 1, start = 0;
    for (size_t k = 0; k < i; k++)
        if (want.data[k] == '\n') {
            l++;
            start = k + 1;
        }
    *line = l;
    *col = i - start + 1;
    size_t from = i > 20 ? i - 20 : 0;
    char *a = conform_clean_text(want.data + from, want.len - from, 80);
    char *b = conform_clean_text(got + from, got_len - from, 80);
    size_t len = (a ? strlen(a) : 0) + (b ? strlen(b) : 0) + 64;
    *where = malloc(len);
    if (*where)
        snprintf(*where, len, "expected \"%s\", testee \"%s\"", a ? a : "", b ? b : "");
    free(a);
    free(b);
    return 1;
}

void judge_load(lhv1_conform_case *c, const judge_expect *w, const lhv1_testee_reply *rep)
{
    lhv1_testee_outcome t = rep->outcome;
    snprintf(c->spec, sizeof c->spec, "%s", w->spec);
    snprintf(c->go, sizeof c->go, "%s", w->go);
    c->go_predicted = w->go_predicted;
    snprintf(c->outcome, sizeof c->outcome, "%s", lhv1_testee_outcome_name(t));
    int spec = w->spec_ok ? t == LHV1_T_OK : t == LHV1_T_ERROR;
    int go = go_matches(w->go, t);
    c->agrees_spec = spec ? 'y' : 'n';
    c->agrees_go = go ? 'y' : 'n';
    detail_reply(c, rep);
    /* Stricter than Go where the spec rejects is fine; as lenient as Go
     * is fine; a panic, a crash, a timeout never are. */
    if (!spec && !(go && (t == LHV1_T_OK || t == LHV1_T_ERROR)))
        fail(c, w->go_predicted ? LHV1_R_LOAD_GO_PREDICTED : LHV1_R_LOAD, c->outcome, w->spec,
             w->go);
    if (t != LHV1_T_OK || !w->dump.data)
        return;
    if (!rep->has_dump) {
        strcpy(c->dump, "none");
        return;
    }
    size_t line, col;
    char *where = NULL;
    if (!dump_diff(w->dump, rep->dump, rep->dump_len, &line, &col, &where)) {
        strcpy(c->dump, "equal");
        return;
    }
    strcpy(c->dump, "differs");
    fail(c, w->dump_reason, (unsigned long long)line, (unsigned long long)col);
    if (where)
        add_text(&c->detail, "; ", where);
    free(where);
}

/* --- use ------------------------------------------------------------------- */

/* The k of use's searches: every node of the goldens (1,000 at most). */
enum { USE_K_MAX = 1001 };

typedef struct use_ctx {
    lhv1_index idx;
    lhv1_layer layer0;
    uint64_t n;
    size_t dim_bytes;
    int cosine;
    lhv1_bytes added_key;
    uint8_t *added_vec;
    uint64_t *order; /* layer 0's nodes sorted bytewise by key: the dump's order */
} use_ctx;

static const use_ctx *sorting; /* qsort has no context argument */

static int by_key(const void *a, const void *b)
{
    lhv1_node x, y;
    lhv1_layer_node(&sorting->idx.graph, &sorting->layer0, *(const uint64_t *)a, &x);
    lhv1_layer_node(&sorting->idx.graph, &sorting->layer0, *(const uint64_t *)b, &y);
    size_t n = x.key.len < y.key.len ? x.key.len : y.key.len;
    int c = n ? memcmp(x.key.data, y.key.data, n) : 0;
    return c ? c : (x.key.len > y.key.len) - (x.key.len < y.key.len);
}

/* Layer 0's node with this key, or -1. */
static int64_t find_node(const use_ctx *u, lhv1_bytes key, lhv1_node *out)
{
    for (uint64_t j = 0; j < u->n; j++) {
        lhv1_layer_node(&u->idx.graph, &u->layer0, j, out);
        if (lhv1_bytes_eq(out->key, key))
            return (int64_t)j;
    }
    return -1;
}

/* 1 when `key` is a node (stored or added) whose vector is `vec`. */
static int key_has_vector(const use_ctx *u, lhv1_bytes key, const uint8_t *vec)
{
    if (lhv1_bytes_eq(key, u->added_key))
        return memcmp(u->added_vec, vec, u->dim_bytes) == 0;
    lhv1_node nd;
    return find_node(u, key, &nd) >= 0 && nd.dim * 4 == u->dim_bytes &&
           memcmp(nd.vector, vec, u->dim_bytes) == 0;
}

/* Every component +0 or -0 (float32 little-endian). */
static int zero_vector(const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (i % 4 == 3 ? (v[i] & 0x7F) != 0 : v[i] != 0)
            return 0;
    return 1;
}

/* The added node's vector: a stored one (layer 0's middle node in the
 * dump's order) moved a
 * little, so that it lands among its neighbours and stays reachable (an
 * outlier may keep links out and get none in, and an approximate search
 * then never reaches it), equal to none stored and, under cosine,
 * parallel to none. An empty index gets any vector. */
static void pick_added_vector(const use_ctx *u, float *v, size_t dim)
{
    lhv1_node base = {0};
    if (u->n)
        lhv1_layer_node(&u->idx.graph, &u->layer0, u->order[u->n / 2], &base);
    for (unsigned round = 1; round < 64; round++) {
        for (size_t i = 0; i < dim; i++)
            v[i] = base.dim == dim ? lhv1_vector_get(&base, i)
                                   : (float)((i * 37 + 11) % 23) - 11.25f;
        if (dim)
            v[round % dim] += (fabsf(v[round % dim]) + 1e-3f) * 1e-2f * (float)round; /* float32 throughout, as lhv1test computes it */
        int clash = 0;
        for (uint64_t j = 0; j < u->n && !clash; j++) {
            lhv1_node nd;
            lhv1_layer_node(&u->idx.graph, &u->layer0, j, &nd);
            double dot = 0, aa = 0, bb = 0;
            for (size_t k = 0; k < dim && k < nd.dim; k++) {
                double a = v[k], b = lhv1_vector_get(&nd, k);
                dot += a * b;
                aa += a * a;
                bb += b * b;
            }
            clash = memcmp(nd.vector, v, u->dim_bytes) == 0 ||
                    (u->cosine && aa > 0 && bb > 0 && dot / sqrt(aa * bb) > 1 - 1e-9);
        }
        if (!clash)
            return;
    }
}

static char *show_key(lhv1_bytes k)
{
    return conform_clean_text(k.data, k.len, 60);
}

/* The answer to a use request, judged on what every working index gives,
 * exact or approximate, whatever node its search starts from (coder/hnsw
 * starts from a node its map iteration picks, so which nodes an
 * approximate search reaches differs from run to run): no error, one
 * list per query, every key a node of the index (the added one only
 * after the add), and, with two nodes or more, a search that leaves its
 * starting node (k asks for all of them). Whether a stored vector comes
 * back first is noted, not judged. */
static int check_use_answer(lhv1_conform_case *c, const use_ctx *u, const lhv1_testee_reply *rep,
                            const lhv1_use_query *q, size_t nq, uint64_t nodes, int added,
                            const char *step)
{
    snprintf(c->outcome, sizeof c->outcome, "%s", lhv1_testee_outcome_name(rep->outcome));
    detail_reply(c, rep);
    if (rep->outcome != LHV1_T_OK) {
        fail(c, LHV1_R_USE_OUTCOME, step, c->outcome);
        return -1;
    }
    if (rep->n_results != nq) {
        fail(c, LHV1_R_USE_LISTS, step, (unsigned long long)rep->n_results,
             (unsigned long long)nq);
        return -1;
    }
    for (size_t i = 0; i < nq; i++) {
        const lhv1_key_list *kl = &rep->results[i];
        if (nodes && kl->n == 0) {
            fail(c, LHV1_R_USE_NOTHING, step, (unsigned long long)i + 1);
            return -1;
        }
        if (kl->n > (size_t)q[i].k) {
            fail(c, LHV1_R_USE_TOO_MANY, step, (unsigned long long)i + 1,
                 (unsigned long long)kl->n, (unsigned long long)q[i].k);
            return -1;
        }
        for (size_t j = 0; j < kl->n; j++) {
            lhv1_node nd;
            int known = find_node(u, kl->keys[j], &nd) >= 0 ||
                        (added && lhv1_bytes_eq(kl->keys[j], u->added_key));
            if (!known) {
                char *k = show_key(kl->keys[j]);
                fail(c, LHV1_R_USE_NOT_A_NODE, step, (unsigned long long)i + 1);
                detail(c, "that result: ", k ? k : "?");
                free(k);
                return -1;
            }
        }
        if (nodes >= 2 && q[i].k >= 2 && kl->n < 2) {
            fail(c, LHV1_R_USE_NO_LINKS, step, (unsigned long long)i + 1);
            return -1;
        }
        if (kl->n && !key_has_vector(u, kl->keys[0], q[i].vector)) {
            char *k = show_key(kl->keys[0]);
            char note[160];
            snprintf(note, sizeof note, "%s: query %zu's first result is ", step, i + 1);
            detail(c, note, k ? k : "?");
            detail(c, "", "not a node with the query's vector (an approximate search)");
            free(k);
        }
    }
    return 0;
}

int judge_use(lhv1_conform_case *c, conform_session *s, lhv1_buf *req, const char *name,
              lhv1_bytes obj)
{
    use_ctx u;
    memset(&u, 0, sizeof u);
    lhv1_status st;
    lhv1_index_load_any(obj.data, obj.len, name, &u.idx, NULL, &st);
    if (st.verdict != LHV1_OK) {
        if (u.idx.decoded)
            lhv1_index_free(&u.idx);
        fail(c, LHV1_R_USE_NOT_LOADED);
        return 0;
    }
    const lhv1_graph *g = &u.idx.graph;
    if (g->n_layers) {
        lhv1_graph_layer(g, 0, &u.layer0);
        u.n = u.layer0.n_nodes;
    }
    /* The nodes in the canonical dump's order (bytewise by key), which
     * lhv1test's TestGoldens reads from the expected dump: both pick the
     * same queries and the same added vector. */
    u.order = malloc((u.n ? u.n : 1) * sizeof *u.order);
    if (!u.order) {
        lhv1_index_free(&u.idx);
        snprintf(s->err, sizeof s->err, "out of memory");
        return -1;
    }
    for (uint64_t j = 0; j < u.n; j++)
        u.order[j] = j;
    sorting = &u;
    qsort(u.order, u.n, sizeof *u.order, by_key);
    sorting = NULL;
    u.cosine = !lhv1_bytes_eq(g->distance, lhv1_bytes_str("euclidean"));
    size_t dim = (size_t)u.idx.env.dimension;
    u.dim_bytes = dim * 4;
    /* Queries: stored vectors at the start, middle and end of layer 0 (in
     * the dump's order), without zero vectors under cosine (no direction). */
    lhv1_use_query q[3];
    size_t nq = 0;
    uint64_t picks[3] = {0, u.n / 2, u.n ? u.n - 1 : 0};
    /* k asks for every node: an approximate search then explores all it
     * can reach, and the stored vector itself, at distance 0, leads. */
    int k = u.n < USE_K_MAX ? (int)u.n + 1 : USE_K_MAX;
    for (size_t i = 0; i < 3 && u.n; i++) {
        if (i && picks[i] == picks[i - 1])
            continue;
        lhv1_node nd;
        lhv1_layer_node(g, &u.layer0, u.order[picks[i]], &nd);
        if (u.cosine && zero_vector(nd.vector, (size_t)nd.dim * 4))
            continue;
        q[nq++] = (lhv1_use_query){nd.vector, (size_t)nd.dim * 4, k};
    }
    char keybuf[64] = "lhv1-conform-added";
    lhv1_node scratch;
    for (unsigned i = 2; find_node(&u, lhv1_bytes_str(keybuf), &scratch) >= 0; i++)
        snprintf(keybuf, sizeof keybuf, "lhv1-conform-added-%u", i);
    u.added_key = lhv1_bytes_str(keybuf);
    float *vec = calloc(dim ? dim : 1, sizeof *vec);
    if (!vec) {
        free(u.order);
        lhv1_index_free(&u.idx);
        snprintf(s->err, sizeof s->err, "out of memory");
        return -1;
    }
    pick_added_vector(&u, vec, dim);
    u.added_vec = (uint8_t *)vec;

    lhv1_buf_reset(req);
    lhv1_testee_req_use(req, q, nq, &u.added_key, u.added_vec, u.dim_bytes);
    lhv1_testee_reply rep;
    int rc = session_call(s, LHV1_OP_USE, req, &rep);
    if (rc == 0 && check_use_answer(c, &u, &rep, q, nq, u.n, 0, reason_text[LHV1_R_USE_STEP_STORED]) == 0) {
        if (!rep.added)
            fail(c, LHV1_R_USE_NOT_ADDED);
        else if (!rep.has_count || rep.count != (int64_t)u.n + 1)
            fail(c, LHV1_R_USE_COUNT, rep.has_count ? (long long)rep.count : -1LL,
                 (unsigned long long)u.n + 1);
        lhv1_testee_reply_free(&rep);
        lhv1_use_query added = {u.added_vec, u.dim_bytes, k};
        lhv1_buf_reset(req);
        lhv1_testee_req_use(req, &added, 1, NULL, NULL, 0);
        rc = session_call(s, LHV1_OP_USE, req, &rep);
        if (rc == 0)
            check_use_answer(c, &u, &rep, &added, 1, u.n + 1, 1, reason_text[LHV1_R_USE_STEP_ADDED]);
    }
    lhv1_testee_reply_free(&rep);
    free(vec);
    free(u.order);
    lhv1_index_free(&u.idx);
    return rc;
}

/* --- save ------------------------------------------------------------------ */

void judge_save(lhv1_conform_case *c, const char *name, lhv1_bytes dump,
                const lhv1_testee_reply *rep)
{
    snprintf(c->outcome, sizeof c->outcome, "%s", lhv1_testee_outcome_name(rep->outcome));
    detail_reply(c, rep);
    if (rep->outcome != LHV1_T_OK) {
        fail(c, LHV1_R_SAVE_OUTCOME, c->outcome);
        return;
    }
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load_any(rep->object, rep->object_len, name, &idx, NULL, &st);
    if (st.verdict != LHV1_OK) {
        if (idx.decoded)
            lhv1_index_free(&idx);
        char spec[128];
        snprintf(spec, sizeof spec, "%s %s", lhv1_verdict_name(st.verdict),
                 lhv1_reason_code(st.reason));
        fail(c, LHV1_R_SAVE_VERDICT, spec);
        detail(c, "liblhv1: ", st.message);
        return;
    }
    lhv1_buf got;
    lhv1_buf_init(&got);
    size_t line, col;
    char *where = NULL;
    if (lhv1_index_dump(&idx, &got) != 0) {
        fail(c, LHV1_R_SAVE_OUT_OF_MEMORY);
    } else if (dump_diff(dump, got.data, got.len, &line, &col, &where)) {
        strcpy(c->dump, "differs");
        fail(c, LHV1_R_SAVE_DUMP, (unsigned long long)line, (unsigned long long)col);
        if (where)
            add_text(&c->detail, "; ", where);
    } else {
        strcpy(c->dump, "equal");
    }
    free(where);
    lhv1_buf_free(&got);
    lhv1_index_free(&idx);
}
