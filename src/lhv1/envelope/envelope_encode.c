/* Envelope encoder: fields in schema order, integers as plain decimals,
 * metadata in the dump's canonical JSON (sorted members, shortest
 * round-trip numbers). Not cJSON_Print: cJSON 1.7.15 prints numbers with
 * %1.15g and accepts the result when it is merely close, so 2^53 comes
 * back as 9007199254740990; and it prints 1e15 as 1e+15, which Go cannot
 * read into an int. */
#include "internal.h"
#include "json_canon.h"
#include "lhv1/envelope.h"

int lhv1_envelope_encode(const lhv1_envelope *env, lhv1_buf *out)
{
    lhv1_buf_printf(out, "{\"version\":%lld,\"params\":{\"name\":", (long long)env->version);
    lhv1_json_str_append(out, lhv1_bytes_str(env->name ? env->name : ""));
    lhv1_buf_printf(out, ",\"dimension\":%lld,\"distance\":", (long long)env->dimension);
    lhv1_json_str_append(out, lhv1_bytes_str(env->distance ? env->distance : ""));
    lhv1_buf_printf(out, ",\"m\":%lld,\"ef_search\":%lld},\"count\":%lld", (long long)env->m,
                    (long long)env->ef_search, (long long)env->count);
    if (env->metadata) {
        lhv1_buf_puts(out, ",\"metadata\":");
        if (lhv1_metadata_json(env->metadata, out) != 0)
            return -1;
    }
    lhv1_buf_putc(out, '}');
    return out->failed ? -1 : 0;
}
