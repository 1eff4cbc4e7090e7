/* Structure-aware edits of an LHV1 object (lhv1testing/object_edits.h). Byte
 * mutation rarely keeps a JSON envelope valid and every count consistent
 * at once; these edits do by construction. */
#include "lhv1testing/object_edits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/index.h"
#include "lhv1testing/prng.h"
#include "metadata.h"

typedef struct mkey {
    uint8_t *p;
    size_t n;
} mkey;

typedef struct mnode {
    mkey key;
    float *vec;
    uint64_t dim;
    mkey *nbs;
    size_t n_nb;
} mnode;

typedef struct mlayer {
    mnode *nodes;
    size_t n;
} mlayer;

typedef struct model {
    int has_env, has_graph;
    lhv1_envelope env;
    lhv1_buf raw_env, raw_graph; /* the parts that did not decode */
    int64_t version, m, ef_search;
    uint8_t ml[8];
    mkey distance;
    mlayer *layers;
    size_t n_layers;
    int trailing;
    lhv1_bytes_mutator mutate; /* for keys and the parts that do not decode */
    void *mutate_ctx;
} model;

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) { return lhv1_prng_next(&r->s); }
static size_t below(rng *r, size_t n) { return (size_t)lhv1_prng_below(&r->s, n); }

/* --- model: allocation failures abort (test machinery: a fuzzer or the
 * conformance runner, on inputs of a few kilobytes) ---------------------- */

