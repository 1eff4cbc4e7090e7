/* Helpers of the HTTP suites: start `lhv1 serve` ($LHV1_CLI) on a free
 * loopback port and stop it, requests through libcurl, raw socket
 * exchanges for what libcurl will not send. */
#ifndef LHV1_HTTP_UTIL_H
#define LHV1_HTTP_UTIL_H

#include <curl/curl.h>
#include <stddef.h>
#include <sys/types.h>

#include "lhv1/bytes.h"

typedef struct server {
    pid_t pid;
    int port;
    char url[64]; /* http://127.0.0.1:PORT, whatever address it listens on */
} server;

/* Starts the server with extra arguments (NULL-terminated, may be NULL);
 * fails the test when it does not print its address within 10 s. */
void server_start(server *s, const char *const *args);
/* SIGTERM and wait: the exit status must be 0 (so ASan's leak check ran
 * clean). */
void server_stop(server *s);
/* SIGKILL and reap. */
void server_kill(server *s);

typedef struct resp {
    CURLcode rc;
    long status;
    lhv1_buf body;
    lhv1_buf headers;
} resp;

/* The Check SETUP of the HTTP binaries (check_main.h): libcurl's global
 * init, before any thread, undone at exit. */
int http_curl_setup(int argc, char **argv);

/* The timeout of http_req (default 20 s). */
extern long http_timeout_ms;

/* One request; headers is NULL-terminated "Name: value" strings or NULL. */
void http_req(const server *s, resp *r, const char *method, const char *path,
              const void *body, size_t len, const char *const *headers);
/* The same signed by libcurl's SigV4 (CURLOPT_AWS_SIGV4, us-east-1, s3) as
 * KEY:SECRET, with the body's x-amz-content-sha256. */
void http_signed(const server *s, resp *r, const char *method, const char *path,
                 const void *body, size_t len, const char *const *headers,
                 const char *userpwd);
/* One request with a C-string body (or NULL), for its status; when `code`
 * is not NULL the reply must hold that S3 code (the test fails otherwise). */
long http_status(const server *s, const char *method, const char *path, const char *body,
                 const char *const *headers, const char *code);
/* A GET: its status, its body into out (NUL-terminated, cut to n - 1 bytes). */
long http_get_text(const server *s, const char *path, char *out, size_t n);
/* "x-amz-content-sha256: <hex SHA-256 of body[0:len]>" into out. */
void sha256_header(char *out, size_t n, const void *body, size_t len);
void resp_free(resp *r);
/* The value of a response header (case-insensitive) into out, or "" . */
const char *resp_header(const resp *r, const char *name, char *out, size_t n);
/* True if the body holds <Code>code</Code>. */
int resp_code_is(const resp *r, const char *code);

/* Sends raw bytes, half-closes when `shut`, reads until the server closes
 * or `timeout_ms`; returns the status of the first reply (0 when none) and
 * the bytes read in out (if not NULL). */
int raw_exchange(int port, const void *data, size_t len, int shut, int timeout_ms,
                 lhv1_buf *out);
/* A connected socket to the server, or fails the test. */
int raw_connect(int port);
/* The same from the local address `src` (e.g. "127.0.0.5") to `dst`. */
int raw_connect_from(int port, const char *src, const char *dst);

/* The server's resident and peak resident memory (VmRSS, VmHWM) in KiB. */
void server_memory(const server *s, long *rss_kb, long *hwm_kb);
/* Milliseconds of a monotonic clock. */
long mono_ms(void);

/* With a request on `fd` held back by a delay rule of delay_ms (sent at
 * t0): eight GETs of `path` answer `body` before the delayed reply comes
 * (the server serves the others meanwhile), then `fd` gets its 200, at
 * least delay_ms after t0. Closes fd. */
void others_served_while_delayed(const server *s, int fd, long t0, long delay_ms,
                                 const char *path, const char *body);

/* The admin API: POST a JSON rule text; checks 200. */
void add_rules(const server *s, const char *json);
/* The server answers its health check. */
int server_alive(const server *s);
/* The same signed as KEY:SECRET (a server with --auth). */
int server_alive_signed(const server *s, const char *userpwd);

#endif
