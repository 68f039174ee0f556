/* One encounter as spec/encounters.md §4 reports it, and a growable list of them. */
#ifndef TC_ENCOUNTER_H
#define TC_ENCOUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct {
  uint32_t mmsi_a, mmsi_b; /* mmsi_a < mmsi_b */
  int64_t start, end;      /* first and last close grid time */
  int32_t close_slots;     /* number of close grid times */
  double min_dist_m, median_dist_m;
  double mean_lat, mean_lon; /* of the midpoints; circular mean longitude */
  double speed_a_kn, speed_b_kn; /* median slot speeds over the close times */
} tc_encounter;

typedef struct {
  tc_encounter *v;
  size_t n, cap;
} tc_encounter_list;

void tc_encounter_list_init(tc_encounter_list *l);
void tc_encounter_list_free(tc_encounter_list *l);
tc_status tc_encounter_list_push(tc_encounter_list *l, const tc_encounter *e);
/* Spec order: (start, mmsi_a, mmsi_b). */
void tc_encounter_list_sort(tc_encounter_list *l);
/* The spec order of two (start, mmsi_a, mmsi_b) keys, <0, 0 or >0, for lists of other
 * row types (the generator's truth) that must sort like the engine's output. */
int tc_encounter_key_cmp(int64_t start1, uint32_t mmsi_a1, uint32_t mmsi_b1, int64_t start2,
                         uint32_t mmsi_a2, uint32_t mmsi_b2);

/* qsort comparator of doubles, ascending (leave NaNs out: they compare equal to all). */
int tc_cmp_double(const void *pa, const void *pb);
/* The spec's median (§4) of v[0..n), reordered in place: the mean of the middle two for an
 * even n; NAN when n = 0. */
double tc_median(double *v, size_t n);

#endif
