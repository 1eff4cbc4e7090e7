/* GET bodies read without long holds of the server lock (object_read.h). */
#include "object_read.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* Writes of the key during one copy after which the rest is copied in one
 * hold: a key rewritten without pause still gets read. */
#define RESTARTS_MAX 3

static int read_memory(serve_server *s, lhv1_bytes key, lhv1_buf *out, lhv1_buf *headers,
                       obj_info *info, int *known, lhv1_store_err *err)
{
    uint64_t version = 0;
    size_t len = 0;
    int restarts = 0, started = 0;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        int p = object_meta_peek(s, key, info);
        lhv1_bytes body;
        if (p == -1 || !lhv1_memory_store_view(s->store, key, &body)) {
            pthread_mutex_unlock(&s->lock);
            return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
        }
        if (started && (info->version != version || body.len != len)) {
            started = 0; /* written meanwhile: from the start */
            restarts++;
        }
        if (!started) {
            version = info->version;
            len = body.len;
            lhv1_buf_reset(out);
            if (out->cap < len) { /* allocated off the lock, then looked at again */
                pthread_mutex_unlock(&s->lock);
                if (lhv1_buf_reserve(out, len) < 0)
                    return lhv1_store_oom(err, "object read");
                pthread_mutex_lock(&s->lock);
                continue;
            }
            started = 1;
        }
        /* Version 0: the key has no entry (none could be made), so a write
         * could not be told: one hold. */
        size_t n = len - out->len;
        if (version && restarts < RESTARTS_MAX && n > OBJECT_READ_SLICE)
            n = OBJECT_READ_SLICE;
        lhv1_buf_append(out, body.data + out->len, n); /* within the capacity */
        if (out->len == len) {
            /* the version this hold checked: the headers of the same write */
            int h = object_meta_headers(s, key, headers);
            *known = p == 1;
            pthread_mutex_unlock(&s->lock);
            return h < 0 ? lhv1_store_oom(err, "stored headers") : 0;
        }
        pthread_mutex_unlock(&s->lock);
        /* A thread waiting for the lock (the event thread) gets its turn
         * between slices, not after the whole copy. */
        sched_yield();
        pthread_mutex_lock(&s->lock);
    }
}

static int read_file(serve_server *s, lhv1_bytes key, lhv1_buf *out, lhv1_buf *headers,
                     obj_info *info, int *known, lhv1_store_err *err)
{
    int fd;
    pthread_mutex_lock(&s->lock);
    int p = object_meta_open(s, key, info, &fd, err);
    /* the headers of the file opened, not of one renamed in after */
    int h = p >= 0 ? object_meta_headers_fd(s, key, fd, headers) : 0;
    pthread_mutex_unlock(&s->lock);
    if (p == -1)
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    if (p < 0 && err->kind == LHV1_STORE_INVALID_KEY)
        return -1; /* the store's own words */
    if (p < 0)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "cannot open the object");
    lhv1_buf_reset(out);
    int rc = 0;
    if (h < 0) {
        rc = lhv1_store_oom(err, "stored headers");
    } else if (info->size > SIZE_MAX / 2 || lhv1_buf_reserve(out, (size_t)info->size) < 0) {
        rc = lhv1_store_oom(err, "object read");
    } else {
        while (out->len < info->size) {
            ssize_t n = pread(fd, out->data + out->len, (size_t)info->size - out->len,
                              (off_t)out->len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) { /* shorter than it was: changed by hand */
                rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "reading the object: %s",
                                     n < 0 ? strerror(errno) : "it shrank while read");
                break;
            }
            out->len += (size_t)n;
        }
    }
    close(fd);
    *known = p == 1;
    return rc;
}

int object_read(serve_server *s, lhv1_bytes key, lhv1_buf *out, lhv1_buf *headers,
                obj_info *info, int *known, lhv1_store_err *err)
{
    *known = 0;
    lhv1_store_err_ok(err);
    if (lhv1_is_memory_store(s->store))
        return read_memory(s, key, out, headers, info, known, err);
    return read_file(s, key, out, headers, info, known, err);
}
