/* Coverage evidence of gaps (spec/events.md §2). The gaps are known after the first
 * pass; the second streams every cleaned fix through an index of the gaps' ends: lists
 * keyed by quarter-degree cell and time block (six hours), each holding the ends whose
 * radius reaches into the cell while their gap wants evidence during the block
 * (tc_cov_plan). The rows are taken in runs: a vessel's consecutive fixes in one cell and
 * block. A run whose cell and block list no end costs one lookup and passes with the rows
 * of any vessel there;
 * otherwise each end listed is judged against the run's latitude/longitude box
 * (host/events/cov_geom.c), and only where the end's radius cuts through the box are the
 * fixes tested one by one. The index holds the gaps wanting evidence during the blocks
 * of the slice being read, and the fixes are screened on every thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/events/cov_geom.h"
#include "host/events/internal.h"
#include "io/columns.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && !defined(TC_COV_NO_AVX2)
#define TC_COV_AVX2 1 /* TC_COV_NO_AVX2: the scalar paths alone, to test them */
#include <immintrin.h>
#endif

/* s: the lists' time key. Where a receiver failed for hours every vessel's gap ends lie
 * in the same cells, and a fix meets only the ends wanting evidence in its own block; a
 * gap hours long is listed once a block, so shorter blocks multiply the entries (the
 * index outgrows the caches) and cut the runs short. Six hours: pass 2 of the events
 * benchmark 0.040 -> 0.028 s against one hour, the same as a day (docs/events.md). */
#define TIME_BLOCK 21600

typedef struct {
  uint64_t key;   /* cell and block; 0: empty */
  uint32_t head;  /* while built: first entry + 1; then: first of its run in flat */
  uint32_t n;     /* then: entries in the run */
} bucket;

/* An entry as a run's walk reads it, a list's entries side by side: the end's reach
 * and its gap's span, so most are passed over without a look at the end. */
typedef struct {
  int64_t t0, t1;
  double lat, lon, dlat, dlon;
  uint32_t mmsi;
  uint32_t gap;    /* 2 * gap + end */
} flat_entry;

typedef struct {
  uint32_t gap2, next; /* gap2: 2 * gap + end; next: entry + 1 in the same bucket */
} entry;

/* A gap's span wanting evidence, its vessel and both ends. */
typedef struct {
  int64_t t0, t1;
  uint32_t mmsi;
  tc_cov_end e[2];
} gend;

/* A run's earliest and latest hit on one gap within one of its blocks. */
typedef struct {
  int64_t lo, hi;
  uint32_t mmsi, gap;
} hit;

struct tc_cov_index {
  tc_gap_rec *gaps;
  tc_cov_reach reach;
  int64_t window;
  bucket *b;
  size_t bcap, bn;
  unsigned bshift;       /* 64 - log2(bcap) */
  entry *e;              /* while built: chains of entries */
  size_t en, ecap;
  flat_entry *flat;      /* then: each bucket's entries in a run */
  size_t n;              /* gaps */
  int64_t tb_lo, tb_hi;  /* the blocks indexed (prepare) */
  gend *ends;
  int (*stop)(void *ctx); /* polled between blocks (tc_cov_set_stop) */
  void *stop_ctx;
  hit **th;              /* per thread: a block's hits, in row order */
  size_t *tn, *tcap;
  int any_rows;          /* some end is listed for every longitude of its rows */
  double ecos[180 * TC_COV_COARSE + 2]; /* cos of each cell row's edges, from -90 degrees */
  int nthreads;
};

/* floor of a finite x within the range of int64_t, without a call to libm. */
static inline int64_t ifloor(double x) {
  int64_t i = (int64_t)x;
  return i - (x < (double)i);
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static uint64_t key_of(int64_t ilat, int64_t ilon, int64_t tb) {
  return ((uint64_t)(ilat + 90 * TC_COV_COARSE) << 54 | (uint64_t)ilon << 43 | ((uint64_t)tb & 0x3ffffffffffULL) << 1) |
         1u;
}

static bucket *find(const tc_cov_index *ix, uint64_t key) {
  /* Fibonacci hashing: the product's top bits mix every bit of the key */
  size_t mask = ix->bcap - 1, h = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> ix->bshift);
  while (ix->b[h].key && ix->b[h].key != key)
    h = (h + 1) & mask;
  return &ix->b[h];
}

