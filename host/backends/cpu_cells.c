/* The "openmp" backend: per grid time, a spatial hash of unit vectors in 3-D cubes
 * no smaller than the screen chord, then a half-stencil scan of neighbouring cells.
 * Parallel over grid times. Cubes in 3-D need no antimeridian or pole special cases:
 * neighbours on the sphere are neighbours in space.
 *
 * Cell coordinates (a, b, c) put c along the axis that keeps columns (a, b) short where
 * the points are. Per grid time, positions are radix-sorted by column key (a, b), packed
 * relative to the grid time's extremes so that only varying bits are sorted; then each
 * column meets the rest of itself, column (a, b + 1) (next in key order) and columns
 * (a + 1, b - 1 .. b + 1) (one key range, found by a forward cursor), keeping positions
 * with |dc| <= 1. Each pair of neighbouring cells is so met exactly once; the chord test
 * decides. Pairs come out grid time by grid time (p < q), in the same order for every
 * thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define COORD_MAX ((1L << 21) - 2) /* the smallest cell is 2 / COORD_MAX */
#define SMALL_SLOT 48              /* below this many positions, all pairs beat sorting */
#define MIN_DIGIT 6                /* radix digit widths: the histograms stay small */
#define MAX_DIGIT 11               /* next to the positions of one grid time */
#define MAX_PASSES 8               /* column keys have at most 44 bits */

typedef struct {
  uint64_t *key, *key2; /* column keys of the positions, sorted in place */
  uint32_t *idx, *idx2; /* position (in its grid time) of each key */
  uint32_t *cc;         /* c of each position, by position */
  uint64_t *ckey;       /* distinct column keys, then 3 sentinels */
  uint32_t *cst;        /* where each column starts among the sorted keys, then n */
  size_t cap;
  uint32_t *cnt; /* radix histograms, MAX_PASSES << MAX_DIGIT */
  tc_pairbuf out;
  uint64_t tests;
} scratch;

