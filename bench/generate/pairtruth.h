/* Spec §1 rule 3, §2 and §4 (spec/encounters.md) for a few named pairs: the generator
 * computes its truth list with this from the very fixes it writes, using kernels/geo.h
 * for every distance and interpolation, so truth agrees with the engine to within the
 * rounding the spec allows. Not a search: the caller says which pairs to look at. */
#ifndef TC_GEN_PAIRTRUTH_H
#define TC_GEN_PAIRTRUTH_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"

/* The spec's default parameters (spec/encounters.md table). */
typedef struct {
  int64_t slot, max_gap, merge_gap, min_duration;
  double max_implied_speed_kn, dist_m, max_speed_kn;
} tc_gen_spec;

void tc_gen_spec_default(tc_gen_spec *p);

/* One vessel's grid positions at s0, s0 + slot, ... (n grid times). */
typedef struct {
  int64_t s0, slot;
  size_t n;
  double *lat, *lon, *speed_kn; /* speed NAN where undefined */
  uint8_t *ok;                  /* 1 where the vessel has a grid position */
} tc_gen_grid;

/* fx: one vessel's fixes in time order with valid positions (the generator's own,
 * before noise). Applies the teleport filter, then grid positions and slot speeds. */
tc_status tc_gen_grid_build(const tc_fix *fx, size_t n, const tc_gen_spec *p, tc_gen_grid *g,
                            tc_err *err);
void tc_gen_grid_free(tc_gen_grid *g); /* NULL safe; leaves it empty */

/* Position of g at grid time s; 0 when it has none. */
int tc_gen_grid_at(const tc_gen_grid *g, int64_t s, double *lat, double *lon, double *speed_kn);

/* Median slot speed of g over grid times in [t0, t1] (undefined ones ignored); NAN if none. */
double tc_gen_grid_median_speed(const tc_gen_grid *g, int64_t t0, int64_t t1);

/* A candidate of spec §4 for one pair. */
typedef struct {
  int64_t start, end;
  uint32_t close_slots;
  double min_dist_m, median_dist_m;
  double lat, lon;               /* mean midpoint, circular mean longitude */
  double speed_a_kn, speed_b_kn; /* median slot speeds over the close times; NAN if none */
  int encounter;                 /* passes min_duration and max_speed */
} tc_gen_cand;

typedef struct {
  size_t common;      /* grid times where both have a position */
  double min_dist_m;  /* over those (INFINITY when none) */
  double lat, lon;    /* a midpoint at the closest approach */
} tc_gen_pair_info;

/* Every candidate of the pair (a, b), appended to *cands (growable: *n, *cap).
 * info may be NULL. */
tc_status tc_gen_pair_eval(const tc_gen_grid *a, const tc_gen_grid *b, const tc_gen_spec *p,
                           tc_gen_cand **cands, size_t *n, size_t *cap, tc_gen_pair_info *info,
                           tc_err *err);

#endif