static tc_status insert(tc_cov_index *ix, uint64_t key, uint32_t gap2) {
  if (2 * (ix->bn + 1) > ix->bcap) {
    size_t cap = ix->bcap ? 2 * ix->bcap : 1024;
    bucket *nb = calloc(cap, sizeof *nb), *old = ix->b;
    if (!nb)
      return TC_ERR_NOMEM;
    size_t ocap = ix->bcap;
    ix->b = nb;
    ix->bcap = cap;
    ix->bshift = 64;
    for (size_t c = cap; c > 1; c >>= 1)
      ix->bshift--;
    for (size_t i = 0; i < ocap; i++)
      if (old[i].key)
        *find(ix, old[i].key) = old[i];
    free(old);
  }
  if (ix->en + 1 >= UINT32_MAX / 2 || ix->en >= ix->ecap)
    return TC_ERR_NOMEM; /* lists are indexed by 32 bits; room was made (prepare) */
  entry *e = ix->e;
  bucket *bk = find(ix, key);
  if (!bk->key) {
    bk->key = key;
    bk->head = 0;
    ix->bn++;
  }
  e[ix->en] = (entry){gap2, bk->head};
  bk->head = (uint32_t)++ix->en;
  return TC_OK;
}

tc_status tc_cov_create(tc_gap_rec *gaps, size_t n, double radius_m, int64_t window, tc_cov_index **out) {
  *out = NULL;
  tc_cov_index *ix = calloc(1, sizeof *ix);
  if (!ix)
    return TC_ERR_NOMEM;
  ix->gaps = gaps;
  ix->window = window;
  tc_cov_reach_of(radius_m, &ix->reach);
  ix->ends = malloc((n ? n : 1) * sizeof *ix->ends);
  if (!ix->ends) {
    tc_cov_free(ix);
    return TC_ERR_NOMEM;
  }
  for (size_t g = 0; g < n; g++) {
    gend *d = &ix->ends[g];
    d->t0 = gaps[g].want ? gaps[g].lo : 0;
    d->t1 = gaps[g].want ? gaps[g].hi : 0;
    d->mmsi = gaps[g].g.mmsi;
    tc_cov_end_of(&ix->reach, gaps[g].g.lat0, gaps[g].g.lon0, &d->e[0]);
    tc_cov_end_of(&ix->reach, gaps[g].g.lat1, gaps[g].g.lon1, &d->e[1]);
  }
  for (int i = 0; i < 180 * TC_COV_COARSE + 2; i++)
    ix->ecos[i] = tc_cos_lat((double)(i - 90 * TC_COV_COARSE) / TC_COV_COARSE);
  ix->n = n;
  ix->tb_lo = 1;
  ix->tb_hi = 0; /* nothing indexed yet */
  *out = ix;
  return TC_OK;
}

/* Gap g's ends in the lists of the blocks [lo, hi] its span meets, in every cell its
 * radius reaches; only counted to *count when count is non-NULL. */
static tc_status list_gap(tc_cov_index *ix, size_t g, int64_t lo, int64_t hi, size_t *count) {
  const gend *d = &ix->ends[g];
  if (d->t0 >= d->t1)
    return TC_OK; /* no evidence wanted */
  int64_t tb0 = floor_div(d->t0, TIME_BLOCK), tb1 = floor_div(d->t1 - 1, TIME_BLOCK);
  if (tb1 < lo || tb0 > hi)
    return TC_OK;
  tb0 = tb0 > lo ? tb0 : lo;
  tb1 = tb1 < hi ? tb1 : hi;
  for (int end = 0; end < 2; end++) {
    int64_t r0, r1, c0, c1;
    int any;
    tc_cov_end_cells(&d->e[end], &r0, &r1, &c0, &c1, &any);
    if (any)
      c0 = c1 = TC_COV_ANY_LON;
    if (count) {
      *count += (size_t)((r1 - r0 + 1) * (c1 - c0 + 1) * (tb1 - tb0 + 1));
      continue;
    }
    ix->any_rows |= any;
    for (int64_t r = r0; r <= r1; r++)
      for (int64_t c = c0; c <= c1; c++) {
        int64_t col = any ? TC_COV_ANY_LON : ((c % TC_COV_COLS) + TC_COV_COLS) % TC_COV_COLS;
        for (int64_t tb = tb0; tb <= tb1; tb++)
          TC_TRY(insert(ix, key_of(r, col, tb), (uint32_t)(2 * g + (size_t)end)));
      }
  }
  return TC_OK;
}

/* The lists of the blocks [tmin, tmax] cover, anew unless already held: only the gaps
 * open during them, so the index holds what the slice's fixes can meet. */
