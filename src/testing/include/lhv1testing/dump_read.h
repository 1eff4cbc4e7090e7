/* The canonical dump read back (docs/FORMAT.md section 6): the object it
 * describes, for a testee's `save` (docs/CONFORMANCE.md). Testing library
 * only: liblhv1 writes dumps, it does not read them. */
#ifndef LHV1_DUMP_READ_H
#define LHV1_DUMP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frames the dump's envelope (its text as it stands in the dump) and the
 * graph section it describes (written with the graph writer, layers,
 * nodes and neighbours in the dump's order, shortest varints) into an LHV1
 * object appended to `object`. The object is not judged: load it with
 * lhv1_index_load. Returns 0, or -1 with the reason in err (not a dump of
 * that shape, or out of memory). */
int lhv1_dump_to_object(const uint8_t *dump, size_t len, lhv1_buf *object, char *err,
                        size_t err_len);

#ifdef __cplusplus
}
#endif
#endif
