/* lhv1 testee: liblhv1 as a testee of `lhv1 conform` (docs/CONFORMANCE.md).
 * load: liblhv1's verdict (ok, or error with verdict, reason and message)
 * and its canonical dump; save: the object liblhv1's writer makes of a
 * dump; use: an exact search over the loaded layer 0 and adds (liblhv1
 * has no HNSW search, lhv1testing/exact_search.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lhv1/index.h"
#include "lhv1/version.h"
#include "lhv1testing/dump_read.h"
#include "lhv1testing/exact_search.h"
#include "lhv1testing/testee_wire.h"

static const char help[] =
    "usage: lhv1 testee [--lhv1-only]\n"
    "Serves the testee protocol of docs/CONFORMANCE.md on stdin and stdout with\n"
    "liblhv1 (run it under `lhv1 conform -- lhv1 testee`). Capabilities: load,\n"
    "save, use (an exact search over layer 0: liblhv1 has no HNSW search) and\n"
    "lhv2; --lhv1-only reads as an LHV1-only reader does (no lhv2: an LHV2\n"
    "object is bad-format, frame-newer-format).\n"
    "Exit 0 at the end of its input, 2 on a cut message or a write error.\n";

typedef struct testee {
    int lhv1_only;
    uint8_t *body; /* the object of the last ok load: the index views it */
    lhv1_index idx;
    int loaded;
    lhv1_exact_index *exact; /* built at the first use after a load */
} testee;

static void forget(testee *t)
{
    if (t->loaded)
        lhv1_index_free(&t->idx);
    lhv1_exact_free(t->exact);
    free(t->body);
    t->body = NULL;
    t->exact = NULL;
    t->loaded = 0;
}

static void status_text(const lhv1_status *st, char *out, size_t n)
{
    snprintf(out, n, "%s: %s: %s", lhv1_verdict_name(st->verdict),
             lhv1_reason_code(st->reason), st->message);
}

static void on_load(testee *t, lhv1_testee_request *req, lhv1_buf *ans)
{
    lhv1_index idx;
    lhv1_status st;
    if (t->lhv1_only)
        lhv1_index_load(req->object, req->object_len, req->name, &idx, &st);
    else
        lhv1_index_load_any(req->object, req->object_len, req->name, &idx, NULL, &st);
    if (st.verdict != LHV1_OK) {
        if (idx.decoded)
            lhv1_index_free(&idx);
        char msg[sizeof st.message + 64];
        status_text(&st, msg, sizeof msg);
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, msg);
        return;
    }
    lhv1_buf dump;
    lhv1_buf_init(&dump);
    if (lhv1_index_dump(&idx, &dump) != 0) {
        lhv1_index_free(&idx);
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, "out-of-memory: out-of-memory: no dump");
    } else {
        lhv1_testee_ans_load(ans, dump.data, dump.len);
        forget(t);
        t->body = req->object; /* the index views it: kept */
        req->object = NULL;
        t->idx = idx;
        t->loaded = 1;
    }
    lhv1_buf_free(&dump);
}

static void on_save(testee *t, const lhv1_testee_request *req, lhv1_buf *ans)
{
    (void)t;
    lhv1_buf framed, out;
    lhv1_buf_init(&framed);
    lhv1_buf_init(&out);
    char err[256];
    lhv1_index idx;
    lhv1_status st;
    if (lhv1_dump_to_object(req->dump, req->dump_len, &framed, err, sizeof err) != 0) {
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, err);
    } else if (lhv1_index_load(framed.data, framed.len, req->name, &idx, &st),
               !idx.decoded) {
        char msg[sizeof st.message + 64];
        status_text(&st, msg, sizeof msg);
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, msg);
    } else {
        if (lhv1_index_encode(&idx, &out) != 0)
            lhv1_testee_ans_status(ans, LHV1_T_ERROR, "out-of-memory: out-of-memory: no object");
        else
            lhv1_testee_ans_save(ans, out.data, out.len);
        lhv1_index_free(&idx);
    }
    lhv1_buf_free(&framed);
    lhv1_buf_free(&out);
}

