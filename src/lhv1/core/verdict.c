/* Reason-code table and status helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "lhv1/verdict.h"

static const struct {
    const char *code;
    lhv1_verdict verdict;
} reasons[] = {
#define LHV1_REASON_ROW(id, code, verdict) {code, verdict},
    LHV1_REASONS(LHV1_REASON_ROW)
#undef LHV1_REASON_ROW
};

static const char *const verdict_names[LHV1_VERDICT_COUNT] = {
    "ok", "missing", "store-error", "bad-format", "decode-error", "inconsistent",
    "out-of-memory",
};

static const char *const go_names[] = {"ok", "error", "panic", "fatal"};

const char *lhv1_verdict_name(lhv1_verdict v)
{
    return (unsigned)v < LHV1_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

const char *lhv1_reason_code(lhv1_reason r)
{
    return (unsigned)r < LHV1_REASON_COUNT ? reasons[r].code : "unknown";
}

lhv1_verdict lhv1_reason_verdict(lhv1_reason r)
{
    return (unsigned)r < LHV1_REASON_COUNT ? reasons[r].verdict : LHV1_DECODE_ERROR;
}

lhv1_reason lhv1_reason_from_code(const char *code)
{
    for (int i = 0; i < LHV1_REASON_COUNT; i++)
        if (strcmp(reasons[i].code, code) == 0)
            return (lhv1_reason)i;
    return LHV1_REASON_COUNT;
}

const char *lhv1_go_name(lhv1_go g)
{
    return (unsigned)g <= LHV1_GO_FATAL ? go_names[g] : "unknown";
}

void lhv1_status_ok(lhv1_status *st)
{
    st->verdict = LHV1_OK;
    st->reason = LHV1_R_NONE;
    st->offset = -1;
    st->message[0] = '\0';
}

/* Messages quote bytes from the input (keys, names) and may cut them at a
 * length limit: keep them one line of valid UTF-8 for every consumer. */
static void sanitize(char *msg)
{
    size_t n = strlen(msg), i = 0;
    uint8_t *p = (uint8_t *)msg;
    while (i < n) {
        size_t bad = i + lhv1_utf8_invalid_at(p + i, n - i);
        for (; i < bad; i++)
            if (p[i] < 0x20 || p[i] == 0x7f)
                p[i] = '?';
        if (i < n)
            p[i++] = '?';
    }
}

const char *lhv1_show(lhv1_bytes k, char out[LHV1_SHOW_MAX])
{
    size_t o = 0, i = 0;
    while (i < k.len && o < 52) {
        uint8_t c = k.data[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        uint32_t cp;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out[o++] = (char)c;
        } else if (len > 1 && len <= k.len - i &&
                   lhv1_utf8_invalid_at(k.data + i, len) == len &&
                   !lhv1_utf8_invisible(k.data + i, len, &cp)) {
            memcpy(out + o, k.data + i, len); /* printable UTF-8 stays readable */
            o += len;
            i += len;
            continue;
        } else {
            o += (size_t)snprintf(out + o, LHV1_SHOW_MAX - o, "\\x%02x", c);
        }
        i++;
    }
    if (i < k.len)
        o += (size_t)snprintf(out + o, LHV1_SHOW_MAX - o, "...");
    out[o] = '\0';
    return out;
}

int lhv1_fail(lhv1_status *st, lhv1_reason r, int64_t offset, const char *fmt, ...)
{
    st->reason = r;
    st->verdict = lhv1_reason_verdict(r);
    st->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    sanitize(st->message);
    return -1;
}

void lhv1_status_rebase(lhv1_status *st, int64_t base)
{
    if (st->offset >= 0)
        st->offset += base;
}
