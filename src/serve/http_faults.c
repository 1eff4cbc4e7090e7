/* Fault rules of `lhv1 serve` (see http_faults.h, docs/FAULTS.md). */
#include "http_faults.h"
#include "fail_why.h"

#include "internal.h" /* lhv1_utf8_valid */

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX_LINES 100000

typedef struct http_rule {
    int id;
    lhv1_fault_spec spec;  /* as written, with the defaults of the rest */
    lhv1_fault params;     /* a store rule's fault (kind NONE for an HTTP rule) */
    uint64_t matches, fired;
} http_rule;

struct http_faults {
    http_rule *rules;
    size_t n, cap;
    size_t pattern_bytes; /* of the rules' keys but "*" */
    int next_id;
    uint64_t seed, rng;
    lhv1_buf log;
    size_t log_lines, log_dropped;
};

static const char *op_name(int op)
{
    return op == LHV1_OP_COUNT ? "any" : lhv1_store_op_name((lhv1_store_op)op);
}

http_faults *http_faults_new(uint64_t seed)
{
    http_faults *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->seed = f->rng = seed;
    f->next_id = 1;
    lhv1_buf_init(&f->log);
    return f;
}

void http_faults_free(http_faults *f)
{
    if (!f)
        return;
    free(f->rules);
    lhv1_buf_free(&f->log);
    free(f);
}

void http_faults_clear(http_faults *f)
{
    f->n = 0;
    f->pattern_bytes = 0;
}

void http_faults_restart(http_faults *f)
{
    for (size_t i = 0; i < f->n; i++)
        f->rules[i].matches = f->rules[i].fired = 0;
    f->rng = f->seed;
    lhv1_buf_reset(&f->log);
    f->log_lines = f->log_dropped = 0;
}

/* --- parsing -------------------------------------------------------- */

/* A member's value as the shared validation reads it (fault_fields.h). */
static void json_value(const cJSON *v, lhv1_fault_item *it)
{
    it->name = v->string;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        int exact = d >= 0 && d <= 9007199254740992.0 && d == floor(d);
        it->type = exact ? LHV1_VALUE_UINT : LHV1_VALUE_NUMBER;
        it->u = exact ? (uint64_t)d : 0;
        it->d = d;
    } else if (cJSON_IsBool(v)) {
        it->type = LHV1_VALUE_BOOL;
        it->b = cJSON_IsTrue(v);
    } else if (cJSON_IsString(v)) {
        it->type = LHV1_VALUE_STRING;
        it->s = v->valuestring;
    } else {
        it->type = LHV1_VALUE_OTHER;
    }
}

/* A rule object, read by the validation plan lines share: the same
 * mistake gets the same words (fault_kinds.json). */
static int parse_rule(const cJSON *o, http_rule *r, char *why, size_t wl)
{
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o))
        return lhv1_fail_why(why, wl, "%s", LHV1_FAULT_REASON_NOT_OBJECT);
    size_t n = (size_t)cJSON_GetArraySize(o);
    lhv1_fault_item *items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        return lhv1_fail_why(why, wl, "out of memory");
    size_t i = 0;
    for (const cJSON *it = o->child; it; it = it->next)
        json_value(it, &items[i++]);
    int rc = lhv1_fault_spec_read(&r->spec, LHV1_SYNTAX_RULE, items, n, why, wl);
    free(items);
    if (rc < 0)
        return -1;
    lhv1_fault_spec_fault(&r->spec, &r->params);
    return 0;
}

/* A key pattern without fnmatch's special characters matches only
 * itself: compared, not matched (key_matches). */
static int is_literal(const char *pattern)
{
    return !strpbrk(pattern, "*?[\\");
}

/* What its key pattern costs each request, in about the time fnmatch takes
 * to read one byte of a 1 KiB key per unit: a wildcard pattern scans the
 * key at least once (40: "*b" took 8 us) and more the longer it is (its
 * bytes: 510 of "*[[:alpha:]]" took 110 us). "*" and literal keys are
 * compared without fnmatch (key_matches) and cost nothing here. */
static size_t pattern_cost(const http_rule *r)
{
    const char *p = r->spec.key;
    return strcmp(p, "*") && !is_literal(p) ? HTTP_FAULTS_PATTERN_BASE + strlen(p) : 0;
}

