/* Where the engine's fixes come from: buckets of rows in time order, each sorted by
 * (mmsi, t), deduplicated on (mmsi, t) and cleaned by spec §1 rule 1. */
#ifndef TC_SOURCE_H
#define TC_SOURCE_H

#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"
#include "io/store.h"

typedef struct {
  void *ctx;
  /* Replaces cols with the next bucket, or the next slice of one: rows in (mmsi, t)
   * order whose fixes are, vessel by vessel, later than any delivered before. After
   * the call every fix with t < *t_end has been delivered. *eof = 1 (and cols empty)
   * when there is nothing more. */
  tc_status (*next)(void *ctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err);
  /* 1: the engine reads to the end even when --to leaves nothing more to find (a tee
   * feeds every slice to the events); 0: it stops once every grid time before --to
   * is final. */
  int read_all;
} tc_bucket_source;

/* Every bucket of an open store, in time order, in slices of whole chunks (the
 * teleport filter needs each vessel's whole history, so a --from window still reads
 * from the start). The store must outlive the source. */
typedef struct {
  tc_store *store;
  size_t k;          /* bucket being read */
  uint64_t row;      /* its next row */
  uint64_t slice;    /* rows per slice in it */
  uint64_t slice_rows; /* about how many rows a slice holds (whole chunks, one at least) */
  int threads;       /* for decompression; 0 = OpenMP default */
  unsigned also;     /* columns read besides the positions (TC_COL_*), for a tee's consumer */
} tc_store_source_ctx;
tc_bucket_source tc_store_source(tc_store_source_ctx *ctx, tc_store *store);

/* Fixes held in memory (tests, generated data): cleaned by rule 1, sorted and
 * deduplicated like an import, then cut into epoch-aligned buckets of bucket_s. */
typedef struct tc_memory_source tc_memory_source;
/* qsort comparator of tc_fix in import order: (mmsi, t, lat, lon); of equal (mmsi, t)
 * the first is kept. */
int tc_fix_cmp_import(const void *pa, const void *pb);
tc_status tc_memory_source_create(const tc_columns *fixes, int64_t bucket_s, tc_memory_source **out);
void tc_memory_source_free(tc_memory_source *m);
tc_bucket_source tc_memory_source_get(tc_memory_source *m);

#endif