static void out_of_memory(void)
{
    fputs("object edits: out of memory\n", stderr);
    abort();
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

static mkey key_copy(const uint8_t *p, size_t n)
{
    mkey k = {xrealloc(NULL, n), n};
    if (n)
        memcpy(k.p, p, n);
    return k;
}

static void node_free(mnode *nd)
{
    free(nd->key.p);
    free(nd->vec);
    for (size_t j = 0; j < nd->n_nb; j++)
        free(nd->nbs[j].p);
    free(nd->nbs);
}

static mnode node_copy(const mnode *src)
{
    mnode d = {key_copy(src->key.p, src->key.n), NULL, src->dim, NULL, 0};
    d.vec = xrealloc(NULL, src->dim * sizeof(float));
    if (src->dim)
        memcpy(d.vec, src->vec, src->dim * sizeof(float));
    return d;
}

static void model_free(model *m)
{
    if (m->has_env)
        lhv1_envelope_free(&m->env);
    lhv1_buf_free(&m->raw_env);
    lhv1_buf_free(&m->raw_graph);
    free(m->distance.p);
    for (size_t l = 0; l < m->n_layers; l++) {
        for (size_t i = 0; i < m->layers[l].n; i++)
            node_free(&m->layers[l].nodes[i]);
        free(m->layers[l].nodes);
    }
    free(m->layers);
}

static void load_graph(model *m, const lhv1_graph *g)
{
    m->version = g->version;
    m->m = g->m;
    m->ef_search = g->ef_search;
    memcpy(m->ml, g->ml_raw, 8);
    m->distance = key_copy(g->distance.data, g->distance.len);
    m->trailing = g->trailing > 0;
    m->n_layers = g->n_layers;
    m->layers = xrealloc(NULL, g->n_layers * sizeof *m->layers);
    for (uint64_t l = 0; l < g->n_layers; l++) {
        lhv1_layer glv;
        lhv1_graph_layer(g, l, &glv);
        const lhv1_layer *gl = &glv;
        mlayer *ml = &m->layers[l];
        ml->n = gl->n_nodes;
        ml->nodes = xrealloc(NULL, gl->n_nodes * sizeof *ml->nodes);
        for (uint64_t i = 0; i < gl->n_nodes; i++) {
            lhv1_node gnv;
            lhv1_layer_node(g, gl, i, &gnv);
            const lhv1_node *gn = &gnv;
            mnode *nd = &ml->nodes[i];
            nd->key = key_copy(gn->key.data, gn->key.len);
            nd->dim = gn->dim;
            nd->vec = xrealloc(NULL, gn->dim * sizeof(float));
            for (uint64_t k = 0; k < gn->dim; k++)
                nd->vec[k] = lhv1_vector_get(gn, k);
            nd->n_nb = gn->n_neighbors;
            nd->nbs = xrealloc(NULL, gn->n_neighbors * sizeof *nd->nbs);
            lhv1_neighbor_iter it;
            lhv1_bytes nb;
            size_t j = 0;
            lhv1_neighbor_iter_init(&it, gn);
            while (j < nd->n_nb && lhv1_neighbor_next(&it, &nb))
                nd->nbs[j++] = key_copy(nb.data, nb.len);
            nd->n_nb = j;
        }
    }
}

/* --- edits ------------------------------------------------------------- */

static mnode *pick_node(model *m, rng *r, size_t *layer)
{
    if (!m->n_layers)
        return NULL;
    size_t l = below(r, m->n_layers);
    if (layer)
        *layer = l;
    return m->layers[l].n ? &m->layers[l].nodes[below(r, m->layers[l].n)] : NULL;
}

static mkey random_key(rng *r)
{
    uint8_t tmp[4];
    size_t n = below(r, 4) + 1;
    for (size_t i = 0; i < n; i++)
        tmp[i] = (uint8_t)(below(r, 3) ? 'a' + below(r, 26) : next(r));
    return key_copy(tmp, n);
}

static void add_node(model *m, rng *r)
{
    if (!m->n_layers) {
        m->layers = xrealloc(m->layers, sizeof *m->layers);
        m->layers[0] = (mlayer){NULL, 0};
        m->n_layers = 1;
    }
    size_t l = below(r, m->n_layers);
    mlayer *ly = &m->layers[l];
    mnode nd;
    if (l > 0 && m->layers[l - 1].n && below(r, 4)) {
        /* Promote a node of the layer below: the valid way up. */
        nd = node_copy(&m->layers[l - 1].nodes[below(r, m->layers[l - 1].n)]);
    } else {
        const mnode *like = m->layers[0].n ? &m->layers[0].nodes[0] : NULL;
        nd = (mnode){random_key(r), NULL, like ? like->dim : 1 + below(r, 4), NULL, 0};
        nd.vec = xrealloc(NULL, nd.dim * sizeof(float));
        for (uint64_t k = 0; k < nd.dim; k++)
            nd.vec[k] = (float)(int)below(r, 200) / 16.0f - 6.0f;
    }
    ly->nodes = xrealloc(ly->nodes, (ly->n + 1) * sizeof *ly->nodes);
    ly->nodes[ly->n++] = nd;
}

static void remove_node(model *m, rng *r)
{
    size_t l;
    mnode *nd = pick_node(m, r, &l);
    if (!nd)
        return;
    mlayer *ly = &m->layers[l];
    node_free(nd);
    *nd = ly->nodes[--ly->n];
}

static void add_neighbor(model *m, rng *r)
{
    size_t l;
    mnode *nd = pick_node(m, r, &l);
    if (!nd)
        return;
    mlayer *ly = &m->layers[l];
    mkey k;
    size_t how = below(r, 8);
    if (how == 0)
        k = random_key(r); /* dangling */
    else if (how == 1)
        k = key_copy(nd->key.p, nd->key.n); /* self */
    else {
        const mnode *other = &ly->nodes[below(r, ly->n)];
        k = key_copy(other->key.p, other->key.n);
    }
    nd->nbs = xrealloc(nd->nbs, (nd->n_nb + 1) * sizeof *nd->nbs);
    nd->nbs[nd->n_nb++] = k;
}

static void remove_neighbor(model *m, rng *r)
{
    mnode *nd = pick_node(m, r, NULL);
    if (!nd || !nd->n_nb)
        return;
    size_t j = below(r, nd->n_nb);
    free(nd->nbs[j].p);
    nd->nbs[j] = nd->nbs[--nd->n_nb];
}

/* Connect a node to up to M distinct others of its layer: graphs that pass
 * every invariant need full, valid lists. */
static void fill_neighbors(model *m, rng *r)
{
    size_t l;
    mnode *nd = pick_node(m, r, &l);
    if (!nd)
        return;
    mlayer *ly = &m->layers[l];
    for (size_t j = 0; j < nd->n_nb; j++)
        free(nd->nbs[j].p);
    nd->n_nb = 0;
    nd->nbs = xrealloc(nd->nbs, ly->n * sizeof *nd->nbs);
    for (size_t i = 0; i < ly->n && (int64_t)nd->n_nb < m->m; i++) {
        const mnode *o = &ly->nodes[i];
        if (o != nd && !(o->key.n == nd->key.n && memcmp(o->key.p, nd->key.p, o->key.n) == 0))
            nd->nbs[nd->n_nb++] = key_copy(o->key.p, o->key.n);
    }
}

static void add_layer(model *m, rng *r)
{
    m->layers = xrealloc(m->layers, (m->n_layers + 1) * sizeof *m->layers);
    mlayer *top = m->n_layers ? &m->layers[m->n_layers - 1] : NULL;
    mlayer *ly = &m->layers[m->n_layers++];
    *ly = (mlayer){NULL, 0};
    if (!top || !top->n)
        return; /* an empty layer */
    ly->nodes = xrealloc(NULL, top->n * sizeof *ly->nodes);
    for (size_t i = 0; i < top->n; i++)
        if (below(r, 2) || (i + 1 == top->n && !ly->n))
            ly->nodes[ly->n++] = node_copy(&top->nodes[i]);
}

static void remove_layer(model *m, rng *r)
{
    if (!m->n_layers)
        return;
    size_t l = below(r, 3) ? m->n_layers - 1 : below(r, m->n_layers);
    for (size_t i = 0; i < m->layers[l].n; i++)
        node_free(&m->layers[l].nodes[i]);
    free(m->layers[l].nodes);
    memmove(&m->layers[l], &m->layers[l + 1], (m->n_layers - l - 1) * sizeof *m->layers);
    m->n_layers--;
}

static void resize_vector(mnode *nd, uint64_t dim)
{
    nd->vec = xrealloc(nd->vec, dim * sizeof(float));
    for (uint64_t k = nd->dim; k < dim; k++)
        nd->vec[k] = 0.25f;
    nd->dim = dim;
}

static void change_dims(model *m, rng *r)
{
    mnode *nd = pick_node(m, r, NULL);
    if (!nd)
        return;
    uint64_t dim = below(r, 2) && nd->dim ? nd->dim - 1 : nd->dim + 1;
    if (below(r, 2)) {
        resize_vector(nd, dim); /* one vector: vector-length */
        return;
    }
    for (size_t l = 0; l < m->n_layers; l++) /* all: a consistent new dimension */
        for (size_t i = 0; i < m->layers[l].n; i++)
            resize_vector(&m->layers[l].nodes[i], dim);
}

static void change_component(model *m, rng *r)
{
    mnode *nd = pick_node(m, r, NULL);
    if (!nd || !nd->dim)
        return;
    static const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, NAN, INFINITY, -INFINITY,
                                    1e-45f, 3.4028235e38f};
    float *c = &nd->vec[below(r, nd->dim)];
    *c = below(r, 2) ? special[below(r, sizeof special / sizeof *special)]
                     : *c + (float)(int)below(r, 9) - 4.0f;
}

