/* Envelope encoder: fields in schema order, integers always as plain
 * decimals (cJSON would print 1e+15, which Go cannot read into an int),
 * strings escaped by cJSON, metadata printed by cJSON. */
#include <stdlib.h>

#include "lhv1/envelope.h"

static int put_json_string(lhv1_buf *out, const char *s)
{
    cJSON *tmp = cJSON_CreateString(s ? s : "");
    char *txt = tmp ? cJSON_PrintUnformatted(tmp) : NULL;
    cJSON_Delete(tmp);
    if (!txt) {
        out->failed = 1;
        return -1;
    }
    lhv1_buf_puts(out, txt);
    cJSON_free(txt);
    return 0;
}

int lhv1_envelope_encode(const lhv1_envelope *env, lhv1_buf *out)
{
    lhv1_buf_printf(out, "{\"version\":%lld,\"params\":{\"name\":", (long long)env->version);
    put_json_string(out, env->name);
    lhv1_buf_printf(out, ",\"dimension\":%lld,\"distance\":", (long long)env->dimension);
    put_json_string(out, env->distance);
    lhv1_buf_printf(out, ",\"m\":%lld,\"ef_search\":%lld},\"count\":%lld", (long long)env->m,
                    (long long)env->ef_search, (long long)env->count);
    if (env->metadata) {
        char *txt = cJSON_PrintUnformatted(env->metadata);
        if (!txt)
            return -1;
        lhv1_buf_puts(out, ",\"metadata\":");
        lhv1_buf_puts(out, txt);
        cJSON_free(txt);
    }
    lhv1_buf_putc(out, '}');
    return out->failed ? -1 : 0;
}
