/* The S3 client's reply parsers (src/s3client/s3_reply.c): a ListObjectsV2
 * page as AWS writes it, fed whole and byte by byte; what a page must not
 * be (structure, sizes, a DOCTYPE, bad escapes); the keys decoded by the
 * page's EncodingType; the Code of an error document. Labels http and
 * security. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_reply.h"
#include "check_suites.h"

static const char aws_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>b</Name><Prefix>_vectors%2F</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys>"
    "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
    "<Contents><Key>_vectors/a+b.lhv1</Key><LastModified>2024-01-01T00:00:00.000Z"
    "</LastModified><ETag>&quot;0123&quot;</ETag><Size>10</Size>"
    "<Owner><ID>x</ID><Key>not-a-key</Key></Owner><StorageClass>STANDARD</StorageClass>"
    "</Contents>"
    "<Contents><Key>_vectors/a%2Bb%00.lhv1</Key><Size>1</Size></Contents>"
    "<Contents><Key>_vectors/%E2%82%AC.lhv1</Key></Contents>"
    "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
    "</ListBucketResult>";

/* Feeds text in pieces of `step` bytes (0: whole); returns end's result. */
static int parse(lhv1_s3_page *p, const char *text, size_t len, size_t step)
{
    if (!step)
        step = len ? len : 1;
    for (size_t i = 0; i < len; i += step)
        if (lhv1_s3_page_feed(p, text + i, len - i < step ? len - i : step) < 0)
            return -1;
    return lhv1_s3_page_end(p);
}

static void assert_key(const lhv1_s3_page *p, size_t i, const char *want, size_t n)
{
    const lhv1_key_list *k = lhv1_s3_page_keys(p);
    ck_assert_uint_gt(k->n, i);
    ck_assert_msg(k->keys[i].len == n && !memcmp(k->keys[i].data, want, n), "key %zu: %.*s", i,
                  (int)k->keys[i].len, k->keys[i].data);
}

