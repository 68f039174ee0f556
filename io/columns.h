/* A batch of AIS position fixes in columnar form: the unit that the store reads and
 * writes and that the engine consumes. Rows are usually sorted by (mmsi, t). */
#ifndef TC_COLUMNS_H
#define TC_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

#define TC_HEADING_UNKNOWN 511u

/* One fix as a row (import, sorting, spilling). sog/cog are NaN when unknown. */
typedef struct {
  int64_t t;      /* Unix seconds, UTC */
  double lat;     /* degrees */
  double lon;     /* degrees, [-180, 180] */
  uint32_t mmsi;
  float sog;      /* knots */
  float cog;      /* degrees */
  uint16_t heading; /* degrees, 511 = unknown */
} tc_fix;

typedef struct {
  size_t n, cap;
  uint32_t *mmsi;
  int64_t *t;
  double *lat, *lon;
  float *sog, *cog;
  uint16_t *heading;
  void *one;      /* non-NULL: every column lies in this one allocation (tc_columns_reserve) */
  int view;       /* the rows belong to another tc_columns (tc_columns_take): read only */
} tc_columns;

void tc_columns_init(tc_columns *c);            /* empty, no allocation */
void tc_columns_free(tc_columns *c);            /* frees (a view: leaves) and re-inits; NULL safe */
/* Moves c's storage to *to (which must be empty) and leaves c a view of the same rows,
 * so a consumer can keep a slice without copying it while its producer still reads it.
 * Reserving or pushing into a view starts new storage (its rows copied); freeing it frees
 * nothing. TC_ERR_ARG when c is a view or *to is not empty. */
tc_status tc_columns_take(tc_columns *c, tc_columns *to);
/* Keeps contents. From empty, the columns share one allocation: a store read fills
 * only the position columns, which then lie on whole huge pages together instead of
 * each rounding its own up (~6 MiB less memory first touched on issue 4's bucket). */
tc_status tc_columns_reserve(tc_columns *c, size_t cap);
tc_status tc_columns_push(tc_columns *c, const tc_fix *f);
void tc_columns_get(const tc_columns *c, size_t i, tc_fix *f);

/* First index in the ascending a[0..n) whose value is >= key (n when none): finds an
 * MMSI in a column sorted by (mmsi, t), a vessel index or a sorted watch list. */
size_t tc_lower_bound_u32(const uint32_t *a, size_t n, uint32_t key);
/* The same for times: the first index in [lo, hi) of the ascending a whose value is >=
 * key (hi when none). Inline: the grid's and the coverage screen's inner loops call it. */
static inline size_t tc_lower_bound_i64(const int64_t *a, size_t lo, size_t hi, int64_t key) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

#endif
