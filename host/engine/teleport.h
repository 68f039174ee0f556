/* Spec encounters.md §1 rule 3, the teleport filter's decision for one fix: the engine's
 * grid (host/engine/grid.c) and the events' passes (host/events) take the same one, so a
 * fix dropped for encounters is dropped for events too. */
#ifndef TC_ENGINE_TELEPORT_H
#define TC_ENGINE_TELEPORT_H

#include <stdint.h>

#include "kernels/geo.h"

/* The exact test, for the rare fix the cheap bound cannot pass; out of line so that the
 * common path stays small where it is inlined. */
static __attribute__((noinline, unused)) int tc_teleport_exact(double lat0, double lon0, double lat,
                                                               double lon, double limit) {
  return tc_haversine_m(lat0, lon0, lat, lon) <= limit;
}

/* Keep a fix dt seconds after the last kept one at (lat0, lon0), at most mps metres a
 * second (0: no filter), gaps of max_gap or more always kept? The common short hop costs
 * no trigonometry: the bound is >= the true distance, and the 1e-9 keeps rounding from
 * deciding. */
static inline int tc_teleport_keep(int64_t dt, double lat0, double lon0, double lat, double lon,
                                   int64_t max_gap, double mps) {
  if (mps == 0 || dt >= max_gap)
    return 1;
  double limit = mps * (double)dt;
  if (tc_distance_upper_m(lat0, lon0, lat, lon) * (1.0 + 1e-9) <= limit)
    return 1;
  return tc_teleport_exact(lat0, lon0, lat, lon, limit);
}

#endif
