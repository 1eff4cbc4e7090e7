/* Sizes and ETags without reading bodies (see object_meta.h). */
#define _GNU_SOURCE /* memrchr */
#include "object_meta.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "checksums.h"
#include "conditional.h"
#include "request_gate.h"
#include "stored_headers.h"
#include "upstream.h"

/* Objects hashed at once for want of a known MD5: one, so a burst of
 * listings of unknown objects takes one core however many workers wait,
 * and the other serves the event thread and the rest. */
#define HASHING_MAX 1

struct object_meta {
    meta_table *t;
    pthread_cond_t hashed; /* with the server lock: a `computing` ended */
    int hashing;           /* objects being hashed now */
    uint64_t writes;       /* memory backend: the last version given (never
                            * reset, so a version is not reused after a
                            * clear) */
};

object_meta *object_meta_new(void)
{
    object_meta *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->t = meta_table_new();
    if (!m->t || pthread_cond_init(&m->hashed, NULL) != 0) {
        meta_table_free(m->t);
        free(m);
        return NULL;
    }
    return m;
}

void object_meta_free(object_meta *m)
{
    if (!m)
        return;
    meta_table_free(m->t);
    pthread_cond_destroy(&m->hashed);
    free(m);
}

void object_meta_clear(object_meta *m)
{
    meta_table_clear(m->t);
    pthread_cond_broadcast(&m->hashed);
}

static int is_memory(const serve_server *s)
{
    return lhv1_is_memory_store(s->store);
}

static int is_file(const serve_server *s)
{
    return lhv1_is_file_store(s->store);
}

/* --- memory backend: presence ------------------------------------------ */

/* Tracks whether the memory store holds the key now; 1 if it does. */
static int memory_presence(serve_server *s, lhv1_bytes key, meta_entry **out)
{
    lhv1_bytes body;
    int present = lhv1_memory_store_view(s->store, key, &body);
    meta_entry *e = meta_table_get(s->meta->t, key);
    if (e)
        e->present = present;
    *out = e;
    return present;
}

/* --- file backend: the extended attribute ----------------------------- */

static int file_id_of(int fd, file_id *id)
{
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return -1;
    memset(id, 0, sizeof *id);
    id->dev = sb.st_dev;
    id->ino = sb.st_ino;
    id->size = (int64_t)sb.st_size;
    id->mtime_sec = (int64_t)sb.st_mtim.tv_sec;
    id->mtime_nsec = (int64_t)sb.st_mtim.tv_nsec;
    return 0;
}

