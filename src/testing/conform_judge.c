/* Judging one case of lhv1 conform (conform_judge.h). Every failure gets
 * a reason in the runner's words, the same from run to run (a failure
 * list compares it); what the testee said goes into the detail. */
#include "conform_judge.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void fail(lhv1_conform_case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(lhv1_conform_case *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
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
        fail(c, "testee %s; spec %s, Go %s%s", c->outcome, w->spec, w->go,
             w->go_predicted ? " (predicted)" : "");
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
    fail(c, "dump differs from %s at line %zu, column %zu", w->dump_source, line, col);
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
} use_ctx;

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

/* The added node's vector: a stored one (layer 0's middle node) moved a
 * little, so that it lands among its neighbours and stays reachable (an
 * outlier may keep links out and get none in, and an approximate search
 * then never reaches it), equal to none stored and, under cosine,
 * parallel to none. An empty index gets any vector. */
static void pick_added_vector(const use_ctx *u, float *v, size_t dim)
{
    lhv1_node base = {0};
    if (u->n)
        lhv1_layer_node(&u->idx.graph, &u->layer0, u->n / 2, &base);
    for (unsigned round = 1; round < 64; round++) {
        for (size_t i = 0; i < dim; i++)
            v[i] = base.dim == dim ? lhv1_vector_get(&base, i)
                                   : (float)((i * 37 + 11) % 23) - 11.25f;
        if (dim)
            v[round % dim] += (fabsf(v[round % dim]) + 1e-3f) * 1e-2f * (float)round;
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
        fail(c, "use: %s: testee %s", step, c->outcome);
        return -1;
    }
    if (rep->n_results != nq) {
        fail(c, "use: %s: %zu result lists for %zu queries", step, rep->n_results, nq);
        return -1;
    }
    for (size_t i = 0; i < nq; i++) {
        const lhv1_key_list *kl = &rep->results[i];
        if (nodes && kl->n == 0) {
            fail(c, "use: %s: query %zu found nothing", step, i + 1);
            return -1;
        }
        if (kl->n > (size_t)q[i].k) {
            fail(c, "use: %s: query %zu: %zu results for k = %d", step, i + 1, kl->n, q[i].k);
            return -1;
        }
        for (size_t j = 0; j < kl->n; j++) {
            lhv1_node nd;
            int known = find_node(u, kl->keys[j], &nd) >= 0 ||
                        (added && lhv1_bytes_eq(kl->keys[j], u->added_key));
            if (!known) {
                char *k = show_key(kl->keys[j]);
                fail(c, "use: %s: query %zu: a result that is no node of the index", step, i + 1);
                detail(c, "that result: ", k ? k : "?");
                free(k);
                return -1;
            }
        }
        if (nodes >= 2 && q[i].k >= 2 && kl->n < 2) {
            fail(c, "use: %s: query %zu: the search returns only its starting node (no links "
                    "followed)", step, i + 1);
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
        fail(c, "use: liblhv1 does not load the golden");
        return 0;
    }
    const lhv1_graph *g = &u.idx.graph;
    if (g->n_layers) {
        lhv1_graph_layer(g, 0, &u.layer0);
        u.n = u.layer0.n_nodes;
    }
    u.cosine = !lhv1_bytes_eq(g->distance, lhv1_bytes_str("euclidean"));
    size_t dim = (size_t)u.idx.env.dimension;
    u.dim_bytes = dim * 4;
    /* Queries: stored vectors at the start, middle and end of layer 0
     * (file order), without zero vectors under cosine (no direction). */
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
        lhv1_layer_node(g, &u.layer0, picks[i], &nd);
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
    if (rc == 0 && check_use_answer(c, &u, &rep, q, nq, u.n, 0, "stored vectors") == 0) {
        if (!rep.added)
            fail(c, "use: the add is not acknowledged (\"added\": true)");
        else if (!rep.has_count || rep.count != (int64_t)u.n + 1)
            fail(c, "use: the index reports %lld nodes after the add, want %llu",
                 rep.has_count ? (long long)rep.count : -1LL, (unsigned long long)u.n + 1);
        lhv1_testee_reply_free(&rep);
        lhv1_use_query added = {u.added_vec, u.dim_bytes, k};
        lhv1_buf_reset(req);
        lhv1_testee_req_use(req, &added, 1, NULL, NULL, 0);
        rc = session_call(s, LHV1_OP_USE, req, &rep);
        if (rc == 0)
            check_use_answer(c, &u, &rep, &added, 1, u.n + 1, 1, "the added vector");
    }
    lhv1_testee_reply_free(&rep);
    free(vec);
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
        fail(c, "save: testee %s", c->outcome);
        return;
    }
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load_any(rep->object, rep->object_len, name, &idx, NULL, &st);
    if (st.verdict != LHV1_OK) {
        if (idx.decoded)
            lhv1_index_free(&idx);
        fail(c, "save: liblhv1 calls the written object %s %s", lhv1_verdict_name(st.verdict),
             lhv1_reason_code(st.reason));
        detail(c, "liblhv1: ", st.message);
        return;
    }
    lhv1_buf got;
    lhv1_buf_init(&got);
    size_t line, col;
    char *where = NULL;
    if (lhv1_index_dump(&idx, &got) != 0) {
        fail(c, "save: out of memory dumping the written object");
    } else if (dump_diff(dump, got.data, got.len, &line, &col, &where)) {
        strcpy(c->dump, "differs");
        fail(c, "save: the written object's dump differs from the golden's at line %zu, column %zu",
             line, col);
        if (where)
            add_text(&c->detail, "; ", where);
    } else {
        strcpy(c->dump, "equal");
    }
    free(where);
    lhv1_buf_free(&got);
    lhv1_index_free(&idx);
}
