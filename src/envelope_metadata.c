/* The public view of the envelope's metadata (include/lhv1/envelope.h). */
#include "json_canon.h"
#include "metadata.h"

size_t lhv1_metadata_count(const lhv1_metadata *m)
{
    const cJSON *j = lhv1_metadata_cjson_const(m);
    return j ? (size_t)cJSON_GetArraySize(j) : 0;
}

int lhv1_metadata_json(const lhv1_metadata *m, lhv1_buf *out)
{
    if (!m) {
        lhv1_buf_puts(out, "null");
        return out->failed ? -1 : 0;
    }
    return lhv1_json_canon_append(out, lhv1_metadata_cjson_const(m));
}
