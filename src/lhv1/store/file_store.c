/* The file store: one file per key under a root directory.
 *
 * Put is atomic and durable: write a temporary file in the key's
 * directory, fsync it, rename it over the key, fsync the directory.
 * Every path is resolved segment by segment with openat(O_NOFOLLOW) from
 * a descriptor of the root, so neither a hostile key nor a symlink planted
 * under the root reaches outside it. */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, fdopendir */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "lhv1/store.h"

#define TMP_SUFFIX ".tmp-lhv1"

typedef struct file_store {
    lhv1_store base;
    int root_fd;
} file_store;

static int io_fail(lhv1_store_err *err, const char *what, const char *key, int e)
{
    if (e == ENOMEM)
        return lhv1_store_fail(err, LHV1_STORE_OUT_OF_MEMORY, 507, "%s %s: %s", what, key,
                               strerror(e));
    int status = (e == ENOSPC || e == EDQUOT) ? 507 : 500;
    return lhv1_store_fail(err, LHV1_STORE_FAILED, status, "%s %s: %s", what, key,
                           strerror(e));
}

static int has_suffix(const uint8_t *p, size_t n, const char *suffix)
{
    size_t s = strlen(suffix);
    return n >= s && memcmp(p + n - s, suffix, s) == 0;
}

/* The shared confinement rule, plus what a file system imposes: segments
 * of at most NAME_MAX bytes, and the temporary-file suffix is reserved. */
static int file_key_check(lhv1_bytes key, lhv1_store_err *err)
{
    if (lhv1_store_key_check(key, err) < 0)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i <= key.len; i++) {
        if (i < key.len && key.data[i] != '/')
            continue;
        if (i - start > NAME_MAX)
            return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                                   "invalid key: segment at offset %zu longer than %d bytes",
                                   start, NAME_MAX);
        if (has_suffix(key.data + start, i - start, TMP_SUFFIX))
            return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                                   "invalid key: the suffix " TMP_SUFFIX " is reserved");
        start = i + 1;
    }
    return 0;
}

/* Opens the directory holding the key's last segment, creating the
 * intermediate directories when `create`. On success *leaf points at the
 * last segment inside `path` (a NUL-terminated copy of the key). Returns
 * a directory descriptor, or -1 with errno set. */