cJSON *http_faults_parse(const char *text, size_t len)
{
    if (!lhv1_utf8_valid((lhv1_bytes){(const uint8_t *)text, len}))
        return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!j)
        return NULL;
    /* One document: rules after it (JSON lines, a second object) would
     * be silently ignored. */
    for (size_t at = (size_t)(end - text); at < len; at++)
        if (!strchr(" \t\r\n", text[at]) || !text[at]) {
            cJSON_Delete(j);
            return NULL;
        }
    return j;
}

int http_faults_add_json(http_faults *f, const cJSON *json, char *why, size_t why_len)
{
    const cJSON *list = json;
    if (cJSON_IsObject(json) && cJSON_GetObjectItemCaseSensitive(json, "rules")) {
        if (json->child->next) /* another member, or "rules" twice */
            return lhv1_fail_why(why, why_len, "%s", LHV1_FAULT_REASON_WRAPPER);
        list = json->child;
    }
    size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 1;
    /* Every request is matched against every rule. */
    if (n > HTTP_FAULTS_MAX_RULES - f->n) {
        char max[24];
        snprintf(max, sizeof max, "%d", HTTP_FAULTS_MAX_RULES);
        return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_TOO_MANY, max);
    }
    http_rule *parsed = calloc(n ? n : 1, sizeof *parsed);
    if (!parsed)
        return lhv1_fail_why(why, why_len, "out of memory");
    size_t i = 0;
    if (cJSON_IsArray(list)) {
        for (const cJSON *it = list->child; it; it = it->next, i++) {
            char inner[200];
            if (parse_rule(it, &parsed[i], inner, sizeof inner) < 0) {
                free(parsed);
                char at[24];
                snprintf(at, sizeof at, "%zu", i);
                return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_IN_LIST, at, inner);
            }
        }
    } else if (parse_rule(list, &parsed[0], why, why_len) < 0) {
        free(parsed);
        return -1;
    }
    /* What matching costs every request: refused before it is held. */
    size_t bytes = 0;
    for (i = 0; i < n; i++)
        bytes += pattern_cost(&parsed[i]);
    if (bytes > HTTP_FAULTS_MAX_PATTERN_BYTES - f->pattern_bytes) {
        free(parsed);
        char max[24];
        snprintf(max, sizeof max, "%d", HTTP_FAULTS_MAX_PATTERN_BYTES);
        return lhv1_fail_why(why, why_len, LHV1_FAULT_REASON_PATTERNS_TOO_LONG, max);
    }
    if (f->n + n > f->cap) {
        size_t cap = f->cap ? f->cap : 8;
        while (cap < f->n + n)
            cap *= 2;
        http_rule *p = realloc(f->rules, cap * sizeof *p);
        if (!p) {
            free(parsed);
            return lhv1_fail_why(why, why_len, "out of memory");
        }
        f->rules = p;
        f->cap = cap;
    }
    f->pattern_bytes += bytes;
    for (i = 0; i < n; i++) {
        parsed[i].id = f->next_id++;
        f->rules[f->n++] = parsed[i];
    }
    free(parsed);
    return (int)n;
}

/* Numbers as written: cJSON prints 15 significant digits when they read
 * back within a relative DBL_EPSILON (2^53 came back as 9007199254740990). */
static void add_uint(cJSON *o, const char *name, uint64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)v);
    cJSON_AddRawToObject(o, name, text);
}

static void add_double(cJSON *o, const char *name, double v)
{
    char text[32];
    snprintf(text, sizeof text, "%.17g", v);
    cJSON_AddRawToObject(o, name, text);
}

static const char *rule_kind_name(const http_rule *r)
{
    return r->spec.store_kind != LHV1_FAULT_NONE ? lhv1_fault_kind_name(r->spec.store_kind)
                                                 : lhv1_http_fault_kind_name(r->spec.http_kind);
}

