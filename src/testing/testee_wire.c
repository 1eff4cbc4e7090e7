/* The testee protocol's messages (lhv1testing/testee_wire.h). JSON is written
 * here with liblhv1's string escaping (the dump's STR and KEY) and read
 * with json_walk, which keeps the exact bytes of every string. */
#include "lhv1testing/testee_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "json_walk.h"
#include "fail_why.h"

static const char *const outcome_names[] = {"ok", "error", "panic", "unsupported", "crash",
                                            "timeout"};

const char *lhv1_testee_outcome_name(lhv1_testee_outcome o)
{
    return (unsigned)o < LHV1_T_OUTCOME_COUNT ? outcome_names[o] : "?";
}

void lhv1_testee_reply_free(lhv1_testee_reply *r)
{
    free(r->message);
    free(r->dump);
    free(r->object);
    for (size_t i = 0; i < r->n_results; i++) {
        for (size_t j = 0; j < r->results[i].n; j++)
            free((void *)r->results[i].keys[j].data);
        free(r->results[i].keys);
    }
    free(r->results);
    memset(r, 0, sizeof *r);
}

void lhv1_testee_hello_free(lhv1_testee_hello *h)
{
    free(h->testee);
    free(h->version);
    memset(h, 0, sizeof *h);
}

/* --- writing ----------------------------------------------------------- */

static void put_str(lhv1_buf *out, const char *s)
{
    lhv1_json_str_append(out, lhv1_bytes_str(s));
}

static void put_base64(lhv1_buf *out, const uint8_t *p, size_t n)
{
    size_t room = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    lhv1_buf_putc(out, '"');
    if (lhv1_buf_reserve(out, room) == 0) {
        sodium_bin2base64((char *)out->data + out->len, room, p, n,
                          sodium_base64_VARIANT_ORIGINAL);
        out->len += room - 1; /* without its NUL */
    }
    lhv1_buf_putc(out, '"');
}

static void put_hex(lhv1_buf *out, const uint8_t *p, size_t n)
{
    lhv1_buf_putc(out, '"');
    lhv1_hex_append(out, p, n);
    lhv1_buf_putc(out, '"');
}

void lhv1_testee_req_hello(lhv1_buf *out)
{
    lhv1_buf_printf(out, "{\"op\":\"hello\",\"protocol\":%d}", LHV1_TESTEE_PROTOCOL);
}

