/* The canonical JSON pieces of the dump (FORMAT.md section 6): strings,
 * keys, hex, and metadata with sorted members and Go-compatible numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "json_canon.h"
#include "shortest_digits.h"

void lhv1_hex_append(lhv1_buf *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    /* One reservation, then straight into the buffer: vectors are most of
     * a dump. */
    if (n > SIZE_MAX / 2 || lhv1_buf_reserve(out, 2 * n) != 0) {
        out->failed = 1;
        return;
    }
    uint8_t *w = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        w[2 * i] = (uint8_t)digits[p[i] >> 4];
        w[2 * i + 1] = (uint8_t)digits[p[i] & 15];
    }
    out->len += 2 * n;
}

void lhv1_json_str_append(lhv1_buf *out, lhv1_bytes s)
{
    lhv1_buf_putc(out, '"');
    size_t run = 0; /* bytes copied as they are, flushed in one append */
    for (size_t i = 0; i < s.len;) {
        uint8_t c = s.data[i];
        uint32_t cp = c;
        size_t len = c >= 0x80 ? lhv1_utf8_invisible(s.data + i, s.len - i, &cp) : 1;
        if (len == 0 || (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F && c < 0x80)) {
            i++;
            continue;
        }
        lhv1_buf_append(out, s.data + run, i - run);
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            lhv1_buf_append(out, esc, 2);
        } else {
            lhv1_buf_printf(out, "\\u%04x", (unsigned)cp);
        }
        i += len;
        run = i;
    }
    lhv1_buf_append(out, s.data + run, s.len - run);
    lhv1_buf_putc(out, '"');
}

void lhv1_json_key_append(lhv1_buf *out, lhv1_bytes s)
{
    if (lhv1_utf8_valid(s)) {
        lhv1_json_str_append(out, s);
        return;
    }
    lhv1_buf_puts(out, "{\"hex\":\"");
    lhv1_hex_append(out, s.data, s.len);
    lhv1_buf_puts(out, "\"}");
}

/* A float64 as Go's encoding/json writes it: integers below 2^53 as
 * integers, else the shortest round-trip digits (shortest_digits.c) laid
 * out as %f between 1e-6 and 1e21 and as %e outside. */
void lhv1_json_number_append(lhv1_buf *out, double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        lhv1_buf_printf(out, "%lld", (long long)v); /* -0 prints as 0 */
        return;
    }
    char d[LHV1_SHORTEST_MAX + 1];
    int e;
    int nd = lhv1_shortest_digits(v, d, &e);
    if (v < 0)
        lhv1_buf_putc(out, '-');
    double a = fabs(v);
    if (a < 1e-6 || a >= 1e21) {
        lhv1_buf_putc(out, (uint8_t)d[0]);
        if (nd > 1) {
            lhv1_buf_putc(out, '.');
            lhv1_buf_append(out, d + 1, (size_t)nd - 1);
        }
        /* Go writes at least two exponent digits, then json trims "e-07" to "e-7". */
        if (e < 0)
            lhv1_buf_printf(out, "e-%d", -e);
        else
            lhv1_buf_printf(out, "e+%02d", e);
        return;
    }
    int dp = e + 1; /* digits before the decimal point */
    if (dp <= 0) {
        lhv1_buf_puts(out, "0.");
        for (int i = 0; i < -dp; i++)
            lhv1_buf_putc(out, '0');
        lhv1_buf_append(out, d, (size_t)nd);
    } else if (dp >= nd) {
        lhv1_buf_append(out, d, (size_t)nd);
        for (int i = nd; i < dp; i++)
            lhv1_buf_putc(out, '0');
    } else {
        lhv1_buf_append(out, d, (size_t)dp);
        lhv1_buf_putc(out, '.');
        lhv1_buf_append(out, d + dp, (size_t)(nd - dp));
    }
}

static int cmp_members(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

int lhv1_json_canon_append(lhv1_buf *out, const cJSON *v)
{
    if (cJSON_IsNull(v)) {
        lhv1_buf_puts(out, "null");
    } else if (cJSON_IsTrue(v)) {
        lhv1_buf_puts(out, "true");
    } else if (cJSON_IsFalse(v)) {
        lhv1_buf_puts(out, "false");
    } else if (cJSON_IsNumber(v)) {
        lhv1_json_number_append(out, v->valuedouble);
    } else if (cJSON_IsString(v)) {
        lhv1_json_str_append(out, lhv1_bytes_str(v->valuestring));
    } else if (cJSON_IsArray(v)) {
        lhv1_buf_putc(out, '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child)
                lhv1_buf_putc(out, ',');
            if (lhv1_json_canon_append(out, c) != 0)
                return -1;
        }
        lhv1_buf_putc(out, ']');
    } else if (cJSON_IsObject(v)) {
        size_t k = 0;
        for (const cJSON *c = v->child; c; c = c->next)
            k++;
        const cJSON **m = lhv1_malloc((k ? k : 1) * sizeof *m);
        if (!m) {
            out->failed = 1;
            return -1;
        }
        k = 0;
        for (const cJSON *c = v->child; c; c = c->next)
            m[k++] = c;
        qsort(m, k, sizeof *m, cmp_members);
        lhv1_buf_putc(out, '{');
        for (size_t i = 0; i < k; i++) {
            if (i)
                lhv1_buf_putc(out, ',');
            lhv1_json_str_append(out, lhv1_bytes_str(m[i]->string));
            lhv1_buf_putc(out, ':');
            if (lhv1_json_canon_append(out, m[i]) != 0) {
                lhv1_free(m);
                return -1;
            }
        }
        lhv1_buf_putc(out, '}');
        lhv1_free(m);
    } else {
        return -1;
    }
    return out->failed ? -1 : 0;
}
