/* Fault rules of `lhv1 serve` (see http_faults.h, docs/FAULTS.md). */
#include "http_faults.h"

#include "internal.h" /* lhv1_utf8_valid */

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX_LINES 100000

typedef struct http_rule {
    int id;
    lhv1_fault_kind store_kind;  /* NONE for an HTTP-only rule */
    http_fault_kind http_kind;   /* NONE for a store rule */
    int op;                      /* lhv1_store_op, or LHV1_OP_COUNT for any */
    char key[512];               /* fnmatch pattern over "<bucket>/<key>" */
    uint64_t nth;
    int persistent;
    double probability;          /* > 0: seeded draw instead of nth */
    lhv1_fault params;           /* cut, bit, ack, lag of store faults */
    uint64_t cut, delay_ms;
    unsigned retry_after;
    int done;
    char code[48];
    uint64_t matches, fired;
} http_rule;

struct http_faults {
    http_rule *rules;
    size_t n, cap;
    int next_id;
    uint64_t seed, rng;
    lhv1_buf log;
    size_t log_lines, log_dropped;
};

static const char *const http_names[HTTP_FAULT_KIND_COUNT] = {
    "none",
#define HTTP_FAULT_NAME(id, name) name,
    HTTP_FAULT_KINDS(HTTP_FAULT_NAME)
#undef HTTP_FAULT_NAME
};

const char *http_fault_kind_name(http_fault_kind k)
{
    return (unsigned)k < HTTP_FAULT_KIND_COUNT ? http_names[k] : "unknown";
}

static http_fault_kind http_kind_from_name(const char *name)
{
    for (int k = 1; k < HTTP_FAULT_KIND_COUNT; k++)
        if (!strcmp(http_names[k], name))
            return (http_fault_kind)k;
    return HTTP_FAULT_NONE;
}

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

__attribute__((format(printf, 3, 4))) static int fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* An unsigned integer field: 0 absent, 1 read, -1 not a non-negative integer. */
static int get_uint(const cJSON *o, const char *name, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9007199254740992.0 ||
        v->valuedouble != floor(v->valuedouble))
        return -1;
    *out = (uint64_t)v->valuedouble;
    return 1;
}

