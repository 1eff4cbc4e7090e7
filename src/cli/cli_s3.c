/* Inputs named s3://bucket/key, read through the S3 client store from the
 * endpoint given with --endpoint (credentials from the environment), at
 * most --max-object-size bytes like a local file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "s3_store.h"

const char *cli_endpoint;

int cli_read_input(const char *path, uint8_t **data, size_t *len, lhv1_status *st)
{
    if (strncmp(path, CLI_S3_SCHEME, strlen(CLI_S3_SCHEME)) != 0)
        return cli_read_object(path, data, len);
    *data = NULL;
    *len = 0;
    if (!cli_endpoint) {
        cli_error(path, "an s3:// object needs --endpoint URL");
        return -1;
    }
    char *bucket;
    const char *key;
    int parsed = lhv1_s3_parse_url(path, &bucket, &key);
    if (parsed == -2)
        return cli_out_of_memory(path), -1;
    if (parsed < 0 || !key[0]) {
        lhv1_s3_url_free(bucket);
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
            /* the caller frees with lhv1_free(); an empty object still needs a block */
            *data = out.data ? out.data : lhv1_malloc(1);
            *len = out.len;
            rc = 0;
            if (!*data)
                lhv1_store_oom(&err, "an empty object");
        } else {
            lhv1_buf_free(&out);
        }
        lhv1_store_destroy(s);
    }
    lhv1_s3_url_free(bucket);
    if (rc == 0 && *data)
        return 0;
    if (err.kind == LHV1_STORE_NOT_FOUND) {
        /* no object is a verdict, as lhv1 scan reports it */
        lhv1_fail(st, LHV1_R_KEY_MISSING, -1, "%s", err.body);
        return 1;
    }
    if (err.kind == LHV1_STORE_OUT_OF_MEMORY)
        return cli_out_of_memory(path), -1;
    char what[LHV1_STORE_BODY_MAX + 64];
    snprintf(what, sizeof what, "store-error: %s", err.body);
    cli_error(path, what);
    return -1;
}
