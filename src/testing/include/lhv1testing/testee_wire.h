/* The testee protocol's messages (docs/CONFORMANCE.md), both sides: what
 * `lhv1 conform` sends and reads, and what a testee written on liblhv1
 * (`lhv1 testee`) reads and answers. A message is a 4-byte little-endian
 * length and that many bytes of UTF-8 JSON, one object; at most
 * LHV1_TESTEE_MSG_MAX bytes. Keys travel as the dump's KEY (a string when
 * the bytes are UTF-8, else {"hex":"..."}), objects as standard base64,
 * vectors as the hex of their float32 little-endian bytes. */
#ifndef LHV1_TESTEE_WIRE_H
#define LHV1_TESTEE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_TESTEE_PROTOCOL 1
#define LHV1_TESTEE_MSG_MAX (256u << 20)

/* Capabilities a testee lists in its hello. */
enum {
    LHV1_CAP_LOAD = 1,
    LHV1_CAP_SAVE = 2,
    LHV1_CAP_USE = 4,
    LHV1_CAP_LHV2 = 8, /* it reads LHV2 objects too (docs/LHV2.md) */
};

typedef enum lhv1_testee_op {
    LHV1_OP_HELLO,
    LHV1_OP_LOAD,
    LHV1_OP_SAVE,
    LHV1_OP_USE,
    LHV1_OP_UNKNOWN
} lhv1_testee_op;

/* What a testee did with one request. The first four are its answers;
 * crash and timeout are the runner's findings (the process died, closed
 * its stdout, sent a malformed message, or did not answer in time). */
typedef enum lhv1_testee_outcome {
    LHV1_T_OK,
    LHV1_T_ERROR,
    LHV1_T_PANIC,
    LHV1_T_UNSUPPORTED,
    LHV1_T_CRASH,
    LHV1_T_TIMEOUT,
    LHV1_T_OUTCOME_COUNT
} lhv1_testee_outcome;

const char *lhv1_testee_outcome_name(lhv1_testee_outcome o);

typedef struct lhv1_testee_hello {
    int64_t protocol;
    char *testee;  /* malloc'd */
    char *version; /* malloc'd */
    unsigned caps; /* LHV1_CAP_* */
} lhv1_testee_hello;

/* A list of keys (bytes), one per result of one query. */
typedef struct lhv1_key_list {
    lhv1_bytes *keys; /* each malloc'd */
    size_t n;
} lhv1_key_list;

typedef struct lhv1_testee_reply {
    lhv1_testee_outcome outcome;
    char *message;      /* its message (error, panic), or the runner's finding; malloc'd or NULL */
    int has_dump;       /* load: a dump (not null) */
    uint8_t *dump;      /* malloc'd */
    size_t dump_len;
    uint8_t *object;    /* save */
    size_t object_len;
    lhv1_key_list *results; /* use: one list per query */
    size_t n_results;
    int added;          /* use: "added": true */
    int has_count;
    int64_t count;      /* use: the node count after the request */
} lhv1_testee_reply;

void lhv1_testee_reply_free(lhv1_testee_reply *r);
void lhv1_testee_hello_free(lhv1_testee_hello *h);

/* --- the runner's side ------------------------------------------------ */

typedef struct lhv1_use_query {
    const uint8_t *vector; /* float32 little-endian bytes */
    size_t vector_len;
    int k;
} lhv1_use_query;

/* Requests, appended to `out` as JSON (without the length prefix). */
void lhv1_testee_req_hello(lhv1_buf *out);
void lhv1_testee_req_load(lhv1_buf *out, const char *name, const uint8_t *obj, size_t len);
void lhv1_testee_req_save(lhv1_buf *out, const char *name, const uint8_t *dump, size_t len);
/* add_key NULL: no add. */
void lhv1_testee_req_use(lhv1_buf *out, const lhv1_use_query *q, size_t n, lhv1_bytes *add_key,
                         const uint8_t *add_vec, size_t add_vec_len);

/* Reads a hello answer. 0, or -1 with why (malformed). */
int lhv1_testee_parse_hello(const uint8_t *msg, size_t len, lhv1_testee_hello *h, char *why,
                            size_t why_len);
/* Reads the answer to a request of kind `op`. 0, or -1 with why when it
 * is not a well-formed answer to that op (the runner then calls it a
 * crash). */
int lhv1_testee_parse_reply(const uint8_t *msg, size_t len, lhv1_testee_op op,
                            lhv1_testee_reply *r, char *why, size_t why_len);

/* --- a testee's side ---------------------------------------------------- */

typedef struct lhv1_testee_request {
    lhv1_testee_op op;
    int64_t protocol;       /* hello */
    char *name;             /* load, save: malloc'd */
    uint8_t *object;        /* load */
    size_t object_len;
    uint8_t *dump;          /* save */
    size_t dump_len;
    lhv1_use_query *queries; /* use: vectors malloc'd */
    size_t n_queries;
    int has_add;
    lhv1_bytes add_key, add_vector; /* malloc'd */
} lhv1_testee_request;

/* 0, or -1 with why. An unknown op parses as LHV1_OP_UNKNOWN. */
int lhv1_testee_parse_request(const uint8_t *msg, size_t len, lhv1_testee_request *req,
                              char *why, size_t why_len);
void lhv1_testee_request_free(lhv1_testee_request *req);

/* Answers, appended to `out` as JSON. */
void lhv1_testee_ans_hello(lhv1_buf *out, const char *testee, const char *version, unsigned caps);
/* outcome error or panic with a message, or unsupported. */
void lhv1_testee_ans_status(lhv1_buf *out, lhv1_testee_outcome o, const char *message);
/* load ok; dump NULL: "dump": null. */
void lhv1_testee_ans_load(lhv1_buf *out, const uint8_t *dump, size_t len);
void lhv1_testee_ans_save(lhv1_buf *out, const uint8_t *obj, size_t len);
void lhv1_testee_ans_use(lhv1_buf *out, const lhv1_key_list *results, size_t n, int added,
                         int64_t count);

/* --- framing on file descriptors (blocking) ---------------------------- */

/* One message from fd into `msg` (reset first). 0, 1 at a clean end of
 * input (no byte), -1 on a read error, a cut message or one too large. */
int lhv1_testee_read_msg(int fd, lhv1_buf *msg);
/* The length prefix and the message. 0 or -1. */
int lhv1_testee_write_msg(int fd, const uint8_t *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
