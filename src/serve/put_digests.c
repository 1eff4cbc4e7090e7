/* Verifying every digest of a PUT (see put_digests.h). */
#include "put_digests.h"

#include <string.h>

#include "checksums.h"

void put_digests_add(put_digests *l, int kind, const char *value)
{
    if (l->n == PUT_MAX_DIGESTS) {
        l->too_many = 1;
        return;
    }
    l->d[l->n].kind = kind;
    l->d[l->n].value = value;
    l->n++;
}

/* The digests of one body, each algorithm computed once however many
 * values name it. */
typedef struct computed {
    lhv1_bytes body;
    uint8_t md5[16];
    uint8_t got[CKSUM_COUNT][SERVE_DIGEST_MAX];
    size_t got_len[CKSUM_COUNT]; /* 0: not computed yet */
} computed;

static const uint8_t *digest_of(computed *c, serve_cksum_alg a, size_t *len)
{
    if (!c->got_len[a])
        c->got_len[a] = serve_cksum(a, c->body.data, c->body.len, c->got[a]);
    *len = c->got_len[a];
    return c->got[a];
}

static int verify_checksum(serve_request *q, serve_reply *r, computed *c, serve_cksum_alg a,
                           const char *b64)
{
    size_t n;
    const uint8_t *got = digest_of(c, a, &n);
    uint8_t want[SERVE_DIGEST_MAX + 4];
    if (serve_base64_decode(b64, want, sizeof want) != (long)n) {
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "Value for x-amz-checksum-%s header is invalid.", serve_cksum_name(a));
        return -1;
    }
    if (memcmp(want, got, n)) {
        char b[64];
        serve_base64(got, n, b, sizeof b);
        serve_reply_error(r, q, 400, "BadDigest",
                          "The %s you specified did not match the calculated checksum (%s).",
                          serve_cksum_name(a), b);
        return -1;
    }
    return 0;
}

static int verify_content_md5(serve_request *q, serve_reply *r, const computed *c,
                              const char *b64)
{
    uint8_t want[20];
    if (serve_base64_decode(b64, want, sizeof want) != 16) {
        serve_reply_error(r, q, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
        return -1;
    }
    if (memcmp(want, c->md5, 16)) {
        serve_reply_error(r, q, 400, "BadDigest",
                          "The Content-MD5 you specified did not match what we received.");
        return -1;
    }
    return 0;
}

int put_digests_verify(serve_request *q, serve_reply *r, const put_digests *l,
                       lhv1_bytes body, uint8_t md5[16])
{
    if (l->too_many) {
        serve_reply_error(r, q, 400, "InvalidRequest", "more than %d digests in one request",
                          PUT_MAX_DIGESTS);
        return -1;
    }
    computed c;
    c.body = body;
    memset(c.got_len, 0, sizeof c.got_len);
    serve_md5(body.data, body.len, c.md5); /* also the ETag */
    memcpy(md5, c.md5, 16);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < l->n; i++) {
            int k = l->d[i].kind;
            const char *v = l->d[i].value;
            int rc = pass == 0 ? (k == DIGEST_CONTENT_MD5 ? verify_content_md5(q, r, &c, v) : 0)
                               : (k < CKSUM_COUNT ? verify_checksum(q, r, &c, k, v) : 0);
            if (rc < 0)
                return -1;
        }
    return 0;
}
