/* testee_wire: the testee protocol codec (lhv1testing/testee_wire.h), on bytes a
 * testee under test sends (anything) and on requests. Each input is read
 * as every kind of message: the answer to hello, load, save and use, and a
 * request. Oracles:
 *   - nothing crashes, leaks or reads out of bounds (ASan, UBSan);
 *   - a message read as valid is valid: its outcome one of the four a
 *     testee may give, an ok answer has the fields its op gives it;
 *   - what was read writes back and reads back the same (answers through
 *     the testee's writers, requests through the runner's): outcome,
 *     message (up to its first NUL: the writers take C strings), dump,
 *     object, result keys, added, count, name, queries, the add. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_helpers.h"
#include "lhv1testing/testee_wire.h"

static int same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void check_reply(const uint8_t *data, size_t size, lhv1_testee_op op)
{
    lhv1_testee_reply r, back;
    char why[256];
    if (lhv1_testee_parse_reply(data, size, op, &r, why, sizeof why) != 0)
        return;
    FUZZ_ASSERT(r.outcome == LHV1_T_OK || r.outcome == LHV1_T_ERROR ||
                r.outcome == LHV1_T_PANIC || r.outcome == LHV1_T_UNSUPPORTED);
    lhv1_buf out;
    lhv1_buf_init(&out);
    if (r.outcome != LHV1_T_OK) {
        lhv1_testee_ans_status(&out, r.outcome, r.message);
    } else if (op == LHV1_OP_LOAD) {
        lhv1_testee_ans_load(&out, r.has_dump ? r.dump : NULL, r.dump_len);
    } else if (op == LHV1_OP_SAVE) {
        FUZZ_ASSERT(r.object != NULL || r.object_len == 0);
        lhv1_testee_ans_save(&out, r.object, r.object_len);
    } else {
        lhv1_testee_ans_use(&out, r.results, r.n_results, r.added, r.count);
    }
    FUZZ_ASSERT(!out.failed);
    FUZZ_ASSERT_MSG(lhv1_testee_parse_reply(out.data, out.len, op, &back, why, sizeof why) == 0,
                    "the written answer does not read back: %s", why);
    FUZZ_ASSERT(back.outcome == r.outcome);
    if (r.outcome != LHV1_T_OK) {
        const char *m = r.message ? r.message : "";
        FUZZ_ASSERT(back.message ? strcmp(back.message, m) == 0 : r.message == NULL);
    } else if (op == LHV1_OP_LOAD) {
        FUZZ_ASSERT(back.has_dump == r.has_dump);
        FUZZ_ASSERT(same_bytes(back.dump, back.dump_len, r.dump, r.dump_len));
    } else if (op == LHV1_OP_SAVE) {
        FUZZ_ASSERT(same_bytes(back.object, back.object_len, r.object, r.object_len));
    } else {
        FUZZ_ASSERT(back.n_results == r.n_results && back.added == r.added);
        FUZZ_ASSERT(back.has_count && back.count == (r.has_count ? r.count : 0));
        for (size_t i = 0; i < r.n_results; i++) {
            FUZZ_ASSERT(back.results[i].n == r.results[i].n);
            for (size_t j = 0; j < r.results[i].n; j++)
                FUZZ_ASSERT(lhv1_bytes_eq(back.results[i].keys[j], r.results[i].keys[j]));
        }
    }
    lhv1_testee_reply_free(&back);
    lhv1_testee_reply_free(&r);
    lhv1_buf_free(&out);
}

static void check_hello(const uint8_t *data, size_t size)
{
    lhv1_testee_hello h, back;
    char why[256];
    if (lhv1_testee_parse_hello(data, size, &h, why, sizeof why) != 0)
        return;
    FUZZ_ASSERT(h.caps < 16);
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_testee_ans_hello(&out, h.testee ? h.testee : "", h.version ? h.version : "", h.caps);
    FUZZ_ASSERT(!out.failed);
    FUZZ_ASSERT_MSG(lhv1_testee_parse_hello(out.data, out.len, &back, why, sizeof why) == 0,
                    "the written hello does not read back: %s", why);
    FUZZ_ASSERT(back.caps == h.caps);
    FUZZ_ASSERT(strcmp(back.testee, h.testee ? h.testee : "") == 0);
    lhv1_testee_hello_free(&back);
    lhv1_testee_hello_free(&h);
    lhv1_buf_free(&out);
}

static void check_request(const uint8_t *data, size_t size)
{
    lhv1_testee_request q, back;
    char why[256];
    if (lhv1_testee_parse_request(data, size, &q, why, sizeof why) != 0)
        return;
    lhv1_buf out;
    lhv1_buf_init(&out);
    switch (q.op) {
    case LHV1_OP_HELLO:
        lhv1_testee_req_hello(&out);
        break;
    case LHV1_OP_LOAD:
        lhv1_testee_req_load(&out, q.name, q.object, q.object_len);
        break;
    case LHV1_OP_SAVE:
        lhv1_testee_req_save(&out, q.name, q.dump, q.dump_len);
        break;
    case LHV1_OP_USE:
        lhv1_testee_req_use(&out, q.queries, q.n_queries, q.has_add ? &q.add_key : NULL,
                            q.add_vector.data, q.add_vector.len);
        break;
    default:
        lhv1_testee_request_free(&q);
        return;
    }
    FUZZ_ASSERT(!out.failed);
    FUZZ_ASSERT_MSG(lhv1_testee_parse_request(out.data, out.len, &back, why, sizeof why) == 0,
                    "the written request does not read back: %s", why);
    FUZZ_ASSERT(back.op == q.op);
    if (q.op == LHV1_OP_LOAD || q.op == LHV1_OP_SAVE)
        FUZZ_ASSERT(strcmp(back.name, q.name) == 0); /* up to a NUL, as written */
    if (q.op == LHV1_OP_LOAD)
        FUZZ_ASSERT(same_bytes(back.object, back.object_len, q.object, q.object_len));
    if (q.op == LHV1_OP_SAVE)
        FUZZ_ASSERT(same_bytes(back.dump, back.dump_len, q.dump, q.dump_len));
    if (q.op == LHV1_OP_USE) {
        FUZZ_ASSERT(back.n_queries == q.n_queries && back.has_add == q.has_add);
        for (size_t i = 0; i < q.n_queries; i++) {
            FUZZ_ASSERT(back.queries[i].k == q.queries[i].k);
            FUZZ_ASSERT(same_bytes(back.queries[i].vector, back.queries[i].vector_len,
                                   q.queries[i].vector, q.queries[i].vector_len));
        }
        if (q.has_add) {
            FUZZ_ASSERT(lhv1_bytes_eq(back.add_key, q.add_key));
            FUZZ_ASSERT(lhv1_bytes_eq(back.add_vector, q.add_vector));
        }
    }
    lhv1_testee_request_free(&back);
    lhv1_testee_request_free(&q);
    lhv1_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_hello(data, size);
    check_reply(data, size, LHV1_OP_LOAD);
    check_reply(data, size, LHV1_OP_SAVE);
    check_reply(data, size, LHV1_OP_USE);
    check_request(data, size);
    return 0;
}