static int open_parent(file_store *f, char *path, int create, char **leaf)
{
    int dir = dup(f->root_fd);
    if (dir < 0)
        return -1;
    char *seg = path;
    for (char *slash; (slash = strchr(seg, '/')) != NULL; seg = slash + 1) {
        *slash = '\0';
        int next = openat(dir, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(dir, seg, 0777) < 0 && errno != EEXIST) {
                int e = errno;
                close(dir);
                errno = e;
                return -1;
            }
            /* The new directory entry must survive a crash too. */
            fsync(dir);
            next = openat(dir, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        *slash = '/';
        int e = errno;
        close(dir);
        if (next < 0) {
            errno = e;
            return -1;
        }
        dir = next;
    }
    *leaf = seg;
    return dir;
}

static char *key_path(lhv1_bytes key)
{
    char *p = lhv1_malloc(key.len + 1);
    if (p) {
        memcpy(p, key.data, key.len);
        p[key.len] = '\0';
    }
    return p;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The path of a key that passes the confinement rule; NULL with `err` set
 * (invalid key, or out of memory) otherwise. Every operation starts here. */
static char *checked_path(lhv1_bytes key, lhv1_store_err *err)
{
    if (file_key_check(key, err) < 0)
        return NULL;
    char *path = key_path(key);
    if (!path)
        lhv1_store_oom(err, "file store");
    return path;
}

/* Creates a temporary file in `dir` under a name no other Put holds, in
 * this process or another: 64 random bits (getrandom) beside the pid and
 * a process-wide counter, created with O_EXCL and drawn again on the
 * (improbable) collision. A name per handle would collide between two
 * handles, or two threads, of one process on one directory. Returns the
 * descriptor, or -1 with errno set. */
static int create_temporary(int dir, char *name, size_t cap)
{
    static atomic_ulong counter;
    for (int attempt = 0; attempt < 64; attempt++) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
            r = 0; /* no entropy yet: pid and counter stay unique in-process */
        snprintf(name, cap, ".%ld.%lu.%016llx" TMP_SUFFIX, (long)getpid(),
                 atomic_fetch_add(&counter, 1) + 1, (unsigned long long)r);
        int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static int file_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    file_store *f = (file_store *)s;
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    char *leaf;
    int dir = open_parent(f, path, 1, &leaf);
    if (dir < 0) {
        int e = errno;
        int rc = (e == ENOTDIR || e == ELOOP)
                     ? lhv1_store_fail(err, LHV1_STORE_FAILED, 409,
                                       "put %s: a prefix of the key is an object", path)
                     : io_fail(err, "put", path, e);
        lhv1_free(path);
        return rc;
    }
    char tmp[NAME_MAX + 1];
    int rc = 0;
    int fd = create_temporary(dir, tmp, sizeof tmp);
    if (fd < 0) {
        rc = io_fail(err, "create temporary for", path, errno);
        goto out;
    }
    if (write_all(fd, body.data, body.len) < 0 || fsync(fd) < 0) {
        rc = io_fail(err, "write", path, errno);
        close(fd);
        unlinkat(dir, tmp, 0);
        goto out;
    }
    if (close(fd) < 0) {
        rc = io_fail(err, "close", path, errno);
        unlinkat(dir, tmp, 0);
        goto out;
    }
    if (renameat(dir, tmp, dir, leaf) < 0) {
        int e = errno;
        unlinkat(dir, tmp, 0);
        rc = (e == EISDIR || e == ENOTEMPTY || e == EEXIST)
                 ? lhv1_store_fail(err, LHV1_STORE_FAILED, 409,
                                   "put %s: the key is a prefix of other keys", path)
                 : io_fail(err, "rename", path, e);
        goto out;
    }
    if (fsync(dir) < 0)
        rc = io_fail(err, "fsync directory of", path, errno);
out:
    close(dir);
    lhv1_free(path);
    return rc;
}

static int read_all(int fd, lhv1_buf *out)
{
    uint8_t chunk[65536];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            return 0;
        if (lhv1_buf_append(out, chunk, (size_t)r) < 0) {
            errno = ENOMEM;
            return -1;
        }
    }
}

static int file_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    file_store *f = (file_store *)s;
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    char *leaf;
    int rc = 0;
    int dir = open_parent(f, path, 0, &leaf);
    int fd = dir < 0 ? -1 : openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int e = errno;
    struct stat sb;
    if (fd < 0) {
        /* No such file, a file where a directory was expected, a symlink:
         * none of them is an object. */
        rc = (e == ENOENT || e == ENOTDIR || e == ELOOP)
                 ? lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found")
                 : io_fail(err, "get", path, e);
    } else if (fstat(fd, &sb) < 0) {
        rc = io_fail(err, "stat", path, errno);
    } else if (!S_ISREG(sb.st_mode)) {
        rc = lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    } else if (read_all(fd, out) < 0) {
        rc = io_fail(err, "read", path, errno);
    }
    if (fd >= 0)
        close(fd);
    if (dir >= 0)
        close(dir);
    lhv1_free(path);
    return rc;
}

static int file_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err)
{
    file_store *f = (file_store *)s;
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    char *leaf;
    int rc = 0;
    int dir = open_parent(f, path, 0, &leaf);
    if (dir < 0) {
        if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
            rc = io_fail(err, "delete", path, errno);
        lhv1_free(path);
        return rc; /* nothing there: deleting is idempotent */
    }
    struct stat sb;
    if (fstatat(dir, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode)) {
        if (unlinkat(dir, leaf, 0) < 0 && errno != ENOENT)
            rc = io_fail(err, "delete", path, errno);
        else if (fsync(dir) < 0)
            rc = io_fail(err, "fsync directory of", path, errno);
    }
    close(dir);
    lhv1_free(path);
    return rc;
}

