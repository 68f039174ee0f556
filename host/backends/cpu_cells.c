/* The "openmp" backend: per grid time, a spatial hash of unit vectors in 3-D cubes
 * no smaller than the screen chord, sorted by cell key, then a half-stencil scan of
 * neighbouring cells. Parallel over grid times. Cubes in 3-D need no antimeridian or
 * pole special cases: neighbours on the sphere are neighbours in space. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define COORD_BITS 21
#define COORD_MAX ((1L << COORD_BITS) - 2)
#define SMALL_SLOT 48 /* below this many positions, all pairs beat sorting */

typedef struct {
  uint64_t *key, *key2;
  uint32_t *idx, *idx2;
  size_t cap;
  size_t *cnt; /* radix histogram, 256 entries */
  tc_pairbuf out;
  uint64_t tests;
} scratch;

typedef struct {
  tc_backend_config cfg;
  int nthreads;
  scratch *s;
} cells_state;

static tc_status cells_create(const tc_backend_config *cfg, void **state, tc_err *err) {
  cells_state *st = calloc(1, sizeof *st);
  if (!st)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory creating the openmp backend");
  st->cfg = *cfg;
#ifdef _OPENMP
  st->nthreads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
#else
  st->nthreads = 1;
#endif
  st->s = calloc((size_t)st->nthreads, sizeof *st->s);
  if (!st->s) {
    free(st);
    return tc_fail(err, TC_ERR_NOMEM, "out of memory creating the openmp backend");
  }
  *state = st;
  return TC_OK;
}

static void cells_destroy(void *state) {
  cells_state *st = state;
  if (!st)
    return;
  for (int i = 0; i < st->nthreads; i++) {
    free(st->s[i].key);
    free(st->s[i].key2);
    free(st->s[i].idx);
    free(st->s[i].idx2);
    free(st->s[i].cnt);
    tc_pairbuf_free(&st->s[i].out);
  }
  free(st->s);
  free(st);
}

static int scratch_reserve(scratch *s, size_t n) {
  if (!s->cnt && !(s->cnt = malloc(256 * sizeof *s->cnt)))
    return 0;
  if (n <= s->cap)
    return 1;
  size_t cap = n + n / 2;
  uint64_t *k = realloc(s->key, cap * sizeof *k), *k2;
  if (!k)
    return 0;
  s->key = k;
  if (!(k2 = realloc(s->key2, cap * sizeof *k2)))
    return 0;
  s->key2 = k2;
  uint32_t *i = realloc(s->idx, cap * sizeof *i), *i2;
  if (!i)
    return 0;
  s->idx = i;
  if (!(i2 = realloc(s->idx2, cap * sizeof *i2)))
    return 0;
  s->idx2 = i2;
  s->cap = cap;
  return 1;
}

static inline int emit(scratch *s, uint32_t a, uint32_t b) {
  if (s->out.n == s->out.cap && tc_pairbuf_reserve(&s->out, s->out.cap ? 2 * s->out.cap : 4096) != TC_OK)
    return 0;
  s->out.p[s->out.n] = a < b ? a : b;
  s->out.q[s->out.n] = a < b ? b : a;
  s->out.n++;
  return 1;
}

/* LSD radix sort of (key, idx) by key, 8-bit digits, skipping constant digits (most
 * are: the cells of one grid time share their high bits). Small histograms keep the
 * cost proportional to the points, not to 2^digit, for the many small grid times. */
