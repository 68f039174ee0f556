/* The HDF5 track store, read side. Layout: docs/format.md. One group per
 * epoch-aligned time bucket; rows in a bucket sorted by (mmsi, t), deduplicated on
 * (mmsi, t), cleaned by spec §1 rule 1. Writing goes through io/import.h. */
#ifndef TC_STORE_H
#define TC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "host/status.h"
#include "io/clean.h"
#include "io/columns.h"

#define TC_STORE_FORMAT_VERSION 1

typedef struct tc_store tc_store;

typedef struct {
  int format_version;
  int64_t bucket_s;          /* bucket length, seconds */
  int64_t t_min, t_max;      /* first and last fix time (0, 0 when empty) */
  uint64_t rows;             /* fixes stored */
  uint64_t vessels;          /* distinct MMSIs over the whole store */
  size_t nbuckets;
  size_t nsources;           /* imported source files */
  int deflate_level;
  tc_clean_counts clean;     /* summed over every import */
} tc_store_info;

/* Opens read-only. Refuses unknown format versions (TC_ERR_VERSION). */
tc_status tc_store_open(const char *path, tc_store **out, tc_err *err);
void tc_store_close(tc_store *s); /* NULL safe */

const tc_store_info *tc_store_get_info(const tc_store *s);

/* Buckets in time order: [t0, t0 + bucket_s) and their row counts. */
tc_status tc_store_bucket(const tc_store *s, size_t k, int64_t *t0, uint64_t *rows);

/* Reads bucket k into out (replacing its contents, reusing its capacity). */
tc_status tc_store_read_bucket(tc_store *s, size_t k, tc_columns *out, tc_err *err);

/* Reads only the rows of one vessel in bucket k (via the bucket's vessel index). */
tc_status tc_store_read_vessel(tc_store *s, size_t k, uint32_t mmsi, tc_columns *out, tc_err *err);

#endif