static int same_file(const file_id *a, const file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

/* "md5=<32 hex> size=<bytes> mtime=<sec>.<nsec>": the size and mtime the
 * MD5 was computed for (an attribute stays on a file changed in place). */
static void xattr_write(int fd, const file_id *id, const uint8_t md5[16])
{
    char hex[33], v[128];
    serve_hex(md5, 16, hex);
    int n = snprintf(v, sizeof v, "md5=%s size=%" PRId64 " mtime=%" PRId64 ".%09" PRId64, hex,
                     id->size, id->mtime_sec, id->mtime_nsec);
    /* Best effort: without user attributes (tmpfs, a read-only file) the
     * MD5 is kept in memory only. */
    (void)fsetxattr(fd, OBJECT_META_XATTR, v, (size_t)n, 0);
}

static int xattr_read(int fd, const file_id *id, uint8_t md5[16])
{
    char v[128];
    ssize_t n = fgetxattr(fd, OBJECT_META_XATTR, v, sizeof v - 1);
    if (n <= 0)
        return 0;
    v[n] = 0;
    char hex[33];
    int64_t size, sec, nsec;
    int end = 0;
    if (sscanf(v, "md5=%32[0-9a-f] size=%" SCNd64 " mtime=%" SCNd64 ".%9" SCNd64 "%n", hex, &size,
               &sec, &nsec, &end) != 4 ||
        end != (int)n || strlen(hex) != 32)
        return 0;
    if (size != id->size || sec != id->mtime_sec || nsec != id->mtime_nsec)
        return 0;
    for (int i = 0; i < 16; i++) {
        unsigned b;
        sscanf(hex + 2 * i, "%2x", &b);
        md5[i] = (uint8_t)b;
    }
    return 1;
}

/* Peeks at a file object, leaving its descriptor in *fd (-1 when none). */
static int file_peek(serve_server *s, lhv1_bytes key, obj_info *out, int *fd,
                     lhv1_store_err *err)
{
    if (lhv1_file_store_open(s->store, key, fd, err) < 0)
        return err->kind == LHV1_STORE_NOT_FOUND ? -1 : -2;
    if (file_id_of(*fd, &out->id) < 0)
        return -2;
    out->size = (uint64_t)out->id.size;
    meta_entry *e = meta_table_find(s->meta->t, key);
    if (e && e->known && same_file(&e->id, &out->id)) {
        memcpy(out->md5, e->md5, 16);
        return 1;
    }
    if (!xattr_read(*fd, &out->id, out->md5))
        return 0;
    if ((e = meta_table_get(s->meta->t, key)) != NULL) {
        e->known = 1;
        e->id = out->id;
        memcpy(e->md5, out->md5, 16);
    }
    return 1;
}

static void file_learned(serve_server *s, lhv1_bytes key, int fd, const file_id *id,
                         const uint8_t md5[16])
{
    meta_entry *e = meta_table_get(s->meta->t, key);
    if (e) {
        e->known = 1;
        e->id = *id;
        memcpy(e->md5, md5, 16);
    }
    xattr_write(fd, id, md5);
}

/* --- the hooks --------------------------------------------------------- */

void object_meta_written(serve_server *s, lhv1_bytes key, int exact, const uint8_t md5[16])
{
    if (is_memory(s)) {
        meta_entry *e;
        int present = memory_presence(s, key, &e);
        if (e) {
            e->version = ++s->meta->writes;
            e->known = present && exact;
            if (e->known)
                memcpy(e->md5, md5, 16);
        }
    } else if (is_file(s) && exact) {
        /* The file the Put renamed in; a torn or lost one stays unknown
         * (or keeps the old file's MD5, if the old file is still there). */
        int fd;
        lhv1_store_err err;
        file_id id;
        if (lhv1_file_store_open(s->store, key, &fd, &err) == 0) {
            if (file_id_of(fd, &id) == 0)
                file_learned(s, key, fd, &id, md5);
            close(fd);
        }
    }
}

void object_meta_deleted(serve_server *s, lhv1_bytes key)
{
    if (!is_memory(s))
        return; /* a file's metadata goes with it */
    meta_entry *e;
    int present = memory_presence(s, key, &e);
    if (e && !present) {
        e->version = ++s->meta->writes;
        e->known = 0;
        free(e->headers);
        e->headers = NULL;
        e->headers_len = 0;
    }
}

/* --- stored headers ----------------------------------------------------- */

static int entry_keep_headers(meta_entry *e, lhv1_bytes blob)
{
    free(e->headers);
    e->headers = NULL;
    e->headers_len = 0;
    if (!blob.len)
        return 0;
    if (!(e->headers = malloc(blob.len)))
        return -1;
    memcpy(e->headers, blob.data, blob.len);
    e->headers_len = blob.len;
    return 0;
}

int object_meta_set_headers(serve_server *s, lhv1_bytes key, lhv1_bytes blob)
{
    if (!is_memory(s) && !is_file(s))
        return 0;
    meta_entry *e = meta_table_get(s->meta->t, key);
    if (is_memory(s))
        return e ? entry_keep_headers(e, blob) : -1;
    if (e)
        entry_keep_headers(e, (lhv1_bytes){NULL, 0});
    int fd;
    lhv1_store_err err;
    if (lhv1_file_store_open(s->store, key, &fd, &err) < 0)
        return 0; /* the Put left no file */
    int rc = 0;
    if (!blob.len) {
        (void)fremovexattr(fd, OBJECT_META_HEADERS_XATTR); /* a file rewritten in place */
    } else if (fsetxattr(fd, OBJECT_META_HEADERS_XATTR, blob.data, blob.len, 0) < 0) {
        if (!e || file_id_of(fd, &e->headers_id) < 0 || entry_keep_headers(e, blob) < 0)
            rc = -1;
    }
    close(fd);
    return rc;
}

int object_meta_headers(serve_server *s, lhv1_bytes key, lhv1_buf *out)
{
    lhv1_buf_reset(out);
    const meta_entry *e = meta_table_find(s->meta->t, key);
    if (is_memory(s)) {
        lhv1_bytes body;
        if (e && e->headers && lhv1_memory_store_view(s->store, key, &body))
            lhv1_buf_append(out, e->headers, e->headers_len);
        return out->failed ? -1 : 0;
    }
    if (!is_file(s))
        return 0;
    int fd;
    lhv1_store_err err;
    if (lhv1_file_store_open(s->store, key, &fd, &err) < 0)
        return 0;
    int rc = object_meta_headers_fd(s, key, fd, out);
    close(fd);
    return rc;
}

int object_meta_headers_fd(serve_server *s, lhv1_bytes key, int fd, lhv1_buf *out)
{
    lhv1_buf_reset(out);
    const meta_entry *e = meta_table_find(s->meta->t, key);
    uint8_t v[STORED_HEADERS_MAX];
    ssize_t n = fgetxattr(fd, OBJECT_META_HEADERS_XATTR, v, sizeof v);
    file_id id;
    if (n > 0 && stored_headers_valid((lhv1_bytes){v, (size_t)n}))
        lhv1_buf_append(out, v, (size_t)n);
    else if (n < 0 && e && e->headers && file_id_of(fd, &id) == 0 && same_file(&id, &e->headers_id))
        lhv1_buf_append(out, e->headers, e->headers_len);
    return out->failed ? -1 : 0;
}

int object_meta_peek(serve_server *s, lhv1_bytes key, obj_info *out)
{
    memset(out, 0, sizeof *out);
    if (is_memory(s)) {
        lhv1_bytes body;
        if (!lhv1_memory_store_view(s->store, key, &body))
            return -1;
        out->size = body.len;
        const meta_entry *e = meta_table_find(s->meta->t, key);
        if (!e)
            return 0;
        out->version = e->version;
        if (!e->known)
            return 0;
        memcpy(out->md5, e->md5, 16);
        return 1;
    }
    if (is_file(s)) {
        int fd;
        lhv1_store_err err;
        int rc = file_peek(s, key, out, &fd, &err);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    return 0; /* proxy: read it */
}

int object_meta_open(serve_server *s, lhv1_bytes key, obj_info *out, int *fd,
                     lhv1_store_err *err)
{
    memset(out, 0, sizeof *out);
    *fd = -1;
    lhv1_store_err_ok(err);
    int rc = file_peek(s, key, out, fd, err);
    if (rc < 0 && *fd >= 0)
        close(*fd), *fd = -1;
    return rc;
}

void object_meta_learned(serve_server *s, lhv1_bytes key, const obj_info *read,
                         const uint8_t md5[16])
{
    if (is_memory(s)) {
        meta_entry *e = meta_table_find(s->meta->t, key);
        if (e && e->present && e->version == read->version) {
            e->known = 1;
            memcpy(e->md5, md5, 16);
        }
    } else if (is_file(s)) {
        int fd;
        lhv1_store_err err;
        file_id now;
        if (lhv1_file_store_open(s->store, key, &fd, &err) < 0)
            return;
        if (file_id_of(fd, &now) == 0 && same_file(&now, &read->id))
            file_learned(s, key, fd, &now, md5);
        close(fd);
    }
}

/* --- computing what is not known (worker threads) ---------------------- */

/* Marks the key as being hashed by this worker: 0; or, when another
 * worker hashes it or HASHING_MAX objects are being hashed, 2 (without
 * `wait`) or 1 after waiting for a hash to end (the caller looks again). */
static int claim(serve_server *s, lhv1_bytes key, int wait, int *claimed)
{
    *claimed = 0;
    meta_entry *e = meta_table_get(s->meta->t, key); /* NULL: hash uncoordinated */
    if ((e && e->computing) || s->meta->hashing >= HASHING_MAX) {
        if (!wait)
            return 2;
        pthread_cond_wait(&s->meta->hashed, &s->lock);
        return 1;
    }
    if (e)
        e->computing = 1;
    s->meta->hashing++;
    *claimed = 1;
    return 0;
}

static void unclaim(serve_server *s, lhv1_bytes key)
{
    meta_entry *e = meta_table_find(s->meta->t, key);
    if (e)
        e->computing = 0;
    s->meta->hashing--;
    pthread_cond_broadcast(&s->meta->hashed);
}

/* The proxy's read of an object to hash takes the in-flight budget while
 * its body is held. */
typedef struct hash_charge {
    serve_server *s;
    request_gate g;
    int refused;
} hash_charge;

static int take_for_hash(void *cls, uint64_t n)
{
    hash_charge *c = cls;
    if (request_gate_charge(c->s, &c->g, n) < 0) {
        c->refused = 1;
        return -1;
    }
    return 0;
}

/* The upstream's Last-Modified of the object it answered with. */
typedef struct upstream_date {
    char http[64];
} upstream_date;

static void on_upstream_header(void *cls, const char *name, const char *value)
{
    upstream_date *d = cls;
    if (!strcasecmp(name, "Last-Modified"))
        snprintf(d->http, sizeof d->http, "%s", value);
}

static time_t date_or_start(const serve_server *s, const upstream_date *d)
{
    time_t t;
    return d->http[0] && cond_http_date(d->http, &t) == 0 ? t : s->started;
}

static int refuse_body(void *cls, uint64_t n)
{
    (void)cls, (void)n;
    return -1;
}

time_t object_meta_modified(serve_server *s, lhv1_bytes key, const uint8_t md5[16])
{
    if (!serve_is_upstream(s->store))
        return s->started;
    char hex[33], line[64];
    serve_hex(md5, 16, hex);
    snprintf(line, sizeof line, "If-None-Match: \"%s\"", hex);
    const char *send[] = {line, NULL};
    upstream_date d = {{0}};
    lhv1_buf body;
    lhv1_buf_init(&body);
    lhv1_store_err err;
    serve_upstream_charge(s->store, refuse_body, NULL);
    serve_upstream_exchange(s->store, send, on_upstream_header, &d);
    (void)lhv1_store_get(s->store, key, &body, &err); /* 304 wanted */
    serve_upstream_exchange(s->store, NULL, NULL, NULL);
    serve_upstream_charge(s->store, NULL, NULL);
    lhv1_buf_free(&body);
    return date_or_start(s, &d);
}

int object_meta_get(serve_server *s, lhv1_bytes key, obj_info *out, int wait, char *why,
                    size_t why_len)
{
    upstream_date date = {{0}};
    int fd = -1, rc, claimed = 0;
    hash_charge charge = {.s = s};
    why[0] = 0;
    lhv1_buf body;
    lhv1_buf_init(&body);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        memset(out, 0, sizeof *out);
        if (is_file(s)) {
            lhv1_store_err err;
            rc = file_peek(s, key, out, &fd, &err);
        } else {
            rc = object_meta_peek(s, key, out);
        }
        if (rc != 0)
            break;
        int c = claim(s, key, wait, &claimed);
        if (c == 0)
            break;
        if (fd >= 0)
            close(fd), fd = -1;
        if (c == 2) {
            rc = 2;
            break;
        }
    }
    if (rc == 0 && !is_file(s)) {
        /* memory: a copy, hashed off the lock; proxy: a GET */
        lhv1_store_err err;
        serve_upstream_charge(s->store, take_for_hash, &charge);
        serve_upstream_exchange(s->store, NULL, on_upstream_header, &date);
        int got = lhv1_store_get(s->store, key, &body, &err);
        serve_upstream_exchange(s->store, NULL, NULL, NULL);
        serve_upstream_charge(s->store, NULL, NULL);
        if (got < 0) {
            rc = err.kind == LHV1_STORE_NOT_FOUND ? -1 : charge.refused ? -3 : -2;
            if (rc <= -2)
                snprintf(why, why_len, "%s", err.body);
            if (claimed)
                unclaim(s, key);
        } else {
            out->size = body.len;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == 0) {
        if (fd >= 0) {
            int e = serve_md5_fd(fd, out->md5);
            file_id after;
            if (e != 0 || file_id_of(fd, &after) < 0 || !same_file(&after, &out->id)) {
                rc = -2;
                snprintf(why, why_len, "%.*s: %s", (int)(key.len > 200 ? 200 : key.len),
                         (const char *)key.data,
                         e ? strerror(e) : "the file changed while it was read");
            }
        } else {
            serve_md5(body.data, body.len, out->md5);
        }
        pthread_mutex_lock(&s->lock);
        if (rc == 0) {
            if (fd >= 0)
                file_learned(s, key, fd, &out->id, out->md5);
            else
                object_meta_learned(s, key, out, out->md5);
            rc = 1;
        }
        if (claimed)
            unclaim(s, key);
        pthread_mutex_unlock(&s->lock);
    } else if (rc == -2 && !why[0]) {
        snprintf(why, why_len, "%.*s: cannot examine the object", (int)(key.len > 200 ? 200 : key.len),
                 (const char *)key.data);
    }
    if (fd >= 0)
        close(fd);
    lhv1_buf_free(&body);
    request_gate_release(s, &charge.g);
    out->modified = date_or_start(s, &date);
    return rc;
}
