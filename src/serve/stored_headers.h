/* The headers S3 keeps with an object: PutObject's Content-Type,
 * Cache-Control, Expires, Content-Disposition, Content-Encoding,
 * Content-Language and x-amz-meta-*, given back by GetObject and
 * HeadObject (and set per request by GetObject's response-* arguments).
 *
 * They travel as one blob of "name\0value\0" pairs, names as S3 sends them
 * back (the standard ones capitalised, x-amz-meta-* in lower case), which
 * object_meta.c keeps beside the object: in memory for the memory backend,
 * in the file's extended attribute for the file backend. */
#ifndef LHV1_SERVE_STORED_HEADERS_H
#define LHV1_SERVE_STORED_HEADERS_H

#include "checksums.h"
#include "serve.h"

/* S3: "the user-defined metadata is limited to 2 KB", the bytes of each
 * name (after x-amz-meta-) and value. */
#define STORED_USER_META_MAX 2048
/* The whole blob: the user metadata and six standard headers, each no
 * longer than a request header line libmicrohttpd accepts. */
#define STORED_HEADERS_MAX 16384

/* The request's headers to keep, into out (reset first): 0, or -1 with
 * `r` filled: 400 MetadataTooLarge (user metadata over 2 KB), 400
 * InvalidArgument (a control character in a value, a name byte outside
 * RFC 9110's tchar), 400 RequestHeaderSectionTooLarge (over
 * STORED_HEADERS_MAX in all), 500 out of memory. What it accepts is what
 * stored_headers_valid accepts: every backend gives it back. */
int stored_headers_collect(const serve_request *q, lhv1_buf *out, serve_reply *r);

/* GetObject's response-* arguments: refused on an anonymous request as S3
 * does (400 InvalidRequest), and past 1023 bytes or with a control
 * character (400 InvalidArgument). 0, or -1 with `r` filled. */
int stored_headers_overrides_allowed(const serve_request *q, serve_reply *r);

/* Sets the reply's headers from a stored blob (possibly empty), then the
 * request's response-* arguments over them; Content-Type defaults to S3's
 * binary/octet-stream. The stored x-amz-checksum-* only when `checksums`
 * (x-amz-checksum-mode ENABLED on a read of the whole object), with
 * x-amz-checksum-type FULL_OBJECT. -1 when out of memory. */
int stored_headers_reply(const serve_request *q, serve_reply *r, lhv1_bytes blob,
                         int checksums);

/* The checksums a PutObject verified (put_body.h), appended to the blob as
 * x-amz-checksum-<alg> pairs: kept with the object like its headers. */
void stored_headers_add_checksums(lhv1_buf *blob, const char *const cksum[CKSUM_COUNT]);
/* The checksum pairs of `from` appended to `to` (a copy's body is its
 * source's, whatever its directive does to the headers). */
void stored_headers_copy_checksums(lhv1_buf *to, lhv1_bytes from);
/* The blob's checksum values by algorithm (NULL where it has none),
 * pointing into the blob. */
void stored_headers_checksums(lhv1_bytes blob, const char *out[CKSUM_COUNT]);
/* Removes the checksum pairs (a body the store did not take as sent). */
void stored_headers_drop_checksums(lhv1_buf *blob);
/* 1 if an upstream line ("Name: value") is a checksum's. */
int stored_headers_is_checksum_line(const char *line);

/* The proxy's side (upstream.h): the blob as "Name: value" lines for the
 * upstream's PutObject (Content-Type binary/octet-stream when it has
 * none), then the lines of `extra` (NULL-terminated, or NULL): one
 * NULL-terminated array in one allocation, free() it; NULL out of memory. */
char **stored_headers_lines(lhv1_bytes blob, const char *const *extra);
/* A header of the upstream's reply: appended to the blob in the lhv1_buf
 * `cls` if S3 keeps it with an object (an upstream_exchange `received`). */
void stored_headers_receive(void *cls, const char *name, const char *value);

/* 1 if blob is a well-formed one stored_headers_collect would accept
 * (what a file's attribute holds may have been written by hand). */
int stored_headers_valid(lhv1_bytes blob);

#endif
