/* Writes a complete store file (docs/format.md) bucket by bucket: buckets arrive in
 * time order, either copied whole from an existing store (H5Ocopy, no recompression)
 * or streamed row by row in (mmsi, t) order into chunked, extendible datasets. The
 * import (io/import.c) writes to a temporary file with this and renames it. */
#ifndef TC_STORE_WRITE_H
#define TC_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/clean.h"
#include "io/columns.h"
#include "io/store.h"
#include "io/vessel.h"

#define TC_STORE_CHUNK_ROWS 262144 /* rows per HDF5 chunk of a bucket column */

typedef struct tc_store_writer tc_store_writer;

typedef struct {
  int64_t bucket_s;
  int deflate_level; /* 0: no filters; 1..9: shuffle + deflate at that level */
  size_t chunk_rows; /* 0: TC_STORE_CHUNK_ROWS */
  int delta;         /* the "delta" codec (io/codec.h) before shuffle + deflate (level >= 1) */
  int pack;          /* the "pack" codec (io/codec.h; level >= 1, for the index and tables) */
} tc_store_writer_opts;

/* Creates (truncates) file_path. store_path names the store in messages. */
tc_status tc_store_writer_create(const char *file_path, const char *store_path,
                                 const tc_store_writer_opts *o, tc_store_writer **out, tc_err *err);

/* Copies bucket k of src unchanged. */
tc_status tc_store_writer_copy_bucket(tc_store_writer *w, tc_store *src, size_t k, tc_err *err);

/* A new bucket [t0, t0 + bucket_s); max_rows bounds what will be added (sizes chunks). */
tc_status tc_store_writer_begin_bucket(tc_store_writer *w, int64_t t0, uint64_t max_rows, tc_err *err);
/* Rows must come in strictly increasing (mmsi, t) order inside the bucket's time span. */
tc_status tc_store_writer_add(tc_store_writer *w, const tc_fix *f, tc_err *err);
tc_status tc_store_writer_end_bucket(tc_store_writer *w, tc_err *err);

/* Writes the bucket table, vessel and source tables and root attributes, closes the
 * file and fsyncs it. info (optional) gets the totals written. */
tc_status tc_store_writer_finish(tc_store_writer *w, const tc_clean_counts *clean,
                                 const tc_vessel_static *vessels, size_t nvessels,
                                 const tc_store_srcfile *sources, size_t nsources,
                                 tc_store_info *info, tc_err *err);

/* Closes the file if still open (the file stays; the caller removes it). NULL safe. */
void tc_store_writer_free(tc_store_writer *w);

#endif
