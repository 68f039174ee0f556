/* Bounded-memory external sort of fixes into store order: (bucket, mmsi, t, lat, lon),
 * ties in input order. Rows are buffered up to max_rows; a full buffer is sorted
 * (radix sort on a packed key) and written as a run to one unlinked temporary file;
 * at the end the runs are merged k ways. When everything fits, nothing touches disk.
 * The output order does not depend on max_rows. */
#ifndef TC_SPILL_H
#define TC_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"

typedef struct tc_spill tc_spill;

typedef struct {
  int64_t bucket_s;
  size_t max_rows;    /* rows buffered in memory (about 72 bytes each while sorting) */
  size_t merge_bytes; /* read buffers of the final merge, all runs together */
  const char *dir;    /* where the spill file is created (and at once unlinked) */
} tc_spill_opts;

#define TC_SPILL_BYTES_PER_ROW 72 /* buffer + sort keys, for turning a budget into max_rows */

tc_status tc_spill_create(const tc_spill_opts *o, tc_spill **out, tc_err *err);
tc_status tc_spill_add(tc_spill *s, const tc_fix *f, tc_err *err);
/* Ends the input; then read the rows in order with tc_spill_next. */
tc_status tc_spill_finish(tc_spill *s, tc_err *err);
/* Next row in order, *f = NULL at the end. *f stays valid until the next call. */
tc_status tc_spill_next(tc_spill *s, const tc_fix **f, tc_err *err);

/* Buckets that received rows, by ascending start, with their row counts; valid after
 * finish until free. */
size_t tc_spill_buckets(const tc_spill *s, const int64_t **t0, const uint64_t **rows);
uint64_t tc_spill_rows(const tc_spill *s);
size_t tc_spill_runs(const tc_spill *s); /* runs written to disk; 0 = sorted in memory */
uint64_t tc_spill_bytes(const tc_spill *s); /* bytes written to the spill file */

void tc_spill_free(tc_spill *s); /* NULL safe; closes the spill file */

/* floor(t / bucket_s) * bucket_s, also for t < 0. */
int64_t tc_bucket_start(int64_t t, int64_t bucket_s);

#endif
