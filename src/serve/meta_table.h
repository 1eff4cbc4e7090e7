/* The server's table of what it knows about each key without reading
 * the object (object_meta.c): an open-addressing hash table keyed by
 * SipHash (libsodium's crypto_shorthash, key drawn per process, so
 * crafted object keys cannot pile onto one slot). Entries are never
 * removed, only zeroed: the table holds at most the keys ever written or
 * listed, as the fault store's history does. The caller serialises every
 * call (the server lock). */
#ifndef LHV1_SERVE_META_TABLE_H
#define LHV1_SERVE_META_TABLE_H

#include <stdint.h>
#include <sys/types.h>

#include "lhv1/bytes.h"

/* What a file's metadata was computed for: a replaced file (a Put renames
 * a new one in), or one changed by hand, no longer matches. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int64_t size;
    int64_t mtime_sec, mtime_nsec;
} file_id;

typedef struct meta_entry {
    int known;         /* md5 is the object's MD5 (its ETag) */
    int computing;     /* a worker is hashing the object */
    int present;       /* memory backend: the key is an object */
    uint8_t md5[16];
    uint64_t version;  /* memory backend: bumped by each mutation */
    file_id id;        /* file backend: the file `md5` describes */
    uint8_t *headers;  /* the object's stored headers (object_meta_set_headers); owned */
    size_t headers_len;
    file_id headers_id; /* file backend without user attributes: the file they go with */
} meta_entry;

typedef struct meta_table meta_table;

/* NULL on allocation failure. An entry's `headers` is freed with the table
 * (or by meta_table_clear). */
meta_table *meta_table_new(void);
void meta_table_free(meta_table *t);
void meta_table_clear(meta_table *t);
/* The key's entry, or NULL when it has none. Valid until the next
 * meta_table_get. */
meta_entry *meta_table_find(meta_table *t, lhv1_bytes key);
/* The key's entry, created zeroed if absent; NULL on allocation failure.
 * Valid until the next meta_table_get. */
meta_entry *meta_table_get(meta_table *t, lhv1_bytes key);

#endif
