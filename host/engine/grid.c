#include "host/engine/grid.h"
#include "host/engine/grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Positions are first computed vessel-major over the block's grid times plus one
 * halo time on each side (s0 - slot and s0 + nslots*slot), then transposed to the
 * slot-major block. The vessel-major copy stays: a position's slot speed (spec §2)
 * is its distance to the same vessel's next (or previous) position, found at k+1
 * (k-1) with no search; the halo times give the speeds at the block's edges. */
struct tc_grid_cpu {
  size_t *voff;  /* [nv+1] vessel-major room: vessel v's positions start at voff[v] */
  size_t cap_v;
  size_t *vend;  /* [nv] and end at vend[v] (<= voff[v+1]) */
  size_t cap_ve;
  uint32_t *vs;  /* vessel-major: grid time index from s0 - slot (halo included) */
  double *vlat, *vlon;
  size_t cap;
  uint32_t *vm;  /* slot-major position -> vessel-major index */
  size_t cap_vm;
  size_t *chv;   /* [nch+1] vessel chunks: chunk c is vessels chv[c] .. chv[c+1] */
  size_t cap_ch;
  size_t *chcnt; /* [nch][ns+2] positions per chunk and grid time, then scatter cursors */
  size_t cap_chcnt;
  int64_t slot;
};

tc_status tc_grid_cpu_create(tc_grid_cpu **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

void tc_grid_cpu_free(tc_grid_cpu *g) {
  if (!g)
    return;
  free(g->voff);
  free(g->vend);
  free(g->vs);
  free(g->vlat);
  free(g->vlon);
  free(g->vm);
  free(g->chv);
  free(g->chcnt);
  free(g);
}

static int64_t ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

static int64_t floor_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot > t)
    q--;
  return q * slot;
}

/* Index of the last of fixes [k0, k1) with t <= s (k0 when none is). */
static size_t last_at_or_before(const int64_t *t, size_t k0, size_t k1, int64_t s) {
  size_t lo = k0, hi = k1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid] <= s)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* Spec §2 at grid time s, from fix i (the last with t <= s) of a vessel whose fixes
 * end at k1: the fix itself, an interpolation across a gap <= max_gap, or none (0). */
static int position_from(const tc_track_window *w, size_t i, size_t k1, int64_t s, double *lat,
                         double *lon) {
  const int64_t *t = w->t;
  if (t[i] == s) {
    *lat = w->lat[i];
    *lon = w->lon[i];
    return 1;
  }
  if (i + 1 < k1 && t[i + 1] - t[i] <= w->max_gap) {
    double f = (double)(s - t[i]) / (double)(t[i + 1] - t[i]);
    tc_interp(w->lat[i], w->lon[i], w->lat[i + 1], w->lon[i + 1], f, lat, lon);
    return 1;
  }
  return 0;
}

/* Writes vessel v's positions at grid times s0, s0+slot, ... (nslots of them) to
 * vs (grid time index) / vlat / vlon; returns how many. */
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
  size_t i = last_at_or_before(t, k0, k1, s), n = 0;
  int64_t t_last = t[k1 - 1];
  for (; s < s_end && s <= t_last; s += slot) {
    while (i + 1 < k1 && t[i + 1] <= s)
      i++;
    if (position_from(w, i, k1, s, &vlat[n], &vlon[n]))
      vs[n++] = (uint32_t)((s - s0) / slot);
  }
  return n;
}

