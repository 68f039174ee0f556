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

double tc_median(double *v, size_t n) {
  if (n == 0)
    return NAN;
  qsort(v, n, sizeof *v, tc_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}
