/* Growable buffers exchanged between the engine and the backends. */
#include <stdlib.h>


#include "host/backend.h"

tc_status tc_pairbuf_reserve(tc_pairbuf *b, size_t cap) {
  if (cap <= b->cap)
    return TC_OK;
  uint32_t *p = realloc(b->p, cap * sizeof *p);
  if (!p)
    return TC_ERR_NOMEM;
  b->p = p;
  uint32_t *q = realloc(b->q, cap * sizeof *q);
  if (!q)
    return TC_ERR_NOMEM;
  b->q = q;
  b->cap = cap;
  return TC_OK;
}

void tc_pairbuf_free(tc_pairbuf *b) {
  if (!b)
    return;
  free(b->p);
  free(b->q);
  b->p = b->q = NULL;
  b->n = b->cap = 0;
}

tc_status tc_grid_block_reserve(tc_grid_block *b, size_t nslots, size_t npos) {
  size_t *off = realloc(b->off, (nslots + 1) * sizeof *off);
  if (!off)
    return TC_ERR_NOMEM;
  b->off = off;
  if (npos <= b->cap)
    return TC_OK;
  size_t cap = npos + npos / 4;
  uint32_t *vid = realloc(b->vid, cap * sizeof *vid);
  if (!vid)
    return TC_ERR_NOMEM;
  b->vid = vid;
  double **cols[5] = {&b->lat, &b->lon, &b->x, &b->y, &b->z};
  for (int i = 0; i < 5; i++) {
    double *c = realloc(*cols[i], cap * sizeof *c);
    if (!c)
      return TC_ERR_NOMEM;
    *cols[i] = c;
  }
  b->cap = cap;
  return TC_OK;
}

void tc_grid_block_free(tc_grid_block *b) {
  if (!b)
    return;
  free(b->off);
  free(b->vid);
  free(b->lat);
  free(b->lon);
  free(b->x);
  free(b->y);
  free(b->z);
  b->off = NULL;
  b->vid = NULL;
  b->lat = b->lon = b->x = b->y = b->z = NULL;
  b->n = b->cap = 0;
}

size_t tc_grid_block_slot_of(const tc_grid_block *b, size_t p) {
  size_t lo = 0, hi = b->nslots;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->off[mid] <= p)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}
