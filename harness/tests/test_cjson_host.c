/* A program that uses cJSON itself keeps its cJSON hooks (process-wide,
 * cJSON_InitHooks) when it uses liblhv1. Built from the public headers, as
 * a user builds: sets counting hooks, then loads, dumps and encodes an
 * object with metadata and reads its metadata as JSON through liblhv1.
 * Checks that liblhv1's cJSON work went through the host's hooks, that the
 * host's hooks are still cJSON's afterwards, and that when the host's
 * allocator fails (each of its allocations in turn) liblhv1 reports
 * out-of-memory: -1 with the buffer's allocation-failure latch set, or the
 * out-of-memory verdict; never other bytes or another verdict, and nothing
 * of the host's allocator leaked.
 *
 * Usage: lhv1_cjson_host OBJECT (an ok object with metadata). Exit 1 on a
 * violation, with the reason. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/index.h"

static uint64_t host_calls, fail_from = UINT64_MAX;
static int64_t host_live;

static void *host_malloc(size_t n)
{
    if (host_calls++ >= fail_from)
        return NULL;
    void *p = malloc(n);
    if (p)
        host_live++;
    return p;
}

static void host_free(void *p)
{
    if (p)
        host_live--;
    free(p);
}

static int failures;
#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            failures++;                                                                   \
            fprintf(stderr, "FAIL: ");                                                    \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                          \
        }                                                                                 \
    } while (0)

static int read_file(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    *data = malloc(n > 0 ? (size_t)n : 1);
    *len = *data && n >= 0 ? fread(*data, 1, (size_t)n, f) : 0;
    fclose(f);
    return *data && (long)*len == n ? 0 : -1;
}

typedef int (*writer)(const lhv1_index *idx, lhv1_buf *out);

static int metadata_json(const lhv1_index *idx, lhv1_buf *out)
{
    return lhv1_metadata_json(idx->env.metadata, out);
}

/* Runs `write` normally, then with the host's allocator failing from its
 * k-th allocation on, for each k until the writer makes fewer. */
static void writer_under_failure(const char *what, const lhv1_index *idx, writer write)
{
    lhv1_buf normal;
    lhv1_buf_init(&normal);
    uint64_t before = host_calls;
    CHECK(write(idx, &normal) == 0, "%s failed with nothing failing", what);
    uint64_t used = host_calls - before;
    CHECK(used > 0, "%s made no allocation through the host's cJSON hooks "
                    "(liblhv1 set hooks of its own)", what);
    uint64_t oom = 0;
    for (uint64_t k = 0; k <= used; k++) {
        int64_t live0 = host_live;
        lhv1_buf out;
        lhv1_buf_init(&out);
        fail_from = host_calls + k;
        int rc = write(idx, &out);
        fail_from = UINT64_MAX;
        if (k < used) {
            CHECK(rc == -1 && out.failed, "%s with the host's allocation %llu failing: "
                  "rc %d, latch %d (want -1 and the latch: out of memory)", what,
                  (unsigned long long)k, rc, out.failed);
            oom += rc == -1 && out.failed;
        } else {
            CHECK(rc == 0 && out.len == normal.len && !memcmp(out.data, normal.data, out.len),
                  "%s with no host allocation failing: other bytes", what);
        }
        CHECK(host_live == live0, "%s, host allocation %llu failing: %lld of the host's "
              "blocks leaked", what, (unsigned long long)k, (long long)(host_live - live0));
        lhv1_buf_free(&out);
    }
    printf("%s: %llu allocations through the host's hooks, each failing in turn gives "
           "out-of-memory (%llu of %llu)\n", what, (unsigned long long)used,
           (unsigned long long)oom, (unsigned long long)used);
    lhv1_buf_free(&normal);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
        return 2;
    }
    uint8_t *data;
    size_t len;
    if (read_file(argv[1], &data, &len) != 0) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 2;
    }
    cJSON_Hooks hooks = {host_malloc, host_free};
    cJSON_InitHooks(&hooks);

    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(data, len, NULL, &idx, &st);
    CHECK(v == LHV1_OK && lhv1_metadata_count(idx.env.metadata) > 0,
          "%s: %s (%s), want ok with metadata", argv[1], lhv1_verdict_name(v), st.message);
    if (v == LHV1_OK) {
        writer_under_failure("dump", &idx, lhv1_index_dump);
        writer_under_failure("encode", &idx, lhv1_index_encode);
        writer_under_failure("metadata json", &idx, metadata_json);
    }
    lhv1_index_free(&idx);

    /* A load with every host allocation failing: the normal verdict (a load
     * keeps the metadata as text) or out-of-memory, nothing else. */
    fail_from = host_calls;
    v = lhv1_index_load(data, len, NULL, &idx, &st);
    fail_from = UINT64_MAX;
    CHECK(v == LHV1_OK || v == LHV1_OUT_OF_MEMORY,
          "load with the host's allocator failing: %s (%s)", lhv1_verdict_name(v), st.message);
    lhv1_index_free(&idx);

    /* After all of liblhv1's work, cJSON still allocates through the host. */
    uint64_t before = host_calls;
    cJSON *o = cJSON_CreateObject();
    cJSON_Delete(o);
    CHECK(o && host_calls == before + 1,
          "the host's cJSON hooks were replaced: cJSON_CreateObject made %llu allocations "
          "through them", (unsigned long long)(host_calls - before));
    CHECK(host_live == 0, "%lld blocks of the host's allocator not freed", (long long)host_live);
    free(data);
    if (!failures)
        printf("the host's cJSON hooks survive liblhv1's load, dump and encode\n");
    return failures ? 1 : 0;
}
