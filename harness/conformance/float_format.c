/* liblhv1's float64 formatting (the dump's and the envelope encoder's
 * numbers, lhv1_json_number_append) against Go's, byte for byte. Reads the
 * lines of golden/gen/cmd/floatfmt on stdin: "<16 hex digits of the IEEE
 * bits> <Go's text>". Fails on any difference, or when fewer than MIN_VALUES
 * lines arrive (Go did not run). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_canon.h"

enum { MIN_VALUES = 100000, SHOW = 10 };

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fputs("usage: floatfmt | lhv1_float_format\n", stderr);
        return 2;
    }
    char line[128];
    unsigned long long compared = 0, differ = 0;
    lhv1_buf out;
    lhv1_buf_init(&out);
    while (fgets(line, sizeof line, stdin)) {
        char *end;
        uint64_t bits = strtoull(line, &end, 16);
        size_t n = strlen(line);
        if (end != line + 16 || *end != ' ' || n < 19 || line[n - 1] != '\n') {
            fprintf(stderr, "float_format: malformed line: %s", line);
            return 2;
        }
        line[n - 1] = '\0';
        const char *go = end + 1;
        double v;
        memcpy(&v, &bits, sizeof v);
        lhv1_buf_reset(&out);
        lhv1_json_number_append(&out, v);
        lhv1_buf_putc(&out, '\0');
        if (out.failed) {
            fputs("float_format: out of memory\n", stderr);
            return 2;
        }
        compared++;
        if (strcmp((const char *)out.data, go) != 0 && differ++ < SHOW)
            fprintf(stderr, "float_format: %016" PRIx64 ": liblhv1 %s, Go %s\n", bits,
                    (const char *)out.data, go);
    }
    lhv1_buf_free(&out);
    printf("float_format: %llu doubles compared with Go, %llu differ\n", compared, differ);
    if (compared < MIN_VALUES) {
        fprintf(stderr, "float_format: only %llu values from Go (want >= %d)\n", compared,
                MIN_VALUES);
        return 1;
    }
    return differ ? 1 : 0;
}