static void change_graph_param(model *m, rng *r)
{
    static const double mls[] = {0.0, -1.0, NAN, INFINITY, 0.36067376022224085, 1.0};
    double ml;
    switch (below(r, 6)) {
    case 0: m->m += (int64_t)below(r, 5) - 2; break;
    case 1: m->ef_search += (int64_t)below(r, 5) - 2; break;
    case 2: m->version = below(r, 4) ? 1 : (int64_t)below(r, 3); break;
    case 3:
        ml = mls[below(r, sizeof mls / sizeof *mls)];
        memcpy(m->ml, &ml, 8);
        break;
    case 4: {
        static const char *const d[] = {"cosine", "euclidean", "dot", ""};
        const char *s = d[below(r, 4)];
        free(m->distance.p);
        m->distance = key_copy((const uint8_t *)s, strlen(s));
        break;
    }
    default: m->trailing = !m->trailing; break;
    }
}

static void mutate_key(model *m, rng *r)
{
    mnode *nd = pick_node(m, r, NULL);
    if (!nd)
        return;
    mkey *k = below(r, 3) || !nd->n_nb ? &nd->key : &nd->nbs[below(r, nd->n_nb)];
    k->p = xrealloc(k->p, k->n + 8);
    k->n = m->mutate(k->p, k->n, k->n + 8, m->mutate_ctx);
}

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = strdup(s);
    if (!*dst)
        out_of_memory();
}

