/* golden/MANIFEST.tsv (written by golden/gen from what Go did) and
 * golden/KNOWN_DIVERGENCES.txt, read into memory: by the golden
 * conformance tests and by `lhv1 conform`. Testing library only. */
#ifndef LHV1_CONFORMANCE_MANIFEST_H
#define LHV1_CONFORMANCE_MANIFEST_H

#include <stddef.h>

#include "lhv1/bytes.h"

typedef struct golden_row {
    char *file;       /* objects/<file> */
    char *sha256;
    char *verdict;    /* the spec's verdict */
    char *reason;     /* the spec's reason code */
    char *go;         /* ok | error | panic | fatal, as Go behaved */
    char *go_message;
    char *dump;       /* expected/<stem>.dump, or "-" */
    char *about;
    char name[256];   /* the object name: file without prefix and ".lhv1" */
} golden_row;

typedef struct manifest {
    golden_row *rows;
    size_t n;
    char *text; /* the file; rows point into it */
} manifest;

/* Returns 0, or -1 with a message in err. */
int manifest_read(const char *path, manifest *m, char *err, size_t err_len);
void manifest_free(manifest *m);

/* Known divergences: lines "<file>:<aspect>  # expected message". */
typedef struct known_list {
    char **ids;
    size_t n;
    char *text;
} known_list;

int known_read(const char *path, known_list *k, char *err, size_t err_len);
int known_has(const known_list *k, const char *id);
void known_free(known_list *k);

/* Whole file into `out` (binary safe). Returns 0 or -1. */
int read_file(const char *path, lhv1_buf *out);

#endif
