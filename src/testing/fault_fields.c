/* One validation of plan lines and lhv1 serve rules, and the plan-line
 * syntax (lhv1testing/fault_fields.h). */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "internal.h" /* lhv1_utf8_valid */
#include "lhv1testing/fault_fields.h"
#include "fail_why.h"

typedef struct field_row {
    const char *name;
    int in_plan, common;
    lhv1_field_type type;
    unsigned long long max;
    const char *refusal;
} field_row;

static const field_row fields[] = {
#define FIELD_ROW(id, name, in_plan, common, type, max, refusal) \
    {name, in_plan, common, type, max, refusal},
    LHV1_FAULT_FIELDS(FIELD_ROW)
#undef FIELD_ROW
};

typedef struct kind_row {
    const char *name;
    int http;
    lhv1_store_op op;
    unsigned takes;
} kind_row;

/* Store kinds by lhv1_fault_kind, then the HTTP kinds in their order. */
static const kind_row kinds[] = {
#define KIND_ROW(name, http, op, takes) {name, http, op, takes},
    LHV1_FAULT_ALL_KINDS(KIND_ROW)
#undef KIND_ROW
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

_Static_assert(N_KINDS == LHV1_FAULT_KIND_COUNT + LHV1_HTTP_FAULT_KIND_COUNT - 1,
               "the kinds of LHV1_FAULT_ALL_KINDS are the store and HTTP kinds");
_Static_assert(LHV1_FIELD_COUNT <= 32, "field sets are unsigned bit sets");

const char *lhv1_fault_field_name(lhv1_fault_field f)
{
    return (unsigned)f < LHV1_FIELD_COUNT ? fields[f].name : "unknown";
}

lhv1_field_type lhv1_fault_field_type(lhv1_fault_field f)
{
    return fields[f].type;
}

int lhv1_fault_field_common(lhv1_fault_field f)
{
    return (unsigned)f < LHV1_FIELD_COUNT && fields[f].common;
}

int lhv1_fault_kind_takes(lhv1_fault_kind k, lhv1_fault_field f)
{
    return (unsigned)k < LHV1_FAULT_KIND_COUNT && (unsigned)f < LHV1_FIELD_COUNT &&
           (kinds[k].takes >> f & 1);
}

const char *lhv1_http_fault_kind_name(lhv1_http_fault_kind k)
{
    if (k == LHV1_HTTP_FAULT_NONE)
        return "none";
    if ((unsigned)k >= LHV1_HTTP_FAULT_KIND_COUNT)
        return "unknown";
    return kinds[LHV1_FAULT_KIND_COUNT + k - 1].name;
}

static int field_of(const char *name)
{
    for (int f = 0; f < LHV1_FIELD_COUNT; f++)
        if (!strcmp(fields[f].name, name))
            return f;
    return -1;
}

static int is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Whether the value is in the field's type and range. */
static int value_ok(const field_row *f, const lhv1_fault_item *it)
{
    switch (f->type) {
    case LHV1_FIELD_TYPE_UINT:
    case LHV1_FIELD_TYPE_PLACE: /* a place is read by place_of */
        return it->type == LHV1_VALUE_UINT && (!f->max || it->u <= f->max);
    case LHV1_FIELD_TYPE_BOOL:
        return it->type == LHV1_VALUE_BOOL;
    case LHV1_FIELD_TYPE_REPLY:
        return it->type == LHV1_VALUE_UINT && (it->u == 200 || it->u == 503);
    case LHV1_FIELD_TYPE_PROBABILITY: {
        double p = it->type == LHV1_VALUE_UINT ? (double)it->u : it->d;
        return (it->type == LHV1_VALUE_UINT || it->type == LHV1_VALUE_NUMBER) && p > 0 &&
               p <= 1;
    }
    case LHV1_FIELD_TYPE_PATTERN:
        return it->type == LHV1_VALUE_STRING && strlen(it->s) < 512 &&
               lhv1_utf8_valid(lhv1_bytes_str(it->s));
    case LHV1_FIELD_TYPE_OP:
        if (it->type != LHV1_VALUE_STRING)
            return 0;
        if (!strcmp(it->s, "any"))
            return 1;
        for (int op = 0; op < LHV1_OP_COUNT; op++)
            if (!strcmp(it->s, lhv1_store_op_name((lhv1_store_op)op)))
                return 1;
        return 0;
    case LHV1_FIELD_TYPE_S3CODE: {
        if (it->type != LHV1_VALUE_STRING || !it->s[0] || strlen(it->s) >= 48 ||
            !strcmp(it->s, "NoSuchKey"))
            return 0;
        for (const char *c = it->s; *c; c++)
            if (!is_alnum(*c))
                return 0;
        return 1;
    }
    }
    return 0;
}

static int op_of(const char *name)
{
    for (int op = 0; op < LHV1_OP_COUNT; op++)
        if (!strcmp(name, lhv1_store_op_name((lhv1_store_op)op)))
            return op;
    return LHV1_OP_COUNT; /* "any" */
}

static void store_value(lhv1_fault_spec *s, int f, const lhv1_fault_item *it)
{
    switch ((lhv1_fault_field)f) {
    case LHV1_FIELD_OP: s->op = op_of(it->s); break;
    case LHV1_FIELD_KEY: snprintf(s->key, sizeof s->key, "%s", it->s); break;
    case LHV1_FIELD_NTH: s->nth = it->u; break;
    case LHV1_FIELD_PERSISTENT: s->persistent = it->b; break;
    case LHV1_FIELD_PROBABILITY:
        s->probability = it->type == LHV1_VALUE_UINT ? (double)it->u : it->d;
        break;
    case LHV1_FIELD_CUT: s->cut = it->u; break;
    case LHV1_FIELD_BIT: s->bit = it->u; break;
    case LHV1_FIELD_REPLY: s->reply = (unsigned)it->u; break;
    case LHV1_FIELD_LAG: s->lag = it->u; break;
    case LHV1_FIELD_DELAY_MS: s->delay_ms = it->u; break;
    case LHV1_FIELD_RETRY_AFTER: s->retry_after = (unsigned)it->u; break;
    case LHV1_FIELD_DONE: s->done = it->b; break;
    case LHV1_FIELD_CODE: snprintf(s->code, sizeof s->code, "%s", it->s); break;
    default: break;
    }
}

int lhv1_fault_spec_read(lhv1_fault_spec *s, lhv1_fault_syntax syntax,
                         const lhv1_fault_item *items, size_t n, char *why, size_t why_len)
{
    memset(s, 0, sizeof *s);
    s->store_kind = LHV1_FAULT_NONE;
    s->http_kind = LHV1_HTTP_FAULT_NONE;
    s->op = LHV1_OP_COUNT;
    snprintf(s->key, sizeof s->key, "*");
    s->reply = 503;
    s->retry_after = 1;
    snprintf(s->code, sizeof s->code, "NoSuchBucket");
    if (why_len)
        why[0] = 0;

    /* 1. Every field known, each once: of two, one would silently do nothing. */
    const lhv1_fault_item *kind = NULL;
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        int f = field_of(items[i].name);
        int is_kind = !strcmp(items[i].name, "kind");
        if (f < 0 && !is_kind)
            return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_UNKNOWN_FIELD, items[i].name);
        unsigned bit = is_kind ? 1u << LHV1_FIELD_COUNT : 1u << f;
        if (seen & bit)
            return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_TWICE, items[i].name);
        seen |= bit;
        if (is_kind)
            kind = &items[i];
    }

    /* 2. The kind. */
    if (!kind || kind->type != LHV1_VALUE_STRING)
        return lhv1_fail_why(why, why_len, "%s",
                             syntax == LHV1_SYNTAX_PLAN ? LHV1_FAULT_REASON_EMPTY_LINE
                                                        : LHV1_FAULT_REASON_NO_KIND);
    size_t k = 1; /* 0 is "none", no fault */
    while (k < N_KINDS && strcmp(kinds[k].name, kind->s))
        k++;
    if (k == N_KINDS)
        return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_UNKNOWN_KIND, kind->s);
    const kind_row *kr = &kinds[k];
    if (kr->http && syntax == LHV1_SYNTAX_PLAN)
        return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_HTTP_IN_PLAN, kr->name);
    if (kr->http)
        s->http_kind = (lhv1_http_fault_kind)(k - LHV1_FAULT_KIND_COUNT + 1);
    else
        s->store_kind = (lhv1_fault_kind)k, s->op = kr->op;

    /* 3. Each field in the order written. */
    for (size_t i = 0; i < n; i++) {
        const lhv1_fault_item *it = &items[i];
        if (it == kind)
            continue;
        int f = field_of(it->name);
        const field_row *fr = &fields[f];
        if (!fr->common && !(kr->takes >> f & 1))
            return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_NOT_TAKEN, kr->name, fr->name);
        if (syntax == LHV1_SYNTAX_PLAN && !fr->in_plan)
            return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_RULE_ONLY, fr->name);
        if (fr->type == LHV1_FIELD_TYPE_PLACE && it->type == LHV1_VALUE_STRING) {
            /* A place (plan_offset.h, its one parser): plan lines only, the
             * fault store resolving it in the object the fault acts on. */
            lhv1_plan_offset at;
            if (lhv1_plan_offset_parse(it->s, strlen(it->s), &at, NULL, 0) < 0 ||
                at.n_steps == 0)
                return lhv1_fail_why(why, why_len, "%s", fr->refusal);
            if (syntax == LHV1_SYNTAX_RULE)
                return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_PLACE_IN_RULE, fr->name);
            if (at.old && !(f == LHV1_FIELD_CUT && s->store_kind == LHV1_FAULT_PUT_TORN_OVER_OLD))
                return lhv1_fail_why(why, why_len, "%s", LHV1_FAULT_REASON_OLD_PLACE);
            s->at = at;
            s->given[s->n_given++] = (unsigned char)f;
            continue;
        }
        if (!value_ok(fr, it))
            return lhv1_fail_why(why, why_len, "%s", fr->refusal);
        if (f == LHV1_FIELD_OP && !kr->http && op_of(it->s) != (int)kr->op)
            return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_WRONG_OP, kr->name,
                                 lhv1_store_op_name(kr->op));
        store_value(s, f, it);
        s->given[s->n_given++] = (unsigned char)f;
    }
    return 0;
}

