#include "host/engine/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

struct tc_grid_cpu {
  size_t *cnt;   /* per vessel: positions in the block, then prefix offsets */
  size_t cap_v;
  uint32_t *vs;  /* vessel-major: slot index */
  double *vlat, *vlon;
  size_t cap;
  size_t *cursor; /* per slot scatter cursor */
  size_t cap_s;
};

tc_status tc_grid_cpu_create(tc_grid_cpu **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

void tc_grid_cpu_free(tc_grid_cpu *g) {
  if (!g)
    return;
  free(g->cnt);
  free(g->vs);
  free(g->vlat);
  free(g->vlon);
  free(g->cursor);
  free(g);
}

static int64_t ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

/* Walks vessel v's fixes over the block's grid times; emit = 0 only counts. */
static size_t vessel_positions(const tc_track_window *w, size_t v, int64_t s0, int64_t slot,
                               size_t nslots, uint32_t *vs, double *vlat, double *vlon) {
  size_t k0 = w->off[v], k1 = w->off[v + 1];
  if (k0 == k1)
    return 0;
  const int64_t *t = w->t;
  int64_t s_end = s0 + (int64_t)nslots * slot; /* exclusive */
  int64_t s = ceil_to(t[k0] > s0 ? t[k0] : s0, slot);
  if (s < s0)
    s = s0;
  /* first fix index with t <= s */
  size_t i = k0;
  size_t lo = k0, hi = k1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid] <= s)
      lo = mid;
    else
      hi = mid;
  }
  i = lo;
  size_t n = 0;
  int64_t t_last = t[k1 - 1];
  for (; s < s_end && s <= t_last; s += slot) {
    while (i + 1 < k1 && t[i + 1] <= s)
      i++;
    double la, lo_;
    if (t[i] == s) {
      la = w->lat[i];
      lo_ = w->lon[i];
    } else if (i + 1 < k1 && t[i + 1] - t[i] <= w->max_gap) {
      double f = (double)(s - t[i]) / (double)(t[i + 1] - t[i]);
      tc_interp(w->lat[i], w->lon[i], w->lat[i + 1], w->lon[i + 1], f, &la, &lo_);
    } else {
      continue;
    }
    if (vs) {
      vs[n] = (uint32_t)((s - s0) / slot);
      vlat[n] = la;
      vlon[n] = lo_;
    }
    n++;
  }
  return n;
}

tc_status tc_grid_cpu_compute(tc_grid_cpu *g, const tc_track_window *w, tc_grid_block *blk,
                              int threads) {
  (void)threads;
  size_t nv = w->nv;
  if (nv + 1 > g->cap_v) {
    size_t *c = realloc(g->cnt, (nv + 1) * sizeof *c);
    if (!c)
      return TC_ERR_NOMEM;
    g->cnt = c;
    g->cap_v = nv + 1;
  }
  long long nvl = (long long)nv;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long v = 0; v < nvl; v++)
    g->cnt[v] = vessel_positions(w, (size_t)v, blk->s0, blk->slot, blk->nslots, NULL, NULL, NULL);
  size_t total = 0;
  for (size_t v = 0; v < nv; v++) {
    size_t c = g->cnt[v];
    g->cnt[v] = total;
    total += c;
  }
  g->cnt[nv] = total;
  if (total > g->cap) {
    size_t cap = total + total / 4;
    uint32_t *vs = realloc(g->vs, cap * sizeof *vs);
    if (!vs)
      return TC_ERR_NOMEM;
    g->vs = vs;
    double *a = realloc(g->vlat, cap * sizeof *a);
    if (!a)
      return TC_ERR_NOMEM;
    g->vlat = a;
    double *b = realloc(g->vlon, cap * sizeof *b);
    if (!b)
      return TC_ERR_NOMEM;
    g->vlon = b;
    g->cap = cap;
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long v = 0; v < nvl; v++) {
    size_t o = g->cnt[v];
    vessel_positions(w, (size_t)v, blk->s0, blk->slot, blk->nslots, g->vs + o, g->vlat + o,
                     g->vlon + o);
  }
  /* Transpose to slot-major, stable in vessel order. */
  TC_TRY(tc_grid_block_reserve(blk, blk->nslots, total));
  if (blk->nslots > g->cap_s) {
    size_t *c = realloc(g->cursor, blk->nslots * sizeof *c);
    if (!c)
      return TC_ERR_NOMEM;
    g->cursor = c;
    g->cap_s = blk->nslots;
  }
  memset(blk->off, 0, (blk->nslots + 1) * sizeof *blk->off);
  for (size_t k = 0; k < total; k++)
    blk->off[g->vs[k] + 1]++;
  for (size_t j = 0; j < blk->nslots; j++) {
    blk->off[j + 1] += blk->off[j];
    g->cursor[j] = blk->off[j];
  }
  for (size_t v = 0; v < nv; v++)
    for (size_t k = g->cnt[v]; k < g->cnt[v + 1]; k++) {
      size_t dst = g->cursor[g->vs[k]]++;
      blk->vid[dst] = (uint32_t)v;
      blk->lat[dst] = g->vlat[k];
      blk->lon[dst] = g->vlon[k];
    }
  blk->n = total;
  long long nl = (long long)total;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long k = 0; k < nl; k++)
    tc_unit_vec(blk->lat[k], blk->lon[k], &blk->x[k], &blk->y[k], &blk->z[k]);
  return TC_OK;
}

int tc_track_position(const tc_track_window *w, size_t v, int64_t s, double *lat, double *lon) {
  size_t k0 = w->off[v], k1 = w->off[v + 1];
  if (k0 == k1 || s < w->t[k0] || s > w->t[k1 - 1])
    return 0;
  size_t lo = k0, hi = k1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->t[mid] <= s)
      lo = mid;
    else
      hi = mid;
  }
  if (w->t[lo] == s) {
    *lat = w->lat[lo];
    *lon = w->lon[lo];
    return 1;
  }
  if (lo + 1 < k1 && w->t[lo + 1] - w->t[lo] <= w->max_gap) {
    double f = (double)(s - w->t[lo]) / (double)(w->t[lo + 1] - w->t[lo]);
    tc_interp(w->lat[lo], w->lon[lo], w->lat[lo + 1], w->lon[lo + 1], f, lat, lon);
    return 1;
  }
  return 0;
}

double tc_slot_speed_kn(const tc_track_window *w, size_t v, int64_t s, int64_t slot) {
  double la0, lo0, la1, lo1;
  if (!tc_track_position(w, v, s, &la0, &lo0))
    return NAN;
  if (tc_track_position(w, v, s + slot, &la1, &lo1))
    return tc_haversine_m(la0, lo0, la1, lo1) / (double)slot / TC_KNOT_MPS;
  if (tc_track_position(w, v, s - slot, &la1, &lo1))
    return tc_haversine_m(la1, lo1, la0, lo0) / (double)slot / TC_KNOT_MPS;
  return NAN;
}