static tc_status prepare(tc_cov_index *ix, int64_t tmin, int64_t tmax) {
  int64_t lo = floor_div(tmin, TIME_BLOCK), hi = floor_div(tmax, TIME_BLOCK);
  if (lo >= ix->tb_lo && hi <= ix->tb_hi)
    return TC_OK;
  if (ix->b)
    memset(ix->b, 0, ix->bcap * sizeof *ix->b);
  ix->bn = ix->en = 0;
  ix->any_rows = 0;
  free(ix->flat);
  ix->flat = NULL;
  ix->tb_lo = 1;
  ix->tb_hi = 0;
  /* the entries counted first, so that they are allocated once */
  size_t total = 0;
  for (size_t g = 0; g < ix->n; g++)
    (void)list_gap(ix, g, lo, hi, &total);
  entry *e = tc_grow(ix->e, &ix->ecap, total ? total : 1, sizeof *e, 1024);
  if (!e)
    return TC_ERR_NOMEM;
  ix->e = e;
  for (size_t g = 0; g < ix->n; g++)
    TC_TRY(list_gap(ix, g, lo, hi, NULL));
  if (!(ix->flat = malloc((ix->en ? ix->en : 1) * sizeof *ix->flat)))
    return TC_ERR_NOMEM;
  size_t at = 0;
  for (size_t i = 0; i < ix->bcap; i++) {
    bucket *bk = &ix->b[i];
    if (!bk->key)
      continue;
    uint32_t n = 0;
    for (uint32_t k = bk->head; k; k = ix->e[k - 1].next) {
      uint32_t gap2 = ix->e[k - 1].gap2;
      const gend *d = &ix->ends[gap2 >> 1];
      const tc_cov_end *e = &d->e[gap2 & 1];
      ix->flat[at + n++] = (flat_entry){d->t0, d->t1, e->lat, e->lon, e->dlat, e->dlon, d->mmsi, gap2};
    }
    bk->head = (uint32_t)at;
    bk->n = n;
    at += n;
  }
  ix->tb_lo = lo;
  ix->tb_hi = hi;
  return TC_OK;
}

void tc_cov_set_stop(tc_cov_index *ix, int (*stop)(void *ctx), void *ctx) {
  ix->stop = stop;
  ix->stop_ctx = ctx;
}

void tc_cov_free(tc_cov_index *ix) {
  if (!ix)
    return;
  free(ix->b);
  free(ix->e);
  free(ix->flat);
  free(ix->ends);
  for (int i = 0; i < ix->nthreads; i++)
    free(ix->th[i]);
  free(ix->th);
  free(ix->tn);
  free(ix->tcap);
  free(ix);
}

/* A vessel's run of hits on one gap within one of its coverage windows (blocks): of
 * them the summaries keep only the earliest and the latest (cov_evidence.c), and a
 * vessel's fixes come in time order, so a run near a gap is recorded once. */
typedef struct {
  uint32_t gap, mmsi; /* gap UINT32_MAX: empty */
  int64_t blk, lo, hi;
} hits_run;

/* Rows a thread screens at a time (their cells are computed first, into the sink). */
#define BLOCK_ROWS 16384
#define ROUND_CHUNKS 8 /* chunks a thread in a round */

#define RUN_SLOTS 512 /* direct-mapped by gap; a run pushed out is recorded */

/* Where a thread's hits go: straight into the gaps' evidence (one thread), or into
 * its list, recorded once every thread is done. */
typedef struct {
  tc_gap_rec *gaps; /* non-NULL: record at once */
  const tc_gap_rec *all;
  int64_t window;
  hit **v;
  size_t *n, *cap;
  hits_run runs[RUN_SLOTS];
  int wide;                /* AVX2's paths */
  int32_t key[BLOCK_ROWS]; /* the rows' cells (cell_keys) */
} sink;

static int flush(sink *k, hits_run *r) {
  if (r->gap == UINT32_MAX)
    return 1;
  uint32_t gap = r->gap;
  r->gap = UINT32_MAX;
  if (k->gaps)
    return tc_cov_record_pair(&k->gaps[gap], r->lo, r->hi, r->mmsi, k->window) == TC_OK;
  hit *v = tc_grow(*k->v, k->cap, *k->n + 1, sizeof *v, 1024);
  if (!v)
    return 0;
  *k->v = v;
  v[(*k->n)++] = (hit){r->lo, r->hi, r->mmsi, gap};
  return 1;
}

