/* Memory: no count can make liblhv1 allocate more than a constant times
 * its input. The allocation bombs Go dies on (FORMAT.md 3a) must allocate
 * nothing big; degenerate and realistic inputs of about 1 MB report their
 * peak-heap/input ratio (printed, and written to $LHV1_MEMORY_REPORT as
 * JSON lines); every allocation failure is survived without a leak. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder.h"
#include "check_suites.h"
#include "heap_meter.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* The bounds asserted on peak heap / input size: for decode, load (decode
 * + invariants + cross-checks) and verify of any input, and for dump and
 * encode (which sort and may build the metadata's tree); the measured
 * ratios are in docs/TESTING.md. */
#define LOAD_MAX_RATIO 8.0
#define OUTPUT_MAX_RATIO 40.0

/* ---- inputs ------------------------------------------------------------ */

enum bomb { B_STRING_2_36, B_LAYERS_2_31, B_NODES_2_28, B_VECTOR_2_33, B_LAYERS_MAX, N_BOMBS };
static const char *const bomb_names[N_BOMBS] = {"key length 2^36", "n_layers 2^31",
                                                "n_nodes 2^28", "vector length 2^33",
                                                "n_layers 2^63-1"};

static void bomb_object(tb_object *o, enum bomb b)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    switch (b) {
    case B_LAYERS_2_31: tb_graph_std_header(o, 1LL << 31); break;
    case B_LAYERS_MAX: tb_graph_std_header(o, INT64_MAX); break;
    case B_NODES_2_28:
        tb_graph_std_header(o, 1);
        lhv1_gw_varint(&o->graph, 1LL << 28);
        break;
    case B_STRING_2_36:
        tb_graph_std_header(o, 1);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_varint(&o->graph, 1LL << 36);
        break;
    case B_VECTOR_2_33:
        tb_graph_std_header(o, 1);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_string(&o->graph, lhv1_bytes_str("a"));
        lhv1_gw_varint(&o->graph, 1LL << 33);
        break;
    default: break;
    }
    lhv1_buf_append(&o->graph, "\0\0\0\0", 4);
    tb_finish(o);
}

enum shape { S_MIN_NODES, S_UNIQUE_NODES, S_EMPTY_LAYERS, S_ONE_NODE_LAYERS,
             S_ONE_EMPTY_NODE_LAYERS, S_EMPTY_NEIGHBORS, S_METADATA_NUMBERS, S_PAST_DOUBLING,
             S_TWO_LAYERS, S_METADATA_MEMBERS, S_REALISTIC, N_SHAPES };
static const char *const shape_names[N_SHAPES] = {
    "1 MB of 3-byte nodes in one layer", "1 MB of 6-byte nodes, unique keys",
    "1 MB of empty layers",
    "1 MB of layers holding one 3-byte node",
    "1 MB of 4-byte layers holding one empty node",
    "1 MB of empty neighbour keys of one node",
    "1 MB envelope: metadata holding one array of 0s",
    "2^18+1 3-byte nodes (node offsets past a doubling)",
    "two layers of the same 6-byte nodes",
    "1 MB envelope: metadata entry of 1 MB of members",
    "realistic: 2000 nodes, dim 96, M 16, 3 layers"};

#define TARGET (1u << 20)

/* An envelope whose metadata is `meta` (freed here) over one layer of one
 * node "k" of dimension 1. */
static void metadata_object(tb_object *o, lhv1_buf *meta)
{
    lhv1_buf_putc(meta, 0);
    tb_env_std(o, 1, 1, (const char *)meta->data);
    lhv1_buf_free(meta);
    lhv1_gw_varint(&o->graph, 1);
    lhv1_gw_varint(&o->graph, 1);
    float one = 1.0f;
    lhv1_gw_node(&o->graph, lhv1_bytes_str("k"), &one, 1, 0);
}

