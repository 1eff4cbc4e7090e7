/* `lhv1 serve`'s entry point (serve_main.h): one server until a signal. */
#include "serve_main.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "server.h"

int serve_main(const serve_config *cfg, const uint8_t *plan, size_t plan_len,
               serve_report_fn report)
{
    /* Bodies are allocated and freed whole, a few MiB at a time: glibc
     * would serve each from a fresh mmap (or trim the heap after it) and
     * the server would page-fault every body in again. Keep them in the
     * heap and keep the heap. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    serve_server *s = serve_server_new(cfg, plan, plan_len, report);
    if (!s)
        return 2;
    if (serve_server_start(s) < 0) {
        serve_server_free(s);
        return 2;
    }
    printf("listening on http://%s:%u\n", serve_server_host(s), serve_server_port(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    serve_server_free(s);
    return 0;
}
