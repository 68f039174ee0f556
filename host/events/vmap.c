/* MMSI -> dense vessel index for the events' own pass over the fixes (each vessel's
 * state is small, so it is kept for every vessel). */
#include <stdlib.h>

#include "host/events/internal.h"

static size_t slot_of(uint32_t key, size_t mask) {
  uint64_t x = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
  return (size_t)(x >> 32) & mask;
}

void tc_ev_vmap_free(tc_ev_vmap *m) {
  free(m->key);
  free(m->val);
  m->key = m->val = NULL;
  m->cap = m->n = 0;
}

static int grow(tc_ev_vmap *m) {
  size_t cap = m->cap ? 2 * m->cap : 1024;
  uint32_t *k = calloc(cap, sizeof *k), *v = malloc(cap * sizeof *v);
  if (!k || !v) {
    free(k);
    free(v);
    return 0;
  }
  for (size_t i = 0; i < m->cap; i++)
    if (m->key[i]) {
      size_t h = slot_of(m->key[i], cap - 1);
      while (k[h])
        h = (h + 1) & (cap - 1);
      k[h] = m->key[i];
      v[h] = m->val[i];
    }
  free(m->key);
  free(m->val);
  m->key = k;
  m->val = v;
  m->cap = cap;
  return 1;
}

size_t tc_ev_vmap_get(tc_ev_vmap *m, uint32_t mmsi, int *fresh) {
  *fresh = 0;
  if (2 * (m->n + 1) > m->cap && !grow(m))
    return SIZE_MAX;
  size_t mask = m->cap - 1, h = slot_of(mmsi, mask);
  while (m->key[h] && m->key[h] != mmsi)
    h = (h + 1) & mask;
  if (!m->key[h]) {
    m->key[h] = mmsi;
    m->val[h] = (uint32_t)m->n++;
    *fresh = 1;
  }
  return m->val[h];
}