/* The hits of one vessel on one gap within one block of it, earliest lo and latest hi. */
static int add_hits(uint32_t gap, uint32_t mmsi, int64_t lo, int64_t hi, sink *k) {
  hits_run *r = &k->runs[gap % RUN_SLOTS];
  int64_t blk = floor_div(lo - k->all[gap].g.t0, k->window);
  if (r->gap == gap && r->mmsi == mmsi && r->blk == blk) {
    r->lo = lo < r->lo ? lo : r->lo;
    r->hi = hi > r->hi ? hi : r->hi;
    return 1;
  }
  if (!flush(k, r))
    return 0;
  *r = (hits_run){gap, mmsi, blk, lo, hi};
  return 1;
}

/* One vessel's consecutive fixes within one block and one quarter-degree cell, in time
 * order (rows of the slice, none skipped), and their box once an end is listed in the
 * cell and block. */
typedef struct {
  const int64_t *t;
  const double *lat, *lon;
  size_t n;
  uint32_t mmsi;
  tc_cov_box box;
} fix_run;

/* Is fix i of r within the radius of end e (k: the constants of the pair)? */
static inline int near(const tc_cov_index *ix, const fix_run *r, size_t i, const tc_cov_end *e,
                       const tc_cov_pair *k) {
  return tc_cov_fix_near(&ix->reach, k, r->lat[i], r->lon[i], e);
}

/* The first of r's fixes [i, b) within the radius of e (b if none), and the last of
 * (j, l] (j if none). */
static size_t first_near(const tc_cov_index *ix, const fix_run *r, size_t i, size_t b, const tc_cov_end *e,
                         const tc_cov_pair *k) {
  while (i < b && !near(ix, r, i, e, k))
    i++;
  return i;
}

static size_t last_near(const tc_cov_index *ix, const fix_run *r, size_t j, size_t l, const tc_cov_end *e,
                        const tc_cov_pair *k) {
  while (l > j && !near(ix, r, l, e, k))
    l--;
  return l;
}

#ifdef TC_COV_AVX2
/* The fixes r[i .. i + 4) that tc_cov_fix_near's first bound does not turn away, as bits:
 * the same arithmetic, four at a time (products and sums, no fused multiply-add, so the
 * same rounding), and min(l, 360 - l) is its wrap of the longitude difference. */
__attribute__((target("avx2"))) static inline int maybe_near4(const fix_run *r, size_t i, const tc_cov_end *e,
                                                             const tc_cov_pair *k, double out) {
  const __m256d sign = _mm256_set1_pd(-0.0), slack = _mm256_set1_pd(TC_COV_SLACK_DEG), zero = _mm256_setzero_pd();
  __m256d p = _mm256_andnot_pd(sign, _mm256_sub_pd(_mm256_loadu_pd(r->lat + i), _mm256_set1_pd(e->lat)));
  __m256d l = _mm256_andnot_pd(sign, _mm256_sub_pd(_mm256_loadu_pd(r->lon + i), _mm256_set1_pd(e->lon)));
  l = _mm256_min_pd(l, _mm256_sub_pd(_mm256_set1_pd(360.0), l));
  __m256d p0 = _mm256_max_pd(_mm256_sub_pd(p, slack), zero), l0 = _mm256_max_pd(_mm256_sub_pd(l, slack), zero);
  __m256d h = _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(p0, p0), _mm256_set1_pd(k->lp)),
                            _mm256_mul_pd(_mm256_mul_pd(l0, l0), _mm256_set1_pd(k->ll)));
  return _mm256_movemask_pd(_mm256_cmp_pd(h, _mm256_set1_pd(out), _CMP_NGT_UQ));
}

__attribute__((target("avx2"))) static size_t first_near_avx2(const tc_cov_index *ix, const fix_run *r, size_t i,
                                                               size_t b, const tc_cov_end *e, const tc_cov_pair *k) {
  for (; i + 4 <= b; i += 4)
    for (int bits = maybe_near4(r, i, e, k, ix->reach.out); bits; bits &= bits - 1) {
      size_t x = i + (size_t)__builtin_ctz((unsigned)bits);
      if (near(ix, r, x, e, k))
        return x;
    }
  return first_near(ix, r, i, b, e, k);
}

__attribute__((target("avx2"))) static size_t last_near_avx2(const tc_cov_index *ix, const fix_run *r, size_t j,
                                                              size_t l, const tc_cov_end *e, const tc_cov_pair *k) {
  for (; l >= j + 4; l -= 4)
    for (int bits = maybe_near4(r, l - 3, e, k, ix->reach.out); bits; bits &= ~(1 << (31 - __builtin_clz((unsigned)bits)))) {
      size_t x = l - 3 + (size_t)(31 - __builtin_clz((unsigned)bits));
      if (near(ix, r, x, e, k))
        return x;
    }
  return last_near(ix, r, j, l, e, k);
}
#endif

