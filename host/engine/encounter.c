#include "host/engine/encounter.h"

#include <stdlib.h>

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
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    tc_encounter *v = realloc(l->v, cap * sizeof *v);
    if (!v)
      return TC_ERR_NOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = *e;
  return TC_OK;
}

static int cmp_enc(const void *pa, const void *pb) {
  const tc_encounter *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  if (a->mmsi_b != b->mmsi_b)
    return a->mmsi_b < b->mmsi_b ? -1 : 1;
  return 0; /* a pair has at most one encounter starting at a given time */
}

void tc_encounter_list_sort(tc_encounter_list *l) {
  if (l->n > 1)
    qsort(l->v, l->n, sizeof *l->v, cmp_enc);
}
