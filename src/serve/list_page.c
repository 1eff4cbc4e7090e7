/* A listing page from the memory store's key order (list_page.h). */
#include "list_page.h"

#include <string.h>

static int has_prefix(lhv1_bytes k, lhv1_bytes p)
{
    return k.len >= p.len && (!p.len || !memcmp(k.data, p.data, p.len));
}

/* The smallest string above every string that starts with b[0:len], in
 * place: its trailing 0xff bytes dropped, the last byte after them plus
 * one. 0 when there is none (all 0xff). */
static int past_prefix(lhv1_buf *b)
{
    while (b->len && b->data[b->len - 1] == 0xff)
        b->len--;
    if (!b->len)
        return 0;
    b->data[b->len - 1]++;
    return 1;
}

static int set(lhv1_buf *b, const uint8_t *p, size_t n)
{
    lhv1_buf_reset(b);
    return lhv1_buf_append(b, p, n);
}

int list_page_memory(lhv1_store *mem, lhv1_bytes prefix, size_t blen, lhv1_bytes after,
                     lhv1_bytes delim, long max_keys, lhv1_key_list *out, lhv1_store_err *err)
{
    lhv1_buf cur; /* where the next seek starts */
    lhv1_buf_init(&cur);
    int strict = 0, more = 1;
    set(&cur, prefix.data, prefix.len);
    if (after.len) {
        lhv1_buf a;
        lhv1_buf_init(&a);
        set(&a, prefix.data, blen);
        lhv1_buf_append(&a, after.data, after.len);
        int rolled = delim.len && after.len >= delim.len &&
                     !memcmp(after.data + after.len - delim.len, delim.data, delim.len);
        int a_strict = 1;
        if (rolled) {
            more = past_prefix(&a);
            a_strict = 0;
        }
        if (!a.failed && lhv1_bytes_cmp((lhv1_bytes){a.data, a.len}, prefix) >= 0) {
            lhv1_buf_free(&cur);
            cur = a;
            strict = a_strict;
        } else {
            lhv1_buf_free(&a);
        }
    }
    size_t plen = prefix.len - blen;
    for (long entries = 0; more && !cur.failed && entries <= max_keys; entries++) {
        lhv1_bytes k;
        if (!lhv1_memory_store_seek(mem, (lhv1_bytes){cur.data, cur.len}, strict, &k) ||
            !has_prefix(k, prefix))
            break;
        if (lhv1_key_list_push(out, k) < 0) {
            lhv1_buf_free(&cur);
            return lhv1_store_oom(err, "listing");
        }
        size_t roll = 0; /* a common prefix: the next seek starts past it */
        for (size_t j = blen + plen; delim.len && j + delim.len <= k.len; j++)
            if (!memcmp(k.data + j, delim.data, delim.len)) {
                roll = j + delim.len;
                break;
            }
        set(&cur, k.data, roll ? roll : k.len);
        strict = !roll;
        if (roll)
            more = past_prefix(&cur);
    }
    int failed = cur.failed;
    lhv1_buf_free(&cur);
    return failed ? lhv1_store_oom(err, "listing") : 0;
}

int list_page_memory_empty(lhv1_store *mem, lhv1_bytes prefix)
{
    lhv1_bytes k;
    return !lhv1_memory_store_seek(mem, prefix, 0, &k) || !has_prefix(k, prefix);
}
