#include "host/engine/exact.h"
#include "host/engine/grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/runs.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_closebuf_free(tc_closebuf *c) {
  if (!c)
    return;
  free(c->v);
  free(c->tmp);
  free(c->close);
  free(c->chunk_cnt);
  free(c->shard_off);
  memset(c, 0, sizeof *c);
}

static int nthreads_of(int threads) {
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

/* Stable LSD radix sort of a[0..n) by p, 11-bit digits over the bits p uses. */
static tc_close_pair *sort_by_p(tc_close_pair *a, tc_close_pair *b, size_t n, uint32_t max_p) {
  size_t cnt[2048];
  for (int sh = 0; sh < 32 && (max_p >> sh); sh += 11) {
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++)
      cnt[(a[i].p >> sh) & 2047]++;
    size_t sum = 0;
    for (size_t k = 0; k < 2048; k++) {
      size_t c = cnt[k];
      cnt[k] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++)
      b[cnt[(a[i].p >> sh) & 2047]++] = a[i];
    tc_close_pair *t = a;
    a = b;
    b = t;
  }
  return a;
}

/* The runs' key of the pair of positions p < q: mmsi_a << 32 | mmsi_b. */
static uint64_t pair_key(const tc_grid_block *blk, const uint32_t *mmsi, uint32_t p, uint32_t q) {
  return ((uint64_t)mmsi[blk->vid[p]] << 32) | mmsi[blk->vid[q]];
}

static unsigned shard_of(uint64_t key, unsigned nshards) {
  return nshards <= 1 ? 0 : tc_runs_shard(key, nshards);
}

void tc_exact_bounds(double dist_m, double *lo2, double *hi2) {
  double thr = tc_chord2_of_dist(dist_m);
  /* The unit vectors are within ~2e-15 of the true ones per component, so the
   * squared chord is off by at most ~7e-15 * chord + 1e-29; the haversine's own
   * rounding is ~1e-15 relative. A band of 1e-6 relative (plus absolute terms for
   * the smallest dist) leaves orders of magnitude to spare on both sides. */
  double m = 1e-6 * thr + 1e-13 * sqrt(thr) + 1e-27;
  *lo2 = thr - m;
  *hi2 = thr + m;
}

int tc_exact_close(const double *ua, const double *ub, double lat_a, double lon_a, double lat_b,
                   double lon_b, double dist_m, double lo2, double hi2) {
  double dx = ua[0] - ub[0], dy = ua[1] - ub[1], dz = ua[2] - ub[2];
  double c2 = dx * dx + dy * dy + dz * dz;
  if (c2 < lo2)
    return 1;
  if (c2 > hi2)
    return 0;
  return tc_haversine_m(lat_a, lon_a, lat_b, lon_b) <= dist_m;
}

tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, const uint32_t *mmsi,
                          double dist_m, int threads, unsigned nshards, tc_closebuf *out) {
  int nt = nthreads_of(threads);
  if (nshards < 1)
    nshards = 1;
  out->n = 0;
  /* Chunks of the candidates, a few per thread and taken dynamically: a thread that
   * wakes late (a busy machine) leaves its share to the others instead of holding
   * them at the join. A list of a few ten thousand pairs (~0.3 ms on one core) wakes
   * no second thread: on two cores the wake and the join cost more than it saves.
   * The chunks' order, not who ran them, decides the output's. */
  const size_t min_chunk = 32768;
  size_t nch = cand->n / min_chunk + 1;
  if (nch > (size_t)nt * 4)
    nch = (size_t)nt * 4;
  if (!tc_reserve((void **)&out->close, &out->ccap, cand->n, sizeof *out->close) ||
      !tc_reserve((void **)&out->chunk_cnt, &out->chunk_cap, nch * nshards, sizeof *out->chunk_cnt) ||
      !tc_reserve((void **)&out->shard_off, &out->shard_cap, nshards + 1, sizeof *out->shard_off))
    return TC_ERR_NOMEM;
  out->nshards = nshards;
  size_t *cc = out->chunk_cnt;
  double lo2, hi2;
  tc_exact_bounds(dist_m, &lo2, &hi2);
  /* The decision and, per (chunk, shard), the count of close pairs, and whether
   * the chunk's pairs come in grid-time order (a backend that emits grid time by grid
   * time spares the sort). */
  size_t chunk = (cand->n + nch - 1) / nch;
  int unordered = 0;
  long long nchl = (long long)nch;
  memset(cc, 0, nch * nshards * sizeof *cc);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(| : unordered) if (nchl > 1)
#endif
  for (long long c = 0; c < nchl; c++) {
    size_t k0 = (size_t)c * chunk, k1 = k0 + chunk < cand->n ? k0 + chunk : cand->n;
    size_t j = k0 < k1 ? tc_grid_block_slot_of(blk, cand->p[k0]) : 0, *cnt = cc + (size_t)c * nshards;
    for (size_t k = k0; k < k1; k++) {
      uint32_t p = cand->p[k], q = cand->q[k];
      while (p >= blk->off[j + 1])
        j++;
      unordered |= p < blk->off[j];
      if (cand->decided && !(q & TC_PAIR_BAND)) {
        out->close[k] = 1; /* the backend decided: close */
      } else {
        q &= ~(cand->decided ? TC_PAIR_BAND : 0u);
        double ua[3] = {blk->x[p], blk->y[p], blk->z[p]}, ub[3] = {blk->x[q], blk->y[q], blk->z[q]};
        out->close[k] = (unsigned char)tc_exact_close(ua, ub, blk->lat[p], blk->lon[p], blk->lat[q],
                                                      blk->lon[q], dist_m, lo2, hi2);
      }
      if (out->close[k])
        cnt[shard_of(pair_key(blk, mmsi, p, q), nshards)]++;
    }
    /* chunk boundaries: the next chunk must not start in an earlier grid time */
    if (k1 < cand->n && k0 < k1 && cand->p[k1] < blk->off[j])
      unordered = 1;
  }
  /* Shard-major offsets, chunks in order inside a shard (so the scatter keeps order). */
  size_t m = 0;
  for (unsigned sh = 0; sh < nshards; sh++) {
    out->shard_off[sh] = m;
    for (size_t c = 0; c < nch; c++) {
      size_t x = cc[c * nshards + sh];
      cc[c * nshards + sh] = m;
      m += x;
    }
  }
  out->shard_off[nshards] = m;
  void **const pairs[] = {(void **)&out->v, (void **)&out->tmp};
  const size_t psize[] = {sizeof *out->v, sizeof *out->tmp};
  if (!tc_reserve_all(pairs, psize, 2, &out->cap, m))
    return TC_ERR_NOMEM;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nchl > 1)
#endif
  for (long long c = 0; c < nchl; c++) {
    size_t k0 = (size_t)c * chunk, k1 = k0 + chunk < cand->n ? k0 + chunk : cand->n;
    size_t *cur = cc + (size_t)c * nshards;
    for (size_t k = k0; k < k1; k++)
      if (out->close[k]) {
        uint32_t p = cand->p[k], q = cand->q[k] & ~(cand->decided ? TC_PAIR_BAND : 0u);
        tc_close_pair cp = {pair_key(blk, mmsi, p, q), p, q};
        out->v[cur[shard_of(cp.key, nshards)]++] = cp;
      }
  }
  out->n = m;
  /* a list in order by vessel pair is linked as it is (tc_runs_add finds each grid time) */
  if (unordered && m > 1 && !cand->pair_ordered) {
    long long ns = (long long)nshards;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
    for (long long sh = 0; sh < ns; sh++) {
      size_t o = out->shard_off[sh], len = out->shard_off[sh + 1] - o;
      tc_close_pair *r = sort_by_p(out->v + o, out->tmp + o, len, (uint32_t)(blk->n ? blk->n - 1 : 0));
      if (r != out->v + o)
        memcpy(out->v + o, r, len * sizeof *r);
    }
  }
  return TC_OK;
}
