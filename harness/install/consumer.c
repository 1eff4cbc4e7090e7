/* A user program built only from the installed headers, library and
 * pkg-config flags: frames a tiny index with one metadata entry, verifies
 * it, and prints the library's version. */
#include <stdio.h>
#include <string.h>

#include <lhv1/index.h>
#include <lhv1/version.h>

int main(void)
{
    const char *env = "{\"version\":1,\"params\":{\"name\":\"e\",\"dimension\":3,"
                      "\"distance\":\"cosine\",\"m\":16,\"ef_search\":20},\"count\":0,"
                      "\"metadata\":{}}";
    lhv1_buf graph, obj, meta;
    lhv1_buf_init(&graph);
    lhv1_buf_init(&obj);
    lhv1_buf_init(&meta);
    lhv1_gw_header(&graph, 1, 16, 0.25, 20, lhv1_bytes_str("cosine"), 0);
    lhv1_status st;
    lhv1_bytes e = {(const uint8_t *)env, strlen(env)}, g = {graph.data, graph.len};
    if (lhv1_frame(e, g, &obj, &st) != 0)
        return 1;
    lhv1_index idx;
    lhv1_verdict v = lhv1_index_load(obj.data, obj.len, "e", &idx, &st);
    printf("verdict %s\n", lhv1_verdict_name(v));
    if (v == LHV1_OK && lhv1_metadata_json(idx.env.metadata, &meta) == 0)
        printf("metadata %.*s (%zu keys)\n", (int)meta.len, (const char *)meta.data,
               lhv1_metadata_count(idx.env.metadata));
    printf("version %s headers %s\n", lhv1_version(), LHV1_VERSION_STRING);
    lhv1_index_free(&idx);
    lhv1_buf_free(&graph);
    lhv1_buf_free(&obj);
    lhv1_buf_free(&meta);
    return v == LHV1_OK ? 0 : 1;
}
