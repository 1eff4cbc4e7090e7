/* The file backend's root at start-up (file_root.h). */
#include "file_root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int serve_root_claim(serve_server *s)
{
    /* Alone: recovery removes every temporary file, which is only right
     * when no other writer (another server on the same root) has one in
     * flight. */
    int fd = open(s->cfg.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        serve_report(s, "lhv1 serve: --root", s->cfg.root, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        serve_report(s, "lhv1 serve: --root", s->cfg.root,
                     errno == EWOULDBLOCK ? "another lhv1 serve uses it" : strerror(errno));
        close(fd);
        return -1;
    }
    s->root_fd = fd; /* the lock lasts until serve_root_release */
    size_t removed = 0;
    lhv1_store_err err;
    if (lhv1_file_store_recover(s->store, &removed, &err) < 0) {
        serve_report(s, "lhv1 serve: --root", s->cfg.root, err.body);
        return -1;
    }
    if (removed)
        fprintf(stderr, "lhv1 serve: removed %zu temporary file%s a crash left\n", removed,
                removed == 1 ? "" : "s");
    return 0;
}

void serve_root_release(serve_server *s)
{
    if (s->root_fd >= 0)
        close(s->root_fd);
    s->root_fd = -1;
}
