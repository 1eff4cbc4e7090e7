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

/* The key and another key are a path and its prefix ("a/b" and
 * "a/b/c"): the directory tree cannot hold both. */
static int conflict(lhv1_store_err *err, const char *path, int key_is_prefix)
{
    return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 409,
                           key_is_prefix ? "key conflict: %s is a prefix of other keys"
                                         : "key conflict: a prefix of %s is an object",
                           path);
}

/* Removes the directory `name` in `dir` if its tree holds no file (only
 * empty directories, which mean nothing in an object store: a crash
 * between a Delete and its pruning leaves them). 0 removed, -1 not. */
static int remove_empty_tree(int dir, const char *name, int depth)
{
    if (depth > 64)
        return -1;
    int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
        return -1;
    DIR *d = fdopendir(sub);
    if (!d) {
        close(sub);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
            rc = -1;
        else
            rc = remove_empty_tree(dirfd(d), de->d_name, depth + 1);
    }
    closedir(d);
    return rc == 0 ? unlinkat(dir, name, AT_REMOVEDIR) : -1;
}

/* One attempt of a Put. 1 when a directory on the way vanished meanwhile
 * (another handle pruned it after a Delete): the caller tries again. */
static int put_once(file_store *f, char *path, lhv1_bytes body, lhv1_store_err *err)
{
    char *leaf;
    int dir = open_parent(f, path, 1, &leaf);
    if (dir < 0) {
        int e = errno;
        return e == ENOENT ? 1
               : (e == ENOTDIR || e == ELOOP) ? conflict(err, path, 0)
                                              : io_fail(err, "put", path, e);
    }
    char tmp[NAME_MAX + 1];
    int rc = 0;
    int fd = create_temporary(dir, tmp, sizeof tmp);
    if (fd < 0) {
        rc = errno == ENOENT ? 1 : io_fail(err, "create temporary for", path, errno);
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
    int renamed = renameat(dir, tmp, dir, leaf);
    if (renamed < 0 && (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) &&
        remove_empty_tree(dir, leaf, 0) == 0)
        renamed = renameat(dir, tmp, dir, leaf);
    if (renamed < 0) {
        int e = errno;
        unlinkat(dir, tmp, 0);
        rc = (e == EISDIR || e == ENOTEMPTY || e == EEXIST) ? conflict(err, path, 1)
                                                             : io_fail(err, "rename", path, e);
        goto out;
    }
    if (fsync(dir) < 0)
        rc = io_fail(err, "fsync directory of", path, errno);
out:
    close(dir);
    return rc;
}

static int file_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    int rc = 1;
    for (int attempt = 0; rc == 1 && attempt < 8; attempt++)
        rc = put_once((file_store *)s, path, body, err);
    if (rc == 1)
        rc = io_fail(err, "put", path, ENOENT);
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

/* Opens the key's regular file read-only into *fd; NOT_FOUND when there
 * is none (no such file, a directory, a FIFO, a symlink, a file where a
 * directory was expected). */
static int open_key(file_store *f, lhv1_bytes key, int *fd, lhv1_store_err *err)
{
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    char *leaf;
    int rc = 0;
    int dir = open_parent(f, path, 0, &leaf);
    /* O_NONBLOCK: a FIFO planted under the root must not block the open. */
    *fd = dir < 0 ? -1 : openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int e = errno;
    struct stat sb;
    if (*fd < 0) {
        rc = (e == ENOENT || e == ENOTDIR || e == ELOOP)
                 ? lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found")
                 : io_fail(err, "get", path, e);
    } else if (fstat(*fd, &sb) < 0) {
        rc = io_fail(err, "stat", path, errno);
    } else if (!S_ISREG(sb.st_mode)) {
        rc = lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    }
    if (rc < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    if (dir >= 0)
        close(dir);
    lhv1_free(path);
    return rc;
}

static int file_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    int fd;
    if (open_key((file_store *)s, key, &fd, err) < 0)
        return -1;
    int rc = 0;
    if (read_all(fd, out) < 0)
        rc = io_fail(err, "read", "object", errno);
    close(fd);
    return rc;
}

/* Removes the empty directories above a deleted key's file, deepest
 * first, up to the root: a later Put of their name must not find them in
 * the way. Best effort: a directory that is not empty (or gone) stops it. */
static void prune_parents(file_store *f, char *path)
{
    for (char *slash = strrchr(path, '/'); slash; slash = strrchr(path, '/')) {
        *slash = '\0'; /* path now names the directory */
        char *leaf;
        int dir = open_parent(f, path, 0, &leaf);
        if (dir < 0)
            return;
        int removed = unlinkat(dir, leaf, AT_REMOVEDIR) == 0;
        close(dir);
        if (!removed)
            return;
    }
}

static int file_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err)
{
    file_store *f = (file_store *)s;
    char *path = checked_path(key, err);
    if (!path)
        return -1;
    char *leaf;
    int rc = 0, deleted = 0;
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
        else
            deleted = 1;
    }
    close(dir);
    if (deleted)
        prune_parents(f, path);
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

/* No conditional writes (NOT_SUPPORTED): a compare-then-rename is atomic
 * only among handles that share a lock, and another process writing the
 * directory takes none. */
static const lhv1_store_ops file_ops = {
    "file", file_put, file_get, file_del, file_list, file_destroy, NULL, NULL,
};

int lhv1_is_file_store(const lhv1_store *s)
{
    return s && s->ops == &file_ops;
}

int lhv1_file_store_open(lhv1_store *s, lhv1_bytes key, int *fd, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    *fd = -1;
    if (!lhv1_is_file_store(s))
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "not a file store");
    return open_key((file_store *)s, key, fd, err);
}

/* Removes the temporaries under `dir` (closed here) and the directories
 * that are or become empty; *empty tells whether `dir` is empty then. */
static int recover_dir(int dir, size_t *removed, int depth, int *empty, int *e)
{
    DIR *d = fdopendir(dir);
    if (!d) {
        *e = errno;
        close(dir);
        return -1;
    }
    int rc = 0, left = 0;
    struct dirent *de;
    while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT)
                rc = -1, *e = errno;
            continue;
        }
        if (S_ISREG(sb.st_mode) && has_suffix((const uint8_t *)name, strlen(name), TMP_SUFFIX)) {
            if (unlinkat(dirfd(d), name, 0) < 0 && errno != ENOENT)
                rc = -1, *e = errno;
            else
                ++*removed;
            continue;
        }
        int sub_empty = 0;
        if (S_ISDIR(sb.st_mode) && depth < 256) {
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                rc = -1, *e = errno;
            else
                rc = recover_dir(sub, removed, depth + 1, &sub_empty, e);
        }
        if (rc == 0 && !(sub_empty && unlinkat(dirfd(d), name, AT_REMOVEDIR) == 0))
            left++;
    }
    if (rc == 0 && errno != 0)
        rc = -1, *e = errno;
    closedir(d);
    *empty = rc == 0 && left == 0;
    return rc;
}

int lhv1_file_store_recover(lhv1_store *s, size_t *removed, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    *removed = 0;
    if (!lhv1_is_file_store(s))
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "not a file store");
    int dir = openat(((file_store *)s)->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return io_fail(err, "recover", "(root)", errno);
    int empty, e = 0;
    if (recover_dir(dir, removed, 0, &empty, &e) < 0)
        return e == ENOMEM ? lhv1_store_oom(err, "file store recover")
                           : lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "recover: %s",
                                             strerror(e));
    return 0;
}

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
