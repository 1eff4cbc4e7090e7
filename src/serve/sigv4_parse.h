/* The parts of SigV4 that read what a client sent, with no HTTP library
 * under them, so a fuzz target can drive them (harness/fuzz/fuzz_sigv4.c):
 * the Authorization header, the x-amz-date stamp, the canonical query
 * string and the canonical forms of a path and a header value. Every
 * function bounds what it reads and writes; none allocates beyond `out`. */
#ifndef LHV1_SERVE_SIGV4_PARSE_H
#define LHV1_SERVE_SIGV4_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lhv1/bytes.h"

/* The most signed headers one request may name, and the longest name. */
#define SIGV4_MAX_SIGNED 64
#define SIGV4_NAME_MAX 64
/* The most query parameters a signed request may carry. */
#define SIGV4_MAX_QUERY 128

/* `Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/
 * aws4_request, SignedHeaders=a;b;c, Signature=HEX` */
typedef struct sigv4_authz {
    char key_id[128];
    char date[9];     /* YYYYMMDD, digits */
    char region[64];
    char service[32];
    char signed_headers[SIGV4_MAX_SIGNED * SIGV4_NAME_MAX]; /* as sent */
    size_t n_signed;
    char names[SIGV4_MAX_SIGNED][SIGV4_NAME_MAX]; /* lowercase, ascending */
    char signature[65]; /* 64 lowercase hex digits */
} sigv4_authz;

/* Parses an Authorization value. Each of Credential, SignedHeaders and
 * Signature exactly once, separated by "," and optional spaces; the
 * credential has five parts ending in aws4_request and an 8-digit date;
 * SignedHeaders holds 1 to SIGV4_MAX_SIGNED lowercase names, strictly
 * ascending; the signature is 64 lowercase hex digits. 0, or -1 with the
 * reason in `why`. */
int sigv4_parse_authorization(const char *value, sigv4_authz *out, char *why, size_t why_len);

/* 1 if `name` (lowercase) is among the signed headers. */
int sigv4_is_signed(const sigv4_authz *a, const char *name);

/* "YYYYMMDDTHHMMSSZ" (ISO 8601 basic, UTC, exactly 16 characters, a real
 * calendar date and time) into seconds since the epoch; 0 or -1. */
int sigv4_parse_amz_date(const char *s, int64_t *out);

/* The canonical query string of a raw query (the text after '?', not
 * including it; may be empty): each parameter split at its first '=',
 * name and value percent-decoded then encoded as SigV4 encodes them (only
 * A-Z a-z 0-9 - _ . ~ kept), sorted by name then value, joined by '&'
 * with "name=value". -1 on a bad percent-escape or more than
 * SIGV4_MAX_QUERY parameters. */
int sigv4_canonical_query(const char *raw, size_t len, lhv1_buf *out);

/* Appends s[0:n] encoded as SigV4 wants it (unreserved bytes kept, every
 * other byte %XX, uppercase hex). */
void sigv4_uri_encode(lhv1_buf *b, const uint8_t *s, size_t n);

/* Appends a header value in canonical form: leading and trailing spaces
 * and tabs dropped, each inner run of them one space. */
void sigv4_header_value(lhv1_buf *b, const char *v, size_t n);

#endif
