/* `lhv1 verify s3://` and `lhv1 scan` against a hostile S3 endpoint
 * (hostile.c), as users run them: an endless body (without Content-Length,
 * chunked, or as an error reply), a Content-Length too large, too small or
 * exceeded, listings that repeat a token, repeat keys, never end, exceed
 * the key limit or the page size, list keys holding NUL or outside the
 * prefix, a DOCTYPE. Each case checks what the client reported and how
 * much the server managed to send (what the client read at most); the
 * plain build's peak memory too. Labels http and security. The CLI runs
 * under a 1 GiB memory ceiling, so a client without bounds fails the case
 * instead of the machine. */
#include <check.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "cli_run.h"
#include "hostile.h"
#include "http_util.h"
#include "lhv1/bytes.h"

/* What an endless reply may write before the client stops reading: its
 * bound (at most 8 MiB here) plus what the loopback socket buffers hold.
 * The server gives up after FLOOD_CAP, 4 times that; a client without a
 * bound reads all of it. */
#define SENT_BOUND ((uint64_t)64 << 20)
#define FLOOD_CAP ((uint64_t)256 << 20)
/* Peak RSS of the plain CLI reading under a 1 MiB bound (about 10 MiB
 * measured); a client that read FLOOD_CAP holds far more. */
#define PLAIN_RSS_BOUND_KB (96L << 10)

static lhv1_buf golden; /* golden/objects/y_dim_1.lhv1: an ok object */

static void load_golden(void)
{
    const char *variant = getenv("LHV1_VARIANT");
    cli_run_limit_memory(1024, variant && !strcmp(variant, "asan"));
    const char *dir = getenv("LHV1_GOLDEN_OBJECTS");
    ck_assert_ptr_nonnull(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/y_dim_1.lhv1", dir);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    lhv1_buf_init(&golden);
    char b[4096];
    size_t n;
    while ((n = fread(b, 1, sizeof b, f)) > 0)
        lhv1_buf_append(&golden, b, n);
    fclose(f);
    ck_assert(!golden.failed && golden.len > 100);
}

static void free_golden(void)
{
    lhv1_buf_free(&golden);
    cli_run_reset();
}

#define OUT(r) ((const char *)(r)->out.data)
#define ERR(r) ((const char *)(r)->err.data)

static const char *cli(void)
{
    return getenv("LHV1_CLI");
}

static char *slurp(FILE *f)
{
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    s[fread(s, 1, (size_t)n, f)] = 0;
    fclose(f);
    return s;
}

static int plain_variant(void)
{
    const char *v = getenv("LHV1_VARIANT");
    return v && !strcmp(v, "plain");
}

/* The client stopped reading an endless reply: it sent at most SENT_BOUND
 * and (plain build) stayed small. */
static void assert_bounded(hostile *h, const run_result *r)
{
    uint64_t sent = hostile_sent(h);
    ck_assert_msg(sent < SENT_BOUND, "the server wrote %llu bytes before the client stopped",
                  (unsigned long long)sent);
    if (plain_variant())
        ck_assert_msg(r->maxrss_kb < PLAIN_RSS_BOUND_KB, "peak RSS %ld KiB", r->maxrss_kb);
}

static void assert_has(const char *text, const char *what, const char *where)
{
    ck_assert_msg(strstr(text, what) != NULL, "%s lacks \"%s\": %s", where, what, text);
}

/* --- reads of one object -------------------------------------------------- */

enum get_kind {
    ENDLESS_CLOSE,     /* 200, no Content-Length, bytes until the client goes */
    ENDLESS_CHUNKED,   /* 200, chunked, chunks until the client goes */
    ANNOUNCED_HUGE,    /* 200, Content-Length 3 GiB (an S3 object can be), bytes until the client goes */
    LENGTH_EXCEEDED,   /* 200, Content-Length 2000, the whole 2590-byte object */
    LENGTH_SHORT,      /* 200, Content-Length 100 more than the object, then close */
    ERROR_ENDLESS,     /* 503, no Content-Length, bytes until the client goes */
};

static int get_reply(hostile *h, int fd, const char *method, const char *target, void *cls)
{
    (void)method, (void)target;
    enum get_kind k = *(enum get_kind *)cls;
    switch (k) {
    case ENDLESS_CLOSE:
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") == 0)
            hostile_flood(h, fd, 0, FLOOD_CAP);
        return 0;
    case ENDLESS_CHUNKED: {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") < 0)
            return 0;
        static char chunk[65536 + 16];
        int head = snprintf(chunk, sizeof chunk, "10000\r\n");
        memset(chunk + head, 'L', 65536);
        memcpy(chunk + head + 65536, "\r\n", 2);
        for (uint64_t sent = 0; sent < FLOOD_CAP; sent += 65536)
            if (hostile_write(h, fd, chunk, (size_t)head + 65536 + 2) < 0)
                break;
        return 0;
    }
    case ANNOUNCED_HUGE:
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nContent-Length: 3221225472\r\n\r\n") == 0)
            hostile_flood(h, fd, 0, FLOOD_CAP);
        return 0;
    case LENGTH_EXCEEDED: {
        /* head, announced body and the excess in one write: one read */
        lhv1_buf b;
        lhv1_buf_init(&b);
        lhv1_buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
        lhv1_buf_append(&b, golden.data, golden.len);
        hostile_write(h, fd, b.data, b.len);
        lhv1_buf_free(&b);
        return 1;
    }
    case LENGTH_SHORT:
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
                           golden.len + 100) == 0)
            hostile_write(h, fd, golden.data, golden.len);
        return 0;
    case ERROR_ENDLESS:
        if (hostile_printf(h, fd, "HTTP/1.1 503 Slow Down\r\nConnection: close\r\n\r\n"
                                  "<Error><Code>SlowDown</Code><Message>") == 0)
            hostile_flood(h, fd, 'x', FLOOD_CAP);
        return 0;
    }
    return 0;
}