void lhv1_testee_req_load(lhv1_buf *out, const char *name, const uint8_t *obj, size_t len)
{
    lhv1_buf_puts(out, "{\"op\":\"load\",\"name\":");
    put_str(out, name);
    lhv1_buf_puts(out, ",\"object\":");
    put_base64(out, obj, len);
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_req_save(lhv1_buf *out, const char *name, const uint8_t *dump, size_t len)
{
    lhv1_buf_puts(out, "{\"op\":\"save\",\"name\":");
    put_str(out, name);
    lhv1_buf_puts(out, ",\"dump\":");
    lhv1_json_str_append(out, (lhv1_bytes){dump, len});
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_req_use(lhv1_buf *out, const lhv1_use_query *q, size_t n, lhv1_bytes *add_key,
                         const uint8_t *add_vec, size_t add_vec_len)
{
    lhv1_buf_puts(out, "{\"op\":\"use\",\"queries\":[");
    for (size_t i = 0; i < n; i++) {
        lhv1_buf_puts(out, i ? ",{\"vector\":" : "{\"vector\":");
        put_hex(out, q[i].vector, q[i].vector_len);
        lhv1_buf_printf(out, ",\"k\":%d}", q[i].k);
    }
    lhv1_buf_putc(out, ']');
    if (add_key) {
        lhv1_buf_puts(out, ",\"add\":{\"key\":");
        lhv1_json_key_append(out, *add_key);
        lhv1_buf_puts(out, ",\"vector\":");
        put_hex(out, add_vec, add_vec_len);
        lhv1_buf_putc(out, '}');
    }
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_ans_hello(lhv1_buf *out, const char *testee, const char *version, unsigned caps)
{
    lhv1_buf_printf(out, "{\"protocol\":%d,\"testee\":", LHV1_TESTEE_PROTOCOL);
    put_str(out, testee);
    lhv1_buf_puts(out, ",\"version\":");
    put_str(out, version);
    lhv1_buf_puts(out, ",\"capabilities\":[");
    static const char *const names[] = {"load", "save", "use", "lhv2"};
    int first = 1;
    for (unsigned i = 0; i < 4; i++)
        if (caps & (1u << i)) {
            lhv1_buf_printf(out, "%s\"%s\"", first ? "" : ",", names[i]);
            first = 0;
        }
    lhv1_buf_puts(out, "]}");
}

void lhv1_testee_ans_status(lhv1_buf *out, lhv1_testee_outcome o, const char *message)
{
    lhv1_buf_printf(out, "{\"outcome\":\"%s\"", lhv1_testee_outcome_name(o));
    if (message) {
        lhv1_buf_puts(out, ",\"message\":");
        put_str(out, message);
    }
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_ans_load(lhv1_buf *out, const uint8_t *dump, size_t len)
{
    lhv1_buf_puts(out, "{\"outcome\":\"ok\",\"dump\":");
    if (dump)
        lhv1_json_str_append(out, (lhv1_bytes){dump, len});
    else
        lhv1_buf_puts(out, "null");
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_ans_save(lhv1_buf *out, const uint8_t *obj, size_t len)
{
    lhv1_buf_puts(out, "{\"outcome\":\"ok\",\"object\":");
    put_base64(out, obj, len);
    lhv1_buf_putc(out, '}');
}

void lhv1_testee_ans_use(lhv1_buf *out, const lhv1_key_list *results, size_t n, int added,
                         int64_t count)
{
    lhv1_buf_puts(out, "{\"outcome\":\"ok\",\"results\":[");
    for (size_t i = 0; i < n; i++) {
        lhv1_buf_puts(out, i ? ",[" : "[");
        for (size_t j = 0; j < results[i].n; j++) {
            if (j)
                lhv1_buf_putc(out, ',');
            lhv1_json_key_append(out, results[i].keys[j]);
        }
        lhv1_buf_putc(out, ']');
    }
    lhv1_buf_printf(out, "],\"added\":%s,\"count\":%lld}", added ? "true" : "false",
                    (long long)count);
}

/* --- reading ----------------------------------------------------------- */

static int decode_base64(jw_val v, uint8_t **out, size_t *len)
{
    uint8_t *b64;
    size_t n;
    if (jw_string(v, &b64, &n) != 0)
        return -1;
    uint8_t *bin = malloc(n / 4 * 3 + 1);
    const char *end = NULL;
    int rc = -1;
    if (bin && sodium_base642bin(bin, n / 4 * 3 + 1, (const char *)b64, n, NULL, len, &end,
                                 sodium_base64_VARIANT_ORIGINAL) == 0 &&
        end == (const char *)b64 + n) {
        *out = bin;
        bin = NULL;
        rc = 0;
    }
    free(bin);
    free(b64);
    return rc;
}

static int decode_hex(jw_val v, uint8_t **out, size_t *len)
{
    uint8_t *hex;
    size_t n;
    if (jw_string(v, &hex, &n) != 0)
        return -1;
    uint8_t *bin = malloc(n / 2 + 1);
    const char *end = NULL;
    int rc = -1;
    if (bin && n % 2 == 0 &&
        sodium_hex2bin(bin, n / 2 + 1, (const char *)hex, n, NULL, len, &end) == 0 &&
        end == (const char *)hex + n) {
        *out = bin;
        bin = NULL;
        rc = 0;
    }
    free(bin);
    free(hex);
    return rc;
}

/* The dump's KEY: a string, or {"hex":"..."}. */
static int decode_key(jw_val v, lhv1_bytes *key)
{
    uint8_t *p;
    size_t n;
    jw_val hex;
    if (jw_type_of(v) == JW_STRING) {
        if (jw_string(v, &p, &n) != 0)
            return -1;
    } else if (jw_type_of(v) == JW_OBJECT && jw_member(v, "hex", &hex)) {
        if (decode_hex(hex, &p, &n) != 0)
            return -1;
    } else {
        return -1;
    }
    *key = (lhv1_bytes){p, n};
    return 0;
}

static int optional_string(jw_val obj, const char *name, char **out)
{
    jw_val v;
    size_t n;
    *out = NULL;
    if (!jw_member(obj, name, &v) || jw_type_of(v) == JW_NULL)
        return 0;
    return jw_string(v, (uint8_t **)out, &n);
}

int lhv1_testee_parse_hello(const uint8_t *msg, size_t len, lhv1_testee_hello *h, char *why,
                            size_t why_len)
{
    memset(h, 0, sizeof *h);
    jw_val root, v, cap;
    if (jw_parse(msg, len, &root, why, why_len) != 0)
        return -1;
    if (jw_type_of(root) != JW_OBJECT)
        return lhv1_fail_why(why, why_len, "the hello answer is not a JSON object");
    if (!jw_member(root, "protocol", &v) || jw_int(v, &h->protocol) != 0)
        return lhv1_fail_why(why, why_len, "the hello answer has no integer \"protocol\"");
    if (optional_string(root, "testee", &h->testee) != 0 ||
        optional_string(root, "version", &h->version) != 0) {
        lhv1_testee_hello_free(h);
        return lhv1_fail_why(why, why_len, "\"testee\" or \"version\" is not a string");
    }
    if (!jw_member(root, "capabilities", &v) || jw_type_of(v) != JW_ARRAY) {
        lhv1_testee_hello_free(h);
        return lhv1_fail_why(why, why_len, "the hello answer has no \"capabilities\" array");
    }
    static const char *const names[] = {"load", "save", "use", "lhv2"};
    size_t pos = 0;
    while (jw_next(v, &pos, &cap)) {
        if (jw_type_of(cap) != JW_STRING) {
            lhv1_testee_hello_free(h);
            return lhv1_fail_why(why, why_len, "a capability is not a string");
        }
        for (unsigned i = 0; i < 4; i++)
            if (jw_string_is(cap, names[i]))
                h->caps |= 1u << i;
    }
    return 0;
}

static int parse_results(jw_val arr, lhv1_testee_reply *r)
{
    size_t n = jw_count(arr), pos = 0;
    r->results = calloc(n ? n : 1, sizeof *r->results);
    if (!r->results)
        return -1;
    jw_val list, key;
    while (jw_next(arr, &pos, &list)) {
        if (jw_type_of(list) != JW_ARRAY)
            return -1;
        lhv1_key_list *kl = &r->results[r->n_results++];
        size_t m = jw_count(list), kpos = 0;
        kl->keys = calloc(m ? m : 1, sizeof *kl->keys);
        if (!kl->keys)
            return -1;
        while (jw_next(list, &kpos, &key))
            if (decode_key(key, &kl->keys[kl->n++]) != 0) {
                kl->n--;
                return -1;
            }
    }
    return 0;
}

int lhv1_testee_parse_reply(const uint8_t *msg, size_t len, lhv1_testee_op op,
                            lhv1_testee_reply *r, char *why, size_t why_len)
{
    memset(r, 0, sizeof *r);
    jw_val root, v;
    if (jw_parse(msg, len, &root, why, why_len) != 0)
        return -1;
    if (jw_type_of(root) != JW_OBJECT)
        return lhv1_fail_why(why, why_len, "the answer is not a JSON object");
    static const lhv1_testee_outcome answers[] = {LHV1_T_OK, LHV1_T_ERROR, LHV1_T_PANIC,
                                                  LHV1_T_UNSUPPORTED};
    int found = 0;
    if (jw_member(root, "outcome", &v))
        for (size_t i = 0; i < 4 && !found; i++)
            if (jw_string_is(v, lhv1_testee_outcome_name(answers[i]))) {
                r->outcome = answers[i];
                found = 1;
            }
    if (!found)
        return lhv1_fail_why(why, why_len, "no \"outcome\" of ok, error, panic or unsupported");
    if (optional_string(root, "message", &r->message) != 0)
        goto bad_message;
    if (r->outcome != LHV1_T_OK)
        return 0;
    switch (op) {
    case LHV1_OP_LOAD:
        if (!jw_member(root, "dump", &v))
            goto bad;
        if (jw_type_of(v) == JW_NULL)
            return 0;
        if (jw_string(v, &r->dump, &r->dump_len) != 0)
            goto bad;
        r->has_dump = 1;
        return 0;
    case LHV1_OP_SAVE:
        if (!jw_member(root, "object", &v) || decode_base64(v, &r->object, &r->object_len) != 0)
            goto bad;
        return 0;
    case LHV1_OP_USE:
        if (!jw_member(root, "results", &v) || jw_type_of(v) != JW_ARRAY ||
            parse_results(v, r) != 0)
            goto bad;
        if (jw_member(root, "added", &v)) {
            int b = jw_bool(v);
            if (b < 0)
                goto bad;
            r->added = b;
        }
        if (jw_member(root, "count", &v)) {
            if (jw_int(v, &r->count) != 0)
                goto bad;
            r->has_count = 1;
        }
        return 0;
    default:
        return 0;
    }
bad:
    lhv1_testee_reply_free(r);
    return lhv1_fail_why(why, why_len,
                         "an ok answer to %s without the fields the protocol gives it",
                         op == LHV1_OP_LOAD ? "load" : op == LHV1_OP_SAVE ? "save" : "use");
bad_message:
    lhv1_testee_reply_free(r);
    return lhv1_fail_why(why, why_len, "\"message\" is not a string");
}

void lhv1_testee_request_free(lhv1_testee_request *req)
{
    free(req->name);
    free(req->object);
    free(req->dump);
    for (size_t i = 0; i < req->n_queries; i++)
        free((void *)req->queries[i].vector);
    free(req->queries);
    free((void *)req->add_key.data);
    free((void *)req->add_vector.data);
    memset(req, 0, sizeof *req);
}

static int parse_use(jw_val root, lhv1_testee_request *req)
{
    jw_val qs, q, v;
    if (!jw_member(root, "queries", &qs) || jw_type_of(qs) != JW_ARRAY)
        return -1;
    size_t n = jw_count(qs), pos = 0;
    req->queries = calloc(n ? n : 1, sizeof *req->queries);
    if (!req->queries)
        return -1;
    while (jw_next(qs, &pos, &q)) {
        lhv1_use_query *uq = &req->queries[req->n_queries];
        int64_t k;
        uint8_t *vec;
        if (!jw_member(q, "k", &v) || jw_int(v, &k) != 0 || k < 1 || k > 1000000 ||
            !jw_member(q, "vector", &v) || decode_hex(v, &vec, &uq->vector_len) != 0)
            return -1;
        uq->vector = vec;
        uq->k = (int)k;
        req->n_queries++;
    }
    jw_val add;
    if (!jw_member(root, "add", &add) || jw_type_of(add) == JW_NULL)
        return 0;
    uint8_t *vec;
    size_t vec_len;
    if (!jw_member(add, "key", &v) || decode_key(v, &req->add_key) != 0 ||
        !jw_member(add, "vector", &v) || decode_hex(v, &vec, &vec_len) != 0)
        return -1;
    req->add_vector = (lhv1_bytes){vec, vec_len};
    req->has_add = 1;
    return 0;
}

int lhv1_testee_parse_request(const uint8_t *msg, size_t len, lhv1_testee_request *req,
                              char *why, size_t why_len)
{
    memset(req, 0, sizeof *req);
    jw_val root, op, v;
    size_t n;
    if (jw_parse(msg, len, &root, why, why_len) != 0)
        return -1;
    if (!jw_member(root, "op", &op) || jw_type_of(op) != JW_STRING)
        return lhv1_fail_why(why, why_len, "a request without \"op\"");
    req->op = jw_string_is(op, "hello") ? LHV1_OP_HELLO
              : jw_string_is(op, "load") ? LHV1_OP_LOAD
              : jw_string_is(op, "save") ? LHV1_OP_SAVE
              : jw_string_is(op, "use")  ? LHV1_OP_USE
                                         : LHV1_OP_UNKNOWN;
    int bad = 0;
    switch (req->op) {
    case LHV1_OP_HELLO:
        bad = !jw_member(root, "protocol", &v) || jw_int(v, &req->protocol) != 0;
        break;
    case LHV1_OP_LOAD:
        bad = !jw_member(root, "name", &v) || jw_string(v, (uint8_t **)&req->name, &n) != 0 ||
              !jw_member(root, "object", &v) ||
              decode_base64(v, &req->object, &req->object_len) != 0;
        break;
    case LHV1_OP_SAVE:
        bad = !jw_member(root, "name", &v) || jw_string(v, (uint8_t **)&req->name, &n) != 0 ||
              !jw_member(root, "dump", &v) || jw_string(v, &req->dump, &req->dump_len) != 0;
        break;
    case LHV1_OP_USE:
        bad = parse_use(root, req) != 0;
        break;
    default:
        break;
    }
    if (bad) {
        lhv1_testee_request_free(req);
        return lhv1_fail_why(why, why_len, "a malformed request");
    }
    return 0;
}

/* --- framing ------------------------------------------------------------ */

/* 1 when n bytes were read, 0 at end of input before any, -1 otherwise. */
static int read_full(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

int lhv1_testee_read_msg(int fd, lhv1_buf *msg)
{
    uint8_t hdr[4];
    lhv1_buf_reset(msg);
    int r = read_full(fd, hdr, 4);
    if (r <= 0)
        return r == 0 ? 1 : -1;
    uint32_t len = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
                   (uint32_t)hdr[3] << 24;
    if (len > LHV1_TESTEE_MSG_MAX)
        return -1;
    /* Grows as bytes arrive: a length field alone reserves nothing. */
    uint8_t chunk[65536];
    while (msg->len < len) {
        size_t want = len - msg->len < sizeof chunk ? len - msg->len : sizeof chunk;
        if (read_full(fd, chunk, want) != 1 || lhv1_buf_append(msg, chunk, want) != 0)
            return -1;
    }
    return 0;
}

static int write_full(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int lhv1_testee_write_msg(int fd, const uint8_t *msg, size_t len)
{
    if (len > LHV1_TESTEE_MSG_MAX)
        return -1;
    uint8_t hdr[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
                      (uint8_t)(len >> 24)};
    return write_full(fd, hdr, 4) == 0 && write_full(fd, msg, len) == 0 ? 0 : -1;
}
