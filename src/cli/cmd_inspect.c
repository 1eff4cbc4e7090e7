/* lhv1 inspect FILE: a human summary of one object. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 inspect [--max-object-size BYTES] FILE\n"
    "Prints sizes, envelope params, graph params, per-layer node and edge\n"
    "counts, vector statistics, the verdict and Go's predicted behaviour.\n"
    "Names are quoted; bytes from the input are escaped (README, Output\n"
    "escaping). No more than BYTES (default 1073741824) is read, as lhv1\n"
    "verify. Exit 0 when ok, 1 when not, 2 on usage or I/O error\n"
    "or out of memory.\n";

static void vector_stats(const lhv1_graph *g)
{
    if (!g->n_layers)
        return;
    lhv1_layer lyv;
    lhv1_graph_layer(g, 0, &lyv);
    const lhv1_layer *ly = &lyv;
    double lo = INFINITY, hi = -INFINITY, sum = 0, nmin = INFINITY, nmax = 0;
    uint64_t comps = 0, nonfinite = 0;
    for (uint64_t j = 0; j < ly->n_nodes; j++) {
        double norm2 = 0;
        lhv1_node nd;
        lhv1_layer_node(g, ly, j, &nd);
        for (uint64_t c = 0; c < nd.dim; c++) {
            double x = lhv1_vector_get(&nd, c);
            if (!isfinite(x)) {
                nonfinite++;
                continue;
            }
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            sum += x;
            norm2 += x * x;
            comps++;
        }
        nmin = sqrt(norm2) < nmin ? sqrt(norm2) : nmin;
        nmax = sqrt(norm2) > nmax ? sqrt(norm2) : nmax;
    }
    if (comps)
        printf("vectors:   components min %g max %g mean %g; L2 norm min %g max %g\n", lo, hi,
               sum / (double)comps, nmin, nmax);
    printf("non-finite components: %llu\n", (unsigned long long)nonfinite);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"max-object-size", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (cli_parse_count("--max-object-size", optarg, &cli_max_object) < 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("inspect", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    uint8_t *data;
    size_t len;
    if (cli_read_object(path, &data, &len) != 0)
        return EXIT_USAGE;
    lhv1_bytes env, graph;
    lhv1_status st;
    fputs("file:      ", stdout);
    cli_text_str(stdout, path, NULL);
    printf("\nsize:      %zu bytes\n", len);
    lhv1_format format;
    if (lhv1_unframe_any(data, len, &env, &graph, &format, &st) == 0)
        printf("format:    %s\nenvelope:  %zu bytes at offset %zu\n"
               "graph:     %zu bytes at offset %zu\n", lhv1_format_name(format), env.len,
               (size_t)(env.data - data), graph.len, (size_t)(graph.data - data));
    lhv1_index idx;
    lhv1_verdict v = lhv1_index_load_any(data, len, NULL, &idx, NULL, &st);
    if (v == LHV1_OUT_OF_MEMORY) {
        lhv1_free(data);
        return cli_out_of_memory(path);
    }
    if (idx.decoded) {
        const lhv1_envelope *e = &idx.env;
        const lhv1_graph *g = &idx.graph;
        /* Names are quoted, with '"' escaped, so no name can forge a field. */
        fputs("params:    name \"", stdout);
        cli_text_str(stdout, e->name, "\"");
        printf("\" dimension %lld distance \"", (long long)e->dimension);
        cli_text_str(stdout, e->distance, "\"");
        printf("\" m %lld ef_search %lld count %lld metadata %d keys\n", (long long)e->m,
               (long long)e->ef_search, (long long)e->count,
               (int)lhv1_metadata_count(e->metadata));
        printf("graph:     version %lld M %lld Ml %g EfSearch %lld distance \"",
               (long long)g->version, (long long)g->m, g->ml, (long long)g->ef_search);
        cli_text(stdout, g->distance.data, g->distance.len, "\"");
        printf("\" layers %llu\n", (unsigned long long)g->n_layers);
        uint64_t nodes = 0, edges = 0;
        for (uint64_t i = 0; i < g->n_layers; i++) {
            uint64_t le = 0;
            lhv1_layer ly;
            lhv1_graph_layer(g, i, &ly);
            for (uint64_t j = 0; j < ly.n_nodes; j++) {
                lhv1_node nd;
                lhv1_layer_node(g, &ly, j, &nd);
                le += nd.n_neighbors;
            }
            printf("layer %-3llu  %llu nodes, %llu edges\n", (unsigned long long)i,
                   (unsigned long long)ly.n_nodes, (unsigned long long)le);
            nodes += ly.n_nodes;
            edges += le;
        }
        printf("total:     %llu nodes in all layers, %llu edges, %llu trailing bytes\n",
               (unsigned long long)nodes, (unsigned long long)edges,
               (unsigned long long)g->trailing);
        vector_stats(g);
    }
    char why[256] = "";
    lhv1_go go = lhv1_predict_go(data, len, why, sizeof why);
    if (v == LHV1_OK) {
        printf("verdict:   ok\n");
    } else {
        printf("verdict:   %s: %s at offset %lld: ", lhv1_verdict_name(v),
               lhv1_reason_code(st.reason), (long long)st.offset);
        cli_text_str(stdout, st.message, NULL);
        putchar('\n');
    }
    printf("go:        %s%s", lhv1_go_name(go), why[0] ? ": " : "");
    cli_text_str(stdout, why, NULL);
    putchar('\n');
    lhv1_index_free(&idx);
    lhv1_free(data);
    return v == LHV1_OK ? EXIT_ALL_OK : EXIT_NOT_OK;
}
