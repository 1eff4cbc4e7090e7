/* The admin API on /_lhv1/... (admin.c, docs/FAULTS.md). */
#ifndef LHV1_SERVE_ADMIN_H
#define LHV1_SERVE_ADMIN_H

#include "serve.h"

void serve_admin(serve_request *q, serve_reply *r);

#endif