/* A field of a rule, with the value it was given. */
static void add_field(cJSON *o, const lhv1_fault_spec *s, lhv1_fault_field f)
{
    const char *name = lhv1_fault_field_name(f);
    switch (f) {
    case LHV1_FIELD_OP: cJSON_AddStringToObject(o, name, op_name(s->op)); break;
    case LHV1_FIELD_KEY: cJSON_AddStringToObject(o, name, s->key); break;
    case LHV1_FIELD_NTH: add_uint(o, name, s->nth); break;
    case LHV1_FIELD_PERSISTENT: cJSON_AddBoolToObject(o, name, s->persistent); break;
    case LHV1_FIELD_PROBABILITY: add_double(o, name, s->probability); break;
    case LHV1_FIELD_CUT: add_uint(o, name, s->cut); break;
    case LHV1_FIELD_BIT: add_uint(o, name, s->bit); break;
    case LHV1_FIELD_REPLY: add_uint(o, name, s->reply); break;
    case LHV1_FIELD_LAG: add_uint(o, name, s->lag); break;
    case LHV1_FIELD_DELAY_MS: add_uint(o, name, s->delay_ms); break;
    case LHV1_FIELD_RETRY_AFTER: add_uint(o, name, s->retry_after); break;
    case LHV1_FIELD_DONE: cJSON_AddBoolToObject(o, name, s->done); break;
    case LHV1_FIELD_CODE: cJSON_AddStringToObject(o, name, s->code); break;
    default: break;
    }
}

/* Each rule as it was written (its kind, then the fields given, in their
 * order: no defaults added), with its id and counters. */
