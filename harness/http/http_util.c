/* Helpers of the HTTP suites (see http_util.h). */
#include "http_util.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long http_timeout_ms = 20000;

static void http_req_signed_(const server *s, resp *r, const char *method, const char *path,
                             const void *body, size_t len, const char *const *headers,
                             const char *userpwd);

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int http_curl_setup(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    atexit(curl_global_cleanup);
    return 0;
}

long mono_ms(void)
{
    return now_ms();
}

void server_start(server *s, const char *const *args)
{
    const char *cli = getenv("LHV1_CLI");
    ck_assert_msg(cli != NULL, "LHV1_CLI is not set");
    char *argv[40];
    int n = 0;
    argv[n++] = (char *)cli;
    argv[n++] = "serve";
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    for (; args && *args && n < 38; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* a test that aborts (ASan, a failed check without fork) must not
         * leave its server running, holding ctest's output open */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(cli, argv);
        _exit(127);
    }
    close(fds[1]);
    char line[256];
    size_t len = 0;
    long deadline = now_ms() + 10000;
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        struct pollfd p = {fds[0], POLLIN, 0};
        long left = deadline - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t got = read(fds[0], line + len, sizeof line - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fds[0]);
    line[len] = 0;
    s->pid = pid;
    s->port = 0;
    char host[64];
    ck_assert_msg(sscanf(line, "listening on http://%63[0-9.]:%d", host, &s->port) == 2,
                  "the server printed \"%s\"", line);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
}

void server_stop(server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    int status;
    ck_assert_int_eq(waitpid(s->pid, &status, 0), s->pid);
    s->pid = 0;
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the server ended with status 0x%x", status);
}

void server_kill(server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    int status;
    waitpid(s->pid, &status, 0);
    s->pid = 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    lhv1_buf_append(cls, p, size * n);
    return size * n;
}

void http_req(const server *s, resp *r, const char *method, const char *path,
              const void *body, size_t len, const char *const *headers)
{
    http_req_signed_(s, r, method, path, body, len, headers, NULL);
}

static void http_req_signed_(const server *s, resp *r, const char *method, const char *path,
                             const void *body, size_t len, const char *const *headers,
                             const char *userpwd)
{
    memset(r, 0, sizeof *r);
    lhv1_buf_init(&r->body);
    lhv1_buf_init(&r->headers);
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    char url[4096];
    snprintf(url, sizeof url, "%s%s", s->url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    struct curl_slist *h = NULL;
    int expect = 0;
    for (const char *const *p = headers; p && *p; p++) {
        h = curl_slist_append(h, *p);
        expect |= !strncasecmp(*p, "Expect:", 7);
    }
    if (!expect && !userpwd) /* no 100-continue round trip unless a test asks for it */
        h = curl_slist_append(h, "Expect:"); /* (libcurl 7.88 would sign it empty) */
    if (userpwd) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, http_timeout_ms);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    lhv1_buf_putc(&r->body, 0);
    r->body.len--;
    lhv1_buf_putc(&r->headers, 0);
    r->headers.len--;
}

void sha256_header(char *out, size_t n, const void *body, size_t len)
{
    uint8_t d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, body ? body : (const void *)"", len);
    char hex[2 * sizeof d + 1];
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    snprintf(out, n, "x-amz-content-sha256: %s", hex);
}

void http_signed(const server *s, resp *r, const char *method, const char *path,
                 const void *body, size_t len, const char *const *headers,
                 const char *userpwd)
{
    char sha[128];
    sha256_header(sha, sizeof sha, body, len);
    const char *h[24];
    size_t n = 0;
    for (const char *const *p = headers; p && *p && n < 22; p++)
        h[n++] = *p;
    h[n++] = sha;
    h[n] = NULL;
    http_req_signed_(s, r, method, path, body, len, h, userpwd);
}

void resp_free(resp *r)
{
    lhv1_buf_free(&r->body);
    lhv1_buf_free(&r->headers);
}

const char *resp_header(const resp *r, const char *name, char *out, size_t n)
{
    out[0] = 0;
    const char *p = (const char *)r->headers.data;
    size_t nl = strlen(name);
    while (p && *p) {
        if (!strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            if (vl >= n)
                vl = n - 1;
            memcpy(out, v, vl);
            out[vl] = 0;
            return out;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return out;
}

int resp_code_is(const resp *r, const char *code)
{
    char want[128];
    snprintf(want, sizeof want, "<Code>%s</Code>", code);
    return r->body.data && strstr((const char *)r->body.data, want) != NULL;
}

int raw_connect_from(int port, const char *src, const char *dst)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    ck_assert_int_eq(inet_pton(AF_INET, src, &a.sin_addr), 1);
    ck_assert_msg(bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind %s: %s", src,
                  strerror(errno));
    a.sin_port = htons((uint16_t)port);
    ck_assert_int_eq(inet_pton(AF_INET, dst, &a.sin_addr), 1);
    ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect %s -> %s: %s",
                  src, dst, strerror(errno));
    return fd;
}