/* Envelope fields from the graph: the one edit that turns a graph into an
 * `ok` object, so it is frequent. */
static void sync_envelope(model *m)
{
    lhv1_envelope *e = &m->env;
    e->m = m->m;
    e->ef_search = m->ef_search;
    e->count = m->n_layers ? (int64_t)m->layers[0].n : 0;
    if (m->n_layers && m->layers[0].n && m->layers[0].nodes[0].dim)
        e->dimension = (int64_t)m->layers[0].nodes[0].dim;
    if (m->distance.n && m->distance.n < 32 && !memchr(m->distance.p, 0, m->distance.n)) {
        char d[32];
        memcpy(d, m->distance.p, m->distance.n);
        d[m->distance.n] = '\0';
        set_str(&e->distance, d);
    }
}

static void change_envelope(model *m, rng *r)
{
    lhv1_envelope *e = &m->env;
    switch (below(r, 8)) {
    case 0: e->count += (int64_t)below(r, 3) - 1; break;
    case 1: e->dimension += (int64_t)below(r, 3) - 1; break;
    case 2: e->m += (int64_t)below(r, 3) - 1; break;
    case 3: e->ef_search += (int64_t)below(r, 3) - 1; break;
    case 4: set_str(&e->distance, below(r, 2) ? "cosine" : "euclidean"); break;
    case 5: set_str(&e->name, below(r, 2) ? "docs" : "x"); break;
    case 6: e->version = below(r, 4) ? 1 : (int64_t)below(r, 3) + 1; break;
    default: {
        /* Metadata: a node's key (valid), an orphan, or none. */
        size_t how = below(r, 3);
        if (how == 2) {
            lhv1_metadata_free(e->metadata);
            e->metadata = NULL;
            break;
        }
        char key[8] = "orphan";
        mnode *nd = m->n_layers && m->layers[0].n
                        ? &m->layers[0].nodes[below(r, m->layers[0].n)] : NULL;
        if (how == 0 && nd && nd->key.n < sizeof key && !memchr(nd->key.p, 0, nd->key.n)) {
            memcpy(key, nd->key.p, nd->key.n);
            key[nd->key.n] = '\0';
        }
        /* Edited as a tree, kept as its text. */
        cJSON *meta = e->metadata ? lhv1_metadata_to_cjson(e->metadata) : cJSON_CreateObject();
        if (meta && !cJSON_GetObjectItemCaseSensitive(meta, key))
            cJSON_AddItemToObject(meta, key, cJSON_CreateObject());
        lhv1_metadata_free(e->metadata);
        e->metadata = lhv1_metadata_from_cjson(meta);
        break;
    }
    }
}

