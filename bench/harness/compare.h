/* Compares two encounter lists the way bench/peers/compare_encounters.py does:
 * the keys (mmsi_a, mmsi_b, start, end) must be the same set, close_slots equal,
 * and the float columns within tolerance. Used as the result check of the engine
 * measurements against the real-tracks expected lists. */
#ifndef TC_BENCH_COMPARE_H
#define TC_BENCH_COMPARE_H

#include <stddef.h>

#include "host/engine/encounter.h"

typedef struct {
  double dist_m, pos_deg, speed_kn;
} tc_bench_tol;

/* The tolerances of shared/data/real-tracks/expected/README.md. */
#define TC_BENCH_TOL_EXPECTED ((tc_bench_tol){0.01, 2e-6, 0.001})

typedef struct {
  size_t expected, actual, common;
  size_t only_expected, only_actual, value_mismatches;
  double max_dist, max_pos, max_speed; /* largest |difference| over common keys */
} tc_bench_cmp;

/* 1 when the lists match. Neither list needs to be sorted; both are left as they
 * are. summary (may be NULL) gets one line for notes. Returns -1 when out of memory. */
int tc_bench_compare_encounters(const tc_encounter_list *expected, const tc_encounter_list *actual,
                                tc_bench_tol tol, tc_bench_cmp *res, char *summary, size_t cap);

#endif
