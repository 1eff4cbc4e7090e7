/* Digests and checksums through kept libraries (see checksums.h). */
/* MD5() is the one-shot digest of libcrypto's low-level API, deprecated
 * in OpenSSL 3 in favour of EVP_Digest, which allocates and frees a
 * context per call: a third of the cost of hashing a 1 KiB body. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "checksums.h"

#include <isa-l/crc.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

static const char *const names[CKSUM_COUNT] = {"crc32", "crc32c", "sha1", "sha256"};
static const char *const headers[CKSUM_COUNT] = {"x-amz-checksum-crc32", "x-amz-checksum-crc32c",
                                                 "x-amz-checksum-sha1", "x-amz-checksum-sha256"};

const char *serve_cksum_header(serve_cksum_alg a)
{
    return (unsigned)a < CKSUM_COUNT ? headers[a] : "x-amz-checksum-unknown";
}

const char *serve_cksum_name(serve_cksum_alg a)
{
    return (unsigned)a < CKSUM_COUNT ? names[a] : "unknown";
}

serve_cksum_alg serve_cksum_from_header(const char *header)
{
    static const char prefix[] = "x-amz-checksum-";
    if (strncasecmp(header, prefix, sizeof prefix - 1) != 0)
        return CKSUM_COUNT;
    for (int a = 0; a < CKSUM_COUNT; a++)
        if (!strcasecmp(header + sizeof prefix - 1, names[a]))
            return (serve_cksum_alg)a;
    return CKSUM_COUNT;
}

/* SHA-1, fetched once: EVP_sha1() makes libcrypto look the provider's
 * implementation up again on every EVP_Digest call. */
static EVP_MD *sha1_md;

static void evp_digest(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out)
{
    unsigned int n = 0;
    EVP_Digest(data, len, out, &n, md, NULL);
}

void serve_md5(const uint8_t *data, size_t len, uint8_t out[16])
{
    MD5(data, len, out);
}

int serve_md5_fd(int fd, uint8_t out[16])
{
    enum { CHUNK = 1 << 20 };
    uint8_t *buf = malloc(CHUNK);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int e = !buf || !ctx || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL) ? ENOMEM : 0;
    for (off_t off = 0; !e;) {
        ssize_t n = pread(fd, buf, CHUNK, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            e = errno;
        else if (n == 0)
            break;
        else if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
            e = ENOMEM;
        else
            off += n;
    }
    unsigned int len = 0;
    if (!e && !EVP_DigestFinal_ex(ctx, out, &len))
        e = ENOMEM;
    EVP_MD_CTX_free(ctx);
    free(buf);
    return e;
}

void serve_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    crypto_hash_sha256(out, data, len);
}

void serve_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                       size_t msg_len, uint8_t out[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, msg, msg_len);
    crypto_auth_hmacsha256_final(&st, out);
}

static void put_be32(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

size_t serve_cksum(serve_cksum_alg a, const uint8_t *data, size_t len,
                   uint8_t out[SERVE_DIGEST_MAX])
{
    switch (a) {
    case CKSUM_CRC32: {
        /* zlib's crc32 takes a uInt length: feed large bodies in pieces. */
        uLong c = crc32(0L, Z_NULL, 0);
        for (size_t off = 0; off < len;) {
            size_t n = len - off > (1u << 30) ? (1u << 30) : len - off;
            c = crc32(c, data + off, (uInt)n);
            off += n;
        }
        put_be32(out, (uint32_t)c);
        return 4;
    }
    case CKSUM_CRC32C: {
        /* ISA-L's crc32_iscsi works on the inverted register. */
        uint32_t c = 0xffffffffu;
        for (size_t off = 0; off < len;) {
            size_t n = len - off > (1u << 30) ? (1u << 30) : len - off;
            c = crc32_iscsi((unsigned char *)(uintptr_t)(data + off), (int)n, c);
            off += n;
        }
        put_be32(out, ~c);
        return 4;
    }
    case CKSUM_SHA1:
        evp_digest(sha1_md ? sha1_md : EVP_sha1(), data, len, out);
        return 20;
    case CKSUM_SHA256:
        serve_sha256(data, len, out);
        return 32;
    default:
        return 0;
    }
}

void serve_hex(const uint8_t *data, size_t len, char *out)
{
    sodium_bin2hex(out, 2 * len + 1, data, len);
}

void serve_base64(const uint8_t *data, size_t len, char *out, size_t out_len)
{
    if (out_len < sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL)) {
        if (out_len)
            out[0] = 0;
        return;
    }
    sodium_bin2base64(out, out_len, data, len, sodium_base64_VARIANT_ORIGINAL);
}

long serve_base64_decode(const char *b64, uint8_t *out, size_t out_cap)
{
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, out_cap, b64, strlen(b64), NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        *end != 0)
        return -1;
    return (long)n;
}

int serve_crypto_init(void)
{
    if (!sha1_md)
        sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
    return sodium_init() < 0 || !sha1_md ? -1 : 0;
}
