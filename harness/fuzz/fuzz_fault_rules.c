/* fault_rules: the fault-rule JSON of `lhv1 serve` (a plan file, the body
 * of POST /_lhv1/rules), read by http_faults_parse and http_faults_add_json
 * as the server reads it, then every operation decided on a few keys.
 * Oracles:
 *  - a document is one JSON value in UTF-8 with only whitespace after it
 *    (a second rule object after the first was silently ignored);
 *  - all or nothing: a refused document adds no rule and says why (a
 *    terminated, non-empty reason); an accepted one adds one rule per
 *    object, and never more than the server's total;
 *  - GET /_lhv1/rules lists each rule as written: its id, then exactly the
 *    members the client sent, in their order, with their values (no
 *    defaults added), then its counters;
 *  - a document is refused when a rule, or the {"rules": [...]} wrapper,
 *    holds a member twice, a member the format does not have, or a field
 *    its kind does not take (fault_kinds.json): a typo must not silently
 *    do nothing;
 *  - what the admin API answers (GET /_lhv1/rules, GET /_lhv1/log) is
 *    JSON: it parses, in valid UTF-8, whatever bytes the rules and keys
 *    hold;
 *  - the same seed and the same requests give the same decisions (after
 *    http_faults_restart), and a decision names a rule that exists. */
#include <stdlib.h>
#include <string.h>

#include "http_faults.h"
#include "fuzz_helpers.h"
#include "internal.h"

static int valid_utf8(const char *s, size_t n)
{
    return lhv1_utf8_valid((lhv1_bytes){(const uint8_t *)s, n});
}

/* Member names of an object: each one once, each one of `known`. */
static int members_ok(const cJSON *o, const char *const *known)
{
    for (const cJSON *a = o->child; a; a = a->next) {
        const char *const *k = known;
        while (*k && strcmp(*k, a->string))
            k++;
        if (!*k)
            return 0;
        for (const cJSON *b = a->next; b; b = b->next)
            if (!strcmp(a->string, b->string))
                return 0;
    }
    return 1;
}

static const char *const rule_fields[] = {"kind",
#define FIELD_NAME(id, name, in_plan, common, type, max, refusal) name,
                                          LHV1_FAULT_FIELDS(FIELD_NAME)
#undef FIELD_NAME
                                          NULL};

/* The rule objects of a document, as http_faults_add_json reads it, or
 * NULL (with *wrapper_ok = 0) when the wrapper itself is malformed. */
static const cJSON *rule_list(const cJSON *j, int *wrapper_ok)
{
    static const char *const wrapper[] = {"rules", NULL};
    *wrapper_ok = 1;
    if (cJSON_IsObject(j) && cJSON_GetObjectItemCaseSensitive(j, "rules")) {
        *wrapper_ok = members_ok(j, wrapper);
        return cJSON_GetObjectItemCaseSensitive(j, "rules");
    }
    return j;
}

/* Whether two JSON values are the same value (numbers by value). */
static int same_value(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a))
        return cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a))
        return cJSON_IsString(b) && !strcmp(a->valuestring, b->valuestring);
    if (cJSON_IsBool(a))
        return cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
    return 0; /* no other type is accepted */
}

/* Every accepted rule shows as written in the rules the admin API lists:
 * id, the members sent in their order (kind first), matches, fired. Its
 * fields are all common or the kind's own. */
static void check_listed(const cJSON *in, const cJSON *out)
{
    FUZZ_ASSERT(cJSON_IsObject(out));
    const cJSON *o = out->child;
    FUZZ_ASSERT(o && !strcmp(o->string, "id") && cJSON_IsNumber(o));
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(in, "kind");
    o = o->next;
    FUZZ_ASSERT(o && !strcmp(o->string, "kind") && same_value(kind, o));
    lhv1_fault_kind store = lhv1_fault_kind_from_name(kind->valuestring);
    for (const cJSON *m = in->child; m; m = m->next) {
        if (!strcmp(m->string, "kind"))
            continue;
        o = o->next;
        FUZZ_ASSERT_MSG(o && !strcmp(o->string, m->string) && same_value(m, o),
                        "member \"%s\" not listed as written", m->string);
        if (store != LHV1_FAULT_KIND_COUNT) {
            int f = 0;
            while (f < LHV1_FIELD_COUNT && strcmp(lhv1_fault_field_name(f), m->string))
                f++;
            FUZZ_ASSERT(f < LHV1_FIELD_COUNT);
            FUZZ_ASSERT_MSG(lhv1_fault_field_common(f) || lhv1_fault_kind_takes(store, f),
                            "%s accepted with \"%s\"", kind->valuestring, m->string);
        }
    }
    o = o->next;
    FUZZ_ASSERT(o && !strcmp(o->string, "matches"));
    o = o->next;
    FUZZ_ASSERT(o && !strcmp(o->string, "fired") && !o->next);
}