void lhv1_fault_spec_fault(const lhv1_fault_spec *s, lhv1_fault *out)
{
    memset(out, 0, sizeof *out);
    out->kind = s->store_kind;
    out->nth = s->nth;
    out->persistent = s->persistent;
    out->cut = s->cut;
    out->bit = s->bit;
    out->ack = s->reply == 200;
    out->lag = s->lag;
}

/* --- plan lines --------------------------------------------------------- */

/* A plan line's value: decimal digits are an unsigned integer (when they
 * fit in 64 bits), true and false a bool, anything else text. */
static void plan_value(lhv1_fault_item *it, const char *text)
{
    it->type = LHV1_VALUE_STRING;
    it->s = text;
    if (!strcmp(text, "true") || !strcmp(text, "false")) {
        it->type = LHV1_VALUE_BOOL;
        it->b = text[0] == 't';
        return;
    }
    uint64_t v = 0;
    const char *c = text;
    for (; *c >= '0' && *c <= '9'; c++) {
        if (v > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
            return;
        v = v * 10 + (uint64_t)(*c - '0');
    }
    if (c != text && !*c) {
        it->type = LHV1_VALUE_UINT;
        it->u = v;
    }
}

int lhv1_fault_parse(const char *line, lhv1_fault *out, lhv1_plan_offset *at, char *why,
                     size_t why_len)
{
    memset(out, 0, sizeof *out);
    memset(at, 0, sizeof *at);
    size_t len = strlen(line);
    char *buf = lhv1_malloc(len + 1);
    /* At most a word per two bytes. */
    lhv1_fault_item *items = lhv1_calloc(len / 2 + 1, sizeof *items);
    if (!buf || !items) {
        lhv1_free(buf);
        lhv1_free(items);
        return lhv1_fail_why(why, why_len, "out of memory");
    }
    memcpy(buf, line, len + 1);
    size_t n = 0;
    int rc = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\r\n", &save); w && rc == 0;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        lhv1_fault_item *it = &items[n++];
        char *eq = strchr(w, '=');
        if (n == 1) {
            it->name = "kind";
            it->type = LHV1_VALUE_STRING;
            it->s = w;
        } else if (!strcmp(w, "persistent")) {
            it->name = w;
            it->type = LHV1_VALUE_BOOL;
            it->b = 1;
        } else if (!eq) {
            rc = lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_NOT_NAME_VALUE, w);
        } else {
            *eq = 0;
            it->name = w;
            plan_value(it, eq + 1);
        }
    }
    lhv1_fault_spec s;
    if (rc == 0 && (rc = lhv1_fault_spec_read(&s, LHV1_SYNTAX_PLAN, items, n, why, why_len)) == 0) {
        lhv1_fault_spec_fault(&s, out);
        *at = s.at;
    }
    lhv1_free(buf);
    lhv1_free(items);
    return rc;
}