tc_status tc_grid_cpu_compute(tc_grid_cpu *g, const tc_track_window *w, tc_grid_block *blk,
                              int threads) {
#ifdef _OPENMP
  int nt = threads > 0 ? threads : omp_get_max_threads();
#else
  int nt = 1;
  (void)threads;
#endif
  size_t nv = w->nv, ns = blk->nslots;
  int64_t h0 = blk->s0 - blk->slot; /* first halo time */
  size_t hs = ns + 2;               /* grid times with the halo */
  g->slot = blk->slot;
  if (!tc_reserve((void **)&g->voff, &g->cap_v, nv + 1, sizeof *g->voff) ||
      !tc_reserve((void **)&g->vend, &g->cap_ve, nv, sizeof *g->vend))
    return TC_ERR_NOMEM;
  /* Room per vessel: every grid time between its first and last fix (gaps longer than
   * max_gap leave a hole at the end of its range), so one pass fills it. */
  int64_t h_last = h0 + (int64_t)(hs - 1) * blk->slot;
  size_t total = 0;
  for (size_t v = 0; v < nv; v++) {
    g->voff[v] = total;
    size_t k0 = w->off[v], k1 = w->off[v + 1];
    if (k0 == k1)
      continue;
    int64_t lo = ceil_to(w->t[k0], blk->slot), hi = floor_to(w->t[k1 - 1], blk->slot);
    if (lo < h0)
      lo = h0;
    if (hi > h_last)
      hi = h_last;
    if (hi >= lo)
      total += (size_t)((hi - lo) / blk->slot) + 1;
  }
  g->voff[nv] = total;
  size_t cap = g->cap;
  if (!tc_reserve((void **)&g->vs, &cap, total, sizeof *g->vs))
    return TC_ERR_NOMEM;
  cap = g->cap;
  if (!tc_reserve((void **)&g->vlat, &cap, total, sizeof *g->vlat))
    return TC_ERR_NOMEM;
  cap = g->cap;
  if (!tc_reserve((void **)&g->vlon, &cap, total, sizeof *g->vlon))
    return TC_ERR_NOMEM;
  g->cap = cap;
  /* Vessels in contiguous chunks of about equal room: each chunk is filled, counted
   * per grid time and later scattered by one thread, so the slot-major order (vessel
   * order within a grid time) needs no serial pass. */
  size_t nch = (size_t)nt * 8, per = total / nch + 1;
  if (!tc_reserve((void **)&g->chv, &g->cap_ch, nch + 1, sizeof *g->chv) ||
      !tc_reserve((void **)&g->chcnt, &g->cap_chcnt, nch * (hs + 1), sizeof *g->chcnt))
    return TC_ERR_NOMEM;
  size_t c = 0;
  g->chv[0] = 0;
  for (size_t v = 0; v < nv && c + 1 < nch; v++)
    if (g->voff[v + 1] >= (c + 1) * per)
      g->chv[++c] = v + 1;
  while (c < nch)
    g->chv[++c] = nv;
  memset(g->chcnt, 0, nch * (hs + 1) * sizeof *g->chcnt);
  long long nchl = (long long)nch;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
  for (long long ch = 0; ch < nchl; ch++) {
    size_t *cnt = g->chcnt + (size_t)ch * (hs + 1);
    for (size_t v = g->chv[ch]; v < g->chv[ch + 1]; v++) {
      size_t o = g->voff[v];
      g->vend[v] = o + vessel_positions(w, v, h0, blk->slot, hs, g->vs + o, g->vlat + o, g->vlon + o);
      for (size_t k = o; k < g->vend[v]; k++)
        cnt[g->vs[k]]++;
    }
  }
  /* Slot-major offsets: grid time j (halo index 1 .. ns), chunks in vessel order. */
  size_t core = 0;
  TC_TRY(tc_grid_block_reserve(blk, ns, 0));
  blk->off[0] = 0;
  for (size_t j = 1; j <= ns; j++) {
    for (size_t ch = 0; ch < nch; ch++) {
      size_t *cnt = g->chcnt + ch * (hs + 1) + j, x = *cnt;
      *cnt = core;
      core += x;
    }
    blk->off[j] = core;
  }
  TC_TRY(tc_grid_block_reserve(blk, ns, core));
  if (!tc_reserve((void **)&g->vm, &g->cap_vm, core, sizeof *g->vm))
    return TC_ERR_NOMEM;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
  for (long long ch = 0; ch < nchl; ch++) {
    size_t *cur = g->chcnt + (size_t)ch * (hs + 1);
    for (size_t v = g->chv[ch]; v < g->chv[ch + 1]; v++)
      for (size_t k = g->voff[v]; k < g->vend[v]; k++) {
        uint32_t j = g->vs[k];
        if (j == 0 || j > ns)
          continue;
        size_t dst = cur[j]++;
        blk->vid[dst] = (uint32_t)v;
        blk->lat[dst] = g->vlat[k];
        blk->lon[dst] = g->vlon[k];
        g->vm[dst] = (uint32_t)k;
        tc_unit_vec_fast(g->vlat[k], g->vlon[k], &blk->x[dst], &blk->y[dst], &blk->z[dst]);
      }
  }
  blk->n = core;
  return TC_OK;
}

/* A vessel at rest reports the same position: its distance is 0 without the
 * trigonometry (tc_haversine_m of equal points is exactly 0 too). */
static double slot_speed(const tc_grid_cpu *g, size_t a, size_t b) {
  if (g->vlat[a] == g->vlat[b] && g->vlon[a] == g->vlon[b])
    return 0.0;
  return tc_haversine_m(g->vlat[a], g->vlon[a], g->vlat[b], g->vlon[b]) / (double)g->slot / TC_KNOT_MPS;
}

double tc_grid_cpu_speed_kn(const tc_grid_cpu *g, const tc_grid_block *blk, size_t p) {
  size_t k = g->vm[p], v = blk->vid[p];
  uint32_t j = g->vs[k];
  if (k + 1 < g->vend[v] && g->vs[k + 1] == j + 1)
    return slot_speed(g, k, k + 1);
  if (k > g->voff[v] && g->vs[k - 1] + 1 == j)
    return slot_speed(g, k - 1, k);
  return NAN;
}

int tc_track_position(const tc_track_window *w, size_t v, int64_t s, double *lat, double *lon) {
  size_t k0 = w->off[v], k1 = w->off[v + 1];
  if (k0 == k1 || s < w->t[k0] || s > w->t[k1 - 1])
    return 0;
  return position_from(w, last_at_or_before(w->t, k0, k1, s), k1, s, lat, lon);
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
