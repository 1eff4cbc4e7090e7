/* Replaying a campaign case from its replay file (campaign_replay.h):
 * the fault reapplied to the recorded bytes by the fault store, its place
 * resolved by plan_offset.c, then the bytes loaded by liblhv1's persistor
 * and judged against the recorded states (lhv1_judge_load). */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/campaign_replay.h"
#include "lhv1/persistor.h"
#include "lhv1testing/fault_fields.h"
#include "lhv1testing/plan_offset.h"
#include "fail_why.h"

static const char *str_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A base64 field (encoding/json's []byte): *absent = 1 for null or a
 * missing field. Returns 0, or -1 when it is neither null nor base64. */
static int bytes_field(const cJSON *o, const char *name, lhv1_buf *out, int *absent)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *absent = !v || cJSON_IsNull(v);
    if (*absent)
        return 0;
    if (!cJSON_IsString(v))
        return -1;
    size_t n = strlen(v->valuestring), got = 0;
    if (lhv1_buf_reserve(out, n / 4 * 3 + 3) < 0)
        return -1;
    if (sodium_base642bin(out->data, out->cap, v->valuestring, n, NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    out->len = got;
    return 0;
}

/* The recorded states, their dumps viewing the JSON's strings. */
static int read_states(const cJSON *arr, lhv1_known_state *s, size_t cap, size_t *n)
{
    *n = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, arr)
    {
        if (*n == cap)
            return -1;
        const cJSON *gen = cJSON_GetObjectItemCaseSensitive(st, "generation");
        const char *role = str_field(st, "role");
        const cJSON *dump = cJSON_GetObjectItemCaseSensitive(st, "dump");
        if (!cJSON_IsNumber(gen) || !role)
            return -1;
        lhv1_known_state *k = &s[(*n)++];
        k->generation = gen->valueint;
        k->role = !strcmp(role, "acknowledged") ? LHV1_ROLE_ACKED
                  : !strcmp(role, "in-flight")  ? LHV1_ROLE_IN_FLIGHT
                                                : LHV1_ROLE_OLDER;
        k->dump = cJSON_IsString(dump) ? lhv1_bytes_str(dump->valuestring) : (lhv1_bytes){NULL, 0};
    }
    return 0;
}

/* Reapplies the planned fault to `before` (and `written`) with the fault
 * store and requires the recorded numbers and `ended`: 0, 1 when they
 * come out different, -1 when the file cannot be replayed. */
static int reproduce(const char *plan, const char *resolved, const char *index,
                     const lhv1_buf *before, int before_absent, const lhv1_buf *written,
                     const lhv1_buf *ended, int ended_absent, char *why, size_t wn)
{
    lhv1_fault f, want;
    lhv1_plan_offset at, none;
    if (lhv1_fault_parse(plan, &f, &at, why, wn) < 0 ||
        lhv1_fault_parse(resolved, &want, &none, why, wn) < 0)
        return -1;
    const lhv1_fault_kind_info *info = lhv1_fault_kind_info_of(f.kind);
    if (!info->torn && f.kind != LHV1_FAULT_GET_BIT_FLIP)
        return lhv1_fail_why(
            why, wn, "%s: only torn writes and bit flips are reproduced from the bytes before",
            lhv1_fault_kind_name(f.kind));
    if (ended_absent)
        return lhv1_fail_why(why, wn, "the file records no bytes after the fault");
    f.nth = 0;
    f.persistent = 0;
    uint64_t place = 0;
    if (at.n_steps) {
        const lhv1_buf *in = info->torn && !at.old ? written : before;
        /* Go placed it in these bytes: a place that does not resolve here
         * is a disagreement, not an unusable file. */
        if (info->torn && at.old && before_absent) {
            lhv1_fail_why(why, wn, "no old object to place the cut in");
            return 1;
        }
        if (lhv1_plan_offset_place(&at, in->data, in->len, &place, why, wn) < 0)
            return 1;
        int64_t v = info->torn ? (int64_t)place + at.delta : (int64_t)place * 8 + at.delta;
        if (v < 0) {
            lhv1_fail_why(why, wn, "the place is before the object's start");
            return 1;
        }
        if (info->torn)
            f.cut = (uint64_t)v;
        else
            f.bit = (uint64_t)v;
    }
    /* The numbers as the fault store applies them: a cut clamped to the
     * body, a bit reduced modulo the body's bits. */
    if (info->torn && f.cut > written->len)
        f.cut = written->len;
    if (!info->torn && before->len)
        f.bit %= (uint64_t)before->len * 8;
    if (f.cut != want.cut || f.bit != want.bit) {
        lhv1_fail_why(why, wn, "%s resolves to cut=%llu bit=%llu, the file says %s", plan,
                      (unsigned long long)f.cut, (unsigned long long)f.bit, resolved);
        return 1;
    }
    lhv1_buf key, got;
    lhv1_buf_init(&key);
    lhv1_buf_init(&got);
    lhv1_store *mem = lhv1_memory_store_new();
    lhv1_fault_config cfg = {0};
    cfg.plan = &f;
    cfg.n_plan = 1;
    cfg.no_log = 1;
    lhv1_store *fs = mem ? lhv1_fault_store_new(mem, &cfg) : NULL;
    lhv1_store_err err;
    int rc = -1;
    if (!fs || lhv1_persistor_key(index, &key) < 0) {
        lhv1_fail_why(why, wn, "out of memory");
        goto out;
    }
    lhv1_bytes k = {key.data, key.len};
    if (!before_absent && lhv1_store_put(mem, k, (lhv1_bytes){before->data, before->len}, &err) < 0) {
        lhv1_fail_why(why, wn, "out of memory");
        goto out;
    }
    if (info->torn) {
        lhv1_store_put(fs, k, (lhv1_bytes){written->data, written->len}, &err); /* its reply is the plan's */
        rc = lhv1_store_get(mem, k, &got, &err);
    } else {
        rc = lhv1_store_get(fs, k, &got, &err);
    }
    if (rc < 0 || lhv1_fault_store_fired(fs, f.kind) != 1) {
        lhv1_fail_why(why, wn, "%s did not fire on the recorded bytes", plan);
        rc = 1;
        goto out;
    }
    if (!lhv1_bytes_eq((lhv1_bytes){got.data, got.len}, (lhv1_bytes){ended->data, ended->len})) {
        lhv1_fail_why(why, wn, "%s gives other bytes than the file's (%zu B, the file %zu B)",
                      plan, got.len, ended->len);
        rc = 1;
    }
out:
    lhv1_store_destroy(fs);
    lhv1_store_destroy(mem);
    lhv1_buf_free(&key);
    lhv1_buf_free(&got);
    return rc;
}

/* Loads `ended` as index `index` with liblhv1's persistor (over a memory
 * store holding only it) and judges the load against the states. */
static int judge(const char *index, const lhv1_buf *ended, int ended_absent,
                 const lhv1_known_state *states, size_t n, lhv1_replay_result *r, char *why,
                 size_t wn)
{
    lhv1_store *mem = lhv1_memory_store_new();
    lhv1_buf key, dump;
    lhv1_buf_init(&key);
    lhv1_buf_init(&dump);
    lhv1_store_err err;
    int rc = -1;
    if (!mem || lhv1_persistor_key(index, &key) < 0 ||
        (!ended_absent && lhv1_store_put(mem, (lhv1_bytes){key.data, key.len},
                                         (lhv1_bytes){ended->data, ended->len}, &err) < 0)) {
        lhv1_fail_why(why, wn, "out of memory");
    } else {
        lhv1_persistor p;
        lhv1_persistor_init(&p, mem);
        lhv1_loaded l;
        lhv1_status st;
        lhv1_verdict v = lhv1_persistor_load(&p, index, &l, &st);
        if (v == LHV1_OK && (lhv1_index_dump(&l.idx, &dump) < 0 || dump.failed)) {
            lhv1_fail_why(why, wn, "out of memory");
        } else {
            r->outcome = lhv1_judge_load(index, v, &st, (lhv1_bytes){dump.data, dump.len}, states,
                                         n, r->detail, sizeof r->detail);
            rc = 0;
        }
        lhv1_loaded_free(&l);
    }
    lhv1_store_destroy(mem);
    lhv1_buf_free(&key);
    lhv1_buf_free(&dump);
    return rc;
}

int lhv1_replay_run(const uint8_t *json, size_t len, lhv1_replay_result *r, char *why,
                    size_t wn)
{
    memset(r, 0, sizeof *r);
    r->go = LHV1_GO_ERROR;
    cJSON *doc = cJSON_ParseWithLength((const char *)json, len);
    if (!doc)
        return lhv1_fail_why(why, wn, "not JSON");
    lhv1_buf before, written, ended;
    lhv1_buf_init(&before);
    lhv1_buf_init(&written);
    lhv1_buf_init(&ended);
    int before_absent, written_absent, rc = -1;
    lhv1_known_state states[32];
    size_t n_states = 0;
    const char *format = str_field(doc, "format"), *index = str_field(doc, "index");
    const char *plan = str_field(doc, "plan"), *resolved = str_field(doc, "resolved");
    const char *outcome = str_field(doc, "outcome"), *persistor = str_field(doc, "persistor");
    const char *detail = str_field(doc, "detail"), *where = str_field(doc, "where");
    if (!format || strcmp(format, LHV1_REPLAY_FORMAT)) {
        lhv1_fail_why(why, wn, "not a replay file (format %s)", LHV1_REPLAY_FORMAT);
    } else if (!index || !plan || !resolved || !outcome || !persistor || !*index) {
        lhv1_fail_why(why, wn, "a replay file needs index, plan, resolved, outcome and persistor");
    } else if (bytes_field(doc, "before", &before, &before_absent) < 0 ||
               bytes_field(doc, "written", &written, &written_absent) < 0 ||
               bytes_field(doc, "ended", &ended, &r->ended_absent) < 0) {
        lhv1_fail_why(why, wn, "before, written and ended must be base64 or null");
    } else if (read_states(cJSON_GetObjectItemCaseSensitive(doc, "states"), states,
                           sizeof states / sizeof states[0], &n_states) < 0) {
        lhv1_fail_why(why, wn, "states: a list of {generation, role, dump}");
    } else {
        snprintf(r->index, sizeof r->index, "%s", index);
        snprintf(r->persistor, sizeof r->persistor, "%s", persistor);
        snprintf(r->plan, sizeof r->plan, "%s", plan);
        snprintf(r->resolved, sizeof r->resolved, "%s", resolved);
        snprintf(r->where, sizeof r->where, "%s", where ? where : "");
        snprintf(r->recorded_outcome, sizeof r->recorded_outcome, "%s", outcome);
        snprintf(r->recorded_detail, sizeof r->recorded_detail, "%s", detail ? detail : "");
        r->ended_len = ended.len;
        rc = 0;
        if (*resolved) {
            rc = reproduce(plan, resolved, index, &before, before_absent, &written, &ended,
                           r->ended_absent, why, wn);
            r->reproduced = rc == 0;
        }
        if (rc == 0)
            rc = judge(index, &ended, r->ended_absent, states, n_states, r, why, wn);
        if (rc == 0 && !r->ended_absent)
            r->go = lhv1_predict_go(ended.data, ended.len, NULL, 0);
        if (rc > 0)
            r->reproduced = 0;
    }
    lhv1_buf_free(&before);
    lhv1_buf_free(&written);
    lhv1_buf_free(&ended);
    cJSON_Delete(doc);
    return rc;
}
