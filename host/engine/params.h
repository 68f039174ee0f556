/* Encounter parameters (spec/encounters.md), each a command-line option. */
#ifndef TC_PARAMS_H
#define TC_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct {
  int64_t slot;                /* grid step, s */
  int64_t max_gap;             /* longest interpolated gap, s */
  double max_implied_speed_kn; /* teleport filter; 0 disables */
  double dist_m;               /* proximity threshold */
  int64_t merge_gap;           /* runs this close are one encounter, s */
  int64_t min_duration;        /* shortest encounter, s */
  double max_speed_kn;         /* both median slot speeds below this */
  int64_t from, to;            /* grid times considered: from <= s < to */
  const uint32_t *mmsi_filter; /* sorted; only pairs with one of these (NULL = all) */
  size_t n_mmsi_filter;
  int threads;                 /* 0 = tc_params_threads' choice */
  int single_precision;        /* screen distances in float (list unchanged) */
} tc_params;

void tc_params_default(tc_params *p);
tc_status tc_params_check(const tc_params *p, tc_err *err);
/* The threads the engine uses: p->threads when set; else OMP_NUM_THREADS when that is
 * set; else every core but one on machines of 4 or more, which leaves the reader thread
 * (the next slice, inflated while the engine computes) a core of its own: with it
 * preempted, every parallel region waits at its barrier (docs/performance.md). 1
 * without OpenMP. */
int tc_params_threads(const tc_params *p);

#endif
