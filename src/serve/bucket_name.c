/* The bucket names served (serve_bucket_name_ok in serve.h): S3's naming
 * rules for general purpose buckets. */
#include <string.h>

#include "serve.h"

static const char *const reserved_prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-", NULL};
static const char *const reserved_suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3",
                                                "--table-s3", NULL};

static int alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Four dot-separated runs of digits, as 192.168.5.4. */
static int ip_like(const uint8_t *s, size_t n)
{
    int dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (i == 0 || s[i - 1] == '.')
                return 0;
            dots++;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return dots == 3;
}

int serve_bucket_name_ok(const uint8_t *s, size_t n)
{
    if (n < 3 || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]) || ip_like(s, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (!alnum(c) && c != '-' && c != '.')
            return 0;
        /* Each dot-separated label starts and ends with a letter or digit
         * (no "..", ".-", "-."). */
        if (c == '.' && (!alnum(s[i - 1]) || !alnum(s[i + 1])))
            return 0;
    }
    for (const char *const *p = reserved_prefixes; *p; p++)
        if (n >= strlen(*p) && !memcmp(s, *p, strlen(*p)))
            return 0;
    for (const char *const *p = reserved_suffixes; *p; p++)
        if (n >= strlen(*p) && !memcmp(s + n - strlen(*p), *p, strlen(*p)))
            return 0;
    return 1;
}
