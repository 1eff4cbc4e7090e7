/* Inputs named s3://bucket/key, read through the S3 client store from the
 * endpoint given with --endpoint (credentials from the environment), at
 * most --max-object-size bytes like a local file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_store.h"
#include "cli.h"

const char *cli_endpoint;

int cli_read_input(const char *path, uint8_t **data, size_t *len)
{
    if (strncmp(path, "s3://", 5) != 0)
        return cli_read_object(path, data, len);
    *data = NULL;
    *len = 0;
    if (!cli_endpoint) {
        cli_error(path, "an s3:// object needs --endpoint URL");
        return -1;
    }
    char *bucket;
    const char *key;
    if (lhv1_s3_parse_url(path, &bucket, &key) < 0 || !key[0]) {
        free(bucket);
        cli_error(path, "not of the form s3://BUCKET/KEY");
        return -1;
    }
    lhv1_store_err err;
    lhv1_s3_config cfg = {.endpoint = cli_endpoint, .bucket = bucket, .max_object = cli_max_object};
    lhv1_store *s = lhv1_s3_store_from_env(&cfg, &err);
    int rc = -1;
    if (s) {
        lhv1_buf out;
        lhv1_buf_init(&out);
        if (lhv1_store_get(s, lhv1_bytes_str(key), &out, &err) == 0) {
            /* the caller frees with free(); an empty object still needs a block */
            *data = out.data ? out.data : malloc(1);
            *len = out.len;
            rc = *data ? 0 : -1;
        } else {
            lhv1_buf_free(&out);
        }
        lhv1_store_destroy(s);
    }
    if (rc < 0) {
        /* named as scan names the same outcome (verdicts, not store kinds) */
        char what[LHV1_STORE_BODY_MAX + 64];
        snprintf(what, sizeof what, "%s: %s",
                 err.kind == LHV1_STORE_NOT_FOUND       ? "missing"
                 : err.kind == LHV1_STORE_OUT_OF_MEMORY ? "out of memory: no verdict"
                                                        : "store-error",
                 err.body);
        cli_error(path, what);
    }
    free(bucket);
    return rc;
}