static void shape_object(tb_object *o, enum shape s)
{
    tb_graph_std_header(o, 1); /* rewritten below where the layer count differs */
    o->graph.len--;
    switch (s) {
    case S_MIN_NODES: {
        int64_t n = TARGET / 3;
        tb_env_std(o, 1, 0, NULL);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_varint(&o->graph, n);
        for (int64_t i = 0; i < n; i++)
            lhv1_buf_append(&o->graph, "\0\0\0", 3);
        break;
    }
    case S_UNIQUE_NODES: {
        /* every node distinct, so the invariant checks index them all */
        int64_t n = TARGET / 6;
        tb_env_std(o, 1, n, NULL);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_varint(&o->graph, n);
        for (int64_t i = 0; i < n; i++) {
            uint8_t node[6] = {0x06, (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0, 0};
            lhv1_buf_append(&o->graph, node, sizeof node);
        }
        break;
    }
    case S_EMPTY_LAYERS:
        tb_env_std(o, 1, 0, NULL);
        lhv1_gw_varint(&o->graph, TARGET);
        for (uint32_t i = 0; i < TARGET; i++)
            lhv1_buf_putc(&o->graph, 0);
        break;
    case S_ONE_NODE_LAYERS:
        tb_env_std(o, 1, 1, NULL);
        lhv1_gw_varint(&o->graph, TARGET / 5);
        for (uint32_t i = 0; i < TARGET / 5; i++)
            lhv1_buf_append(&o->graph, "\x02\x02k\0\0", 5); /* 1 node: key "k", dim 0 */
        break;
    case S_ONE_EMPTY_NODE_LAYERS: /* the costliest graph per input byte (review) */
        tb_env_std(o, 1, 1, NULL);
        lhv1_gw_varint(&o->graph, TARGET / 4);
        for (uint32_t i = 0; i < TARGET / 4; i++)
            lhv1_buf_append(&o->graph, "\x02\0\0\0", 4); /* 1 node: key "", dim 0 */
        break;
    case S_METADATA_NUMBERS: { /* cJSON spends about 64 bytes a value */
        lhv1_buf meta;
        lhv1_buf_init(&meta);
        lhv1_buf_puts(&meta, "{\"k\":{\"a\":[0");
        for (uint32_t i = 0; i < TARGET / 2; i++)
            lhv1_buf_puts(&meta, ",0");
        lhv1_buf_puts(&meta, "]}}");
        metadata_object(o, &meta);
        break;
    }
    case S_PAST_DOUBLING: { /* the decoder's offset array at twice its need */
        int64_t n = (1 << 18) + 1;
        tb_env_std(o, 1, 0, NULL);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_varint(&o->graph, n);
        for (int64_t i = 0; i < n; i++)
            lhv1_buf_append(&o->graph, "\0\0\0", 3);
        break;
    }
    case S_TWO_LAYERS: { /* both key sets live: layer 0's and layer 1's */
        int64_t n = TARGET / 12;
        tb_env_std(o, 1, n, NULL);
        lhv1_gw_varint(&o->graph, 2);
        for (int l = 0; l < 2; l++) {
            lhv1_gw_varint(&o->graph, n);
            for (int64_t i = 0; i < n; i++) {
                uint8_t node[6] = {0x06, (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0, 0};
                lhv1_buf_append(&o->graph, node, sizeof node);
            }
        }
        break;
    }
    case S_METADATA_MEMBERS: { /* the duplicate-key check holds every key of the object */
        lhv1_buf meta;
        lhv1_buf_init(&meta);
        lhv1_buf_puts(&meta, "{\"k\":{\"a\":0");
        for (uint32_t i = 0; i < TARGET / 8; i++)
            lhv1_buf_printf(&meta, ",\"m%x\":0", i);
        lhv1_buf_puts(&meta, "}}");
        metadata_object(o, &meta);
        break;
    }
    case S_EMPTY_NEIGHBORS:
        tb_env_std(o, 1, 1, NULL);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_varint(&o->graph, 1);
        lhv1_gw_node(&o->graph, lhv1_bytes_str("k"), NULL, 0, TARGET);
        for (uint32_t i = 0; i < TARGET; i++)
            lhv1_buf_putc(&o->graph, 0);
        break;
    case S_REALISTIC: {
        enum { N = 2000, DIM = 96, M = 16 };
        lhv1_buf_reset(&o->graph);
        lhv1_gw_header(&o->graph, 1, M, 0.36067376022224085, 40, lhv1_bytes_str("cosine"), 3);
        lhv1_buf_printf(&o->env,
                        "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":%d,"
                        "\"distance\":\"cosine\",\"m\":%d,\"ef_search\":40},\"count\":%d,"
                        "\"metadata\":{\"vec-1\":{\"title\":\"one\"},\"vec-2\":{\"n\":2}}}",
                        DIM, M, N);
        float v[DIM];
        char key[16], nb[M][16];
        const int per_layer[3] = {N, N / 16, N / 256};
        for (int l = 0; l < 3; l++) {
            lhv1_gw_varint(&o->graph, per_layer[l]);
            for (int i = 0; i < per_layer[l]; i++) {
                snprintf(key, sizeof key, "vec-%d", i);
                for (int c = 0; c < DIM; c++)
                    v[c] = (float)((i * 31 + c * 7) % 97) / 97.0f;
                int k = per_layer[l] - 1 < M ? per_layer[l] - 1 : M;
                lhv1_gw_node(&o->graph, lhv1_bytes_str(key), v, DIM, k);
                for (int q = 0; q < k; q++) {
                    snprintf(nb[q], sizeof nb[q], "vec-%d", (i + 1 + q) % per_layer[l]);
                    lhv1_gw_string(&o->graph, lhv1_bytes_str(nb[q]));
                }
            }
        }
        break;
    }
    default: break;
    }
    tb_finish(o);
}

/* ---- measures ----------------------------------------------------------- */

/* Peak heap above the live heap at the start of `load`. */
static size_t peak_of_load(lhv1_bytes body, lhv1_verdict *v, lhv1_status *st)
{
    lhv1_index idx;
    size_t base = heap_meter_reset_peak();
    *v = lhv1_index_load(body.data, body.len, NULL, &idx, st);
    size_t peak = heap_meter_peak() - base;
    lhv1_index_free(&idx);
    return peak;
}

static void report(const char *what, const char *phase, size_t input, size_t peak)
{
    double ratio = (double)peak / (double)input;
    printf("memory[%s]: %-46s %-6s input %8zu B, peak heap %10zu B, ratio %6.2f\n",
           UNDER_ASAN ? "asan" : "plain", what, phase, input, peak, ratio);
    const char *path = getenv("LHV1_MEMORY_REPORT");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (f) {
        fprintf(f,
                "{\"variant\":\"%s\",\"input\":\"%s\",\"phase\":\"%s\",\"input_bytes\":%zu,"
                "\"peak_heap_bytes\":%zu,\"ratio\":%.3f}\n",
                UNDER_ASAN ? "asan" : "plain", what, phase, input, peak, ratio);
        fclose(f);
    }
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(bombs_allocate_nothing_big)
{
    tb_object o;
    tb_init(&o);
    bomb_object(&o, (enum bomb)_i);
    lhv1_verdict v;
    lhv1_status st;
    size_t peak = peak_of_load((lhv1_bytes){o.body.data, o.body.len}, &v, &st);
    ck_assert_msg(st.reason == LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT, "%s: %s", bomb_names[_i],
                  lhv1_reason_code(st.reason));
    report(bomb_names[_i], "load", o.body.len, peak);
    /* nothing input-sized may be live: the layer offsets are refused first */
    ck_assert_msg(peak < 16 * 1024, "%s: peak heap %zu bytes for a %zu-byte file", bomb_names[_i],
                  peak, o.body.len);
    tb_free(&o);
}
END_TEST

static long vm_bytes(void)
{
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return pages * sysconf(_SC_PAGESIZE);
}

/* The same bombs in a child process: in the plain variant under an address
 * space limit of 64 MB above what the child already maps (a big malloc
 * fails, so an allocate-then-check decoder would not reach the right
 * reason), and in both variants with the peak RSS measured around the
 * loads. ASan reserves terabytes of shadow, so the asan variant relies on
 * the RSS measure and the heap meter only. */
START_TEST(bombs_in_a_limited_child)
{
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fd[0]);
        tb_object objs[N_BOMBS];
        for (int b = 0; b < N_BOMBS; b++) {
            tb_init(&objs[b]);
            bomb_object(&objs[b], (enum bomb)b);
        }
        if (!UNDER_ASAN) {
            long vm = vm_bytes();
            struct rlimit lim = {(rlim_t)vm + (64L << 20), (rlim_t)vm + (64L << 20)};
            if (vm <= 0 || setrlimit(RLIMIT_AS, &lim) != 0)
                _exit(3);
        }
        struct rusage before, after;
        getrusage(RUSAGE_SELF, &before);
        int bad = 0;
        for (int b = 0; b < N_BOMBS; b++) {
            lhv1_status st;
            if (tb_load((lhv1_bytes){objs[b].body.data, objs[b].body.len}, NULL, &st) !=
                    LHV1_DECODE_ERROR ||
                st.reason != LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT)
                bad = 1;
        }
        getrusage(RUSAGE_SELF, &after);
        long grew_kb = after.ru_maxrss - before.ru_maxrss;
        if (write(fd[1], &grew_kb, sizeof grew_kb) != sizeof grew_kb)
            _exit(4);
        for (int b = 0; b < N_BOMBS; b++)
            tb_free(&objs[b]);
        _exit(bad);
    }
    close(fd[1]);
    long grew_kb = -1;
    ssize_t got = read(fd[0], &grew_kb, sizeof grew_kb);
    close(fd[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "child failed: %s %d (1 = wrong reason under the limit)",
                  WIFEXITED(status) ? "exit" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    ck_assert_int_eq(got, (ssize_t)sizeof grew_kb);
    printf("memory[%s]: allocation bombs in a child: peak RSS grew by %ld KiB%s\n",
           UNDER_ASAN ? "asan" : "plain", grew_kb,
           UNDER_ASAN ? "" : " (under RLIMIT_AS = mapped + 64 MiB)");
    ck_assert_msg(grew_kb < 8 * 1024, "peak RSS grew by %ld KiB", grew_kb);
}
END_TEST

START_TEST(ratio_on_large_inputs)
{
    tb_object o;
    tb_init(&o);
    shape_object(&o, (enum shape)_i);
    lhv1_bytes body = {o.body.data, o.body.len};
    lhv1_bytes env, graph;
    lhv1_status st;
    ck_assert_int_eq(lhv1_unframe(body.data, body.len, &env, &graph, &st), 0);

    lhv1_graph g;
    size_t base = heap_meter_reset_peak();
    ck_assert_msg(lhv1_graph_decode(graph.data, graph.len, &g, &st) == 0, "%s: %s",
                  shape_names[_i], st.message);
    size_t decode_peak = heap_meter_peak() - base;
    lhv1_graph_free(&g);

    lhv1_verdict v;
    size_t load_peak = peak_of_load(body, &v, &st);
    ck_assert_msg(_i == S_REALISTIC ? v == LHV1_OK : v != LHV1_DECODE_ERROR, "%s: %s %s",
                  shape_names[_i], lhv1_verdict_name(v), st.message);

    /* verify and inspect: the load, and the Go prediction while the index
     * lives (as the CLI does). The prediction builds no tree of its own: it
     * allocates nothing at all, so verify costs what load costs. */
    lhv1_index live;
    base = heap_meter_reset_peak();
    lhv1_index_load(body.data, body.len, NULL, &live, &st);
    size_t before_predict = heap_meter_live();
    size_t allocations = heap_meter_count();
    lhv1_predict_go(body.data, body.len, NULL, 0);
    ck_assert_msg(heap_meter_count() == allocations && heap_meter_live() == before_predict,
                  "%s: the Go prediction allocated", shape_names[_i]);
    size_t verify_peak = heap_meter_peak() - base;
    lhv1_index_free(&live);

    /* dump and encode of what decodes (their output buffers count too) */
    lhv1_index idx;
    lhv1_index_load(body.data, body.len, NULL, &idx, &st);
    lhv1_buf out;
    lhv1_buf_init(&out);
    base = heap_meter_reset_peak();
    ck_assert_int_eq(lhv1_index_dump(&idx, &out), 0);
    size_t dump_peak = heap_meter_peak() - base;
    lhv1_buf_free(&out);
    lhv1_buf_init(&out);
    base = heap_meter_reset_peak();
    ck_assert_int_eq(lhv1_index_encode(&idx, &out), 0);
    size_t encode_peak = heap_meter_peak() - base;
    lhv1_buf_free(&out);
    lhv1_index_free(&idx);

    report(shape_names[_i], "decode", body.len, decode_peak);
    report(shape_names[_i], "load", body.len, load_peak);
    report(shape_names[_i], "verify", body.len, verify_peak);
    report(shape_names[_i], "dump", body.len, dump_peak);
    report(shape_names[_i], "encode", body.len, encode_peak);
    const size_t peaks[5] = {decode_peak, load_peak, verify_peak, dump_peak, encode_peak};
    static const char *const phases[5] = {"decode", "load", "verify", "dump", "encode"};
    for (int p = 0; p < 5; p++)
        ck_assert_msg((double)peaks[p] <= (p < 3 ? LOAD_MAX_RATIO : OUTPUT_MAX_RATIO) *
                                               (double)body.len,
                      "%s: %s peak %zu bytes = %.1f x input", shape_names[_i], phases[p],
                      peaks[p], (double)peaks[p] / (double)body.len);
    tb_free(&o);
}
END_TEST

/* Fail the 1st, 2nd, ... allocation of a load, a dump and an encode of a
 * valid object with metadata: each returns out-of-memory (never a crash,
 * and in the asan variant never a leak) until there are enough
 * allocations. harness/oom/ does this for every path and store. */
START_TEST(every_allocation_failure_is_survived)
{
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, TB_DIM, TB_STD_COUNT, "{\"a\":{\"x\":[1,2,{\"y\":\"z\"}]},\"c\":{}}");
    tb_graph_std(&o);
    lhv1_bytes body = tb_finish(&o);
    int completed = 0;
    for (uint64_t k = 0; k < 10000 && !completed; k++) {
        lhv1_index idx;
        lhv1_status st;
        lhv1_buf out;
        lhv1_buf_init(&out);
        heap_meter_fail_at(heap_meter_count() + k);
        lhv1_verdict v = lhv1_index_load(body.data, body.len, NULL, &idx, &st);
        if (v == LHV1_OK) {
            int d = lhv1_index_dump(&idx, &out);
            lhv1_buf_reset(&out);
            int e = lhv1_index_encode(&idx, &out);
            completed = d == 0 && e == 0;
        } else {
            ck_assert_msg(v == LHV1_OUT_OF_MEMORY && st.reason == LHV1_R_OUT_OF_MEMORY &&
                              !idx.decoded,
                          "failing allocation %llu: verdict %s (%s)", (unsigned long long)k,
                          lhv1_verdict_name(v), st.message);
            ck_assert(st.message[0] != '\0');
        }
        heap_meter_fail_at(UINT64_MAX);
        lhv1_buf_free(&out);
        lhv1_index_free(&idx);
    }
    ck_assert_msg(completed, "never completed");
    tb_free(&o);
}
END_TEST

int memory_setup(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    heap_meter_install();
    return 0;
}

Suite *suite_memory(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bombs_allocate_nothing_big, 0, N_BOMBS);
    tcase_add_test(tc, bombs_in_a_limited_child);
    tcase_add_loop_test(tc, ratio_on_large_inputs, 0, N_SHAPES);
    tcase_add_test(tc, every_allocation_failure_is_survived);
    suite_add_tcase(s, tc);
    return s;
}
