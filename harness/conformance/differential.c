/* Differential check of lhv1_predict_go against Go itself, beyond the
 * goldens: reads the Go reference's "-behaviour" lines (file TAB
 * ok|error|panic|fatal TAB message), predicts each file, and prints every
 * disagreement: every one is a bug of src/go_predict.c or a rule of Go that
 * FORMAT.md 5a misses.
 *
 * Usage: lhv1_differential GO_BEHAVIOUR_TSV */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/index.h"
#include "manifest.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GO_BEHAVIOUR_TSV\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char line[8192];
    size_t n = 0, bad = 0, by[4] = {0};
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *go = strchr(line, '\t');
        char *msg = go ? strchr(go + 1, '\t') : NULL;
        if (!go || !msg) {
            fprintf(stderr, "bad line: %s\n", line);
            fclose(f);
            return 2;
        }
        *go++ = '\0';
        *msg++ = '\0';
        lhv1_buf body;
        lhv1_buf_init(&body);
        if (read_file(line, &body) != 0) {
            fprintf(stderr, "%s: cannot read\n", line);
            fclose(f);
            return 2;
        }
        char why[256];
        lhv1_go g = lhv1_predict_go(body.data, body.len, why, sizeof why);
        n++;
        by[g]++;
        if (strcmp(lhv1_go_name(g), go) != 0) {
            bad++;
            fprintf(stderr, "FAIL %s: Go did %s (%s), C predicts %s (%s)\n", line, go, msg,
                    lhv1_go_name(g), why);
        }
        lhv1_buf_free(&body);
    }
    fclose(f);
    printf("differential: %zu objects (predicted ok %zu, error %zu, panic %zu, fatal %zu): "
           "%zu disagree with Go\n",
           n, by[0], by[1], by[2], by[3], bad);
    return bad == 0 && n > 0 ? 0 : 1;
}