static void on_use(testee *t, const lhv1_testee_request *req, lhv1_buf *ans)
{
    if (!t->loaded) {
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, "no index loaded");
        return;
    }
    if (!t->exact && !(t->exact = lhv1_exact_from_index(&t->idx))) {
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, "out of memory");
        return;
    }
    lhv1_key_list *res = calloc(req->n_queries ? req->n_queries : 1, sizeof *res);
    const char *err = res ? NULL : "out of memory";
    for (size_t i = 0; !err && i < req->n_queries; i++)
        if (lhv1_exact_search(t->exact, req->queries[i].vector, req->queries[i].vector_len,
                              req->queries[i].k, &res[i]) != 0)
            err = "a query of another dimension, or out of memory";
    if (!err && req->has_add &&
        lhv1_exact_add(t->exact, req->add_key, req->add_vector.data, req->add_vector.len) != 0)
        err = "an added vector of another dimension, or out of memory";
    if (err)
        lhv1_testee_ans_status(ans, LHV1_T_ERROR, err);
    else
        lhv1_testee_ans_use(ans, res, req->n_queries, req->has_add,
                            (int64_t)lhv1_exact_count(t->exact));
    for (size_t i = 0; res && i < req->n_queries; i++) {
        for (size_t j = 0; j < res[i].n; j++)
            free((void *)res[i].keys[j].data);
        free(res[i].keys);
    }
    free(res);
}

int cmd_testee(int argc, char **argv)
{
    static const struct option opts[] = {
        {"lhv1-only", no_argument, NULL, '1'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    testee t = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case '1': t.lhv1_only = 1; break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("testee", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    unsigned caps = LHV1_CAP_LOAD | LHV1_CAP_SAVE | LHV1_CAP_USE | (t.lhv1_only ? 0 : LHV1_CAP_LHV2);
    char version[64];
    snprintf(version, sizeof version, "liblhv1 %s", lhv1_version());
    lhv1_buf msg, ans;
    lhv1_buf_init(&msg);
    lhv1_buf_init(&ans);
    int rc = EXIT_ALL_OK;
    for (;;) {
        int r = lhv1_testee_read_msg(0, &msg);
        if (r != 0) {
            if (r < 0) {
                fputs("lhv1 testee: a cut or oversized message on stdin\n", stderr);
                rc = EXIT_USAGE;
            }
            break;
        }
        lhv1_testee_request req;
        char why[256];
        lhv1_buf_reset(&ans);
        if (lhv1_testee_parse_request(msg.data, msg.len, &req, why, sizeof why) != 0) {
            lhv1_testee_ans_status(&ans, LHV1_T_ERROR, why);
        } else {
            switch (req.op) {
            case LHV1_OP_HELLO: lhv1_testee_ans_hello(&ans, "liblhv1", version, caps); break;
            case LHV1_OP_LOAD: on_load(&t, &req, &ans); break;
            case LHV1_OP_SAVE: on_save(&t, &req, &ans); break;
            case LHV1_OP_USE: on_use(&t, &req, &ans); break;
            default: lhv1_testee_ans_status(&ans, LHV1_T_UNSUPPORTED, NULL); break;
            }
            lhv1_testee_request_free(&req);
        }
        if (ans.failed) {
            lhv1_buf_reset(&ans);
            ans.failed = 0;
            lhv1_testee_ans_status(&ans, LHV1_T_ERROR, "out of memory");
        }
        if (lhv1_testee_write_msg(1, ans.data, ans.len) != 0) {
            fputs("lhv1 testee: cannot write to stdout\n", stderr);
            rc = EXIT_USAGE;
            break;
        }
    }
    forget(&t);
    lhv1_buf_free(&msg);
    lhv1_buf_free(&ans);
    return rc;
}
