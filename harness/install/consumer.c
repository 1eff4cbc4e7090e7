/* A user program built only from the installed headers, library and
 * pkg-config flags: frames a tiny empty index and verifies it. */
#include <stdio.h>
#include <string.h>

#include <lhv1/index.h>

int main(void)
{
    const char *env = "{\"version\":1,\"params\":{\"name\":\"e\",\"dimension\":3,"
                      "\"distance\":\"cosine\",\"m\":16,\"ef_search\":20},\"count\":0}";
    lhv1_buf graph, obj;
    lhv1_buf_init(&graph);
    lhv1_buf_init(&obj);
    lhv1_gw_header(&graph, 1, 16, 0.25, 20, lhv1_bytes_str("cosine"), 0);
    lhv1_status st;
    lhv1_bytes e = {(const uint8_t *)env, strlen(env)}, g = {graph.data, graph.len};
    if (lhv1_frame(e, g, &obj, &st) != 0)
        return 1;
    lhv1_index idx;
    lhv1_verdict v = lhv1_index_load(obj.data, obj.len, "e", &idx, &st);
    printf("verdict %s\n", lhv1_verdict_name(v));
    lhv1_index_free(&idx);
    lhv1_buf_free(&graph);
    lhv1_buf_free(&obj);
    return v == LHV1_OK ? 0 : 1;
}