/* verify s3://b/_vectors/x.lhv1 against one kind of GET reply. */
static void verify_against(enum get_kind k, const char *max_object, run_result **r, hostile **hp)
{
    static enum get_kind kind;
    kind = k;
    hostile *h = hostile_start(get_reply, &kind);
    const char *with_max[] = {"verify", "--endpoint", hostile_url(h), "--max-object-size",
                              max_object, "s3://b/_vectors/x.lhv1", NULL};
    const char *no_max[] = {"verify", "--endpoint", hostile_url(h), "s3://b/_vectors/x.lhv1",
                            NULL};
    *r = cli_run(cli(), ".", max_object ? with_max : no_max);
    *hp = h;
}

START_TEST(endless_body_without_length)
{
    run_result *r;
    hostile *h;
    verify_against(ENDLESS_CLOSE, "1048576", &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "store-error", "stderr");
    assert_has(ERR(r), "more than 1048576 bytes", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

START_TEST(endless_body_chunked)
{
    run_result *r;
    hostile *h;
    verify_against(ENDLESS_CHUNKED, "1048576", &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "more than 1048576 bytes", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

/* The default bound (1 GiB): a larger Content-Length is refused before
 * the body is read. */
START_TEST(announced_length_over_default_bound)
{
    run_result *r;
    hostile *h;
    verify_against(ANNOUNCED_HUGE, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "announcing 3221225472 bytes, more than the 1073741824", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

/* A body longer than its Content-Length: the store failed; judging the
 * announced prefix would call the object's bytes broken. */
START_TEST(body_longer_than_content_length)
{
    run_result *r;
    hostile *h;
    verify_against(LENGTH_EXCEEDED, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "store-error", "stderr");
    assert_has(ERR(r), "more bytes than the reply's Content-Length", "stderr");
    ck_assert_str_eq(OUT(r), "");
    hostile_stop(h);
}
END_TEST

START_TEST(body_shorter_than_content_length)
{
    run_result *r;
    hostile *h;
    verify_against(LENGTH_SHORT, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "store-error", "stderr");
    ck_assert_str_eq(OUT(r), "");
    hostile_stop(h);
}
END_TEST

START_TEST(endless_error_body)
{
    run_result *r;
    hostile *h;
    verify_against(ERROR_ENDLESS, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "a 503 reply of more than 8192 bytes", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

/* --- listings --------------------------------------------------------------- */

/* A listing scenario: page n (0-based, one per list request) as written by
 * `page`; an object GET is answered with the golden object. At most
 * MAX_PAGES list requests are answered, then 500: a client that never
 * stops on its own ends there. */
#define MAX_PAGES 500

typedef struct listing {
    void (*page)(lhv1_buf *xml, int n);
    int pages;
    int endless; /* the page never ends: <Name> text until the client goes */
    int slow;    /* 1: each page after 1 s; 2: a page trickled a byte every 200 ms */
} listing;

static int list_reply(hostile *h, int fd, const char *method, const char *target, void *cls)
{
    listing *l = cls;
    (void)method;
    if (!strstr(target, "list-type=2")) {
        hostile_reply(h, fd, 200, "application/octet-stream", golden.data, golden.len);
        return 1;
    }
    if (l->endless) {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                                  "<ListBucketResult><Name>") == 0)
            hostile_flood(h, fd, 'n', FLOOD_CAP);
        return 0;
    }
    if (l->slow == 2) {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                                  "<ListBucketResult><Name>") == 0)
            while (hostile_write(h, fd, "n", 1) == 0)
                usleep(200000);
        return 0;
    }
    if (l->slow == 1)
        sleep(1);
    if (l->pages >= MAX_PAGES) {
        static const char e[] = "<Error><Code>InternalError</Code></Error>";
        hostile_reply(h, fd, 500, "application/xml", e, sizeof e - 1);
        return 1;
    }
    lhv1_buf x;
    lhv1_buf_init(&x);
    lhv1_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>");
    l->page(&x, l->pages++);
    lhv1_buf_puts(&x, "</ListBucketResult>");
    hostile_reply(h, fd, 200, "application/xml", x.data, x.len);
    lhv1_buf_free(&x);
    return 1;
}

static void contents(lhv1_buf *x, const char *key)
{
    lhv1_buf_printf(x, "<Contents><Key>%s</Key><Size>1</Size></Contents>", key);
}

/* Every page: one new key, truncated, the same token. */
static void page_same_token(lhv1_buf *x, int n)
{
    lhv1_buf_printf(x, "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
                       "<NextContinuationToken>same</NextContinuationToken>");
    char k[64];
    snprintf(k, sizeof k, "_vectors/k%d.lhv1", n);
    contents(x, k);
}

/* Every page: a fresh token, the same key. */
static void page_same_key(lhv1_buf *x, int n)
{
    lhv1_buf_printf(x, "<IsTruncated>true</IsTruncated>"
                       "<NextContinuationToken>t%d</NextContinuationToken>", n);
    contents(x, "_vectors/a.lhv1");
}

/* Every page: a fresh token and no key. */
static void page_empty(lhv1_buf *x, int n)
{
    lhv1_buf_printf(x, "<IsTruncated>true</IsTruncated>"
                       "<NextContinuationToken>t%d</NextContinuationToken>", n);
}

/* Five empty truncated pages, then the last page with a key. */
static void page_empty_then_key(lhv1_buf *x, int n)
{
    if (n < 5) {
        page_empty(x, n);
        return;
    }
    lhv1_buf_puts(x, "<IsTruncated>false</IsTruncated>");
    contents(x, "_vectors/dim_1.lhv1");
}

/* One new key a page, without end. */
static void page_of_one(lhv1_buf *x, int n)
{
    lhv1_buf_printf(x, "<IsTruncated>true</IsTruncated>"
                       "<NextContinuationToken>t%d</NextContinuationToken>", n);
    char k[64];
    snprintf(k, sizeof k, "_vectors/one%d.lhv1", n);
    contents(x, k);
}

/* Ten keys a page, five pages. */
static void page_of_ten(lhv1_buf *x, int n)
{
    lhv1_buf_printf(x, "<IsTruncated>%s</IsTruncated>", n < 4 ? "true" : "false");
    if (n < 4)
        lhv1_buf_printf(x, "<NextContinuationToken>t%d</NextContinuationToken>", n);
    for (int i = 0; i < 10; i++) {
        char k[64];
        snprintf(k, sizeof k, "_vectors/p%d-%d.lhv1", n, i);
        contents(x, k);
    }
}

/* Keys holding NUL, outside the prefix, not UTF-8, beside an ordinary one. */
static void page_odd_keys(lhv1_buf *x, int n)
{
    (void)n;
    lhv1_buf_puts(x, "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>");
    contents(x, "_vectors/dim_1.lhv1");
    contents(x, "_vectors/dim_1.lhv1%00.evil");
    contents(x, "secrets/dim_1.lhv1");
    contents(x, "_vectors/%FF%1B%5B2J.lhv1");
}

/* A key with an XML entity (no EncodingType: taken as text) . */
static void page_entity_key(lhv1_buf *x, int n)
{
    (void)n;
    lhv1_buf_puts(x, "<IsTruncated>false</IsTruncated>");
    contents(x, "_vectors/a&amp;b.lhv1");
}

/* S3's url encoding writes a space as '+' and a '+' as %2B. */
static void page_plus_key(lhv1_buf *x, int n)
{
    (void)n;
    lhv1_buf_puts(x, "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>");
    contents(x, "_vectors/a+b%2Bc.lhv1");
}

/* One page of nested elements just within the page bound (as the review
 * sent: 8.1 MB of "<a>"). */
static void page_deep(lhv1_buf *x, int n)
{
    (void)n;
    lhv1_buf_puts(x, "<IsTruncated>false</IsTruncated>");
    for (int i = 0; i < 2700000; i++)
        lhv1_buf_puts(x, "<a>");
}

static void scan_against(listing *l, const char *const *extra, run_result **r, hostile **hp)
{
    hostile *h = hostile_start(list_reply, l);
    const char *args[16] = {"scan", "--quiet", "--endpoint", hostile_url(h)};
    int n = 4;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n++] = "b";
    args[n] = NULL;
    *r = cli_run(cli(), ".", args);
    *hp = h;
}

START_TEST(listing_repeats_its_token)
{
    listing l = {page_same_token, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "continuation token repeated", "stderr");
    ck_assert_int_eq(hostile_requests(h), 2);
    hostile_stop(h);
}
END_TEST

START_TEST(listing_repeats_a_key)
{
    listing l = {page_same_key, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "a key listed twice", "stderr");
    ck_assert_int_eq(hostile_requests(h), 2);
    hostile_stop(h);
}
END_TEST

START_TEST(listing_of_empty_pages_without_end)
{
    listing l = {page_empty, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "8 truncated pages in a row without a key", "stderr");
    ck_assert_int_eq(hostile_requests(h), 8);
    hostile_stop(h);
}
END_TEST

/* Empty truncated pages are legal: five of them, then keys, scan fine. */
START_TEST(listing_with_some_empty_pages)
{
    listing l = {page_empty_then_key, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 0, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    ck_assert_str_eq(OUT(r), "_vectors/dim_1.lhv1: ok\n");
    ck_assert_int_eq(hostile_requests(h), 7);
    hostile_stop(h);
}
END_TEST

START_TEST(listing_over_the_key_limit)
{
    listing l = {page_of_ten, 0, 0, 0};
    run_result *r;
    hostile *h;
    const char *limit[] = {"--max-keys", "25", NULL};
    scan_against(&l, limit, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "more than 25 keys", "stderr");
    ck_assert_int_eq(hostile_requests(h), 3);
    hostile_stop(h);
    /* the same listing under a limit it fits: 50 objects scanned */
    l.pages = 0;
    const char *fits[] = {"--max-keys", "50", NULL};
    scan_against(&l, fits, &r, &h);
    ck_assert_msg(r->code == 1, "exit %d: %s%s", r->code, OUT(r), ERR(r)); /* cross-name */
    ck_assert_int_eq(hostile_requests(h), 5 + 50);
    hostile_stop(h);
}
END_TEST

START_TEST(listing_page_without_end)
{
    listing l = {page_empty, 0, 1, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "more than 8388608 bytes", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

/* Refused at the 17th level, not after the whole page: expat keeps every
 * open tag (without the bound: 404 MB peak in `lhv1 scan`). */
START_TEST(listing_nested_without_end)
{
    listing l = {page_deep, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "elements nested deeper than 16", "stderr");
    assert_bounded(h, r);
    hostile_stop(h);
}
END_TEST

/* A whole listing is bounded in time: pages that each come within the
 * per-request timeout (here one key a second, without end) and a page that
 * never completes both stop at --listing-timeout (default 600 s), the
 * latter before the 30 s per-request timeout. */
START_TEST(listing_over_its_time_limit)
{
    listing l = {page_of_one, 0, 0, 1};
    run_result *r;
    hostile *h;
    const char *limit[] = {"--listing-timeout", "3", NULL};
    scan_against(&l, limit, &r, &h);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "listing: not complete after 3 s (the client's listing time limit)",
               "stderr");
    ck_assert_int_le(hostile_requests(h), 4);
    hostile_stop(h);
    listing t = {page_empty, 0, 0, 2};
    const char *shorter[] = {"--listing-timeout", "2", NULL};
    long start = mono_ms();
    scan_against(&t, shorter, &r, &h);
    long took = mono_ms() - start;
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "listing: not complete after 2 s", "stderr");
    ck_assert_msg(took < 25000, "the trickled page took %ld ms", took);
    ck_assert_int_eq(hostile_requests(h), 1);
    hostile_stop(h);
}
END_TEST

/* Keys holding NUL or outside the prefix are reported, escaped, and never
 * read; the others are read by their exact bytes. */
START_TEST(listing_with_nul_and_outside_keys)
{
    listing l = {page_odd_keys, 0, 0, 0};
    run_result *r;
    hostile *h;
    char json[64], md[64];
    snprintf(json, sizeof json, "hostile-scan-%d.json", (int)getpid());
    snprintf(md, sizeof md, "hostile-scan-%d.md", (int)getpid());
    const char *files[] = {"--json", json, "--markdown", md, NULL};
    scan_against(&l, files, &r, &h);
    ck_assert_msg(r->code == 1, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(OUT(r), "_vectors/dim_1.lhv1: ok\n", "stdout");
    assert_has(OUT(r), "_vectors/dim_1.lhv1\\x00.evil: store-error: store-failed: the key holds "
                       "a NUL byte: not read", "stdout");
    assert_has(OUT(r), "secrets/dim_1.lhv1: store-error: store-failed: listed for the prefix "
                       "but outside it: not read", "stdout");
    assert_has(OUT(r), "_vectors/\\xff\\x1b[2J.lhv1: ", "stdout");
    char *log = hostile_log(h);
    ck_assert_msg(!strstr(log, "secrets") && !strstr(log, "%00") && !strstr(log, ".evil"),
                  "the client read a key it must only report:\n%s", log);
    const char *once = strstr(log, "GET /b/_vectors/dim_1.lhv1\n");
    ck_assert_msg(once && !strstr(once + 1, "GET /b/_vectors/dim_1.lhv1\n"),
                  "_vectors/dim_1.lhv1 not read exactly once:\n%s", log);
    assert_has(log, "GET /b/_vectors/%FF%1B%5B2J.lhv1\n", "the server's log");
    free(log);
    hostile_stop(h);
    /* JSON parses; the NUL key is whole; the non-UTF-8 key is {"hex":...} */
    FILE *f = fopen(json, "r");
    ck_assert_ptr_nonnull(f);
    char *text = slurp(f);
    assert_has(text, "\"_vectors/dim_1.lhv1\\u0000.evil\"", "scan JSON");
    cJSON *doc = cJSON_Parse(text);
    ck_assert_msg(doc != NULL, "scan JSON does not parse: %s", text);
    cJSON *results = cJSON_GetObjectItem(doc, "results");
    ck_assert_int_eq(cJSON_GetArraySize(results), 4);
    int hex_seen = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, results)
    {
        cJSON *hex = cJSON_GetObjectItem(cJSON_GetObjectItem(it, "key"), "hex");
        if (hex && !strcmp(cJSON_GetStringValue(hex), "5f766563746f72732fff1b5b324a2e6c687631"))
            hex_seen = 1;
    }
    ck_assert_msg(hex_seen, "scan JSON: %s", text);
    cJSON_Delete(doc);
    free(text);
    f = fopen(md, "r");
    ck_assert_ptr_nonnull(f);
    text = slurp(f);
    assert_has(text, "| \\_vectors/dim\\_1.lhv1\\\\x00.evil | 0 | store-error |", "Markdown");
    ck_assert_msg(!strchr(text, '\x1b'), "a raw ESC in the Markdown: %s", text);
    free(text);
    unlink(json);
    unlink(md);
}
END_TEST

START_TEST(listing_keys_decoded_as_sent)
{
    listing l = {page_entity_key, 0, 0, 0};
    run_result *r;
    hostile *h;
    scan_against(&l, NULL, &r, &h);
    char *log = hostile_log(h);
    assert_has(log, "GET /b/_vectors/a%26b.lhv1\n", "the server's log");
    free(log);
    hostile_stop(h);
    listing p = {page_plus_key, 0, 0, 0};
    scan_against(&p, NULL, &r, &h);
    log = hostile_log(h);
    assert_has(log, "GET /b/_vectors/a%20b%2Bc.lhv1\n", "the server's log");
    assert_has(OUT(r), "_vectors/a b+c.lhv1: ", "stdout");
    free(log);
    hostile_stop(h);
}
END_TEST

static int doctype_reply(hostile *h, int fd, const char *method, const char *target, void *cls)
{
    (void)method, (void)target, (void)cls;
    static const char x[] =
        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"_vectors/x.lhv1\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><ListBucketResult>"
        "<IsTruncated>false</IsTruncated><Contents><Key>&b;</Key></Contents></ListBucketResult>";
    hostile_reply(h, fd, 200, "application/xml", x, sizeof x - 1);
    return 1;
}

START_TEST(listing_with_a_doctype)
{
    hostile *h = hostile_start(doctype_reply, NULL);
    run_result *r;
    const char *args[] = {"scan", "--quiet", "--endpoint", hostile_url(h), "b", NULL};
    r = cli_run(cli(), ".", args);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, OUT(r), ERR(r));
    assert_has(ERR(r), "DOCTYPE", "stderr");
    ck_assert_int_eq(hostile_requests(h), 1);
    hostile_stop(h);
}
END_TEST

Suite *suite_hostile(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, load_golden, free_golden);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, endless_body_without_length);
    tcase_add_test(tc, endless_body_chunked);
    tcase_add_test(tc, announced_length_over_default_bound);
    tcase_add_test(tc, body_longer_than_content_length);
    tcase_add_test(tc, body_shorter_than_content_length);
    tcase_add_test(tc, endless_error_body);
    tcase_add_test(tc, listing_repeats_its_token);
    tcase_add_test(tc, listing_repeats_a_key);
    tcase_add_test(tc, listing_of_empty_pages_without_end);
    tcase_add_test(tc, listing_with_some_empty_pages);
    tcase_add_test(tc, listing_over_the_key_limit);
    tcase_add_test(tc, listing_page_without_end);
    tcase_add_test(tc, listing_nested_without_end);
    tcase_add_test(tc, listing_over_its_time_limit);
    tcase_add_test(tc, listing_with_nul_and_outside_keys);
    tcase_add_test(tc, listing_keys_decoded_as_sent);
    tcase_add_test(tc, listing_with_a_doctype);
    suite_add_tcase(s, tc);
    return s;
}