static void mutate_raw(model *m, lhv1_buf *b)
{
    size_t max = b->len + 16;
    uint8_t *p = xrealloc(b->data, max);
    b->data = p;
    b->cap = max;
    b->len = m->mutate(p, b->len, max, m->mutate_ctx);
}

/* --- encode -------------------------------------------------------------- */

static void encode_graph(const model *m, lhv1_buf *out)
{
    double ml;
    memcpy(&ml, m->ml, 8);
    lhv1_gw_header(out, m->version, m->m, ml, m->ef_search,
                   (lhv1_bytes){m->distance.p, m->distance.n}, (int64_t)m->n_layers);
    for (size_t l = 0; l < m->n_layers; l++) {
        lhv1_gw_varint(out, (int64_t)m->layers[l].n);
        for (size_t i = 0; i < m->layers[l].n; i++) {
            const mnode *nd = &m->layers[l].nodes[i];
            lhv1_gw_node(out, (lhv1_bytes){nd->key.p, nd->key.n}, nd->vec, nd->dim,
                         (int64_t)nd->n_nb);
            for (size_t j = 0; j < nd->n_nb; j++)
                lhv1_gw_string(out, (lhv1_bytes){nd->nbs[j].p, nd->nbs[j].n});
        }
    }
    if (m->trailing)
        lhv1_buf_putc(out, 0);
}

/* --- the edit loop ------------------------------------------------------- */

static const char *const edit_names[] = {
    "add-node", "remove-node", "add-neighbor", "remove-neighbor", "fill-neighbors",
    "add-or-remove-layer", "change-dims", "change-component", "change-graph-param",
    "mutate-key", "duplicate-node", "sync-envelope", "sync-envelope", "change-envelope",
    "raw-envelope", "raw-graph",
};

static void note(char *about, size_t about_len, size_t what)
{
    if (!about || !about_len)
        return;
    size_t used = strlen(about);
    snprintf(about + used, about_len - used, "%s%s", used ? "," : "", edit_names[what]);
}

static void apply_edit(model *m, rng *r, size_t what)
{
    switch (what) {
    case 0: add_node(m, r); break;
    case 1: remove_node(m, r); break;
    case 2: add_neighbor(m, r); break;
    case 3: remove_neighbor(m, r); break;
    case 4: fill_neighbors(m, r); break;
    case 5: below(r, 2) ? add_layer(m, r) : remove_layer(m, r); break;
    case 6: change_dims(m, r); break;
    case 7: change_component(m, r); break;
    case 8: change_graph_param(m, r); break;
    case 9: mutate_key(m, r); break;
    case 10: {
        /* Duplicate a node in its layer. */
        size_t l;
        mnode *nd = pick_node(m, r, &l);
        if (nd) {
            mnode copy = node_copy(nd);
            mlayer *ly = &m->layers[l];
            ly->nodes = xrealloc(ly->nodes, (ly->n + 1) * sizeof *ly->nodes);
            ly->nodes[ly->n++] = copy;
        }
        break;
    }
    case 11:
    case 12: if (m->has_graph) sync_envelope(m); else change_envelope(m, r); break;
    case 13: change_envelope(m, r); break;
    case 14:
        if (m->has_env) {
            /* Raw edit of the encoded envelope text. */
            lhv1_buf_reset(&m->raw_env);
            lhv1_envelope_encode(&m->env, &m->raw_env);
            lhv1_envelope_free(&m->env);
            m->has_env = 0;
        }
        mutate_raw(m, &m->raw_env);
        break;
    default:
        if (!m->has_graph)
            mutate_raw(m, &m->raw_graph);
        else if (m->has_env)
            sync_envelope(m);
        break;
    }
}

