/* Test helper: see builder.h. */
#include "builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_init(tb_object *o)
{
    lhv1_buf_init(&o->env);
    lhv1_buf_init(&o->graph);
    lhv1_buf_init(&o->body);
}

void tb_free(tb_object *o)
{
    lhv1_buf_free(&o->env);
    lhv1_buf_free(&o->graph);
    lhv1_buf_free(&o->body);
}

void tb_env_std(tb_object *o, int64_t dim, int64_t count, const char *metadata_json)
{
    lhv1_buf_printf(&o->env,
                    "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":%lld,"
                    "\"distance\":\"cosine\",\"m\":%d,\"ef_search\":%d},\"count\":%lld",
                    (long long)dim, TB_M, TB_EF, (long long)count);
    if (metadata_json)
        lhv1_buf_printf(&o->env, ",\"metadata\":%s", metadata_json);
    lhv1_buf_putc(&o->env, '}');
}

void tb_env_raw(tb_object *o, const char *text) { lhv1_buf_puts(&o->env, text); }

void tb_env_bytes(tb_object *o, const void *p, size_t n) { lhv1_buf_append(&o->env, p, n); }

void tb_graph_std_header(tb_object *o, int64_t n_layers)
{
    lhv1_gw_header(&o->graph, LHV1_GRAPH_VERSION, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"),
                   n_layers);
}

void tb_node(lhv1_buf *g, const char *key, const float *vec, uint64_t dim,
             const char *const *neighbors)
{
    int64_t n = 0;
    while (neighbors && neighbors[n])
        n++;
    lhv1_gw_node(g, lhv1_bytes_str(key), vec, dim, n);
    for (int64_t k = 0; k < n; k++)
        lhv1_gw_string(g, lhv1_bytes_str(neighbors[k]));
}

void tb_node_x(lhv1_buf *g, const char *key, float x, const char *const *neighbors)
{
    float v[TB_DIM];
    for (int i = 0; i < TB_DIM; i++)
        v[i] = x + (float)i;
    tb_node(g, key, v, TB_DIM, neighbors);
}

void tb_graph_std(tb_object *o)
{
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 3);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"b", "c", NULL});
    tb_node_x(&o->graph, "b", 1, (const char *const[]){"a", "c", NULL});
    tb_node_x(&o->graph, "c", 2, (const char *const[]){"a", "b", NULL});
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"b", NULL});
    tb_node_x(&o->graph, "b", 1, (const char *const[]){"a", NULL});
}

lhv1_bytes tb_finish(tb_object *o)
{
    lhv1_status st;
    lhv1_buf_reset(&o->body);
    lhv1_bytes e = {o->env.data, o->env.len}, g = {o->graph.data, o->graph.len};
    if (lhv1_frame(e, g, &o->body, &st) != 0 || o->env.failed || o->graph.failed) {
        fprintf(stderr, "builder: framing failed: %s\n", st.message);
        abort();
    }
    return (lhv1_bytes){o->body.data, o->body.len};
}

int64_t tb_graph_abs(const tb_object *o, size_t pos)
{
    return (int64_t)(LHV1_HEADER_LEN + o->env.len + pos);
}

int64_t tb_env_abs(size_t pos) { return (int64_t)(LHV1_HEADER_LEN + pos); }

lhv1_bytes tb_std_object(tb_object *o)
{
    tb_env_std(o, TB_DIM, TB_STD_COUNT, NULL);
    tb_graph_std(o);
    return tb_finish(o);
}

lhv1_verdict tb_load(lhv1_bytes body, const char *name, lhv1_status *st)
{
    lhv1_index idx;
    lhv1_verdict v = lhv1_index_load(body.data, body.len, name, &idx, st);
    lhv1_index_free(&idx);
    return v;
}

int tb_write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
