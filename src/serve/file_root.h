/* The file backend's root at start-up (file_root.c). */
#ifndef LHV1_SERVE_FILE_ROOT_H
#define LHV1_SERVE_FILE_ROOT_H

#include "serve.h"

/* Locks cfg.root for this server alone (until serve_root_release), then
 * removes what a crash left there (temporary files, empty directories).
 * 0, or -1 said through the server's reporter. */
int serve_root_claim(serve_server *s);
/* Gives the root back (its lock); nothing when none was claimed. */
void serve_root_release(serve_server *s);

#endif
