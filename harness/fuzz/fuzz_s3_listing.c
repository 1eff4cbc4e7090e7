/* The S3 client's ListObjectsV2 page parser and error-code reader
 * (src/s3client/s3_reply.c) on any bytes. Oracles: the outcome and the keys
 * do not depend on how the bytes are split (libcurl hands a body over in
 * arbitrary pieces); an accepted page has a token exactly when truncated;
 * under a text bound small enough for inputs of max_len to pass (16 to 79
 * bytes), no key or token of an accepted page is longer; a page one byte
 * over its bound is refused; refusals carry a reason and are never
 * out-of-memory here. */
#include <string.h>

#include "fuzz_helpers.h"
#include "s3_reply.h"

static lhv1_s3_page *parse(const uint8_t *data, size_t size, size_t step, size_t max,
                           size_t max_text, int *rc)
{
    lhv1_s3_page *p = lhv1_s3_page_new(max, max_text);
    FUZZ_ASSERT(p != NULL);
    *rc = 0;
    for (size_t i = 0; i < size && *rc == 0; i += step)
        *rc = lhv1_s3_page_feed(p, data + i, size - i < step ? size - i : step);
    if (*rc == 0)
        *rc = lhv1_s3_page_end(p);
    FUZZ_ASSERT(*rc == 0 || *rc == -1);
    FUZZ_ASSERT((*rc == 0) == (lhv1_s3_page_error(p)[0] == 0));
    FUZZ_ASSERT(!lhv1_s3_page_oom(p));
    return p;
}

static int same_keys(const lhv1_key_list *a, const lhv1_key_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!lhv1_bytes_eq(a->keys[i], b->keys[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int whole_rc, piece_rc;
    lhv1_s3_page *whole =
        parse(data, size, size ? size : 1, LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX, &whole_rc);
    lhv1_s3_page *pieces =
        parse(data, size, 1 + size % 64, LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX, &piece_rc);
    FUZZ_ASSERT_MSG(whole_rc == piece_rc, "whole: %s; in pieces of %zu: %s",
                    lhv1_s3_page_error(whole), 1 + size % 64, lhv1_s3_page_error(pieces));
    if (whole_rc == 0) {
        FUZZ_ASSERT(same_keys(lhv1_s3_page_keys(whole), lhv1_s3_page_keys(pieces)));
        lhv1_bytes t = lhv1_s3_page_token(whole), u = lhv1_s3_page_token(pieces);
        FUZZ_ASSERT(lhv1_bytes_eq(t, u));
        FUZZ_ASSERT(lhv1_s3_page_truncated(whole) == lhv1_s3_page_truncated(pieces));
        FUZZ_ASSERT(lhv1_s3_page_truncated(whole) ? t.len > 0 : t.len == 0);
        int rc;
        size_t max_text = 16 + size % 64;
        lhv1_s3_page *narrow = parse(data, size, size ? size : 1, LHV1_S3_PAGE_MAX, max_text, &rc);
        if (rc == 0) {
            const lhv1_key_list *k = lhv1_s3_page_keys(narrow);
            for (size_t i = 0; i < k->n; i++) /* decoding never lengthens a key */
                FUZZ_ASSERT_MSG(k->keys[i].len <= max_text, "a key of %zu bytes under %zu",
                                k->keys[i].len, max_text);
            FUZZ_ASSERT(lhv1_s3_page_token(narrow).len <= max_text);
        }
        lhv1_s3_page_free(narrow);
        if (size) {
            lhv1_s3_page *tight = parse(data, size, size, size - 1, LHV1_S3_TEXT_MAX, &rc);
            FUZZ_ASSERT(rc == -1 && strstr(lhv1_s3_page_error(tight), "a page of more than"));
            lhv1_s3_page_free(tight);
        }
    }
    lhv1_s3_page_free(whole);
    lhv1_s3_page_free(pieces);

    char code[64];
    memset(code, 'x', sizeof code);
    int rc = lhv1_s3_error_code(data, size, code, sizeof code);
    FUZZ_ASSERT(rc == 0 || rc == -1);
    FUZZ_ASSERT(memchr(code, 0, sizeof code) != NULL);
    FUZZ_ASSERT(rc == 0 || code[0] == 0);
    return 0;
}
