/* Times liblhv1 on LHV1 files: full verdict path (load + free), the
 * deterministic encoder, and a memcpy of the file (the bandwidth bound).
 * Prints one JSON object per file in the shape of bench/go:
 * {"file","bytes","iters","decode_ns","encode_ns","memcpy_ns"}.
 * With --rss FILE: loads FILE once and prints the process's peak RSS over
 * the file size ({"file","bytes","peak_rss_bytes","rss_factor"}), the input
 * buffer included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lhv1/index.h"

/* CPU time of the process, not wall time: on a shared machine the wall
 * clock measures the neighbours. bench/go measures the same way. */
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int read_all(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(n > 0 ? (size_t)n : 1);
    *len = *data ? fread(*data, 1, (size_t)n, f) : 0;
    fclose(f);
    return *data && *len == (size_t)n ? 0 : -1;
}

static long peak_rss_bytes(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss * 1024L;
}

/* Peak RSS of read + one strict load. The process's own baseline (libc,
 * the binary) is taken before the file is read and subtracted. */
static int rss_one(const char *path)
{
    long base = peak_rss_bytes();
    uint8_t *data;
    size_t len;
    if (read_all(path, &data, &len) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 2;
    }
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(data, len, NULL, &idx, &st);
    long peak = peak_rss_bytes() - base;
    lhv1_index_free(&idx);
    free(data);
    if (v != LHV1_OK) {
        fprintf(stderr, "%s: %s\n", path, st.message);
        return 1;
    }
    printf("{\"file\":\"%s\",\"bytes\":%zu,\"peak_rss_bytes\":%ld,\"rss_factor\":%.3f}\n",
           path, len, peak, (double)peak / (double)len);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--rss") == 0)
        return rss_one(argv[2]);
    double min_ns = 300e6;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--min-ms") == 0) {
        min_ns = atof(argv[2]) * 1e6;
        first = 3;
    }
    for (int i = first; i < argc; i++) {
        uint8_t *data;
        size_t len;
        if (read_all(argv[i], &data, &len) != 0) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            return 2;
        }
        lhv1_index idx;
        lhv1_status st;
        if (lhv1_index_load(data, len, NULL, &idx, &st) != LHV1_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], st.message);
            lhv1_index_free(&idx);
            return 1;
        }
        long iters = 0;
        double t0 = now_ns();
        while (now_ns() - t0 < min_ns || iters < 3) {
            lhv1_index tmp;
            lhv1_index_load(data, len, NULL, &tmp, &st);
            lhv1_index_free(&tmp);
            iters++;
        }
        double decode = (now_ns() - t0) / (double)iters;
        lhv1_buf out;
        lhv1_buf_init(&out);
        long eiters = 0;
        t0 = now_ns();
        while (now_ns() - t0 < min_ns || eiters < 3) {
            lhv1_buf_reset(&out);
            lhv1_index_encode(&idx, &out);
            eiters++;
        }
        double encode = (now_ns() - t0) / (double)eiters;
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy)
            return 2;
        memset(copy, 0, len); /* fault the pages in before timing */
        long citers = 0;
        t0 = now_ns();
        while (now_ns() - t0 < min_ns || citers < 3) {
            memcpy(copy, data, len);
            __asm__ volatile("" : : "r"(copy) : "memory"); /* keep the copy */
            citers++;
        }
        double copy_ns = (now_ns() - t0) / (double)citers;
        free(copy);
        printf("{\"file\":\"%s\",\"bytes\":%zu,\"iters\":%ld,\"decode_ns\":%.0f,"
               "\"encode_ns\":%.0f,\"memcpy_ns\":%.0f}\n",
               argv[i], len, iters, decode, encode, copy_ns);
        lhv1_buf_free(&out);
        lhv1_index_free(&idx);
        free(data);
    }
    return 0;
}
