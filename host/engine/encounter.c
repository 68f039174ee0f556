#include "host/engine/encounter.h"

#include <math.h>
#include <stdlib.h>

#include "host/engine/grow.h"

void tc_encounter_list_init(tc_encounter_list *l) {
  l->v = NULL;
  l->n = l->cap = 0;
}

void tc_encounter_list_free(tc_encounter_list *l) {
  if (!l)
    return;
  free(l->v);
  tc_encounter_list_init(l);
}

tc_status tc_encounter_list_push(tc_encounter_list *l, const tc_encounter *e) {
  tc_encounter *v = tc_grow(l->v, &l->cap, l->n + 1, sizeof *v, 64);
  if (!v)
    return TC_ERR_NOMEM;
  l->v = v;
  l->v[l->n++] = *e;
  return TC_OK;
}

int tc_encounter_key_cmp(int64_t start1, uint32_t mmsi_a1, uint32_t mmsi_b1, int64_t start2,
                         uint32_t mmsi_a2, uint32_t mmsi_b2) {
  if (start1 != start2)
    return start1 < start2 ? -1 : 1;
  if (mmsi_a1 != mmsi_a2)
    return mmsi_a1 < mmsi_a2 ? -1 : 1;
  if (mmsi_b1 != mmsi_b2)
    return mmsi_b1 < mmsi_b2 ? -1 : 1;
  return 0;
}

static int cmp_enc(const void *pa, const void *pb) {
  const tc_encounter *a = pa, *b = pb;
  /* a pair has at most one encounter starting at a given time: no further key */
  return tc_encounter_key_cmp(a->start, a->mmsi_a, a->mmsi_b, b->start, b->mmsi_a, b->mmsi_b);
}

void tc_encounter_list_sort(tc_encounter_list *l) {
  if (l->n > 1)
    qsort(l->v, l->n, sizeof *l->v, cmp_enc);
}

int tc_cmp_double(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}

/* k-th smallest of v[0..n) (n > k), v reordered so that v[0..k) <= v[k]: quickselect
 * with a median-of-three pivot, insertion sort for short ranges. The partitions are
 * branch-free (a comparison's result moves the boundary), since medians of speeds and
 * distances compare unpredictably; values equal to the pivot (a moored ship's many
 * zero speeds) are split off by a second pass, so ties cost no extra rounds. The pivot
 * is one of the range's values, so every round shrinks the range. No NaN in v. */
static double select_kth(double *v, size_t n, size_t k) {
  size_t lo = 0, hi = n; /* the k-th is in [lo, hi) */
  while (hi - lo > 16) {
    size_t mid = lo + (hi - lo) / 2;
    double a = v[lo], b = v[mid], c = v[hi - 1];
    double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    size_t j = lo; /* [lo, j) < piv */
    for (size_t i = lo; i < hi; i++) {
      double x = v[i];
      size_t less = x < piv;
      v[i] = v[j];
      v[j] = x;
      j += less;
    }
    if (k < j) {
      hi = j;
      continue;
    }
    size_t m = j; /* [j, m) == piv */
    for (size_t i = j; i < hi; i++) {
      double x = v[i];
      size_t tie = !(x > piv);
      v[i] = v[m];
      v[m] = x;
      m += tie;
    }
    if (k < m)
      return v[k];
    lo = m;
  }
  for (size_t i = lo + 1; i < hi; i++) {
    double x = v[i];
    size_t j = i;
    while (j > lo && v[j - 1] > x) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
  return v[k];
}

double tc_median(double *v, size_t n) {
  if (n == 0)
    return NAN;
  double hi = select_kth(v, n, n / 2);
  if (n % 2)
    return hi;
  /* after the select, v[0 .. n/2) are all <= hi: the lower middle is their maximum */
  double lo = v[0];
  for (size_t i = 1; i < n / 2; i++)
    if (v[i] > lo)
      lo = v[i];
  return (lo + hi) / 2.0;
}