/* The admin API's JSON text: valid UTF-8 that parses. */
static cJSON *admin_json(const char *text, size_t n)
{
    FUZZ_ASSERT_MSG(valid_utf8(text, n), "admin JSON not UTF-8: %.200s", text);
    cJSON *j = cJSON_ParseWithLength(text, n);
    FUZZ_ASSERT_MSG(j != NULL, "admin JSON does not parse: %.200s", text);
    return j;
}

static void decide_all(http_faults *f, lhv1_bytes input, int *ids, size_t n_rules)
{
    char long_key[1200];
    memset(long_key, 'a', sizeof long_key);
    lhv1_bytes keys[] = {
        lhv1_bytes_str("b/_vectors/alpha.lhv1"),
        lhv1_bytes_str("bkt/"),
        {(const uint8_t *)long_key, sizeof long_key},
        {input.data, input.len < 1100 ? input.len : 1100},
        {(const uint8_t *)"b/\xff\x00k\xc3", 6}, /* not UTF-8, a NUL: the log shows hex */
    };
    int k = 0;
    for (int op = 0; op < LHV1_OP_COUNT; op++)
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            http_fault_decision d;
            http_faults_decide(f, (lhv1_store_op)op, keys[i], 0, &d);
            FUZZ_ASSERT(d.rule_id >= 0 && (size_t)d.rule_id <= n_rules);
            FUZZ_ASSERT(d.delay_ms <= 600000 && d.retry_after <= 3600);
            FUZZ_ASSERT(memchr(d.code, 0, sizeof d.code));
            ids[k++] = d.rule_id;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = http_faults_parse((const char *)data, size);
    if (!j)
        return 0; /* the server answers 400 MalformedJSON before the rules */
    FUZZ_ASSERT(valid_utf8((const char *)data, size));
    const char *end = NULL;
    cJSON *loose = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
    FUZZ_ASSERT(loose != NULL);
    cJSON_Delete(loose);
    for (const char *p = end; p < (const char *)data + size; p++)
        FUZZ_ASSERT_MSG(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n',
                        "byte 0x%02x after the document was accepted", (unsigned char)*p);
    http_faults *f = http_faults_new(7);
    FUZZ_ASSERT(f != NULL);
    char why[256];
    memset(why, 'X', sizeof why);
    int n = http_faults_add_json(f, j, why, sizeof why);
    int wrapper_ok;
    const cJSON *list = rule_list(j, &wrapper_ok);
    cJSON *rules_out = http_faults_rules_json(f);
    FUZZ_ASSERT(rules_out != NULL);
    char *text = cJSON_PrintUnformatted(rules_out);
    FUZZ_ASSERT(text != NULL);
    cJSON *listed = admin_json(text, strlen(text));
    free(text);
    cJSON_Delete(rules_out);
    if (n < 0) {
        FUZZ_ASSERT(memchr(why, 0, sizeof why) && why[0]);
        FUZZ_ASSERT(cJSON_GetArraySize(listed) == 0);
    } else {
        FUZZ_ASSERT(wrapper_ok);
        int count = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 1;
        FUZZ_ASSERT(n == count && cJSON_GetArraySize(listed) == n);
        const cJSON *in = cJSON_IsArray(list) ? list->child : list;
        const cJSON *out = listed->child;
        for (; in && out; in = in->next, out = out->next) {
            FUZZ_ASSERT_MSG(members_ok(in, rule_fields), "a rule with a member twice (or "
                                                        "unknown) was accepted");
            check_listed(in, out);
        }
        /* Decisions: the same after a restart. */
        int first[LHV1_OP_COUNT * 5], again[LHV1_OP_COUNT * 5];
        lhv1_bytes input = {data, size};
        decide_all(f, input, first, (size_t)n);
        lhv1_buf log;
        lhv1_buf_init(&log);
        http_faults_log_text(f, &log);
        for (size_t at = 0; at < log.len;) {
            const uint8_t *nl = memchr(log.data + at, '\n', log.len - at);
            FUZZ_ASSERT(nl != NULL);
            size_t len = (size_t)(nl - (log.data + at));
            cJSON_Delete(admin_json((const char *)log.data + at, len));
            at += len + 1;
        }
        lhv1_buf_free(&log);
        http_faults_restart(f);
        decide_all(f, input, again, (size_t)n);
        FUZZ_ASSERT(!memcmp(first, again, sizeof first));
    }
    cJSON_Delete(listed);
    http_faults_free(f);
    cJSON_Delete(j);
    return 0;
}
