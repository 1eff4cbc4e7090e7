/* Fault rules of `lhv1 serve` (docs/FAULTS.md): which request gets which
 * fault. The store faults are the in-process fault store's own kinds
 * (applied by that store through lhv1_fault_store_arm); the HTTP kinds
 * exist only over HTTP. */
#ifndef LHV1_SERVE_HTTP_FAULTS_H
#define LHV1_SERVE_HTTP_FAULTS_H

#include <cjson/cJSON.h>

#include "lhv1testing/fault_fields.h"
#include "lhv1testing/fault_store.h"
#include "serve.h"

/* The HTTP-only kinds (lhv1_http_fault_kind) and every field's checks come
 * from fault_kinds.json, like the store kinds: a rule is read by the
 * validation plan lines share (lhv1testing/fault_fields.h). */
typedef struct http_fault_decision {
    int rule_id;              /* 0: no rule fired */
    lhv1_fault store_fault;   /* kind NONE unless a store fault fired */
    lhv1_http_fault_kind http; /* LHV1_HTTP_FAULT_NONE unless an HTTP fault fired */
    uint64_t cut, delay_ms;
    unsigned retry_after;
    int done;
    char code[48];
} http_fault_decision;

typedef struct http_faults http_faults;

/* NULL on allocation failure. */
http_faults *http_faults_new(uint64_t seed);
void http_faults_free(http_faults *f);
/* A plan or an admin request's rules as JSON: exactly one document in
 * UTF-8, nothing after it but whitespace. NULL when it is not. */
cJSON *http_faults_parse(const char *text, size_t len);

/* The most rules a server holds (every request is matched against each). */
#define HTTP_FAULTS_MAX_RULES 10000
/* What wildcard key patterns may cost in all: each its bytes plus
 * HTTP_FAULTS_PATTERN_BASE. fnmatch runs on the event thread for every
 * request and every rule; at this bound a GET of a 1 KiB key pays at most
 * about 4 ms for it (10,000 rules of 500-byte patterns took 0.15 to 1.1 s;
 * 8192 rules of "*b" 68 ms). Rules without "key", with "*" or with a
 * literal key (no * ? [ \) are compared, not matched: not counted. */
#define HTTP_FAULTS_PATTERN_BASE 40
#define HTTP_FAULTS_MAX_PATTERN_BYTES 16384

/* Adds rules from JSON (one rule object, an array, or {"rules":[...]}),
 * all or none: an unknown field, a field given twice, a field the kind
 * does not take, a value out of its range, more than HTTP_FAULTS_MAX_RULES
 * rules or wildcard patterns past HTTP_FAULTS_MAX_PATTERN_BYTES refuse the
 * whole document. Returns how many were added, or
 * -1 with a reason in `why` (fault_kinds.json's words). */
int http_faults_add_json(http_faults *f, const cJSON *json, char *why, size_t why_len);
void http_faults_clear(http_faults *f);
/* Match counters, the random stream and the log start again. */
void http_faults_restart(http_faults *f);
/* The rules as a JSON array, each as written (the fields given, no
 * defaults) with its id and counters (caller frees). */
cJSON *http_faults_rules_json(const http_faults *f);
/* The decision log, one JSON object per line. */
void http_faults_log_text(const http_faults *f, lhv1_buf *out);

/* Whether some rule matches the operation on the key (nothing counted or
 * logged): when none does, the operation's decision is "no fault". */
int http_faults_matches(const http_faults *f, lhv1_store_op op, lhv1_bytes key);

/* Decides the fault of one operation on the store key (for a list, the
 * prefix) and logs the decision. Caller holds the server lock. */
void http_faults_decide(http_faults *f, lhv1_store_op op, lhv1_bytes key, size_t len,
                        http_fault_decision *d);

/* 1 when an HTTP fault answers in the operation's place: the store is
 * not asked (SlowDown, a 404 code, a reset before the operation). */
int http_faults_skips_operation(const http_fault_decision *d);

/* The store operations of the server, with the decision's store fault
 * applied by the fault store. Caller holds the server lock. A Put's
 * `owned`, when not NULL and holding exactly `body`, may be taken by the
 * store instead of copied (left empty then). */
int http_faults_put(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_bytes body, lhv1_buf *owned, lhv1_store_err *err);
int http_faults_get(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_buf *out, lhv1_store_err *err);
int http_faults_del(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_store_err *err);
int http_faults_list(serve_server *s, const http_fault_decision *d, lhv1_bytes prefix,
                     lhv1_key_list *out, lhv1_store_err *err);
/* What an HTTP-only fault does to the reply (after the operation);
 * fault_effects.c. */
void http_faults_http_effects(const http_fault_decision *d, serve_request *q, serve_reply *r);

#endif