/* Entry f against the whole run: the fixes within its gap's span that lie within the
 * radius of its end, the earliest and latest of each of the gap's blocks (the summaries
 * keep no more of one vessel, cov_evidence.c) to k. */
static int judge(const tc_cov_index *ix, fix_run *r, const flat_entry *f, sink *k) {
  const tc_cov_end *e = &ix->ends[f->gap >> 1].e[f->gap & 1];
  tc_cov_pair kp;
  int cls = tc_cov_box_vs_end(&ix->reach, &r->box, e, &kp);
  if (cls < 0)
    return 1;
  size_t n = r->n, a = 0, b = n;
  /* by bisection: a run of six hours may hold hundreds of fixes */
  if (r->t[0] < f->t0) /* the gap's span starts within the run */
    a = tc_lower_bound_i64(r->t, 0, n, f->t0);
  if (r->t[n - 1] >= f->t1)
    b = tc_lower_bound_i64(r->t, a, n, f->t1);
  if (a == b)
    return 1;
  int all = cls > 0;
  uint32_t gap = f->gap >> 1;
  int64_t g0 = ix->gaps[gap].g.t0, w = ix->window;
  for (size_t i = a; i < b;) {
    size_t j = i;
    if (!all) {
#ifdef TC_COV_AVX2
      j = k->wide ? first_near_avx2(ix, r, i, b, e, &kp) : first_near(ix, r, i, b, e, &kp);
#else
      j = first_near(ix, r, i, b, e, &kp);
#endif
    }
    if (j == b)
      break;
    /* z: past the last fix of j's block */
    int64_t end_t = g0 + (floor_div(r->t[j] - g0, w) + 1) * w;
    size_t z = r->t[b - 1] >= end_t ? tc_lower_bound_i64(r->t, j + 1, b, end_t) : b;
    size_t l = z - 1;
    if (!all) {
#ifdef TC_COV_AVX2
      l = k->wide ? last_near_avx2(ix, r, j, l, e, &kp) : last_near(ix, r, j, l, e, &kp);
#else
      l = last_near(ix, r, j, l, e, &kp);
#endif
    }
    if (!add_hits(gap, r->mmsi, r->t[j], r->t[l], k))
      return 0;
    i = z;
  }
  return 1;
}

static inline double wrap180(double d) { return d > 180.0 ? d - 360.0 : d < -180.0 ? d + 360.0 : d; }

/* Run r (its box set) against the lists of its cell and block, l[0 .. nl). */
static int screen_run(const tc_cov_index *ix, fix_run *r, const bucket *const *l, int nl, sink *k) {
  const tc_cov_box *bx = &r->box;
  double mla = 0.5 * (bx->la0 + bx->la1), hla = 0.5 * (bx->la1 - bx->la0);
  double mlo = 0.5 * (bx->lo0 + bx->lo1), hlo = 0.5 * (bx->lo1 - bx->lo0);
  int64_t ta = r->t[0], tz = r->t[r->n - 1];
  uint32_t m = r->mmsi;
  for (int q = 0; q < nl; q++) {
    const flat_entry *f = ix->flat + l[q]->head, *fe = f + l[q]->n;
    for (; f < fe; f++) {
      /* the end's span, then its reach against the box: most entries stop here */
      if (f->mmsi == m || f->t1 <= ta || f->t0 > tz || fabs(f->lat - mla) - hla > f->dlat ||
          (f->dlon < 180.0 && fabs(wrap180(f->lon - mlo)) - hlo > f->dlon))
        continue;
      if (!judge(ix, r, f, k))
        return 0;
    }
  }
  return 1;
}

/* A key too far out of range to be a cell: the rows that are not cleaned fixes. */
#define NO_CELL INT32_MIN

/* Each row's quarter-degree cell (its latitude's and unwrapped longitude's floors, as
 * screen_rows finds them) as one number, NO_CELL where skip[j]. */
static void cell_keys_rows(const double *lat, const double *lon, const unsigned char *skip, size_t n,
                           int32_t *key) {
  for (size_t j = 0; j < n; j++)
    key[j] = skip && skip[j] ? NO_CELL : (int32_t)ifloor(lat[j] * TC_COV_COARSE) * 4096 +
                                             (int32_t)ifloor(lon[j] * TC_COV_COARSE);
}

