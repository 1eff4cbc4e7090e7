/* The runner's hold on its testee (conform_session.h). */
#include "conform_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How much of the stderr tail goes into a crash's message. */
/* A testee's start (an interpreter, `go run`) can take far longer than a
 * case on a loaded machine; --timeout bounds cases, not the start. */
enum { STDERR_IN_MESSAGE = 2048, HELLO_TIMEOUT_MS_MIN = 120000 };

char *conform_clean_text(const uint8_t *p, size_t n, size_t max)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    for (size_t i = 0; i < n && b.len < max;) {
        uint8_t c = p[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t cp;
        if (c == '\\') {
            lhv1_buf_puts(&b, "\\\\");
        } else if (c == '\n') {
            lhv1_buf_puts(&b, "\\n");
        } else if (c >= 0x20 && c < 0x7F) {
            lhv1_buf_putc(&b, c);
        } else if (c >= 0x80 && len <= n - i && lhv1_utf8_invalid_at(p + i, len) == len &&
                   !lhv1_utf8_invisible(p + i, len, &cp)) {
            lhv1_buf_append(&b, p + i, len);
            i += len;
            continue;
        } else {
            lhv1_buf_printf(&b, "\\x%02x", c);
        }
        i++;
        if (i < n && b.len >= max)
            lhv1_buf_puts(&b, "...");
    }
    lhv1_buf_putc(&b, '\0');
    if (b.failed) {
        lhv1_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* "<why>; stderr: <its last bytes>" */
static char *crash_message(const lhv1_testee_proc *t, const char *why)
{
    uint8_t tail[STDERR_IN_MESSAGE];
    size_t n = lhv1_testee_proc_stderr(t, tail, sizeof tail);
    char *clean = conform_clean_text(tail, n, 2 * STDERR_IN_MESSAGE);
    size_t len = strlen(why) + (clean ? strlen(clean) : 0) + 32;
    char *m = malloc(len);
    if (m)
        snprintf(m, len, "%s%s%s", why, clean && *clean ? "; stderr: " : "",
                 clean ? clean : "");
    free(clean);
    return m;
}

int session_start(conform_session *s)
{
    char why[512];
    s->proc = lhv1_testee_proc_start(s->argv, why, sizeof why);
    if (!s->proc) {
        snprintf(s->err, sizeof s->err, "%s", why);
        return -1;
    }
    lhv1_buf req, resp;
    lhv1_buf_init(&req);
    lhv1_buf_init(&resp);
    lhv1_testee_req_hello(&req);
    lhv1_testee_hello h;
    int rc = -1;
    unsigned hello_ms = s->timeout_ms > HELLO_TIMEOUT_MS_MIN ? s->timeout_ms : HELLO_TIMEOUT_MS_MIN;
    lhv1_xchg x = lhv1_testee_proc_exchange(s->proc, req.data, req.len, hello_ms, &resp, why,
                                            sizeof why);
    if (x != LHV1_XCHG_OK) {
        char *m = crash_message(s->proc, why);
        snprintf(s->err, sizeof s->err, "the testee did not answer hello (%s): %s",
                 x == LHV1_XCHG_TIMEOUT ? "timeout" : "crash", m ? m : why);
        free(m);
    } else if (lhv1_testee_parse_hello(resp.data, resp.len, &h, why, sizeof why) != 0) {
        snprintf(s->err, sizeof s->err, "the testee's hello answer is malformed: %s", why);
    } else if (h.protocol != LHV1_TESTEE_PROTOCOL) {
        snprintf(s->err, sizeof s->err,
                 "the testee speaks testee protocol %lld; this runner speaks protocol %d only",
                 (long long)h.protocol, LHV1_TESTEE_PROTOCOL);
        lhv1_testee_hello_free(&h);
    } else if (!(h.caps & LHV1_CAP_LOAD)) {
        snprintf(s->err, sizeof s->err, "the testee does not list the capability \"load\"");
        lhv1_testee_hello_free(&h);
    } else if (s->headroom &&
               lhv1_testee_proc_limit(s->proc, s->headroom, why, sizeof why) != 0) {
        snprintf(s->err, sizeof s->err, "%s", why);
        lhv1_testee_hello_free(&h);
    } else {
        if (s->hello.testee || s->hello.caps)
            lhv1_testee_hello_free(&h); /* a restart: the first hello stands */
        else
            s->hello = h;
        rc = 0;
    }
    lhv1_buf_free(&req);
    lhv1_buf_free(&resp);
    if (rc != 0) {
        lhv1_testee_proc_stop(s->proc, 0);
        s->proc = NULL;
    }
    return rc;
}

int session_call(conform_session *s, lhv1_testee_op op, const lhv1_buf *req,
                 lhv1_testee_reply *rep)
{
    return session_call_overlapped(s, op, req, rep, NULL, NULL);
}

int session_call_overlapped(conform_session *s, lhv1_testee_op op, const lhv1_buf *req,
                            lhv1_testee_reply *rep, void (*while_waiting)(void *), void *ctx)
{
    memset(rep, 0, sizeof *rep);
    if (req->failed) {
        snprintf(s->err, sizeof s->err, "out of memory building a request");
        return -1;
    }
    lhv1_buf resp;
    lhv1_buf_init(&resp);
    char why[512], parse_why[200];
    lhv1_xchg x = lhv1_testee_proc_exchange_overlapped(s->proc, req->data, req->len,
                                                       s->timeout_ms, &resp, why, sizeof why,
                                                       while_waiting, ctx);
    if (x == LHV1_XCHG_OK &&
        lhv1_testee_parse_reply(resp.data, resp.len, op, rep, parse_why, sizeof parse_why) == 0) {
        lhv1_buf_free(&resp);
        return 0;
    }
    if (x == LHV1_XCHG_OK) { /* a malformed answer: its state is unknown */
        char end[200];
        lhv1_testee_proc_kill(s->proc, end, sizeof end);
        snprintf(why, sizeof why, "malformed answer (%s); %s", parse_why, end);
    }
    lhv1_buf_free(&resp);
    rep->outcome = x == LHV1_XCHG_TIMEOUT ? LHV1_T_TIMEOUT : LHV1_T_CRASH;
    rep->message = crash_message(s->proc, why);
    lhv1_testee_proc_stop(s->proc, 0);
    s->proc = NULL;
    s->restarts++;
    if (session_start(s) != 0) {
        static const char prefix[] = "restarting the testee failed: ";
        size_t keep = sizeof s->err - sizeof prefix;
        memmove(s->err + sizeof prefix - 1, s->err, keep);
        memcpy(s->err, prefix, sizeof prefix - 1);
        s->err[sizeof s->err - 1] = '\0';
        return -1;
    }
    return 0;
}

void session_stop(conform_session *s)
{
    lhv1_testee_proc_stop(s->proc, 2000);
    s->proc = NULL;
    lhv1_testee_hello_free(&s->hello);
}
