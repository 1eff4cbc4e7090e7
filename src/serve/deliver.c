/* Fault delivery (deliver.h): a reply sent whole, cut short or never. */
#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct cut_body {
    uint8_t *data;
    size_t len; /* bytes to send before failing */
} cut_body;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    cut_body *c = cls;
    if (pos >= c->len)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = c->len - (size_t)pos < max ? c->len - (size_t)pos : max;
    memcpy(buf, c->data + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls)
{
    cut_body *c = cls;
    free(c->data);
    free(c);
}

static void reset_connection(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        struct linger lg = {1, 0}; /* close() sends RST */
        setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
}

enum MHD_Result serve_deliver(struct MHD_Connection *conn, uint64_t req_id, serve_reply *r)
{
    if (r->reset) {
        reset_connection(conn);
        return MHD_NO;
    }
    struct MHD_Response *resp;
    size_t len = r->body.len;
    uint8_t *data = r->body.data;
    r->body.data = NULL;
    r->body.len = r->body.cap = 0;
    if (r->cut_at >= 0 && (size_t)r->cut_at < len) {
        cut_body *c = malloc(sizeof *c);
        if (!c) {
            free(data);
            return MHD_NO;
        }
        c->data = data;
        c->len = (size_t)r->cut_at;
        resp = MHD_create_response_from_callback(len, 64 * 1024, cut_reader, c, cut_free);
    } else {
        resp = MHD_create_response_from_buffer_with_free_callback(len, data ? data : (void *)"",
                                                                  data ? free : NULL);
    }
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->header_name[i], r->header_value[i]);
    const char *lh = (const char *)r->long_headers.data;
    for (size_t at = 0; at < r->long_headers.len;) {
        const char *value = lh + at + strlen(lh + at) + 1;
        /* libmicrohttpd refuses an empty value; a space is optional
         * whitespace a client strips, leaving the empty value sent. */
        MHD_add_response_header(resp, lh + at, *value ? value : " ");
        at = (size_t)(value - lh) + strlen(value) + 1;
    }
    char id[24], *p = id + sizeof id;
    *--p = 0;
    do
        *--p = (char)('0' + req_id % 10);
    while (req_id /= 10);
    MHD_add_response_header(resp, "x-amz-request-id", p);
    MHD_add_response_header(resp, "Server", "lhv1");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

char *serve_render_reply(uint64_t req_id, const serve_reply *r, size_t *len)
{
    size_t cap = 256 + r->body.len + 2 * r->long_headers.len;
    for (size_t i = 0; i < r->n_headers; i++)
        cap += strlen(r->header_name[i]) + strlen(r->header_value[i]) + 4;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    const char *reason = MHD_get_reason_phrase_for((unsigned)r->status);
    int n = snprintf(out, cap, "HTTP/1.1 %d %s\r\n", r->status, reason ? reason : "");
    for (size_t i = 0; i < r->n_headers; i++)
        n += snprintf(out + n, cap - (size_t)n, "%s: %s\r\n", r->header_name[i],
                      r->header_value[i]);
    const char *lh = (const char *)r->long_headers.data;
    for (size_t at = 0; at < r->long_headers.len;) {
        const char *value = lh + at + strlen(lh + at) + 1;
        n += snprintf(out + n, cap - (size_t)n, "%s: %s\r\n", lh + at, value);
        at = (size_t)(value - lh) + strlen(value) + 1;
    }
    n += snprintf(out + n, cap - (size_t)n,
                  "x-amz-request-id: %llu\r\nServer: lhv1\r\nConnection: close\r\n"
                  "Content-Length: %zu\r\n\r\n",
                  (unsigned long long)req_id, r->body.len);
    if (r->body.len)
        memcpy(out + n, r->body.data, r->body.len);
    *len = (size_t)n + r->body.len;
    return out;
}