cJSON *http_faults_rules_json(const http_faults *f)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < f->n; i++) {
        const http_rule *r = &f->rules[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddNumberToObject(o, "id", r->id);
        cJSON_AddStringToObject(o, "kind", rule_kind_name(r));
        for (int g = 0; g < r->spec.n_given; g++)
            add_field(o, &r->spec, (lhv1_fault_field)r->spec.given[g]);
        add_uint(o, "matches", r->matches);
        add_uint(o, "fired", r->fired);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

void http_faults_log_text(const http_faults *f, lhv1_buf *out)
{
    lhv1_buf_append(out, f->log.data, f->log.len);
    if (f->log_dropped)
        lhv1_buf_printf(out, "{\"dropped\":%zu}\n", f->log_dropped);
}

/* --- deciding ------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The request's key for fnmatch, made once per request: NUL-terminated,
 * or NULL when it cannot match a pattern (too long, holding a NUL). */
typedef struct match_key {
    lhv1_bytes key;
    const char *text;
    char buf[2048];
} match_key;

static void match_key_init(match_key *m, lhv1_bytes key)
{
    m->key = key;
    m->text = NULL;
    if (key.len < sizeof m->buf && !memchr(key.data, 0, key.len)) {
        memcpy(m->buf, key.data, key.len);
        m->buf[key.len] = 0;
        m->text = m->buf;
    }
}

static int key_matches(const http_rule *r, const match_key *m)
{
    const char *p = r->spec.key;
    if (!strcmp(p, "*"))
        return 1;
    if (!m->text)
        return 0;
    if (is_literal(p))
        return !strcmp(p, m->text);
    return fnmatch(p, m->text, 0) == 0;
}

/* A key as JSON: a string when its bytes are UTF-8 without NUL, else
 * {"hex": "<lowercase hex>"} (README "Output escaping"), so the admin
 * API's answers stay JSON whatever bytes a key holds. */
static void add_key(cJSON *o, const char *name, lhv1_bytes key)
{
    if (lhv1_utf8_valid(key) && !memchr(key.data, 0, key.len)) {
        char *k = malloc(key.len + 1);
        if (k) {
            memcpy(k, key.data, key.len);
            k[key.len] = 0;
            cJSON_AddStringToObject(o, name, k);
            free(k);
        }
        return;
    }
    static const char digits[] = "0123456789abcdef";
    char *hex = malloc(2 * key.len + 1);
    cJSON *h = cJSON_AddObjectToObject(o, name);
    if (hex && h) {
        for (size_t i = 0; i < key.len; i++) {
            hex[2 * i] = digits[key.data[i] >> 4];
            hex[2 * i + 1] = digits[key.data[i] & 15];
        }
        hex[2 * key.len] = 0;
        cJSON_AddStringToObject(h, "hex", hex);
    }
    free(hex);
}

static void log_decision(http_faults *f, lhv1_store_op op, lhv1_bytes key,
                         const http_rule *fired, const http_fault_decision *d, size_t matched)
{
    if (f->log_lines >= LOG_MAX_LINES) {
        f->log_dropped++;
        return;
    }
    f->log_lines++;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddNumberToObject(o, "seq", (double)f->log_lines);
    cJSON_AddStringToObject(o, "op", lhv1_store_op_name(op));
    add_key(o, "key", key);
    cJSON_AddNumberToObject(o, "matched", (double)matched);
    if (fired) {
        cJSON_AddNumberToObject(o, "rule", fired->id);
        cJSON_AddStringToObject(o, "kind", rule_kind_name(fired));
        char params[160] = "";
        if (d->store_fault.kind != LHV1_FAULT_NONE)
            lhv1_fault_format(&d->store_fault, params, sizeof params);
        else
            snprintf(params, sizeof params, "%s cut=%llu delay_ms=%llu",
                     lhv1_http_fault_kind_name(d->http), (unsigned long long)d->cut,
                     (unsigned long long)d->delay_ms);
        cJSON_AddStringToObject(o, "fault", params);
    } else {
        cJSON_AddNullToObject(o, "rule");
        cJSON_AddStringToObject(o, "kind", "none");
    }
    char *text = cJSON_PrintUnformatted(o);
    if (text) {
        lhv1_buf_puts(&f->log, text);
        lhv1_buf_putc(&f->log, '\n');
        free(text);
    }
    cJSON_Delete(o);
}

int http_faults_matches(const http_faults *f, lhv1_store_op op, lhv1_bytes key)
{
    if (!f || f->n == 0)
        return 0;
    match_key m;
    match_key_init(&m, key);
    for (size_t i = 0; i < f->n; i++) {
        const http_rule *r = &f->rules[i];
        if ((r->spec.op == LHV1_OP_COUNT || r->spec.op == (int)op) && key_matches(r, &m))
            return 1;
    }
    return 0;
}

void http_faults_decide(http_faults *f, lhv1_store_op op, lhv1_bytes key, size_t len,
                        http_fault_decision *d)
{
    memset(d, 0, sizeof *d);
    d->store_fault.kind = LHV1_FAULT_NONE;
    if (!f || f->n == 0)
        return;
    const http_rule *fired = NULL;
    size_t matched = 0;
    match_key mk;
    match_key_init(&mk, key);
    for (size_t i = 0; i < f->n; i++) {
        http_rule *r = &f->rules[i];
        if ((r->spec.op != LHV1_OP_COUNT && r->spec.op != (int)op) || !key_matches(r, &mk))
            continue;
        matched++;
        uint64_t m = r->matches++;
        int fire;
        if (r->spec.probability > 0) {
            /* Every matching rule draws, fired or not, so the stream only
             * depends on the requests. */
            double u = (double)(splitmix64(&f->rng) >> 11) / 9007199254740992.0;
            fire = (r->spec.persistent && r->fired) || u < r->spec.probability;
        } else {
            fire = m == r->spec.nth || (r->spec.persistent && m > r->spec.nth);
        }
        if (!fire || fired)
            continue;
        fired = r;
        r->fired++;
        d->rule_id = r->id;
        if (r->spec.store_kind != LHV1_FAULT_NONE) {
            d->store_fault = r->params;
            d->store_fault.nth = m;
        } else {
            d->http = r->spec.http_kind;
            d->cut = r->spec.cut;
            d->delay_ms = r->spec.delay_ms;
            d->retry_after = r->spec.retry_after;
            d->done = r->spec.done;
            snprintf(d->code, sizeof d->code, "%s", r->spec.code);
        }
    }
    (void)len;
    if (matched)
        log_decision(f, op, key, fired, d, matched);
}

/* --- applying ------------------------------------------------------- */

int http_faults_skips_operation(const http_fault_decision *d)
{
    return d->http == LHV1_HTTP_FAULT_SLOWDOWN || d->http == LHV1_HTTP_FAULT_NOT_FOUND_CODE ||
           (d->http == LHV1_HTTP_FAULT_RESET && !d->done);
}

static void arm(serve_server *s, const http_fault_decision *d)
{
    lhv1_fault_store_log_clear(s->faulty);
    if (d->store_fault.kind != LHV1_FAULT_NONE)
        lhv1_fault_store_arm(s->faulty, &d->store_fault);
}

int http_faults_put(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_bytes body, lhv1_buf *owned, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (http_faults_skips_operation(d))
        return 0;
    arm(s, d);
    if (owned && owned->data == body.data && owned->len == body.len)
        return lhv1_fault_store_put_owned(s->faulty, key, owned, err);
    return lhv1_store_put(s->faulty, key, body, err);
}

int http_faults_get(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_buf *out, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (http_faults_skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_get(s->faulty, key, out, err);
}

int http_faults_del(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (http_faults_skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_del(s->faulty, key, err);
}

int http_faults_list(serve_server *s, const http_fault_decision *d, lhv1_bytes prefix,
                     lhv1_key_list *out, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (http_faults_skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_list(s->faulty, prefix, out, err);
}
