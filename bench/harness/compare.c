#include "bench/harness/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *pa, const void *pb) {
  const tc_encounter *a = *(const tc_encounter *const *)pa, *b = *(const tc_encounter *const *)pb;
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  if (a->mmsi_b != b->mmsi_b)
    return a->mmsi_b < b->mmsi_b ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return 0;
}

static const tc_encounter **sorted_refs(const tc_encounter_list *l) {
  const tc_encounter **r = malloc((l->n ? l->n : 1) * sizeof *r);
  if (!r)
    return NULL;
  for (size_t i = 0; i < l->n; i++)
    r[i] = &l->v[i];
  qsort(r, l->n, sizeof *r, cmp_key);
  return r;
}

static double lon_diff(double a, double b) {
  double d = fmod(fabs(a - b), 360.0);
  return d > 180.0 ? 360.0 - d : d;
}

/* |a - b|, infinite when exactly one is NaN. */
static double absdiff(double a, double b) {
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b) ? 0.0 : INFINITY;
  return fabs(a - b);
}

int tc_bench_compare_encounters(const tc_encounter_list *expected, const tc_encounter_list *actual,
                                tc_bench_tol tol, tc_bench_cmp *res, char *summary, size_t cap) {
  memset(res, 0, sizeof *res);
  res->expected = expected->n;
  res->actual = actual->n;
  const tc_encounter **e = sorted_refs(expected), **a = sorted_refs(actual);
  int ok = -1;
  if (!e || !a)
    goto cleanup;
  size_t i = 0, k = 0;
  while (i < expected->n || k < actual->n) {
    int c = i == expected->n ? 1 : k == actual->n ? -1 : cmp_key(&e[i], &a[k]);
    if (c < 0) {
      res->only_expected++, i++;
      continue;
    }
    if (c > 0) {
      res->only_actual++, k++;
      continue;
    }
    const tc_encounter *x = e[i++], *y = a[k++];
    res->common++;
    double dd = fmax(absdiff(x->min_dist_m, y->min_dist_m), absdiff(x->median_dist_m, y->median_dist_m));
    double dp = fmax(absdiff(x->mean_lat, y->mean_lat), lon_diff(x->mean_lon, y->mean_lon));
    double ds = fmax(absdiff(x->speed_a_kn, y->speed_a_kn), absdiff(x->speed_b_kn, y->speed_b_kn));
    res->max_dist = fmax(res->max_dist, dd);
    res->max_pos = fmax(res->max_pos, dp);
    res->max_speed = fmax(res->max_speed, ds);
    if (x->close_slots != y->close_slots || dd > tol.dist_m || dp > tol.pos_deg || ds > tol.speed_kn)
      res->value_mismatches++;
  }
  ok = res->only_expected == 0 && res->only_actual == 0 && res->value_mismatches == 0;
cleanup:
  if (summary && cap) {
    if (ok < 0)
      snprintf(summary, cap, "out of memory comparing encounter lists");
    else
      snprintf(summary, cap,
               "%s: expected %zu, got %zu; %zu only expected, %zu only got, %zu out of tolerance; "
               "max |diff| %.3g m, %.3g deg, %.3g kn",
               ok ? "match" : "MISMATCH", res->expected, res->actual, res->only_expected,
               res->only_actual, res->value_mismatches, res->max_dist, res->max_pos, res->max_speed);
  }
  free(e);
  free(a);
  return ok;
}