static int parse_rule(const cJSON *o, http_rule *r, char *why, size_t wl)
{
    static const char *const known[] = {"kind", "op", "key", "nth", "persistent", "probability",
                                        "cut", "bit", "reply", "lag", "delay_ms",
                                        "retry_after", "done", "code", NULL};
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o))
        return fail(why, wl, "a rule must be a JSON object");
    /* Each field once: of two, one would silently do nothing. */
    unsigned seen = 0;
    for (const cJSON *it = o->child; it; it = it->next) {
        const char *const *k = known;
        while (*k && strcmp(*k, it->string))
            k++;
        if (!*k)
            return fail(why, wl, "unknown rule field \"%s\"", it->string);
        unsigned bit = 1u << (k - known);
        if (seen & bit)
            return fail(why, wl, "rule field \"%s\" given twice", it->string);
        seen |= bit;
    }
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (!cJSON_IsString(kind))
        return fail(why, wl, "a rule needs \"kind\" (a string)");
    r->store_kind = lhv1_fault_kind_from_name(kind->valuestring);
    if (r->store_kind == LHV1_FAULT_KIND_COUNT || r->store_kind == LHV1_FAULT_NONE) {
        r->store_kind = LHV1_FAULT_NONE;
        r->http_kind = http_kind_from_name(kind->valuestring);
        if (r->http_kind == HTTP_FAULT_NONE)
            return fail(why, wl, "unknown fault kind \"%s\"", kind->valuestring);
    }
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(o, "op");
    r->op = LHV1_OP_COUNT;
    if (op) {
        if (!cJSON_IsString(op))
            return fail(why, wl, "\"op\" must be a string");
        int found = !strcmp(op->valuestring, "any");
        for (int i = 0; i < LHV1_OP_COUNT && !found; i++)
            if (!strcmp(op->valuestring, lhv1_store_op_name((lhv1_store_op)i)))
                r->op = i, found = 1;
        if (!found)
            return fail(why, wl, "\"op\" must be put, get, list, delete or any");
    }
    if (r->store_kind != LHV1_FAULT_NONE) {
        int kop = lhv1_fault_kind_op(r->store_kind);
        if (op && r->op != kop)
            return fail(why, wl, "%s applies to %s only", kind->valuestring,
                        lhv1_store_op_name((lhv1_store_op)kop));
        r->op = kop;
    }
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "key");
    snprintf(r->key, sizeof r->key, "*");
    if (key) {
        if (!cJSON_IsString(key) || strlen(key->valuestring) >= sizeof r->key ||
            !lhv1_utf8_valid(lhv1_bytes_str(key->valuestring)))
            return fail(why, wl, "\"key\" must be a UTF-8 pattern string under 512 bytes");
        snprintf(r->key, sizeof r->key, "%s", key->valuestring);
    }
    uint64_t v;
    if (get_uint(o, "nth", &r->nth) < 0)
        return fail(why, wl, "\"nth\" must be an unsigned integer");
    const cJSON *pers = cJSON_GetObjectItemCaseSensitive(o, "persistent");
    if (pers && !cJSON_IsBool(pers))
        return fail(why, wl, "\"persistent\" must be true or false");
    r->persistent = cJSON_IsTrue(pers);
    const cJSON *prob = cJSON_GetObjectItemCaseSensitive(o, "probability");
    if (prob) {
        if (!cJSON_IsNumber(prob) || !(prob->valuedouble > 0 && prob->valuedouble <= 1))
            return fail(why, wl, "\"probability\" must be in (0, 1]");
        r->probability = prob->valuedouble;
    }
    r->params.kind = r->store_kind;
    if (get_uint(o, "cut", &r->params.cut) < 0 || get_uint(o, "bit", &r->params.bit) < 0 ||
        get_uint(o, "lag", &r->params.lag) < 0 || get_uint(o, "delay_ms", &r->delay_ms) < 0)
        return fail(why, wl, "cut, bit, lag and delay_ms must be unsigned integers");
    r->cut = r->params.cut;
    int has_reply = get_uint(o, "reply", &v);
    if (has_reply < 0 || (has_reply && v != 200 && v != 503))
        return fail(why, wl, "\"reply\" must be 200 or 503");
    r->params.ack = has_reply && v == 200;
    if (r->delay_ms > 600000)
        return fail(why, wl, "\"delay_ms\" is at most 600000");
    r->retry_after = 1;
    int has_retry = get_uint(o, "retry_after", &v);
    if (has_retry < 0 || (has_retry && v > 3600))
        return fail(why, wl, "\"retry_after\" must be 0..3600 seconds");
    if (has_retry)
        r->retry_after = (unsigned)v;
    const cJSON *done = cJSON_GetObjectItemCaseSensitive(o, "done");
    if (done && !cJSON_IsBool(done))
        return fail(why, wl, "\"done\" must be true or false");
    r->done = cJSON_IsTrue(done);
    snprintf(r->code, sizeof r->code, "NoSuchBucket");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
    if (code) {
        if (!cJSON_IsString(code) || !code->valuestring[0] ||
            strlen(code->valuestring) >= sizeof r->code || !strcmp(code->valuestring, "NoSuchKey"))
            return fail(why, wl, "\"code\" must be a short S3 error code other than NoSuchKey");
        for (const char *c = code->valuestring; *c; c++)
            if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
                return fail(why, wl, "\"code\" must be alphanumeric");
        snprintf(r->code, sizeof r->code, "%s", code->valuestring);
    }
    return 0;
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
            return fail(why, why_len, "a rule list is {\"rules\": [...]} and nothing else");
        list = json->child;
    }
    size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 1;
    /* Every request is matched against every rule. */
    if (n > HTTP_FAULTS_MAX_RULES - f->n)
        return fail(why, why_len, "at most %d rules in all", HTTP_FAULTS_MAX_RULES);
    http_rule *parsed = calloc(n ? n : 1, sizeof *parsed);
    if (!parsed)
        return fail(why, why_len, "out of memory");
    size_t i = 0;
    if (cJSON_IsArray(list)) {
        for (const cJSON *it = list->child; it; it = it->next, i++) {
            char inner[200];
            if (parse_rule(it, &parsed[i], inner, sizeof inner) < 0) {
                free(parsed);
                return fail(why, why_len, "rule %zu: %s", i, inner);
            }
        }
    } else if (parse_rule(list, &parsed[0], why, why_len) < 0) {
        free(parsed);
        return -1;
    }
    if (f->n + n > f->cap) {
        size_t cap = f->cap ? f->cap : 8;
        while (cap < f->n + n)
            cap *= 2;
        http_rule *p = realloc(f->rules, cap * sizeof *p);
        if (!p) {
            free(parsed);
            return fail(why, why_len, "out of memory");
        }
        f->rules = p;
        f->cap = cap;
    }
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
    return r->store_kind != LHV1_FAULT_NONE ? lhv1_fault_kind_name(r->store_kind)
                                            : http_fault_kind_name(r->http_kind);
}

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
        cJSON_AddStringToObject(o, "op", op_name(r->op));
        cJSON_AddStringToObject(o, "key", r->key);
        if (r->probability > 0)
            add_double(o, "probability", r->probability);
        else
            add_uint(o, "nth", r->nth);
        cJSON_AddBoolToObject(o, "persistent", r->persistent);
        char params[160];
        if (r->store_kind != LHV1_FAULT_NONE) {
            lhv1_fault_format(&r->params, params, sizeof params);
        } else {
            snprintf(params, sizeof params, "%s cut=%llu delay_ms=%llu retry_after=%u done=%d code=%s",
                     http_fault_kind_name(r->http_kind), (unsigned long long)r->cut,
                     (unsigned long long)r->delay_ms, r->retry_after, r->done, r->code);
        }
        cJSON_AddStringToObject(o, "params", params);
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

