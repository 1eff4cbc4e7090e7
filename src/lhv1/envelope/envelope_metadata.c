/* The envelope's metadata (metadata.h, include/lhv1/envelope.h): its
 * validated JSON text, parsed only by those who need a tree (the dump's
 * canonical JSON, the harness).
 *
 * cJSON allocates through the hooks the host program set, or malloc; liblhv1
 * never sets them (they are process-wide). It parses only text that is
 * valid JSON for cJSON (the envelope decoder's json_scan.c accepted it, or
 * cJSON printed it), so a parse that fails ran out of memory. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json_canon.h"
#include "json_scan.h"
#include "metadata.h"

struct lhv1_metadata {
    size_t count, len;
    uint8_t text[];
};

lhv1_metadata *lhv1_metadata_from_text(const uint8_t *p, size_t len, size_t count)
{
    lhv1_metadata *m = lhv1_malloc(sizeof *m + len);
    if (!m)
        return NULL;
    m->count = count;
    m->len = len;
    memcpy(m->text, p, len);
    return m;
}

void lhv1_metadata_free(lhv1_metadata *m)
{
    lhv1_free(m);
}

size_t lhv1_metadata_count(const lhv1_metadata *m)
{
    return m ? m->count : 0;
}

cJSON *lhv1_metadata_to_cjson(const lhv1_metadata *m)
{
    if (!m)
        return NULL;
    return cJSON_ParseWithLength((const char *)m->text, m->len);
}

lhv1_metadata *lhv1_metadata_from_cjson(cJSON *j)
{
    if (!j)
        return NULL;
    char *text = cJSON_PrintUnformatted(j);
    size_t count = (size_t)cJSON_GetArraySize(j);
    cJSON_Delete(j);
    if (!text)
        return NULL;
    lhv1_metadata *m = lhv1_metadata_from_text((const uint8_t *)text, strlen(text), count);
    cJSON_free(text);
    return m;
}

int lhv1_metadata_each_key(const lhv1_metadata *m, int (*fn)(lhv1_bytes key, void *arg),
                           void *arg)
{
    if (!m)
        return 0;
    uint8_t small[256], *buf = small;
    size_t pos = 0, key, value, len;
    int rc = 0;
    while (rc == 0 && lhv1_json_next_member(m->text, m->len, &pos, &key, &value)) {
        lhv1_json_string_span(m->text + key, &len);
        if (len > sizeof small && buf == small) {
            buf = lhv1_malloc(m->len); /* no key decodes longer than the text */
            if (!buf)
                return -1;
        }
        lhv1_json_string_decode(m->text + key, buf);
        rc = fn((lhv1_bytes){buf, len}, arg);
    }
    if (buf != small)
        lhv1_free(buf);
    return rc;
}

int lhv1_metadata_json(const lhv1_metadata *m, lhv1_buf *out)
{
    if (!m) {
        lhv1_buf_puts(out, "null");
        return out->failed ? -1 : 0;
    }
    cJSON *tree = lhv1_metadata_to_cjson(m);
    if (!tree) {
        out->failed = 1;
        return -1;
    }
    int rc = lhv1_json_canon_append(out, tree);
    cJSON_Delete(tree);
    return rc;
}
