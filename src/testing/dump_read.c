/* The canonical dump read back into an object (lhv1testing/dump_read.h). */
#include "lhv1testing/dump_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "json_walk.h"
#include "lhv1/frame.h"
#include "lhv1/graph.h"

typedef struct reader {
    char *err;
    size_t err_len;
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Lowercase or uppercase hex into a new buffer; -1 unless it is all hex
 * digits of even length. */
static int hex_bytes(jw_val v, uint8_t **out, size_t *len)
{
    uint8_t *hex;
    size_t hex_len;
    if (jw_string(v, &hex, &hex_len) != 0)
        return -1;
    uint8_t *bin = malloc(hex_len / 2 + 1);
    const char *end = NULL;
    int rc = -1;
    if (bin && hex_len % 2 == 0 &&
        sodium_hex2bin(bin, hex_len / 2 + 1, (const char *)hex, hex_len, NULL, len, &end) == 0 &&
        end == (const char *)hex + hex_len) {
        *out = bin;
        bin = NULL;
        rc = 0;
    }
    free(bin);
    free(hex);
    return rc;
}

/* KEY: a string, or {"hex":"..."}. */
static int key_bytes(jw_val v, uint8_t **out, size_t *len)
{
    if (jw_type_of(v) == JW_STRING)
        return jw_string(v, out, len);
    jw_val hex;
    if (jw_type_of(v) != JW_OBJECT || !jw_member(v, "hex", &hex))
        return -1;
    return hex_bytes(hex, out, len);
}

static int int_member(reader *r, jw_val obj, const char *name, int64_t *out)
{
    jw_val v;
    if (!jw_member(obj, name, &v) || jw_int(v, out) != 0)
        return fail(r, "graph.%s: not an integer", name);
    return 0;
}

static int write_node(reader *r, jw_val node, lhv1_buf *g)
{
    jw_val key_v, vec_v, nbs;
    if (!jw_member(node, "key", &key_v) || !jw_member(node, "vector", &vec_v) ||
        !jw_member(node, "neighbors", &nbs) || jw_type_of(nbs) != JW_ARRAY)
        return fail(r, "a node without key, vector and neighbors");
    uint8_t *key = NULL, *vec = NULL;
    size_t key_len, vec_len;
    float *floats = NULL;
    int rc = -1;
    if (key_bytes(key_v, &key, &key_len) != 0) {
        fail(r, "a node's key is not a KEY");
        goto out;
    }
    if (hex_bytes(vec_v, &vec, &vec_len) != 0 || vec_len % 4 != 0) {
        fail(r, "a node's vector is not hex of float32 values");
        goto out;
    }
    floats = malloc(vec_len ? vec_len : 1);
    if (!floats) {
        fail(r, "out of memory");
        goto out;
    }
    if (vec_len)
        memcpy(floats, vec, vec_len); /* float32 little-endian, as stored */
    lhv1_gw_node(g, (lhv1_bytes){key, key_len}, floats, vec_len / 4, (int64_t)jw_count(nbs));
    size_t pos = 0;
    jw_val nb;
    while (jw_next(nbs, &pos, &nb)) {
        uint8_t *k;
        size_t k_len;
        if (key_bytes(nb, &k, &k_len) != 0) {
            fail(r, "a neighbour is not a KEY");
            goto out;
        }
        lhv1_gw_string(g, (lhv1_bytes){k, k_len});
        free(k);
    }
    rc = 0;
out:
    free(key);
    free(vec);
    free(floats);
    return rc;
}

static int write_graph(reader *r, jw_val graph, lhv1_buf *g)
{
    int64_t version, m, ef;
    jw_val ml_v, dist_v, layers;
    if (int_member(r, graph, "version", &version) || int_member(r, graph, "m", &m) ||
        int_member(r, graph, "ef_search", &ef))
        return -1;
    uint8_t *ml_raw = NULL, *dist = NULL;
    size_t ml_len, dist_len;
    if (!jw_member(graph, "ml", &ml_v) || hex_bytes(ml_v, &ml_raw, &ml_len) != 0 || ml_len != 8) {
        free(ml_raw);
        return fail(r, "graph.ml: not 16 hex digits");
    }
    double ml;
    memcpy(&ml, ml_raw, 8); /* the stored bytes, little-endian */
    free(ml_raw);
    if (!jw_member(graph, "distance", &dist_v) || key_bytes(dist_v, &dist, &dist_len) != 0)
        return fail(r, "graph.distance: not a KEY");
    if (!jw_member(graph, "layers", &layers) || jw_type_of(layers) != JW_ARRAY) {
        free(dist);
        return fail(r, "graph.layers: not an array");
    }
    lhv1_gw_header(g, version, m, ml, ef, (lhv1_bytes){dist, dist_len},
                   (int64_t)jw_count(layers));
    free(dist);
    size_t lpos = 0;
    jw_val layer, nodes, node;
    while (jw_next(layers, &lpos, &layer)) {
        if (!jw_member(layer, "nodes", &nodes) || jw_type_of(nodes) != JW_ARRAY)
            return fail(r, "a layer without a nodes array");
        lhv1_gw_varint(g, (int64_t)jw_count(nodes));
        size_t npos = 0;
        while (jw_next(nodes, &npos, &node))
            if (write_node(r, node, g) != 0)
                return -1;
    }
    return 0;
}

int lhv1_dump_to_object(const uint8_t *dump, size_t len, lhv1_buf *object, char *err,
                        size_t err_len)
{
    reader r = {err, err_len};
    jw_val root, env, graph, kind;
    int64_t dump_version;
    if (jw_parse(dump, len, &root, err, err_len) != 0)
        return -1;
    if (!jw_member(root, "dump", &kind) || !jw_string_is(kind, "lhv1") ||
        !jw_member(root, "dump_version", &kind) || jw_int(kind, &dump_version) != 0 ||
        dump_version != 1)
        return fail(&r, "not an LHV1 dump of dump_version 1");
    if (!jw_member(root, "envelope", &env) || jw_type_of(env) != JW_OBJECT ||
        !jw_member(root, "graph", &graph) || jw_type_of(graph) != JW_OBJECT)
        return fail(&r, "no envelope or graph object");
    lhv1_buf g;
    lhv1_buf_init(&g);
    int rc = write_graph(&r, graph, &g);
    if (rc == 0 && g.failed)
        rc = fail(&r, "out of memory");
    if (rc == 0) {
        lhv1_status st;
        if (lhv1_frame((lhv1_bytes){dump + env.at, jw_end(env) - env.at},
                       (lhv1_bytes){g.data, g.len}, object, &st) != 0 || object->failed)
            rc = fail(&r, "cannot frame: %s", st.message);
    }
    lhv1_buf_free(&g);
    return rc;
}
