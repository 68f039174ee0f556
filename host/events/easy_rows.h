/* Pass 1's fast path (host/events/events.c runs_pass1): the rows of a vessel's run that
 * need nothing but becoming its last kept fix, found four at a time. */
#ifndef TC_EVENTS_EASY_ROWS_H
#define TC_EVENTS_EASY_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/geo.h"

/* A vessel's last kept fix while its run of rows goes by. */
typedef struct {
  int64_t t;
  double la, lo;
} hot_fix;

/* tc_teleport_keep's bound with a wider margin, folded into one factor: an upper bound
 * of its own bound (the margin covers the roundings), so a fix it keeps the filter keeps. */
#define EASY_BOUND (TC_EARTH_R_M * TC_DEG2RAD * (1.0 + 4e-9))

/* Rows [i, i1) of one vessel after its kept fix *h, as long as each is one that needs
 * nothing but becoming the last kept fix: later than it by less than span + 1 (no gap,
 * and younger than the filter's max_gap, beyond which it keeps every fix), before the
 * next grid time gn (no loitering position), and within the teleport filter's bound
 * times k (0 with no filter); after_row: *h is row i - 1. Returns the first row that
 * needs more, or i1; that row takes the whole test. Most rows are such: past the first,
 * they are tested four at a time (AVX2). */
size_t tc_easy_rows(const int64_t *ct, const double *cla, const double *clo, size_t i, size_t i1, hot_fix *h,
                    int after_row, int64_t gn, uint64_t span, double k);

#endif