void server_memory(const server *s, long *rss_kb, long *hwm_kb)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)s->pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    *rss_kb = *hwm_kb = -1;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld kB", rss_kb);
        sscanf(line, "VmHWM: %ld kB", hwm_kb);
    }
    fclose(f);
    ck_assert(*rss_kb > 0 && *hwm_kb > 0);
}

int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

int raw_exchange(int port, const void *data, size_t len, int shut, int timeout_ms,
                 lhv1_buf *out)
{
    int fd = raw_connect(port);
    /* Send and read at once: a server that answers early (431, 413) and
     * closes may reset the connection, and what it sent must be read
     * before that. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    size_t off = 0;
    int sending = 1;
    if (len == 0 && shut)
        shutdown(fd, SHUT_WR), sending = 0;
    lhv1_buf got;
    lhv1_buf_init(&got);
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        long left = deadline - now_ms();
        struct pollfd p = {fd, (short)(POLLIN | (sending ? POLLOUT : 0)), 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        if (sending && (p.revents & POLLOUT)) {
            ssize_t n = send(fd, (const char *)data + off, len - off, MSG_NOSIGNAL);
            if (n > 0)
                off += (size_t)n;
            if (n <= 0 && errno != EAGAIN)
                sending = 0; /* the server stopped reading */
            if (off == len) {
                sending = 0;
                if (shut)
                    shutdown(fd, SHUT_WR);
            }
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[4096];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0 && errno == EAGAIN)
                continue;
            if (n <= 0)
                break;
            lhv1_buf_append(&got, buf, (size_t)n);
        }
    }
    close(fd);
    lhv1_buf_putc(&got, 0);
    got.len--;
    int status = 0;
    if (got.len >= 12 && !strncmp((const char *)got.data, "HTTP/1.", 7))
        status = atoi((const char *)got.data + 9);
    if (out)
        *out = got;
    else
        lhv1_buf_free(&got);
    return status;
}

long http_status(const server *s, const char *method, const char *path, const char *body,
                 const char *const *headers, const char *code)
{
    resp r;
    http_req(s, &r, method, path, body, body ? strlen(body) : 0, headers);
    long st = r.status;
    if (code)
        ck_assert_msg(resp_code_is(&r, code), "%s %s: %ld, not %s: %s", method, path, st, code,
                      (const char *)r.body.data);
    resp_free(&r);
    return st;
}

long http_get_text(const server *s, const char *path, char *out, size_t n)
{
    resp r;
    http_req(s, &r, "GET", path, NULL, 0, NULL);
    size_t k = r.body.len < n - 1 ? r.body.len : n - 1;
    if (k)
        memcpy(out, r.body.data, k);
    out[k] = 0;
    long st = r.status;
    resp_free(&r);
    return st;
}

void others_served_while_delayed(const server *s, int fd, long t0, long delay_ms,
                                 const char *path, const char *body)
{
    char got[256];
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(http_get_text(s, path, got, sizeof got), 200);
        ck_assert_str_eq(got, body);
    }
    struct pollfd p = {fd, POLLIN, 0};
    ck_assert_msg(poll(&p, 1, 0) == 0, "the delayed reply came before the others were served "
                  "(%ld ms after the request)", mono_ms() - t0);
    char reply[512];
    ssize_t n = recv(fd, reply, sizeof reply - 1, 0);
    close(fd);
    ck_assert_int_gt(n, 12);
    reply[n] = 0;
    ck_assert_int_eq(strncmp(reply, "HTTP/1.1 200", 12), 0);
    ck_assert_int_ge(mono_ms() - t0, delay_ms - 50);
}

void add_rules(const server *s, const char *json)
{
    resp r;
    http_req(s, &r, "POST", "/_lhv1/rules", json, strlen(json), NULL);
    ck_assert_msg(r.status == 200, "adding rules %s: %ld %s", json, r.status,
                  (const char *)r.body.data);
    resp_free(&r);
}

int server_alive_signed(const server *s, const char *userpwd)
{
    resp r;
    if (userpwd)
        http_signed(s, &r, "GET", "/_lhv1/health", NULL, 0, NULL, userpwd);
    else
        http_req(s, &r, "GET", "/_lhv1/health", NULL, 0, NULL);
    int ok = r.rc == CURLE_OK && r.status == 200;
    resp_free(&r);
    return ok;
}

int server_alive(const server *s)
{
    return server_alive_signed(s, NULL);
}