static void radix_sort(scratch *s, size_t n) {
  size_t *cnt = s->cnt;
  uint64_t all_or = 0, all_and = ~(uint64_t)0;
  for (size_t i = 0; i < n; i++) {
    all_or |= s->key[i];
    all_and &= s->key[i];
  }
  uint64_t varying = all_or ^ all_and;
  for (int sh = 0; sh < 64; sh += 8) {
    if (!((varying >> sh) & 0xFF))
      continue;
    memset(cnt, 0, 256 * sizeof *cnt);
    for (size_t i = 0; i < n; i++)
      cnt[(s->key[i] >> sh) & 0xFF]++;
    size_t sum = 0;
    for (size_t b = 0; b < 256; b++) {
      size_t c = cnt[b];
      cnt[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) {
      size_t dst = cnt[(s->key[i] >> sh) & 0xFF]++;
      s->key2[dst] = s->key[i];
      s->idx2[dst] = s->idx[i];
    }
    uint64_t *tk = s->key;
    s->key = s->key2;
    s->key2 = tk;
    uint32_t *ti = s->idx;
    s->idx = s->idx2;
    s->idx2 = ti;
  }
}

static inline uint64_t pack(long cx, long cy, long cz) {
  return ((uint64_t)cx << (2 * COORD_BITS)) | ((uint64_t)cy << COORD_BITS) | (uint64_t)cz;
}

static int scan_slot(scratch *s, const tc_grid_block *blk, size_t j, double thr2, double cell) {
  size_t base = blk->off[j], n = blk->off[j + 1] - base;
  const double *x = blk->x + base, *y = blk->y + base, *z = blk->z + base;
  if (n < 2)
    return 1;
  if (n < SMALL_SLOT) {
    for (size_t a = 0; a < n; a++)
      for (size_t b = a + 1; b < n; b++) {
        double dx = x[a] - x[b], dy = y[a] - y[b], dz = z[a] - z[b];
        s->tests++;
        if (dx * dx + dy * dy + dz * dz <= thr2 && !emit(s, (uint32_t)(base + a), (uint32_t)(base + b)))
          return 0;
      }
    return 1;
  }
  if (!scratch_reserve(s, n))
    return 0;
  for (size_t i = 0; i < n; i++) {
    s->key[i] = pack(tc_cell_coord(x[i], cell), tc_cell_coord(y[i], cell), tc_cell_coord(z[i], cell));
    s->idx[i] = (uint32_t)i;
  }
  radix_sort(s, n);
  const uint64_t *key = s->key;
  const uint32_t *idx = s->idx;
  const uint64_t mask = (1UL << COORD_BITS) - 1;
  size_t cur_lo[4] = {0, 0, 0, 0}, cur_hi[4] = {0, 0, 0, 0};
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && key[b] == key[a])
      b++;
    long cx = (long)(key[a] >> (2 * COORD_BITS)), cy = (long)((key[a] >> COORD_BITS) & mask),
         cz = (long)(key[a] & mask);
    /* Half stencil: own cell (j > i), then the 13 forward cells as 5 key ranges.
     * Cells are visited in key order and each range's bounds only move forward, so
     * a cursor per column finds them in amortised O(1) (no binary search). */
    size_t rlo[5], rhi[5];
    int nr = 0;
    long czl = cz > 0 ? cz - 1 : 0;
    long cols[4][2] = {{cx, cy + 1}, {cx + 1, cy - 1}, {cx + 1, cy}, {cx + 1, cy + 1}};
    uint64_t up = pack(cx, cy, cz + 2);
    size_t e = b;
    while (e < n && key[e] < up)
      e++;
    rlo[nr] = b;
    rhi[nr++] = e;
    for (int c = 0; c < 4; c++) {
      if (cols[c][1] < 0)
        continue;
      uint64_t lo_key = pack(cols[c][0], cols[c][1], czl), hi_key = pack(cols[c][0], cols[c][1], cz + 2);
      while (cur_lo[c] < n && key[cur_lo[c]] < lo_key)
        cur_lo[c]++;
      if (cur_hi[c] < cur_lo[c])
        cur_hi[c] = cur_lo[c];
      while (cur_hi[c] < n && key[cur_hi[c]] < hi_key)
        cur_hi[c]++;
      rlo[nr] = cur_lo[c];
      rhi[nr++] = cur_hi[c];
    }
    for (size_t i = a; i < b; i++) {
      uint32_t pi = idx[i];
      double xi = x[pi], yi = y[pi], zi = z[pi];
      for (size_t k = i + 1; k < b; k++) {
        uint32_t pk = idx[k];
        double dx = xi - x[pk], dy = yi - y[pk], dz = zi - z[pk];
        s->tests++;
        if (dx * dx + dy * dy + dz * dz <= thr2 && !emit(s, (uint32_t)(base + pi), (uint32_t)(base + pk)))
          return 0;
      }
      for (int r = 0; r < nr; r++)
        for (size_t k = rlo[r]; k < rhi[r]; k++) {
          uint32_t pk = idx[k];
          double dx = xi - x[pk], dy = yi - y[pk], dz = zi - z[pk];
          s->tests++;
          if (dx * dx + dy * dy + dz * dz <= thr2 && !emit(s, (uint32_t)(base + pi), (uint32_t)(base + pk)))
            return 0;
        }
    }
    a = b;
  }
  return 1;
}

static tc_status cells_candidates(void *state, const tc_grid_block *blk, tc_pairbuf *out,
                                  tc_backend_stats *stats, tc_err *err) {
  cells_state *st = state;
  double thr2 = tc_screen_chord2(st->cfg.dist_m, 0);
  double cell = tc_cell_size(thr2);
  if (cell < 2.0 / (double)COORD_MAX)
    cell = 2.0 / (double)COORD_MAX;
  int ok = 1;
  for (int t = 0; t < st->nthreads; t++) {
    st->s[t].out.n = 0;
    st->s[t].tests = 0;
  }
  long long ns = (long long)blk->nslots;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->nthreads) reduction(&& : ok)
#endif
  for (long long j = 0; j < ns; j++) {
#ifdef _OPENMP
    scratch *s = &st->s[omp_get_thread_num()];
#else
    scratch *s = &st->s[0];
#endif
    ok = ok && scan_slot(s, blk, (size_t)j, thr2, cell);
  }
  if (!ok)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory in the openmp pair search");
  size_t total = 0;
  for (int t = 0; t < st->nthreads; t++)
    total += st->s[t].out.n;
  if (tc_pairbuf_reserve(out, total) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu candidate pairs", total);
  out->n = 0;
  for (int t = 0; t < st->nthreads; t++) {
    memcpy(out->p + out->n, st->s[t].out.p, st->s[t].out.n * sizeof *out->p);
    memcpy(out->q + out->n, st->s[t].out.q, st->s[t].out.n * sizeof *out->q);
    out->n += st->s[t].out.n;
    if (stats)
      stats->tests += st->s[t].tests;
  }
  if (stats)
    stats->candidates += out->n;
  return TC_OK;
}

static const char *cells_precision(void *state) {
  (void)state;
  return "double";
}

const tc_backend_ops tc_backend_openmp = {
    "openmp", cells_create, cells_destroy, NULL, cells_candidates, cells_precision,
};
