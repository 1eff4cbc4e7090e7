/* The C writer's half of the reverse direction: every golden the spec calls
 * ok and Go dumped is loaded with lhv1_index_load, re-encoded with
 * lhv1_index_encode and put into a directory store as
 * STORE/_vectors/<name>.lhv1. Prints "<name> TAB <expected dump>" for each,
 * for each, for reverse.sh to compare with what the Go Persistor dumps.
 *
 * Usage: lhv1_reencode GOLDEN_DIR STORE_DIR */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lhv1/index.h"
#include "lhv1testing/golden_manifest.h"

static int write_file(const char *path, const lhv1_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(b->data, 1, b->len, f) != b->len;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GOLDEN_DIR STORE_DIR\n", argv[0]);
        return 2;
    }
    char path[4096], err[512];
    manifest m;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", argv[1]);
    if (manifest_read(path, &m, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    snprintf(path, sizeof path, "%s/_vectors", argv[2]);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 2;
    }
    int failed = 0, written = 0;
    for (size_t i = 0; i < m.n; i++) {
        const golden_row *r = &m.rows[i];
        if (strcmp(r->verdict, "ok") != 0 || strcmp(r->dump, "-") == 0)
            continue;
        lhv1_buf body, enc;
        lhv1_buf_init(&body);
        lhv1_buf_init(&enc);
        lhv1_index idx;
        lhv1_status st;
        snprintf(path, sizeof path, "%s/objects/%s", argv[1], r->file);
        if (read_file(path, &body) != 0) {
            fprintf(stderr, "%s: cannot read\n", path);
            failed++;
        } else if (lhv1_index_load(body.data, body.len, r->name, &idx, &st) != LHV1_OK) {
            fprintf(stderr, "%s: C says %s: %s\n", r->file, lhv1_reason_code(st.reason), st.message);
            failed++;
            if (idx.decoded)
                lhv1_index_free(&idx);
        } else {
            snprintf(path, sizeof path, "%s/_vectors/%s.lhv1", argv[2], r->name);
            if (lhv1_index_encode(&idx, &enc) != 0 || write_file(path, &enc) != 0) {
                fprintf(stderr, "%s: cannot encode or write %s\n", r->file, path);
                failed++;
            } else {
                printf("%s\t%s\t%s\n", r->name, r->dump, r->file);
                written++;
            }
            lhv1_index_free(&idx);
        }
        lhv1_buf_free(&body);
        lhv1_buf_free(&enc);
    }
    fprintf(stderr, "reencode: %d objects written, %d failed\n", written, failed);
    manifest_free(&m);
    return failed || written == 0 ? 1 : 0;
}
