/* Digests and checksums S3 clients send, each computed by a kept library:
 * MD5 and SHA-1 by OpenSSL's libcrypto, SHA-256 by libsodium, CRC-32 by
 * zlib, CRC-32C by ISA-L. Base64 by libsodium. */
#ifndef LHV1_SERVE_CHECKSUMS_H
#define LHV1_SERVE_CHECKSUMS_H

#include <stddef.h>
#include <stdint.h>

/* The x-amz-checksum-* algorithms: one row each (header suffix, digest
 * length). */
typedef enum serve_cksum_alg {
    CKSUM_CRC32 = 0,
    CKSUM_CRC32C,
    CKSUM_SHA1,
    CKSUM_SHA256,
    CKSUM_COUNT
} serve_cksum_alg;

#define SERVE_DIGEST_MAX 32

/* "crc32", "crc32c", "sha1", "sha256" (the header suffix). */
const char *serve_cksum_name(serve_cksum_alg a);
/* "x-amz-checksum-crc32", ...: the header (or trailer) name. */
const char *serve_cksum_header(serve_cksum_alg a);
/* The algorithm of a header name like "x-amz-checksum-crc32c" (any case), or
 * CKSUM_COUNT when it is not one we know. */
serve_cksum_alg serve_cksum_from_header(const char *header);
/* Raw digest of data into out; returns its length. */
size_t serve_cksum(serve_cksum_alg a, const uint8_t *data, size_t len,
                   uint8_t out[SERVE_DIGEST_MAX]);

/* MD5 of data (16 bytes). */
void serve_md5(const uint8_t *data, size_t len, uint8_t out[16]);
/* MD5 of a whole file, read in pieces from offset 0 (an object larger
 * than memory is fine): 0, or an errno value. */
int serve_md5_fd(int fd, uint8_t out[16]);
/* SHA-256 (32 bytes). */
void serve_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
/* HMAC-SHA-256 (32 bytes). */
void serve_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                       size_t msg_len, uint8_t out[32]);

/* Lowercase hex into out (2*len+1 bytes). */
void serve_hex(const uint8_t *data, size_t len, char *out);
/* Standard base64 with padding into out (sodium_base64_ENCODED_LEN bytes;
 * 64 is enough for any digest above). */
void serve_base64(const uint8_t *data, size_t len, char *out, size_t out_len);
/* Decodes standard base64; returns the decoded length or -1. */
long serve_base64_decode(const char *b64, uint8_t *out, size_t out_cap);

/* Initialises libsodium and fetches libcrypto's SHA-1 once (the server
 * calls it before its threads start); 0 or -1. */
int serve_crypto_init(void);

#endif
