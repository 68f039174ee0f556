#include "host/engine/params.h"

#include <math.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_params_default(tc_params *p) {
  p->slot = 600;
  p->max_gap = 3600;
  p->max_implied_speed_kn = 50.0;
  p->dist_m = 500.0;
  p->merge_gap = 14400;
  p->min_duration = 7200;
  p->max_speed_kn = 2.0;
  p->from = INT64_MIN;
  p->to = INT64_MAX;
  p->mmsi_filter = NULL;
  p->n_mmsi_filter = 0;
  p->threads = 0;
  p->single_precision = 0;
}

tc_status tc_params_check(const tc_params *p, tc_err *err) {
  if (p->slot <= 0)
    return tc_fail(err, TC_ERR_ARG, "slot must be a positive number of seconds (got %lld)", (long long)p->slot);
  if (p->max_gap < 0)
    return tc_fail(err, TC_ERR_ARG, "max-gap must be >= 0 (got %lld)", (long long)p->max_gap);
  if (!(p->max_implied_speed_kn >= 0) || !isfinite(p->max_implied_speed_kn))
    return tc_fail(err, TC_ERR_ARG, "max-implied-speed must be a finite number >= 0 knots (0 disables it)");
  /* The 3-D cell key packs 21 bits per axis: cells below ~6 m would not fit. */
  if (!(p->dist_m >= 10.0) || !(p->dist_m <= 1.0e6))
    return tc_fail(err, TC_ERR_ARG, "dist must be between 10 m and 1000 km (got %g)", p->dist_m);
  if (p->merge_gap < 0)
    return tc_fail(err, TC_ERR_ARG, "merge-gap must be >= 0");
  if (p->min_duration < 0)
    return tc_fail(err, TC_ERR_ARG, "min-duration must be >= 0");
  if (!(p->max_speed_kn > 0) || !isfinite(p->max_speed_kn))
    return tc_fail(err, TC_ERR_ARG, "max-speed must be a positive number of knots");
  if (p->from >= p->to)
    return tc_fail(err, TC_ERR_ARG, "--from must be before --to");
  if (p->threads < 0)
    return tc_fail(err, TC_ERR_ARG, "threads must be >= 0");
  return TC_OK;
}

int tc_params_threads(const tc_params *p) {
#ifdef _OPENMP
  if (p->threads > 0)
    return p->threads;
  int n = omp_get_max_threads();
  const char *env = getenv("OMP_NUM_THREADS");
  return (env && *env) || n < 4 ? n : n - 1;
#else
  (void)p;
  return 1;
#endif
}
