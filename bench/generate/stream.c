/* Fixes of all vessels merged into time order (a binary heap on (t, vessel index), so
 * ties break the same way every run), then real-feed noise on blocks of rows:
 * exact duplicates, invalid positions, and rows swapped a few places out of order. */
#include <stdlib.h>
#include <string.h>

#include "bench/generate/traffic_impl.h"

#define BLOCK_ROWS 64
#define BLOCK_CAP (3 * BLOCK_ROWS) /* each row may bring a duplicate and an invalid row */
#define OOO_REACH 8                /* an out-of-order row moves at most this many places */

/* Heap key: time since t0 above, vessel index below (< 2^24 vessels, < 2^40 s), so one
 * integer compare orders by (t, index) without touching the fixes. */
static uint64_t key(const tc_gen *g, uint32_t i) {
  return ((uint64_t)(g->head[i].t - g->stats.t0) << 24) | i;
}

static void sift_down(tc_gen *g, size_t k) {
  uint64_t *h = g->heap;
  size_t n = g->nheap;
  uint64_t x = h[k];
  for (;;) {
    size_t l = 2 * k + 1, m = l;
    if (l >= n)
      break;
    if (l + 1 < n && h[l + 1] < h[l])
      m = l + 1;
    if (h[m] >= x)
      break;
    h[k] = h[m];
    k = m;
  }
  h[k] = x;
}

tc_status tc_gen_stream_init(tc_gen *g, tc_err *err) {
  g->heap = malloc(g->nv * sizeof *g->heap);
  g->head = malloc(g->nv * sizeof *g->head);
  g->blk = malloc(BLOCK_CAP * sizeof *g->blk);
  if (!g->heap || !g->head || !g->blk)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu vessel streams", g->nv);
  g->nheap = 0;
  for (size_t i = 0; i < g->nv; i++) {
    tc_gen_vessel_start(&g->v[i], g->p.seed, &g->world);
    if (tc_gen_vessel_next(&g->v[i], &g->world, &g->head[i]))
      g->heap[g->nheap++] = key(g, (uint32_t)i);
  }
  for (size_t k = g->nheap / 2; k-- > 0;)
    sift_down(g, k);
  g->blk_n = g->blk_pos = 0;
  return TC_OK;
}

void tc_gen_stream_free(tc_gen *g) {
  free(g->heap);
  free(g->head);
  free(g->blk);
  g->heap = NULL;
  g->head = g->blk = NULL;
  g->nheap = 0;
}

/* An AIS "not available" or null-island position one second after a real fix (never
 * the time of another fix: reports are >= 2 s apart), which spec §1 rule 1 drops. */
static void invalid_row(tc_gen *g, const tc_fix *f, tc_fix *out) {
  *out = *f;
  out->t = f->t + 1;
  out->sog = 102.3f;
  out->cog = 360.0f;
  out->heading = TC_HEADING_UNKNOWN;
  switch (tc_rng_below(&g->noise, 4)) {
  case 0:
    out->lat = 91.0;
    out->lon = 181.0;
    break;
  case 1:
    out->lat = 0.0;
    out->lon = 0.0;
    break;
  case 2:
    out->lat = 91.0;
    break;
  default:
    out->lon = 181.0;
    break;
  }
}

static void refill(tc_gen *g) {
  const tc_gen_params *p = &g->p;
  g->blk_n = g->blk_pos = 0;
  while (g->blk_n < BLOCK_ROWS && g->nheap) {
    uint32_t i = (uint32_t)(g->heap[0] & 0xFFFFFFu);
    tc_fix f = g->head[i];
    if (tc_gen_vessel_next(&g->v[i], &g->world, &g->head[i]))
      g->heap[0] = key(g, i);
    else
      g->heap[0] = g->heap[--g->nheap];
    sift_down(g, 0);
    g->blk[g->blk_n++] = f;
    if (p->dup_rate > 0.0 && tc_rng_chance(&g->noise, p->dup_rate)) {
      g->blk[g->blk_n++] = f;
      g->stats.duplicates++;
    }
    if (p->bad_rate > 0.0 && tc_rng_chance(&g->noise, p->bad_rate)) {
      invalid_row(g, &f, &g->blk[g->blk_n++]);
      g->stats.invalid++;
    }
  }
  if (p->ooo_rate > 0.0) {
    for (size_t k = 0; k < g->blk_n; k++) {
      if (!tc_rng_chance(&g->noise, p->ooo_rate))
        continue;
      size_t j = k + (size_t)tc_rng_int(&g->noise, 1, OOO_REACH);
      if (j >= g->blk_n || g->blk[j].t == g->blk[k].t)
        continue;
      tc_fix t = g->blk[k];
      g->blk[k] = g->blk[j];
      g->blk[j] = t;
      g->stats.out_of_order++;
    }
  }
}

tc_status tc_gen_next(tc_gen *g, tc_fix *buf, size_t cap, size_t *n, tc_err *err) {
  (void)err;
  size_t m = 0;
  while (m < cap) {
    if (g->blk_pos == g->blk_n) {
      refill(g);
      if (g->blk_n == 0)
        break;
    }
    size_t take = g->blk_n - g->blk_pos;
    if (take > cap - m)
      take = cap - m;
    memcpy(buf + m, g->blk + g->blk_pos, take * sizeof *buf);
    g->blk_pos += take;
    m += take;
  }
  g->stats.rows += m;
  *n = m;
  return TC_OK;
}
