/* Growable buffers exchanged between the engine and the backends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "host/backend.h"
#include "io/hugepages.h"

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

/* The position columns share one allocation: lat, lon, x, y, z, then vid. A block's
 * ~44 bytes a position (a few MiB) are first touched by every run; as one buffer they
 * fault in as a few huge pages (io/hugepages.h) instead of ~250 4 KiB pages a MiB. */
#define BLOCK_BYTES_PER_POSITION (5 * sizeof(double) + sizeof(uint32_t))

tc_status tc_grid_block_reserve(tc_grid_block *b, size_t nslots, size_t npos) {
  size_t *off = realloc(b->off, (nslots + 1) * sizeof *off);
  if (!off)
    return TC_ERR_NOMEM;
  b->off = off;
  if (npos <= b->cap)
    return TC_OK;
  size_t cap = (npos + npos / 4 + 7) & ~(size_t)7; /* every column on a 64-byte boundary */
  if (cap > SIZE_MAX / BLOCK_BYTES_PER_POSITION)
    return TC_ERR_NOMEM;
  double *base = tc_realloc_huge(NULL, cap * BLOCK_BYTES_PER_POSITION);
  if (!base)
    return TC_ERR_NOMEM;
  double *old = b->lat, **cols[5] = {&b->lat, &b->lon, &b->x, &b->y, &b->z};
  for (int i = 0; i < 5; i++) { /* growing keeps what the block held */
    double *c = base + (size_t)i * cap;
    if (*cols[i])
      memcpy(c, *cols[i], b->cap * sizeof *c);
    *cols[i] = c;
  }
  uint32_t *vid = (uint32_t *)(void *)(base + 5 * cap);
  if (b->vid)
    memcpy(vid, b->vid, b->cap * sizeof *vid);
  free(old);
  b->vid = vid;
  b->cap = cap;
  return TC_OK;
}

void tc_grid_block_free(tc_grid_block *b) {
  if (!b)
    return;
  free(b->off);
  free(b->lat); /* the columns' allocation */
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

void tc_backend_stats_add(tc_backend_stats *to, const tc_backend_stats *from) {
  to->candidates += from->candidates;
  to->tests += from->tests;
  to->band += from->band;
  to->dropped_pairs += from->dropped_pairs;
  to->dropped_runs += from->dropped_runs;
  to->t_cand += from->t_cand;
  to->t_transfer += from->t_transfer;
}