/* A listing that cannot read a directory fails: a partial list returned as
 * success would hide keys that Get still finds. Only an entry that
 * vanished (or became something else) meanwhile is skipped. */
static int list_fail(lhv1_store_err *err, const lhv1_buf *base, int e)
{
    if (e == ENOMEM)
        return lhv1_store_oom(err, "file store list");
    return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "list: directory \"%.*s\": %s",
                           (int)(base->len > 200 ? 200 : base->len),
                           base->len ? (const char *)base->data : "", strerror(e));
}

/* Appends the keys of regular files under `dir` (whose key prefix is
 * `base`) that start with `prefix`. Skips temporaries and symlinks. */
static int walk(int dir, lhv1_buf *base, lhv1_bytes prefix, lhv1_key_list *out,
                lhv1_store_err *err)
{
    DIR *d = fdopendir(dir);
    if (!d) {
        int e = errno;
        close(dir);
        return list_fail(err, base, e);
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        size_t nlen = strlen(name);
        if (!strcmp(name, ".") || !strcmp(name, "..") ||
            has_suffix((const uint8_t *)name, nlen, TMP_SUFFIX))
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue; /* vanished meanwhile */
            rc = list_fail(err, base, errno);
            break;
        }
        size_t mark = base->len;
        lhv1_buf_append(base, name, nlen);
        if (S_ISREG(sb.st_mode)) {
            lhv1_bytes k = {base->data, base->len};
            if (base->failed)
                rc = lhv1_store_oom(err, "file store");
            else if (k.len >= prefix.len &&
                     (prefix.len == 0 || memcmp(k.data, prefix.data, prefix.len) == 0) &&
                     lhv1_key_list_push(out, k) < 0)
                rc = lhv1_store_oom(err, "file store");
        } else if (S_ISDIR(sb.st_mode)) {
            /* Descend only where the prefix can still match. */
            lhv1_buf_putc(base, '/');
            size_t common = base->len < prefix.len ? base->len : prefix.len;
            if (base->failed) {
                rc = lhv1_store_oom(err, "file store");
            } else if (common == 0 || memcmp(base->data, prefix.data, common) == 0) {
                int sub = openat(dirfd(d), name,
                                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0)
                    rc = walk(sub, base, prefix, out, err);
                else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
                    rc = list_fail(err, base, errno); /* EMFILE, EACCES, ... */
            }
        }
        base->len = mark;
    }
    if (rc == 0 && errno != 0)
        rc = list_fail(err, base, errno);
    closedir(d);
    return rc;
}

static int file_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                   lhv1_store_err *err)
{
    file_store *f = (file_store *)s;
    /* A fresh descriptor: a dup would share the root's directory offset. */
    int dir = openat(f->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return io_fail(err, "list", "(root)", errno);
    lhv1_buf base;
    lhv1_buf_init(&base);
    int rc = walk(dir, &base, prefix, out, err);
    lhv1_buf_free(&base);
    return rc;
}

static void file_destroy(lhv1_store *s)
{
    file_store *f = (file_store *)s;
    close(f->root_fd);
    lhv1_free(f);
}

static const lhv1_store_ops file_ops = {
    "file", file_put, file_get, file_del, file_list, file_destroy,
};

/* mkdir -p for the root itself (a path chosen by the operator, so it may
 * be absolute and may contain symlinks). */
static int make_dirs(const char *root)
{
    char *p = lhv1_strdup(root);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST) {
            lhv1_free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = (mkdir(p, 0777) < 0 && errno != EEXIST) ? -1 : 0;
    lhv1_free(p);
    return rc;
}

lhv1_store *lhv1_file_store_new(const char *root, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (!root || !*root) {
        lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "file store: empty root");
        return NULL;
    }
    if (make_dirs(root) < 0) {
        io_fail(err, "create root", root, errno);
        return NULL;
    }
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        io_fail(err, "open root", root, errno);
        return NULL;
    }
    file_store *f = lhv1_calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        lhv1_store_oom(err, "file store");
        return NULL;
    }
    f->base.ops = &file_ops;
    f->root_fd = fd;
    return &f->base;
}
