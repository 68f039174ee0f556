#include "host/engine/exact.h"

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
  free(c->d);
  free(c->cosl);
  free(c->shard_off);
  free(c->shard_n);
  free(c->chunk_cnt);
  memset(c, 0, sizeof *c);
}

static int grow(void **p, size_t *cap, size_t n, size_t size) {
  if (n <= *cap)
    return 1;
  void *q = realloc(*p, n * size);
  if (!q)
    return 0;
  *p = q;
  *cap = n;
  return 1;
}

/* Stable LSD radix sort of a[0..n) by (key, p) with 16-bit digits, skipping digits
 * that are constant; b is scratch of the same size. Returns where the result is. */
static tc_close_pair *radix_sort(tc_close_pair *a, tc_close_pair *b, size_t n, size_t *cnt) {
  for (int field = 0; field < 2; field++)     /* p first, then the pair: stable */
    for (int sh = 0; sh < (field ? 64 : 32); sh += 16) {
#define DIGIT(r) ((field ? (r).key >> sh : (uint64_t)(r).p >> sh) & 0xFFFF)
      uint64_t first = DIGIT(a[0]);
      size_t i = 1;
      while (i < n && DIGIT(a[i]) == first)
        i++;
      if (i == n)
        continue;
      memset(cnt, 0, 65536 * sizeof *cnt);
      for (i = 0; i < n; i++)
        cnt[DIGIT(a[i])]++;
      size_t sum = 0;
      for (size_t k = 0; k < 65536; k++) {
        size_t c = cnt[k];
        cnt[k] = sum;
        sum += c;
      }
      for (i = 0; i < n; i++)
        b[cnt[DIGIT(a[i])]++] = a[i];
#undef DIGIT
      tc_close_pair *t = a;
      a = b;
      b = t;
    }
  return a;
}

static unsigned shard_of(const tc_grid_block *blk, const uint32_t *mmsi, uint32_t p, uint32_t q,
                         unsigned nshards) {
  if (nshards <= 1)
    return 0;
  return tc_runs_shard(((uint64_t)mmsi[blk->vid[p]] << 32) | mmsi[blk->vid[q]], nshards);
}

static int nthreads_of(int threads) {
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, const uint32_t *mmsi,
                          double dist_m, int threads, unsigned nshards, tc_closebuf *out) {
  if (nshards < 1)
    nshards = 1;
  int nt = nthreads_of(threads);
  if (!grow((void **)&out->d, &out->dcap, cand->n, sizeof *out->d))
    return TC_ERR_NOMEM;
  if (nshards != out->nshards || !out->shard_off) {
    size_t *o = realloc(out->shard_off, (nshards + 1) * sizeof *o), *m;
    if (!o)
      return TC_ERR_NOMEM;
    out->shard_off = o;
    if (!(m = realloc(out->shard_n, nshards * sizeof *m)))
      return TC_ERR_NOMEM;
    out->shard_n = m;
    out->nshards = nshards;
  }
  size_t *cc = realloc(out->chunk_cnt, (size_t)nt * nshards * sizeof *cc);
  if (!cc)
    return TC_ERR_NOMEM;
  out->chunk_cnt = cc;
  memset(cc, 0, (size_t)nt * nshards * sizeof *cc);
  long long n = (long long)cand->n;
  /* cos(lat) once per position pays when there are many candidates per position. */
  int per_position = cand->n > blk->n / 4;
  if (per_position) {
    if (!grow((void **)&out->cosl, &out->ccap, blk->n, sizeof *out->cosl))
      return TC_ERR_NOMEM;
    long long np = (long long)blk->n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt)
#endif
    for (long long k = 0; k < np; k++)
      out->cosl[k] = tc_cos_lat(blk->lat[k]);
  }
  /* Distances, and per (thread chunk, shard) counts of the close ones. */
  size_t chunk = (cand->n + (size_t)nt - 1) / (size_t)nt;
#ifdef _OPENMP
#pragma omp parallel for schedule(static, 1) num_threads(nt)
#endif
  for (int c = 0; c < nt; c++) {
    size_t k0 = (size_t)c * chunk, k1 = k0 + chunk < cand->n ? k0 + chunk : cand->n;
    for (size_t k = k0; k < k1; k++) {
      uint32_t p = cand->p[k], q = cand->q[k];
      double ca = per_position ? out->cosl[p] : tc_cos_lat(blk->lat[p]);
      double cb = per_position ? out->cosl[q] : tc_cos_lat(blk->lat[q]);
      out->d[k] = tc_haversine_cos_m(blk->lat[p], blk->lon[p], ca, blk->lat[q], blk->lon[q], cb);
      if (out->d[k] <= dist_m)
        cc[(size_t)c * nshards + shard_of(blk, mmsi, p, q, nshards)]++;
    }
  }
  (void)n;
  /* Shard-major offsets, chunks in order inside a shard (so the scatter is stable). */
  size_t m = 0;
  for (unsigned s = 0; s < nshards; s++) {
    out->shard_off[s] = m;
    for (int c = 0; c < nt; c++) {
      size_t x = cc[(size_t)c * nshards + s];
      cc[(size_t)c * nshards + s] = m;
      m += x;
    }
  }
  out->shard_off[nshards] = m;
  if (m > out->cap) { /* v and tmp swap roles while sorting: same capacity */
    size_t cap = out->cap;
    if (!grow((void **)&out->v, &cap, m, sizeof *out->v))
      return TC_ERR_NOMEM;
    cap = out->cap;
    if (!grow((void **)&out->tmp, &cap, m, sizeof *out->tmp))
      return TC_ERR_NOMEM;
    out->cap = m;
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(static, 1) num_threads(nt)
#endif
  for (int c = 0; c < nt; c++) {
    size_t k0 = (size_t)c * chunk, k1 = k0 + chunk < cand->n ? k0 + chunk : cand->n;
    size_t *cur = cc + (size_t)c * nshards;
    for (size_t k = k0; k < k1; k++)
      if (out->d[k] <= dist_m) {
        uint32_t p = cand->p[k], q = cand->q[k];
        tc_close_pair cp = {((uint64_t)blk->vid[p] << 32) | blk->vid[q], p, q, out->d[k]};
        out->v[cur[shard_of(blk, mmsi, p, q, nshards)]++] = cp;
      }
  }
  /* Each shard sorted by (pair, p) on its own thread; duplicates dropped. */
  int bad = 0;
  long long ns = (long long)nshards;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(| : bad)
#endif
  {
    size_t *hist = malloc(65536 * sizeof *hist);
    bad |= !hist;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long long s = 0; s < ns; s++) {
      size_t o = out->shard_off[s], len = out->shard_off[s + 1] - o;
      out->shard_n[s] = len;
      if (len < 2 || !hist)
        continue;
      tc_close_pair *r = radix_sort(out->v + o, out->tmp + o, len, hist);
      if (r != out->v + o)
        memcpy(out->v + o, r, len * sizeof *r);
      /* A backend that reports a pair twice must not count it twice. */
      tc_close_pair *v = out->v + o;
      size_t w = 1;
      for (size_t k = 1; k < len; k++)
        if (v[k].p != v[w - 1].p || v[k].q != v[w - 1].q)
          v[w++] = v[k];
      out->shard_n[s] = w;
    }
    free(hist);
  }
  out->n = 0;
  for (unsigned k = 0; k < nshards; k++)
    out->n += out->shard_n[k];
  return bad ? TC_ERR_NOMEM : TC_OK;
}