START_TEST(aws_page_whole_and_byte_by_byte)
{
    size_t steps[] = {0, 1, 7};
    for (size_t s = 0; s < 3; s++) {
        lhv1_s3_page *p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
        ck_assert_ptr_nonnull(p);
        ck_assert_msg(parse(p, aws_page, sizeof aws_page - 1, steps[s]) == 0, "%s",
                      lhv1_s3_page_error(p));
        ck_assert_int_eq(lhv1_s3_page_keys(p)->n, 3);
        assert_key(p, 0, "_vectors/a b.lhv1", 17);          /* '+' is a space */
        assert_key(p, 1, "_vectors/a+b\0.lhv1", 18);        /* %2B, %00 */
        assert_key(p, 2, "_vectors/\xe2\x82\xac.lhv1", 17);
        ck_assert(lhv1_s3_page_truncated(p));
        lhv1_bytes t = lhv1_s3_page_token(p);
        ck_assert_int_eq(t.len, 45);
        ck_assert_int_eq(memcmp(t.data, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", 45), 0);
        lhv1_s3_page_free(p);
    }
}
END_TEST

/* Without EncodingType the keys are the text: entities and references
 * decoded, '%' and '+' kept; a prefixed namespace is the same page. */
START_TEST(raw_keys_and_prefixed_names)
{
    static const char page[] =
        "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<s3:IsTruncated>false</s3:IsTruncated>"
        "<s3:Contents><s3:Key>a&amp;b&#x9;%41+&lt;</s3:Key></s3:Contents>"
        "<s3:Contents><s3:Key><![CDATA[c<d]]></s3:Key></s3:Contents>"
        "</s3:ListBucketResult>";
    lhv1_s3_page *p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
    ck_assert_msg(parse(p, page, sizeof page - 1, 0) == 0, "%s", lhv1_s3_page_error(p));
    assert_key(p, 0, "a&b\t%41+<", 9);
    assert_key(p, 1, "c<d", 3);
    ck_assert(!lhv1_s3_page_truncated(p));
    ck_assert_int_eq(lhv1_s3_page_token(p).len, 0);
    lhv1_s3_page_free(p);
}
END_TEST

static const struct {
    const char *page, *error;
} refused[] = {
    {"<Error><Code>AccessDenied</Code></Error>", "the root element is <Error>"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents>"
     "</ListBucketResult>", "a <Contents> without a <Key>"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Key>b</Key>"
     "</Contents></ListBucketResult>", "a <Contents> with two <Key>s"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a<b/></Key></Contents>"
     "</ListBucketResult>", "<b> inside <Key>"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><IsTruncated>true</IsTruncated>"
     "</ListBucketResult>", "<IsTruncated> twice"},
    {"<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>a"
     "</NextContinuationToken><NextContinuationToken>b</NextContinuationToken>"
     "</ListBucketResult>", "<NextContinuationToken> twice"},
    {"<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>",
     "neither true nor false"},
    {"<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>",
     "no <IsTruncated>"},
    {"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
     "truncated without a continuation token"},
    {"<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>"
     "</NextContinuationToken></ListBucketResult>", "truncated without a continuation token"},
    {"<ListBucketResult><EncodingType>base64</EncodingType><IsTruncated>false</IsTruncated>"
     "</ListBucketResult>", "<EncodingType> is not url"},
    {"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
     "<Contents><Key>a%4</Key></Contents></ListBucketResult>", "key 1 of the page is not URL"},
    {"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
     "<Contents><Key>a%zz</Key></Contents></ListBucketResult>", "key 1 of the page is not URL"},
    {"<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
     "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&b;</Key></Contents>"
     "</ListBucketResult>", "a DOCTYPE"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&undefined;</Key>"
     "</Contents></ListBucketResult>", "not well-formed XML at byte"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a&#0;</Key>"
     "</Contents></ListBucketResult>", "not well-formed XML at byte"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated>", "not well-formed XML at byte"},
    {"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult><x/>",
     "not well-formed XML at byte"},
    {"", "not well-formed XML at byte"},
};

START_TEST(pages_refused)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        lhv1_s3_page *p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
        ck_assert_msg(parse(p, refused[i].page, strlen(refused[i].page), 3) == -1,
                      "accepted: %s", refused[i].page);
        ck_assert_msg(strstr(lhv1_s3_page_error(p), refused[i].error), "%s: %s",
                      refused[i].page, lhv1_s3_page_error(p));
        ck_assert(!lhv1_s3_page_oom(p));
        ck_assert_int_eq(lhv1_s3_page_feed(p, "x", 1), -1); /* stays refused */
        lhv1_s3_page_free(p);
    }
}
END_TEST

/* An element's text is at most LHV1_S3_TEXT_MAX bytes, as sent; a page at
 * most the bytes it was made for. */
START_TEST(sizes_bounded)
{
    static const char *const fields[] = {"Key", "NextContinuationToken"};
    for (int f = 0; f < 2; f++) {
        for (size_t len = LHV1_S3_TEXT_MAX; len <= LHV1_S3_TEXT_MAX + 1; len++) {
            lhv1_buf x;
            lhv1_buf_init(&x);
            lhv1_buf_puts(&x, "<ListBucketResult><IsTruncated>true</IsTruncated><Contents>");
            lhv1_buf_puts(&x, f == 0 ? "<Key>" : "<Key>k</Key></Contents><NextContinuationToken>");
            for (size_t i = 0; i < len; i++)
                lhv1_buf_putc(&x, 'a');
            lhv1_buf_puts(&x, f == 0 ? "</Key></Contents><NextContinuationToken>t"
                                     : "");
            lhv1_buf_puts(&x, "</NextContinuationToken></ListBucketResult>");
            lhv1_s3_page *p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
            int rc = parse(p, (const char *)x.data, x.len, 1000);
            if (len == LHV1_S3_TEXT_MAX) {
                ck_assert_msg(rc == 0, "%s: %s", fields[f], lhv1_s3_page_error(p));
            } else {
                char want[64];
                snprintf(want, sizeof want, "<%s> longer than 4096 bytes", fields[f]);
                ck_assert_int_eq(rc, -1);
                ck_assert_msg(strstr(lhv1_s3_page_error(p), want), "%s", lhv1_s3_page_error(p));
            }
            lhv1_s3_page_free(p);
            lhv1_buf_free(&x);
        }
    }
    /* a page of exactly its bound is read, one more byte is refused */
    const char *page = "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";
    size_t n = strlen(page);
    lhv1_s3_page *p = lhv1_s3_page_new(n, LHV1_S3_TEXT_MAX);
    ck_assert_int_eq(parse(p, page, n, 5), 0);
    lhv1_s3_page_free(p);
    p = lhv1_s3_page_new(n - 1, LHV1_S3_TEXT_MAX);
    ck_assert_int_eq(parse(p, page, n, 5), -1);
    ck_assert_msg(strstr(lhv1_s3_page_error(p), "a page of more than"), "%s",
                  lhv1_s3_page_error(p));
    lhv1_s3_page_free(p);
}
END_TEST

/* Nesting: S3's own depth passes, one level past LHV1_S3_DEPTH_MAX is
 * refused at the tag that opens it, before the rest of the page is read
 * (expat keeps every open tag: 8 MiB of "<a>" held about 400 MB). */
START_TEST(nesting_bounded)
{
    for (int extra = 0; extra <= 1; extra++) {
        /* ListBucketResult, then LHV1_S3_DEPTH_MAX - 1 + extra more levels */
        lhv1_buf x;
        lhv1_buf_init(&x);
        lhv1_buf_puts(&x, "<ListBucketResult><IsTruncated>false</IsTruncated>");
        int inner = LHV1_S3_DEPTH_MAX - 1 + extra;
        for (int i = 0; i < inner; i++)
            lhv1_buf_puts(&x, "<a>");
        size_t refused_at = x.len;
        for (int i = 0; i < inner; i++)
            lhv1_buf_puts(&x, "</a>");
        lhv1_buf_puts(&x, "</ListBucketResult>");
        lhv1_s3_page *p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
        int rc = parse(p, (const char *)x.data, x.len, 1);
        if (!extra) {
            ck_assert_msg(rc == 0, "%s", lhv1_s3_page_error(p));
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_msg(strstr(lhv1_s3_page_error(p), "nested deeper than 16"), "%s",
                          lhv1_s3_page_error(p));
            lhv1_s3_page_free(p);
            /* fed whole, the feed that holds the tag is the one refused */
            p = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
            ck_assert_int_eq(lhv1_s3_page_feed(p, x.data, refused_at - 3), 0);
            ck_assert_int_eq(lhv1_s3_page_feed(p, x.data + refused_at - 3, 3), -1);
        }
        lhv1_s3_page_free(p);
        lhv1_buf_free(&x);
    }
    /* an error document the same */
    lhv1_buf e;
    lhv1_buf_init(&e);
    lhv1_buf_puts(&e, "<Error><Code>SlowDown</Code><Message>");
    for (int i = 0; i < LHV1_S3_DEPTH_MAX; i++)
        lhv1_buf_puts(&e, "<a>");
    for (int i = 0; i < LHV1_S3_DEPTH_MAX; i++)
        lhv1_buf_puts(&e, "</a>");
    lhv1_buf_puts(&e, "</Message></Error>");
    char code[64];
    ck_assert_int_eq(lhv1_s3_error_code(e.data, e.len, code, sizeof code), -1);
    lhv1_buf_free(&e);
}
END_TEST

START_TEST(error_codes)
{
    char code[64];
    const char *doc = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>m</Message>"
                      "</Error>";
    ck_assert_int_eq(lhv1_s3_error_code(doc, strlen(doc), code, sizeof code), 0);
    ck_assert_str_eq(code, "NoSuchKey");
    static const char *const not_codes[] = {
        "<Error><Message><Code>NoSuchKey</Code></Message></Error>", /* not the Error's Code */
        "<Other><Code>NoSuchKey</Code></Other>",
        "<Error><Code>NoSuchKey</Code><Code>SlowDown</Code></Error>",
        "<Error><Code>No<b/>SuchKey</Code></Error>",
        "<!DOCTYPE e [<!ENTITY k \"NoSuchKey\">]><Error><Code>&k;</Code></Error>",
        "<Error><Code>NoSuchKey</Code>",
        "key not found",
        "",
    };
    for (size_t i = 0; i < sizeof not_codes / sizeof not_codes[0]; i++) {
        ck_assert_msg(lhv1_s3_error_code(not_codes[i], strlen(not_codes[i]), code, sizeof code) ==
                          -1, "%s", not_codes[i]);
        ck_assert_str_eq(code, "");
    }
    /* a code that does not fit is no code */
    ck_assert_int_eq(lhv1_s3_error_code(doc, strlen(doc), code, 9), -1);
    ck_assert_int_eq(lhv1_s3_error_code(doc, strlen(doc), code, 10), 0);
    ck_assert_str_eq(code, "NoSuchKey");
}
END_TEST

Suite *suite_s3reply(void)
{
    Suite *s = suite_create("s3reply");
    TCase *tc = tcase_create("s3reply");
    tcase_add_test(tc, aws_page_whole_and_byte_by_byte);
    tcase_add_test(tc, raw_keys_and_prefixed_names);
    tcase_add_test(tc, pages_refused);
    tcase_add_test(tc, sizes_bounded);
    tcase_add_test(tc, nesting_bounded);
    tcase_add_test(tc, error_codes);
    suite_add_tcase(s, tc);
    return s;
}