static int key_matches(const http_rule *r, lhv1_bytes key)
{
    if (!strcmp(r->key, "*"))
        return 1;
    char k[2048];
    if (key.len >= sizeof k || memchr(key.data, 0, key.len))
        return 0;
    memcpy(k, key.data, key.len);
    k[key.len] = 0;
    return fnmatch(r->key, k, 0) == 0;
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
                     http_fault_kind_name(d->http), (unsigned long long)d->cut,
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
    for (size_t i = 0; f && i < f->n; i++) {
        const http_rule *r = &f->rules[i];
        if ((r->op == LHV1_OP_COUNT || r->op == (int)op) && key_matches(r, key))
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
    for (size_t i = 0; i < f->n; i++) {
        http_rule *r = &f->rules[i];
        if ((r->op != LHV1_OP_COUNT && r->op != (int)op) || !key_matches(r, key))
            continue;
        matched++;
        uint64_t m = r->matches++;
        int fire;
        if (r->probability > 0) {
            /* Every matching rule draws, fired or not, so the stream only
             * depends on the requests. */
            double u = (double)(splitmix64(&f->rng) >> 11) / 9007199254740992.0;
            fire = (r->persistent && r->fired) || u < r->probability;
        } else {
            fire = m == r->nth || (r->persistent && m > r->nth);
        }
        if (!fire || fired)
            continue;
        fired = r;
        r->fired++;
        d->rule_id = r->id;
        if (r->store_kind != LHV1_FAULT_NONE) {
            d->store_fault = r->params;
            d->store_fault.nth = m;
            d->store_fault.persistent = r->persistent;
        } else {
            d->http = r->http_kind;
            d->cut = r->cut;
            d->delay_ms = r->delay_ms;
            d->retry_after = r->retry_after;
            d->done = r->done;
            snprintf(d->code, sizeof d->code, "%s", r->code);
        }
    }
    (void)len;
    if (matched)
        log_decision(f, op, key, fired, d, matched);
}

/* --- applying ------------------------------------------------------- */

/* HTTP faults that answer without doing the operation. */
static int skips_operation(const http_fault_decision *d)
{
    return d->http == HTTP_FAULT_SLOWDOWN || d->http == HTTP_FAULT_NOT_FOUND_CODE ||
           (d->http == HTTP_FAULT_RESET && !d->done);
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
    if (skips_operation(d))
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
    if (skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_get(s->faulty, key, out, err);
}

int http_faults_del(serve_server *s, const http_fault_decision *d, lhv1_bytes key,
                    lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_del(s->faulty, key, err);
}

int http_faults_list(serve_server *s, const http_fault_decision *d, lhv1_bytes prefix,
                     lhv1_key_list *out, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (skips_operation(d))
        return 0;
    arm(s, d);
    return lhv1_store_list(s->faulty, prefix, out, err);
}