#ifdef TC_COV_AVX2

/* The same, four rows at a time: the conversion's result is defined for any double (a
 * skipped row's too, which is then replaced). */
__attribute__((target("avx2"))) static void cell_keys_avx2(const double *lat, const double *lon,
                                                            const unsigned char *skip, size_t n, int32_t *key) {
  const __m256d q = _mm256_set1_pd(TC_COV_COARSE);
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    __m128i a = _mm256_cvttpd_epi32(_mm256_floor_pd(_mm256_mul_pd(_mm256_loadu_pd(lat + j), q)));
    __m128i o = _mm256_cvttpd_epi32(_mm256_floor_pd(_mm256_mul_pd(_mm256_loadu_pd(lon + j), q)));
    __m128i k = _mm_add_epi32(_mm_slli_epi32(a, 12), o);
    if (skip) {
      int32_t s4;
      memcpy(&s4, skip + j, 4);
      __m128i none = _mm_cmpeq_epi32(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(s4)), _mm_setzero_si128());
      k = _mm_blendv_epi8(_mm_set1_epi32(NO_CELL), k, none);
    }
    _mm_storeu_si128((__m128i *)(key + j), k);
  }
  cell_keys_rows(lat + j, lon + j, skip ? skip + j : NULL, n - j, key + j);
}
#endif

static void cell_keys(const double *lat, const double *lon, const unsigned char *skip, size_t n, int32_t *key) {
#ifdef TC_COV_AVX2
  if (__builtin_cpu_supports("avx2")) {
    cell_keys_avx2(lat, lon, skip, n, key);
    return;
  }
#endif
  cell_keys_rows(lat, lon, skip, n, key);
}

/* From row e on, the rows of row i's run (key shifted so that key[e] is row e's: its
 * cell; its vessel, in time order, before t1) widen *b; the end of the run. */
static inline size_t box_rows(const uint32_t *mmsi, const int64_t *t, const double *lat, const double *lon,
                              const int32_t *key, size_t i, size_t e, size_t i1, int64_t t1, tc_cov_box *b) {
  int32_t k0 = key[i];
  double a0 = b->la0, a1 = b->la1, o0 = b->lo0, o1 = b->lo1;
  for (; e < i1 && key[e] == k0 && mmsi[e] == mmsi[i] && t[e] >= t[e - 1] && t[e] < t1; e++) {
    double la = lat[e], lo = lon[e];
    a0 = la < a0 ? la : a0;
    a1 = la > a1 ? la : a1;
    o0 = lo < o0 ? lo : o0;
    o1 = lo > o1 ? lo : o1;
  }
  *b = (tc_cov_box){a0, a1, o0, o1, 0, 0, 0};
  return e;
}

#ifdef TC_COV_AVX2
__attribute__((target("avx2"))) static inline double hmin4(__m256d v) {
  __m128d m = _mm_min_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
}

__attribute__((target("avx2"))) static inline double hmax4(__m256d v) {
  __m128d m = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m)));
}

/* box_rows from row i + 1, four rows at a time while all four belong to the run, then
 * row by row. The same end and box: minima and maxima are exact whatever the order (but
 * for a zero's sign, which nothing the box feeds looks at). */
__attribute__((target("avx2"))) static size_t box_rows_avx2(const uint32_t *mmsi, const int64_t *t,
                                                             const double *lat, const double *lon,
                                                             const int32_t *key, size_t i, size_t i1, int64_t t1,
                                                             tc_cov_box *b) {
  const __m128i k0 = _mm_set1_epi32(key[i]), m0 = _mm_set1_epi32((int32_t)mmsi[i]);
  const __m256i tend = _mm256_set1_epi64x(t1);
  __m256d a0 = _mm256_set1_pd(lat[i]), a1 = a0, o0 = _mm256_set1_pd(lon[i]), o1 = o0;
  size_t e = i + 1;
  for (; e + 4 <= i1; e += 4) {
    __m128i same = _mm_and_si128(_mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(key + e)), k0),
                                 _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(mmsi + e)), m0));
    __m256i tt = _mm256_loadu_si256((const __m256i *)(t + e));
    __m256i back = _mm256_cmpgt_epi64(_mm256_loadu_si256((const __m256i *)(t + e - 1)), tt);
    __m256i ok = _mm256_andnot_si256(back, _mm256_and_si256(_mm256_cvtepi32_epi64(same), _mm256_cmpgt_epi64(tend, tt)));
    if (_mm256_movemask_pd(_mm256_castsi256_pd(ok)) != 15)
      break;
    __m256d la = _mm256_loadu_pd(lat + e), lo = _mm256_loadu_pd(lon + e);
    a0 = _mm256_min_pd(la, a0);
    a1 = _mm256_max_pd(la, a1);
    o0 = _mm256_min_pd(lo, o0);
    o1 = _mm256_max_pd(lo, o1);
  }
  *b = (tc_cov_box){hmin4(a0), hmax4(a1), hmin4(o0), hmax4(o1), 0, 0, 0};
  return box_rows(mmsi, t, lat, lon, key, i, e, i1, t1, b);
}
#endif