typedef struct {
  tc_backend_config cfg;
  int nthreads;
  scratch *s;
  /* per grid time: the thread that did it, where its pairs are, how many */
  int *thr;
  size_t *beg, *num;
  size_t slot_cap;
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

static void scratch_free(scratch *s) {
  free(s->key);
  free(s->key2);
  free(s->idx);
  free(s->idx2);
  free(s->cc);
  free(s->ckey);
  free(s->cst);
  free(s->cnt);
  tc_pairbuf_free(&s->out);
}

static void cells_destroy(void *state) {
  cells_state *st = state;
  if (!st)
    return;
  for (int i = 0; i < st->nthreads; i++)
    scratch_free(&st->s[i]);
  free(st->s);
  free(st->thr);
  free(st->beg);
  free(st->num);
  free(st);
}

static int grow64(uint64_t **p, size_t n) {
  uint64_t *q = realloc(*p, n * sizeof *q);
  if (q)
    *p = q;
  return q != NULL;
}

static int grow32(uint32_t **p, size_t n) {
  uint32_t *q = realloc(*p, n * sizeof *q);
  if (q)
    *p = q;
  return q != NULL;
}

static int scratch_reserve(scratch *s, size_t n) {
  if (!s->cnt && !(s->cnt = malloc(((size_t)MAX_PASSES << MAX_DIGIT) * sizeof *s->cnt)))
    return 0;
  if (n <= s->cap)
    return 1;
  size_t cap = n + n / 2;
  if (!grow64(&s->key, cap) || !grow64(&s->key2, cap) || !grow32(&s->idx, cap) || !grow32(&s->idx2, cap) ||
      !grow32(&s->cc, cap) || !grow64(&s->ckey, cap + 3) || !grow32(&s->cst, cap + 3))
    return 0;
  s->cap = cap;
  return 1;
}

/* Room for need more pairs in b. */
static int out_room(tc_pairbuf *b, size_t need) {
  if (b->n + need <= b->cap)
    return 1;
  size_t cap = b->cap ? 2 * b->cap : 4096;
  return tc_pairbuf_reserve(b, cap > b->n + need ? cap : b->n + need) == TC_OK;
}

static inline int width_of(uint64_t v) {
  int w = 1;
  while (w < 64 && (v >> w))
    w++;
  return w;
}

/* LSD radix sort by bits [ib, ib + bits) of key, stable: all histograms in one pass,
 * digits no wider than the count warrants (a small grid time would otherwise pay for
 * clearing and summing big histograms), constant digits skipped. With ib > 0 the low
 * ib bits of each key hold its position, already in order, and the last pass splits
 * them off into idx; with ib == 0, idx (filled by the caller) moves alongside. On
 * return key holds the column keys and idx the positions, in key order. */
static void radix_sort(scratch *s, size_t n, int bits, int ib) {
  int dmax = width_of(n);
  dmax = dmax < MIN_DIGIT ? MIN_DIGIT : dmax > MAX_DIGIT ? MAX_DIGIT : dmax;
  const int npass = (bits + dmax - 1) / dmax, dw = (bits + npass - 1) / npass;
  const size_t nb = (size_t)1 << dw;
  const uint64_t dm = nb - 1, im = ((uint64_t)1 << ib) - 1;
  uint32_t *cnt = s->cnt;
  memset(cnt, 0, (size_t)npass * nb * sizeof *cnt);
  if (npass == 3) { /* the usual case, unrolled */
    uint32_t *c1 = cnt + nb, *c2 = c1 + nb;
    for (size_t i = 0; i < n; i++) {
      uint64_t k = s->key[i] >> ib;
      cnt[k & dm]++;
      c1[(k >> dw) & dm]++;
      c2[(k >> 2 * dw) & dm]++;
    }
  } else
    for (size_t i = 0; i < n; i++)
      for (int p = 0; p < npass; p++)
        cnt[((size_t)p << dw) + ((s->key[i] >> (ib + p * dw)) & dm)]++;
  int last = -1; /* the last pass that moves anything */
  for (int p = 0; p < npass; p++) {
    uint32_t *c = cnt + ((size_t)p << dw);
    if (c[(s->key[0] >> (ib + p * dw)) & dm] == n) {
      c[0] = UINT32_MAX; /* one value for all: nothing to sort */
      continue;
    }
    uint32_t sum = 0;
    for (size_t b = 0; b < nb; b++) {
      uint32_t v = c[b];
      c[b] = sum;
      sum += v;
    }
    last = p;
  }
  for (int p = 0; p <= last; p++) {
    uint32_t *c = cnt + ((size_t)p << dw);
    if (c[0] == UINT32_MAX)
      continue;
    const int sh = ib + p * dw;
    const uint64_t *k1 = s->key;
    uint64_t *k2 = s->key2;
    if (!ib) {
      for (size_t i = 0; i < n; i++) {
        uint32_t d = c[(k1[i] >> sh) & dm]++;
        k2[d] = k1[i];
        s->idx2[d] = s->idx[i];
      }
      uint32_t *t = s->idx;
      s->idx = s->idx2;
      s->idx2 = t;
    } else if (p < last) {
      for (size_t i = 0; i < n; i++)
        k2[c[(k1[i] >> sh) & dm]++] = k1[i];
    } else {
      for (size_t i = 0; i < n; i++) {
        uint32_t d = c[(k1[i] >> sh) & dm]++;
        k2[d] = k1[i] >> ib;
        s->idx[d] = (uint32_t)(k1[i] & im);
      }
    }
    s->key2 = s->key;
    s->key = k2;
  }
  if (ib && last < 0) /* one column: already in order */
    for (size_t i = 0; i < n; i++) {
      s->idx[i] = (uint32_t)(s->key[i] & im);
      s->key[i] >>= ib;
    }
}

/* First index >= cur whose key is >= bound, in sorted keys ending with sentinels.
 * How many of the next three are below bound is how far to move: three independent
 * loads and no unpredictable branch for the usual short moves. */
static inline size_t advance(const uint64_t *key, size_t cur, uint64_t bound) {
  for (;;) {
    size_t d = (size_t)(key[cur] < bound) + (key[cur + 1] < bound) + (key[cur + 2] < bound);
    cur += d;
    if (d < 3)
      return cur;
  }
}

static int all_pairs(scratch *s, uint32_t base, size_t n, const double *x, const double *y, const double *z,
                     double thr2) {
  for (size_t a = 0; a + 1 < n; a++) {
    if (!out_room(&s->out, n - a - 1))
      return 0;
    uint32_t *op = s->out.p, *oq = s->out.q;
    size_t m = s->out.n;
    for (size_t b = a + 1; b < n; b++) {
      double dx = x[a] - x[b], dy = y[a] - y[b], dz = z[a] - z[b];
      op[m] = base + (uint32_t)a;
      oq[m] = base + (uint32_t)b;
      m += dx * dx + dy * dy + dz * dz <= thr2;
    }
    s->out.n = m;
    s->tests += n - a - 1;
  }
  return 1;
}

/* Extremes along each axis, four lanes so that the min and max chains do not
 * serialise the loop. A NaN is skipped (unless first, when it shows in the result). */
static void extremes(const double *u[3], size_t n, double mn[3], double mx[3]) {
  for (int e = 0; e < 3; e++) {
    const double *v = u[e];
    double lo[4], hi[4];
    for (int l = 0; l < 4; l++)
      lo[l] = hi[l] = v[0];
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (int l = 0; l < 4; l++) {
        double t = v[i + l];
        lo[l] = t < lo[l] ? t : lo[l];
        hi[l] = t > hi[l] ? t : hi[l];
      }
    for (; i < n; i++) {
      lo[0] = v[i] < lo[0] ? v[i] : lo[0];
      hi[0] = v[i] > hi[0] ? v[i] : hi[0];
    }
    for (int l = 1; l < 4; l++) {
      lo[0] = lo[l] < lo[0] ? lo[l] : lo[0];
      hi[0] = hi[l] > hi[0] ? hi[l] : hi[0];
    }
    mn[e] = lo[0];
    mx[e] = hi[0];
  }
}

/* The axis columns run along. A column crosses the sphere where points lie in about
 * 1 / |u| cells along it (the surface's slant), and every cell of it is met by the
 * neighbouring columns, so pick the axis with the least mean 1 / |u| over a sample of
 * the block (capped: near |u| = 0 the sphere's curvature bounds the crossing). */
static int column_axis(const tc_grid_block *blk) {
  double w[3] = {0, 0, 0};
  const size_t step = blk->n / 1024 + 1;
  for (size_t i = 0; i < blk->n; i += step) {
    const double u[3] = {fabs(blk->x[i]), fabs(blk->y[i]), fabs(blk->z[i])};
    for (int e = 0; e < 3; e++)
      w[e] += 1.0 / (u[e] > 1.0 / 64 ? u[e] : 1.0 / 64);
  }
  return w[0] < w[1] ? (w[0] < w[2] ? 0 : 2) : (w[1] < w[2] ? 1 : 2);
}

/* (u + 1) / cell clamped to [lo, hi] (which a NaN becomes), as an integer. */
static inline uint64_t cell_in(double u, double inv, double lo, double hi) {
  double v = (u + 1.0) * inv;
  v = v > lo ? v : lo;
  v = v < hi ? v : hi;
  return (uint64_t)(int64_t)v;
}

/* The candidate pairs of grid time j, appended to s->out. 0: out of memory. */
static int scan_slot(scratch *s, const tc_grid_block *blk, size_t j, int ec, double thr2, double inv) {
  const size_t n = blk->off[j + 1] - blk->off[j];
  const uint32_t base = (uint32_t)blk->off[j];
  const double *x = blk->x + base, *y = blk->y + base, *z = blk->z + base;
  if (n < 2)
    return 1;
  const double *u[3] = {x, y, z};
  double mn[3] = {0, 0, 0}, mx[3] = {0, 0, 0};
  if (n >= SMALL_SLOT)
    extremes(u, n, mn, mx);
  /* Few positions, or |u| well above 1 (no unit vectors to hash): all pairs. */
  if (n < SMALL_SLOT || !(mn[0] >= -1.5 && mn[1] >= -1.5 && mn[2] >= -1.5) ||
      !(mx[0] <= 1.5 && mx[1] <= 1.5 && mx[2] <= 1.5))
    return all_pairs(s, base, n, x, y, z, thr2);
  if (!scratch_reserve(s, n))
    return 0;
  /* Cell coordinates (floor((u + 1) / cell) up to rounding, which the 1e-6 slack of
   * tc_cell_size absorbs) are monotonic in u, so the extreme cells come from the extreme
   * u. a and b relative, >= 1 (b - 1 stays >= 0), in fields wide enough that b + 2 and
   * a + 1 do not carry. */
  const int ea = ec == 0 ? 1 : 0, eb = ec == 2 ? 1 : 2;
  double lo[3], hi[3];
  for (int e = 0; e < 3; e++) {
    lo[e] = (mn[e] + 1.0) * inv;
    hi[e] = (mx[e] + 1.0) * inv;
  }
  const uint64_t la = (uint64_t)(int64_t)lo[ea] - 1, lb = (uint64_t)(int64_t)lo[eb] - 1;
  const uint64_t lc = (uint64_t)(int64_t)lo[ec];
  const int wa = width_of((uint64_t)(int64_t)hi[ea] - la + 2);
  const int wb = width_of((uint64_t)(int64_t)hi[eb] - lb + 2);
  const double *ua = u[ea], *ub = u[eb], *uc = u[ec];
  /* The position goes below the column key when it fits (one word to move per pass). */
  int ib = width_of(n - 1);
  if (wa + wb + ib > 64)
    ib = 0;
  uint32_t *cc = s->cc;
  for (size_t i = 0; i < n; i++) {
    uint64_t ca = cell_in(ua[i], inv, lo[ea], hi[ea]) - la, cb = cell_in(ub[i], inv, lo[eb], hi[eb]) - lb;
    s->key[i] = (((ca << wb) | cb) << ib) | (ib ? i : 0);
    cc[i] = (uint32_t)(cell_in(uc[i], inv, lo[ec], hi[ec]) - lc);
  }
  if (!ib)
    for (size_t i = 0; i < n; i++)
      s->idx[i] = (uint32_t)i;
  radix_sort(s, n, wa + wb, ib);
  const uint64_t *key = s->key;
  const uint32_t *idx = s->idx;
  /* Distinct columns and where each starts (written every step, kept when new). */
  uint64_t *ckey = s->ckey;
  uint32_t *cst = s->cst;
  size_t nc = 0;
  uint64_t prev = UINT64_MAX;
  for (size_t i = 0; i < n; i++) {
    ckey[nc] = key[i];
    cst[nc] = (uint32_t)i;
    nc += key[i] != prev;
    prev = key[i];
  }
  for (int t = 0; t < 3; t++) {
    ckey[nc + t] = UINT64_MAX;
    cst[nc + t] = (uint32_t)n;
  }
  const uint64_t A = (uint64_t)1 << wb; /* a + 1 in a column key */
  size_t qc = 0;                        /* forward cursor: first column >= (a + 1, b - 1) */
  uint64_t tests = 0;
  for (size_t col_i = 0; col_i < nc; col_i++) {
    const uint64_t col = ckey[col_i];
    const size_t a = cst[col_i], b = cst[col_i + 1];
    const size_t e = ckey[col_i + 1] == col + 1 ? cst[col_i + 2] : b;
    qc = advance(ckey, qc, col + A - 1);
    const uint64_t qe = col + A + 2; /* at most the columns b - 1 .. b + 1 lie below */
    const size_t qlo = cst[qc], qhi = cst[qc + (ckey[qc] < qe) + (ckey[qc + 1] < qe) + (ckey[qc + 2] < qe)];
    if (e == a + 1 && qhi == qlo)
      continue; /* the usual lone position */
    for (size_t i = a; i < b; i++) {
      const uint32_t pi = idx[i], ci = cc[pi] - 1, gi = base + pi;
      const double xi = x[pi], yi = y[pi], zi = z[pi];
      /* The rest of the own column and the next, then the next plane's three, as one
       * loop with no branch on the data (fewer mispredictions than ifs). */
      const size_t l0 = e - i - 1, len = l0 + (qhi - qlo), shift = qlo - l0;
      if (!out_room(&s->out, len))
        return 0;
      uint32_t *op = s->out.p, *oq = s->out.q;
      size_t m = s->out.n;
      for (size_t t = 0; t < len; t++) {
        const size_t k = t < l0 ? i + 1 + t : shift + t;
        const uint32_t pk = idx[k], gk = base + pk;
        const int near = cc[pk] - ci <= 2; /* |dc| <= 1 */
        const double dx = xi - x[pk], dy = yi - y[pk], dz = zi - z[pk];
        op[m] = gi < gk ? gi : gk;
        oq[m] = gi < gk ? gk : gi;
        m += near & (dx * dx + dy * dy + dz * dz <= thr2);
        tests += (uint64_t)near;
      }
      s->out.n = m;
    }
  }
  s->tests += tests;
  return 1;
}

static int slot_arrays(cells_state *st, size_t ns) {
  if (ns <= st->slot_cap)
    return 1;
  free(st->thr);
  free(st->beg);
  free(st->num);
  st->thr = malloc(ns * sizeof *st->thr);
  st->beg = malloc(ns * sizeof *st->beg);
  st->num = malloc(ns * sizeof *st->num);
  st->slot_cap = st->thr && st->beg && st->num ? ns : 0;
  return st->slot_cap != 0;
}

static tc_status cells_candidates(void *state, const tc_grid_block *blk, tc_pairbuf *out,
                                  tc_backend_stats *stats, tc_err *err) {
  cells_state *st = state;
  double thr2 = tc_screen_chord2(st->cfg.dist_m, 0);
  double cell = tc_cell_size(thr2);
  if (cell < 2.0 / (double)COORD_MAX)
    cell = 2.0 / (double)COORD_MAX;
  const double inv = 1.0 / cell;
  const int ec = column_axis(blk);
  const size_t ns = blk->nslots;
  if (!slot_arrays(st, ns))
    return tc_fail(err, TC_ERR_NOMEM, "out of memory in the openmp pair search");
  for (int t = 0; t < st->nthreads; t++) {
    st->s[t].out.n = 0;
    st->s[t].tests = 0;
  }
  int ok = 1;
  size_t total = 0;
  /* Any thread takes any grid time and notes where its pairs went; then this thread
   * copies them into place, grid time by grid time (a memcpy of a few hundred KiB costs
   * less than making the team wait for each other twice more). A small block wakes no
   * second thread. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->nthreads) reduction(&& : ok) if (blk->n > 4096)
#endif
  for (long long j = 0; j < (long long)ns; j++) {
#ifdef _OPENMP
    const int t = omp_get_thread_num();
#else
    const int t = 0;
#endif
    scratch *s = &st->s[t];
    size_t before = s->out.n;
    ok = ok && scan_slot(s, blk, (size_t)j, ec, thr2, inv);
    st->thr[j] = t;
    st->beg[j] = before;
    st->num[j] = s->out.n - before;
  }
  for (size_t j = 0; ok && j < ns; j++)
    total += st->num[j];
  /* With headroom: the next blocks' lists are about as long. */
  int room = ok && (total <= out->cap || tc_pairbuf_reserve(out, total + total / 4) == TC_OK);
  for (size_t j = 0, at = 0; room && j < ns; at += st->num[j], j++)
    if (st->num[j]) {
      const scratch *s = &st->s[st->thr[j]];
      memcpy(out->p + at, s->out.p + st->beg[j], st->num[j] * sizeof *out->p);
      memcpy(out->q + at, s->out.q + st->beg[j], st->num[j] * sizeof *out->q);
    }
  if (!ok)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory in the openmp pair search");
  if (!room)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu candidate pairs", total);
  out->n = total;
  if (stats) {
    for (int t = 0; t < st->nthreads; t++)
      stats->tests += st->s[t].tests;
    stats->candidates += total;
  }
  return TC_OK;
}

static const char *cells_precision(void *state) {
  (void)state;
  return "double";
}

const tc_backend_ops tc_backend_openmp = {
    "openmp", cells_create, cells_destroy, cells_candidates, cells_precision, NULL, NULL, 0, NULL, NULL,
};