int lhv1_edit_object(const uint8_t *obj, size_t len, uint64_t seed, lhv1_bytes_mutator mutate,
                     void *mutate_ctx, lhv1_buf *out, char *about, size_t about_len)
{
    rng r = {seed};
    lhv1_bytes env_b, graph_b;
    lhv1_status st;
    if (about && about_len)
        about[0] = '\0';
    if (lhv1_unframe(obj, len, &env_b, &graph_b, &st) != 0)
        return -1;
    model m;
    memset(&m, 0, sizeof m);
    m.mutate = mutate;
    m.mutate_ctx = mutate_ctx;
    lhv1_buf_init(&m.raw_env);
    lhv1_buf_init(&m.raw_graph);
    m.has_env = lhv1_envelope_decode(env_b.data, env_b.len, &m.env, &st) == 0;
    if (!m.has_env)
        lhv1_buf_append(&m.raw_env, env_b.data, env_b.len);
    lhv1_graph g;
    memset(&g, 0, sizeof g);
    m.has_graph = lhv1_graph_decode(graph_b.data, graph_b.len, &g, &st) == 0;
    if (m.has_graph) {
        load_graph(&m, &g);
        lhv1_graph_free(&g);
    } else {
        lhv1_buf_append(&m.raw_graph, graph_b.data, graph_b.len);
    }
    if (!m.has_env && !m.has_graph) {
        model_free(&m);
        return -1;
    }

    size_t edits = 1 + below(&r, 3);
    for (size_t i = 0; i < edits; i++) {
        size_t what = below(&r, 16);
        if (!m.has_graph && what < 11)
            what = below(&r, 2) ? 11 : 15; /* envelope edits, or raw graph */
        if (!m.has_env && what >= 11 && what < 14)
            what = 14;
        note(about, about_len, what);
        apply_edit(&m, &r, what);
    }

    lhv1_buf env_out, graph_out;
    lhv1_buf_init(&env_out);
    lhv1_buf_init(&graph_out);
    if (m.has_env)
        lhv1_envelope_encode(&m.env, &env_out);
    else
        lhv1_buf_append(&env_out, m.raw_env.data, m.raw_env.len);
    if (m.has_graph)
        encode_graph(&m, &graph_out);
    else
        lhv1_buf_append(&graph_out, m.raw_graph.data, m.raw_graph.len);
    int rc = env_out.failed || graph_out.failed ||
                     lhv1_frame((lhv1_bytes){env_out.data, env_out.len},
                                (lhv1_bytes){graph_out.data, graph_out.len}, out, &st) != 0 ||
                     out->failed
                 ? -1
                 : 0;
    lhv1_buf_free(&env_out);
    lhv1_buf_free(&graph_out);
    model_free(&m);
    return rc;
}

size_t lhv1_seeded_mutate(uint8_t *data, size_t size, size_t max_size, void *ctx)
{
    uint64_t *s = ctx;
    static const uint8_t interesting[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, '"', '\\', '{', '}',
                                          ',', ':', '0', '-', 'e', '.'};
    size_t at = size ? (size_t)lhv1_prng_below(s, size) : 0;
    switch (lhv1_prng_below(s, 5)) {
    case 0: /* flip a bit */
        if (size)
            data[at] ^= (uint8_t)(1u << lhv1_prng_below(s, 8));
        return size;
    case 1: /* an interesting byte */
        if (size)
            data[at] = interesting[lhv1_prng_below(s, sizeof interesting)];
        return size;
    case 2: /* insert one */
        if (size >= max_size)
            return size;
        memmove(data + at + 1, data + at, size - at);
        data[at] = interesting[lhv1_prng_below(s, sizeof interesting)];
        return size + 1;
    case 3: { /* erase a few */
        size_t n = (size_t)lhv1_prng_below(s, 4) + 1;
        if (n > size - at)
            n = size - at;
        memmove(data + at, data + at + n, size - at - n);
        return size - n;
    }
    default: { /* duplicate a few */
        size_t n = (size_t)lhv1_prng_below(s, 4) + 1;
        if (n > size - at)
            n = size - at;
        if (size + n > max_size)
            return size;
        memmove(data + at + n, data + at, size - at);
        return size + n;
    }
    }
}
