/* The HDF5 track store, read side. Layout: docs/format.md. One group per
 * epoch-aligned time bucket; rows in a bucket sorted by (mmsi, t), deduplicated on
 * (mmsi, t), cleaned by spec §1 rule 1. Writing goes through io/import.h. */
#ifndef TC_STORE_H
#define TC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/clean.h"
#include "io/columns.h"
#include "io/vessel.h"

#define TC_STORE_FORMAT_VERSION 3 /* the newest: pack stores; delta stores are version 2, deflate and none 1 */
#define TC_STORE_FORMAT_VERSION_MIN 1

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
  int codec;                 /* tc_codec (io/codec.h) */
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

/* Reads only the rows of one vessel in bucket k (via the bucket's vessel index);
 * out->n = 0 when the vessel has no fix in that bucket. */
tc_status tc_store_read_vessel(tc_store *s, size_t k, uint32_t mmsi, tc_columns *out, tc_err *err);

/* ---- Extensions (store engineer) ---- */

const char *tc_store_path(const tc_store *s);
const char *tc_store_codec(const tc_store *s); /* "delta", "deflate" or "none" (io/codec.h) */
/* A buffer of at least `bytes` owned by s and reused by its bucket reads (NULL when
 * out of memory); contents are not kept. Not for concurrent reads of one store. */
unsigned char *tc_store_scratch(tc_store *s, size_t bytes);

typedef struct {
  int64_t t0;            /* bucket start */
  uint64_t rows, vessels;
  int64_t t_min, t_max;  /* first and last fix time in the bucket */
} tc_store_bucket_meta;
tc_status tc_store_bucket_get_meta(const tc_store *s, size_t k, tc_store_bucket_meta *m);

/* Rows [start, start + n) of bucket k into out (replacing its contents). */
tc_status tc_store_read_rows(tc_store *s, size_t k, uint64_t start, uint64_t n, tc_columns *out,
                             tc_err *err);

/* The vessel index of bucket k: ascending MMSIs, each with its rows
 * [start, start + count). The arrays belong to s and stay valid until the next call
 * on s that reads another bucket's index (read_index, read_vessel) or close. */
tc_status tc_store_read_index(tc_store *s, size_t k, const uint32_t **mmsi, const uint64_t **start,
                              const uint64_t **count, size_t *n, tc_err *err);

/* The vessel (static data) table, sorted by (mmsi, t = valid-from). Owned by s. */
tc_status tc_store_vessels(tc_store *s, const tc_vessel_static **rows, size_t *n, tc_err *err);
/* The record of mmsi valid at time t: the latest one with valid-from <= t, else the
 * earliest one. TC_ERR_NOT_FOUND when the table has nothing for mmsi. */
tc_status tc_store_vessel_at(tc_store *s, uint32_t mmsi, int64_t t, tc_vessel_static *out,
                             tc_err *err);

/* Imported source files, in import order. Owned by s. */
typedef struct {
  char name[256];       /* as given on the command line ("-" for standard input) */
  uint64_t size;        /* bytes */
  char sha256[65];      /* lowercase hex */
  char format[16];      /* detected reader format */
  int64_t imported_at;  /* Unix s */
  uint64_t records;     /* position records read from it */
} tc_store_srcfile;
tc_status tc_store_sources(tc_store *s, const tc_store_srcfile **rows, size_t *n, tc_err *err);

#endif