/* Rows (i, i1) after row i while they stay in its cell (key[e - i] == key[0]; a row not
 * a cleaned fix has a key of its own and ends the run) and before t0 + TIME_BLOCK: of its
 * vessel in time order, their box to *b (b non-NULL; four rows at a time where wide), or
 * of any vessel from t0 on (b NULL). The end of the run. */
static inline size_t run_end(const uint32_t *mmsi, const int64_t *t, const double *lat, const double *lon,
                             const int32_t *key, size_t i, size_t i1, int64_t t0, tc_cov_box *b, int wide) {
  key -= i;
  if (b) {
#ifdef TC_COV_AVX2
    if (wide)
      return box_rows_avx2(mmsi, t, lat, lon, key, i, i1, t0 + TIME_BLOCK, b);
#endif
    (void)wide;
    *b = (tc_cov_box){lat[i], lat[i], lon[i], lon[i], 0, 0, 0};
    return box_rows(mmsi, t, lat, lon, key, i, i + 1, i1, t0 + TIME_BLOCK, b);
  }
  size_t e = i + 1;
  int32_t k0 = key[i];
  while (e < i1 && key[e] == k0 && (uint64_t)(t[e] - t0) < TIME_BLOCK)
    e++;
  return e;
}


/* Rows [i0, i1): each run's lists, and the gaps its fixes are evidence for to k. */
static int screen_rows(const tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                       const double *lon, const unsigned char *skip, size_t i0, size_t i1, sink *k) {
  cell_keys(lat + i0, lon + i0, skip ? skip + i0 : NULL, i1 - i0, k->key);
  for (size_t i = i0, e; i < i1; i = e) {
    e = i + 1;
    if (skip && skip[i])
      continue;
    /* the row's cell and block; the cell's bounds are exact (a power of two) */
    int64_t tb = floor_div(t[i], TIME_BLOCK), ilat = ifloor(lat[i] * TC_COV_COARSE);
    int64_t jlon = ifloor(lon[i] * TC_COV_COARSE), col = jlon < 0 ? jlon + TC_COV_COLS : jlon;
    col = col >= TC_COV_COLS ? col - TC_COV_COLS : col;
    const bucket *lists[2];
    int nlists = 0;
    lists[nlists] = find(ix, key_of(ilat, col, tb));
    nlists += lists[nlists]->key != 0;
    if (ix->any_rows) {
      lists[nlists] = find(ix, key_of(ilat, TC_COV_ANY_LON, tb));
      nlists += lists[nlists]->key != 0;
    }
    double la0 = (double)ilat / TC_COV_COARSE, la1 = (double)(ilat + 1) / TC_COV_COARSE;
    /* no end listed: every row of any vessel in this cell and block passes at once */
    fix_run r = {t + i, lat + i, lon + i, 0, mmsi[i], {0, 0, 0, 0, 0, 0, 0}};
    e = run_end(mmsi, t, lat, lon, k->key + (i - i0), i, i1, tb * TIME_BLOCK, nlists ? &r.box : NULL, k->wide);
    r.n = e - i;
    if (!nlists)
      continue;
    /* the box's cosines bounded by its cell row's, from the table: no libm */
    const double *ec = ix->ecos + (ilat + 90 * TC_COV_COARSE);
    tc_cov_box_cos_band(&r.box, la0, la1, ec[0], ec[1]);
    if (!screen_run(ix, &r, lists, nlists, k))
      return 0;
  }
  return 1;
}

/* Chunks [c0, c1) of BLOCK_ROWS rows, handed to the threads as they come free (a row's
 * cost varies: the fixes of runs the radius cuts are tested one by one); then each thread
 * records the hits of the gaps it owns, from every thread's list (the summaries do not
 * depend on the order). One thread records as it goes. */
static tc_status add_round(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                           const double *lon, const unsigned char *skip, size_t n, size_t c0, size_t c1, int nt) {
  int bad = 0, wide = 0;
#ifdef TC_COV_AVX2
  wide = __builtin_cpu_supports("avx2");
#endif
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(| : bad)
#endif
  {
    int me = 0, team = 1;
#ifdef _OPENMP
    me = omp_get_thread_num();
    team = omp_get_num_threads();
#endif
    sink *k = malloc(sizeof *k);
    if (!k)
      bad = 1;
    else {
      k->gaps = team == 1 ? ix->gaps : NULL; /* field by field: the keys need no zeroing */
      k->all = ix->gaps;
      k->window = ix->window;
      k->wide = wide;
      k->v = &ix->th[me];
      k->n = &ix->tn[me];
      k->cap = &ix->tcap[me];
      for (int q = 0; q < RUN_SLOTS; q++)
        k->runs[q].gap = UINT32_MAX;
    }
    ix->tn[me] = 0;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1) nowait
#endif
    for (long long c = (long long)c0; c < (long long)c1; c++) {
      size_t i0 = (size_t)c * BLOCK_ROWS, i1 = n - i0 < BLOCK_ROWS ? n : i0 + BLOCK_ROWS;
      if (!bad && !screen_rows(ix, mmsi, t, lat, lon, skip, i0, i1, k))
        bad = 1;
    }
    for (int q = 0; k && q < RUN_SLOTS && !bad; q++)
      if (!flush(k, &k->runs[q]))
        bad = 1;
    free(k);
    if (team > 1) {
#ifdef _OPENMP
#pragma omp barrier
#endif
      for (int q = 0; q < team && !bad; q++)
        for (size_t i = 0; i < ix->tn[q]; i++) {
          const hit *x = &ix->th[q][i];
          if (x->gap % (uint32_t)team == (uint32_t)me &&
              tc_cov_record_pair(&ix->gaps[x->gap], x->lo, x->hi, x->mmsi, ix->window) != TC_OK) {
            bad = 1;
            break;
          }
        }
    }
  }
  return bad ? TC_ERR_NOMEM : TC_OK;
}

static tc_status threads_ready(tc_cov_index *ix, int nt) {
  if (ix->nthreads >= nt)
    return TC_OK;
  size_t *tn = realloc(ix->tn, (size_t)nt * sizeof *tn);
  if (!tn)
    return TC_ERR_NOMEM;
  ix->tn = tn;
  size_t *tcap = realloc(ix->tcap, (size_t)nt * sizeof *tcap);
  if (!tcap)
    return TC_ERR_NOMEM;
  ix->tcap = tcap;
  hit **th = realloc(ix->th, (size_t)nt * sizeof *th);
  if (!th)
    return TC_ERR_NOMEM;
  ix->th = th;
  for (int i = ix->nthreads; i < nt; i++) {
    th[i] = NULL;
    tcap[i] = tn[i] = 0;
  }
  ix->nthreads = nt;
  return TC_OK;
}

/* The least and greatest of t[0 .. n), n > 0: no branches, so it vectorises (64-bit
 * compares: AVX2). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void time_range(const int64_t *t, size_t n, int64_t *tmin, int64_t *tmax) {
  int64_t lo = t[0], hi = t[0];
  for (size_t i = 1; i < n; i++) {
    lo = t[i] < lo ? t[i] : lo;
    hi = t[i] > hi ? t[i] : hi;
  }
  *tmin = lo;
  *tmax = hi;
}

tc_status tc_cov_add_rows(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                          const double *lon, const unsigned char *skip, size_t n, int threads) {
  if (n == 0)
    return TC_OK;
  int64_t tmin, tmax;
  time_range(t, n, &tmin, &tmax);
  TC_TRY(prepare(ix, tmin, tmax));
  if (ix->bn == 0)
    return TC_OK;
  int nt = threads > 0 ? threads : 1;
#ifndef _OPENMP
  nt = 1;
#endif
  if (threads_ready(ix, nt) != TC_OK)
    return TC_ERR_NOMEM;
  /* rounds of a few chunks a thread: they bound the hits held before they are recorded,
   * and a stop is seen between them */
  size_t chunks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS, round = (size_t)nt * ROUND_CHUNKS;
  for (size_t c = 0; c < chunks; c += round) {
    if (ix->stop && ix->stop(ix->stop_ctx))
      return TC_ERR_CANCELLED;
    TC_TRY(add_round(ix, mmsi, t, lat, lon, skip, n, c, chunks - c < round ? chunks : c + round, nt));
  }
  return TC_OK;
}
