/* Coverage evidence of gaps (spec/events.md §2). The gaps are known after the first
 * pass; the second streams every cleaned fix through an index of the gaps' ends, so a
 * fix is tested only against the ends in its own and the neighbouring cells (unit
 * vectors cut into cubes no smaller than the radius's chord) whose gap wants evidence
 * during the fix's time block (tc_cov_plan): neither a scan of all fixes per gap nor
 * of all gaps per fix. The index holds the gaps wanting evidence during the hours of
 * the slice being read, and the fixes are screened on every thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/events/internal.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* s; a gap's ends are entered once per block it spans. An hour, not a day: a fix visits
 * the ends of the gaps in its cells and block, and where a receiver failed for hours
 * every vessel's gap ends lie in the same cells; with day blocks each fix of that day
 * before and after the outage visited all of them only to find its time outside. */
#define TIME_BLOCK 3600

/* A bucket's run in flat holds first the entries whose span covers its whole block,
 * then those starting inside it by start, then those ending inside it by end, latest
 * first: a fix walks only the entries whose span holds its time, and one more of each
 * of the last two kinds. Where a receiver failed, every vessel's gap starts in the
 * same cells and hour; the fixes of that hour before the failure stop at once. */
enum { SPAN_FULL, SPAN_STARTS, SPAN_ENDS };

typedef struct {
  uint64_t key;   /* cell and time block; 0: empty */
  uint32_t head;  /* while built: first entry + 1; then: first of its run in flat */
  uint32_t n[3];  /* then: entries of each kind (SPAN_*) in the run */
} bucket;

/* An entry as a fix's test reads it, a bucket's entries side by side: the walk over
 * them is the pass's inner loop. */
typedef struct {
  int64_t t0, t1;
  double u[3];     /* the end's unit vector */
  uint32_t mmsi;
  uint32_t gap;    /* 2 * gap + end */
} flat_entry;

typedef struct {
  uint32_t gap, next; /* next: entry + 1 in the same bucket, 0: none */
  uint8_t end;        /* 0: P_i, 1: P_{i+1} */
  uint8_t kind;       /* SPAN_*: how the gap's span meets the bucket's block */
} entry;

/* A gap's ends as the test of a fix reads them: the span it wants evidence from, its
 * vessel, and both ends' position, cosine of latitude and unit vector. */
typedef struct {
  int64_t t0, t1;
  uint32_t mmsi;
  double lat[2], lon[2], cos[2], u[2][3];
} gend;

/* A fix that passed the coarse prefilter, with what the fine test needs. */
typedef struct {
  int64_t t, tb;
  uint32_t mmsi;
  int64_t c[3];
  double lat, lon, u[3];
} cand;

/* A fix found to be evidence for a gap. */
typedef struct {
  int64_t t;
  uint32_t mmsi, gap;
} hit;

struct tc_cov_index {
  tc_gap_rec *gaps;
  double cell, radius;
  int64_t window;
  bucket *b;
  size_t bcap, bn;
  entry *e;            /* while built: chains of entries */
  size_t en, ecap;
  flat_entry *flat;    /* then: each bucket's entries in a run */
  size_t n;            /* gaps */
  int64_t tb_lo, tb_hi; /* the time blocks indexed (prepare) */
  /* The prefilter: every (latitude row, longitude column of COARSE to the degree, time block) within the
   * radius of a gap end during its gap, so that the many fixes near no gap cost one
   * lookup and no trigonometry. 0: empty. */
  uint64_t *coarse;
  size_t ccap, cn;
  gend *ends;         /* per gap: what the test of a fix against its ends reads */
  double c2_lo, c2_hi; /* squared chords surely inside and surely outside the radius */
  int (*stop)(void *ctx); /* polled between blocks (tc_cov_set_stop) */
  void *stop_ctx;
  hit **th;           /* per thread: a block's hits, in row order */
  size_t *tn, *tcap;
  int nthreads;
};

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/* floor of a finite x within the range of int64_t, without a call to libm. */
static inline int64_t ifloor(double x) {
  int64_t i = (int64_t)x;
  return i - (x < (double)i);
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* 16 bits per axis (cells of at least 2/65536 of the unit sphere's span, ~200 m) and
 * 16 bits of time block; the |1 keeps 0 free for "empty". */
static uint64_t key_of(int64_t ix, int64_t iy, int64_t iz, int64_t tb) {
  return (((uint64_t)ix & 0xffff) << 48 | ((uint64_t)iy & 0xffff) << 32 | ((uint64_t)iz & 0xffff) << 16 |
          ((uint64_t)tb & 0x7fff) << 1) | 1u;
}

static void cell_of(const tc_cov_index *ix, double lat, double lon, int64_t c[3]) {
  double u[3];
  tc_unit_vec(lat, lon, &u[0], &u[1], &u[2]);
  for (int k = 0; k < 3; k++)
    c[k] = ifloor(u[k] / ix->cell);
}

static bucket *find(const tc_cov_index *ix, uint64_t key) {
  size_t mask = ix->bcap - 1, h = mix(key) & mask;
  while (ix->b[h].key && ix->b[h].key != key)
    h = (h + 1) & mask;
  return &ix->b[h];
}

static tc_status insert(tc_cov_index *ix, uint64_t key, uint32_t gap, int end, int kind) {
  if (2 * (ix->bn + 1) > ix->bcap) {
    size_t cap = ix->bcap ? 2 * ix->bcap : 1024;
    bucket *nb = calloc(cap, sizeof *nb), *old = ix->b;
    if (!nb)
      return TC_ERR_NOMEM;
    size_t ocap = ix->bcap;
    ix->b = nb;
    ix->bcap = cap;
    for (size_t i = 0; i < ocap; i++)
      if (old[i].key)
        *find(ix, old[i].key) = old[i];
    free(old);
  }
  entry *e = tc_grow(ix->e, &ix->ecap, ix->en + 1, sizeof *e, 256);
  if (!e)
    return TC_ERR_NOMEM;
  ix->e = e;
  bucket *bk = find(ix, key);
  if (!bk->key) {
    bk->key = key;
    bk->head = 0;
    ix->bn++;
  }
  if (ix->en + 1 >= UINT32_MAX / 2)
    return TC_ERR_NOMEM; /* runs are indexed by 32 bits */
  e[ix->en] = (entry){gap, bk->head, (uint8_t)end, (uint8_t)kind};
  bk->head = (uint32_t)++ix->en;
  return TC_OK;
}

/* Coarse cells of 1/COARSE degrees (the scaling by a power of two is exact, so a fix
 * and the bound of an end agree on the cell of every latitude and longitude): a
 * quarter degree, a few to the radius, so that most fixes not within the radius of an
 * end are turned away before their unit vector is computed. */
#define COARSE 4
#define COLS (360 * COARSE)
#define ANY_LON COLS /* a column key meaning every longitude (near the poles) */

static uint64_t coarse_key(int64_t ilat, int64_t ilon, int64_t tb) {
  return ((uint64_t)(ilat + 90 * COARSE) << 54 | (uint64_t)ilon << 43 | ((uint64_t)tb & 0x3ffffffffffULL) << 1) | 1u;
}

static size_t coarse_slot(const tc_cov_index *ix, uint64_t key) {
  size_t mask = ix->ccap - 1, h = mix(key) & mask;
  while (ix->coarse[h] && ix->coarse[h] != key)
    h = (h + 1) & mask;
  return h;
}

static int coarse_has(const tc_cov_index *ix, uint64_t key) { return ix->coarse[coarse_slot(ix, key)] == key; }

static tc_status coarse_put(tc_cov_index *ix, uint64_t key) {
  if (2 * (ix->cn + 1) > ix->ccap) {
    size_t cap = ix->ccap ? 2 * ix->ccap : 1024, ocap = ix->ccap;
    uint64_t *nb = calloc(cap, sizeof *nb), *old = ix->coarse;
    if (!nb)
      return TC_ERR_NOMEM;
    ix->coarse = nb;
    ix->ccap = cap;
    for (size_t i = 0; i < ocap; i++)
      if (old[i])
        nb[coarse_slot(ix, old[i])] = old[i];
    free(old);
  }
  size_t h = coarse_slot(ix, key);
  if (!ix->coarse[h]) {
    ix->coarse[h] = key;
    ix->cn++;
  }
  return TC_OK;
}

/* The coarse cells holding every point within the radius of (lat, lon) during blocks
 * [tb0, tb1]. Haversine: sin²(d/2R) >= sin²(Δφ/2) and >= cos φ1 cos φ2 sin²(Δλ/2), so a
 * point within r lies within r/R of latitude and, where both latitudes stay below φm,
 * within 2 asin(sin(r/2R) / cos φm) of longitude (any longitude when that is >= 1). */
static tc_status coarse_end(tc_cov_index *ix, double lat, double lon, int64_t tb0, int64_t tb1) {
  double dlat = ix->radius / TC_EARTH_R_M / TC_DEG2RAD * 1.001 + 1e-9;
  double lo_lat = lat - dlat < -90.0 ? -90.0 : lat - dlat, hi_lat = lat + dlat > 90.0 ? 90.0 : lat + dlat;
  double pm = fmax(fabs(lo_lat), fabs(hi_lat)) * TC_DEG2RAD;
  double q = sin(ix->radius / (2.0 * TC_EARTH_R_M)) / cos(pm);
  double dlon = q >= 1.0 || pm >= TC_PI / 2 ? 360.0 : 2.0 * asin(q) / TC_DEG2RAD * 1.001 + 1e-9;
  int64_t c0 = (int64_t)floor((lon - dlon) * COARSE), c1 = (int64_t)floor((lon + dlon) * COARSE);
  int any = c1 - c0 >= COLS - 1;
  for (int64_t tb = tb0; tb <= tb1; tb++)
    for (int64_t r = (int64_t)floor(lo_lat * COARSE); r <= (int64_t)floor(hi_lat * COARSE); r++)
      for (int64_t c = any ? ANY_LON : c0; c <= (any ? ANY_LON : c1); c++)
        TC_TRY(coarse_put(ix, coarse_key(r, any ? ANY_LON : ((c % COLS) + COLS) % COLS, tb)));
  return TC_OK;
}

tc_status tc_cov_create(tc_gap_rec *gaps, size_t n, double radius_m, int64_t window,
                        tc_cov_index **out) {
  *out = NULL;
  tc_cov_index *ix = calloc(1, sizeof *ix);
  if (!ix)
    return TC_ERR_NOMEM;
  ix->gaps = gaps;
  ix->radius = radius_m;
  ix->window = window;
  /* the chord of the radius, widened so rounding never hides a neighbour; at least
   * 2/32768 so that the 16-bit axes never wrap onto each other */
  ix->cell = sqrt(tc_chord2_of_dist(radius_m)) * (1.0 + 1e-9);
  if (ix->cell < 1.0 / 16384)
    ix->cell = 1.0 / 16384;
  /* relative margins far above the rounding of unit vectors and of the haversine,
   * and an absolute one for radii of millimetres: between them, the haversine decides */
  double c2 = tc_chord2_of_dist(radius_m);
  ix->c2_lo = c2 * (1.0 - 1e-6) - 1e-20;
  ix->c2_hi = c2 * (1.0 + 1e-6) + 1e-20;
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
    for (int end = 0; end < 2; end++) {
      d->lat[end] = end ? gaps[g].g.lat1 : gaps[g].g.lat0;
      d->lon[end] = end ? gaps[g].g.lon1 : gaps[g].g.lon0;
      d->cos[end] = tc_cos_lat(d->lat[end]);
      tc_unit_vec(d->lat[end], d->lon[end], &d->u[end][0], &d->u[end][1], &d->u[end][2]);
    }
  }
  ix->n = n;
  ix->tb_lo = 1;
  ix->tb_hi = 0; /* nothing indexed yet */
  *out = ix;
  return TC_OK;
}

/* The order of the walk does not matter (the evidence's summaries do not depend on
 * it); ties are left as they come. */
static int cmp_start(const void *pa, const void *pb) {
  const flat_entry *a = pa, *b = pb;
  return (a->t0 > b->t0) - (a->t0 < b->t0);
}

static int cmp_end_desc(const void *pa, const void *pb) {
  const flat_entry *a = pa, *b = pb;
  return (a->t1 < b->t1) - (a->t1 > b->t1);
}

static tc_status prepare(tc_cov_index *ix, int64_t tmin, int64_t tmax) {
  int64_t lo = floor_div(tmin, TIME_BLOCK), hi = floor_div(tmax, TIME_BLOCK);
  if (lo >= ix->tb_lo && hi <= ix->tb_hi)
    return TC_OK;
  /* anew: only the gaps open during these blocks, so the index holds what the slice's
   * fixes can meet, not every gap of the stores */
  if (ix->b)
    memset(ix->b, 0, ix->bcap * sizeof *ix->b);
  if (ix->coarse)
    memset(ix->coarse, 0, ix->ccap * sizeof *ix->coarse);
  ix->bn = ix->cn = ix->en = 0;
  free(ix->flat);
  ix->flat = NULL;
  ix->tb_lo = 1;
  ix->tb_hi = 0;
  tc_status s = TC_OK;
  const tc_gap_rec *gaps = ix->gaps;
  for (size_t g = 0; g < ix->n && s == TC_OK; g++) {
    if (ix->ends[g].t0 >= ix->ends[g].t1)
      continue; /* no evidence wanted */
    int64_t tb0 = floor_div(ix->ends[g].t0, TIME_BLOCK), tb1 = floor_div(ix->ends[g].t1 - 1, TIME_BLOCK);
    if (tb1 < lo || tb0 > hi)
      continue;
    tb0 = tb0 > lo ? tb0 : lo;
    tb1 = tb1 < hi ? tb1 : hi;
    for (int end = 0; end < 2 && s == TC_OK; end++) {
      int64_t c[3];
      cell_of(ix, end ? gaps[g].g.lat1 : gaps[g].g.lat0, end ? gaps[g].g.lon1 : gaps[g].g.lon0, c);
      for (int64_t tb = tb0; s == TC_OK && tb <= tb1; tb++) {
        int64_t bs = tb * TIME_BLOCK;
        int kind = ix->ends[g].t0 > bs ? SPAN_STARTS : ix->ends[g].t1 < bs + TIME_BLOCK ? SPAN_ENDS : SPAN_FULL;
        s = insert(ix, key_of(c[0], c[1], c[2], tb), (uint32_t)g, end, kind);
      }
      if (s == TC_OK)
        s = coarse_end(ix, end ? gaps[g].g.lat1 : gaps[g].g.lat0, end ? gaps[g].g.lon1 : gaps[g].g.lon0, tb0, tb1);
    }
  }
  if (s == TC_OK && !(ix->flat = malloc((ix->en ? ix->en : 1) * sizeof *ix->flat)))
    s = TC_ERR_NOMEM;
  if (s != TC_OK)
    return s;
  size_t at = 0;
  for (size_t i = 0; i < ix->bcap; i++) {
    bucket *bk = &ix->b[i];
    if (!bk->key)
      continue;
    uint32_t n[3] = {0, 0, 0};
    for (uint32_t k = bk->head; k; k = ix->e[k - 1].next)
      n[ix->e[k - 1].kind]++;
    size_t put[3] = {at, at + n[0], at + n[0] + n[1]};
    for (uint32_t k = bk->head; k; k = ix->e[k - 1].next) {
      const entry *e = &ix->e[k - 1];
      const gend *d = &ix->ends[e->gap];
      flat_entry *f = &ix->flat[put[e->kind]++];
      f->t0 = d->t0;
      f->t1 = d->t1;
      memcpy(f->u, d->u[e->end], sizeof f->u);
      f->mmsi = d->mmsi;
      f->gap = 2 * e->gap + (uint32_t)e->end;
    }
    if (n[1] > 1)
      qsort(ix->flat + at + n[0], n[1], sizeof *ix->flat, cmp_start);
    if (n[2] > 1)
      qsort(ix->flat + at + n[0] + n[1], n[2], sizeof *ix->flat, cmp_end_desc);
    bk->head = (uint32_t)at;
    memcpy(bk->n, n, sizeof n);
    at += n[0] + n[1] + n[2];
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
  free(ix->coarse);
  free(ix->ends);
  for (int i = 0; ix->th && i < ix->nthreads; i++)
    free(ix->th[i]);
  free(ix->th);
  free(ix->tn);
  free(ix->tcap);
  free(ix);
}

/* The coarse prefilter's last answer and the cell and hour it holds for: a vessel's
 * consecutive fixes mostly share them, and a fix inside is answered by comparisons. */
typedef struct {
  double la0, la1, lo0, lo1; /* [la0, la1) x [lo0, lo1): empty at first */
  int64_t t0, t1, tb;
  int yes;
} coarse_memo;

/* The coarse prefilter of one fix: 1 (and *c filled) when a gap end may be within the
 * radius during its block. */
static int candidate(const tc_cov_index *ix, coarse_memo *memo, uint32_t mmsi, int64_t t, double lat, double lon,
                     cand *c) {
  if (!(t >= memo->t0 && t < memo->t1 && lat >= memo->la0 && lat < memo->la1 && lon >= memo->lo0 &&
        lon < memo->lo1)) {
    int64_t tb = floor_div(t, TIME_BLOCK), ilat = ifloor(lat * COARSE), jlon = ifloor(lon * COARSE);
    int64_t ilon = jlon < 0 ? jlon + COLS : jlon >= COLS ? jlon - COLS : jlon;
    uint64_t key = coarse_key(ilat, ilon, tb);
    /* the cell's bounds: scaling by a power of two is exact */
    *memo = (coarse_memo){(double)ilat / COARSE, (double)(ilat + 1) / COARSE, (double)jlon / COARSE,
                          (double)(jlon + 1) / COARSE, tb * TIME_BLOCK, (tb + 1) * TIME_BLOCK, tb,
                          coarse_has(ix, key) || coarse_has(ix, coarse_key(ilat, ANY_LON, tb))};
  }
  if (!memo->yes)
    return 0; /* no gap end within the radius during this block */
  int64_t tb = memo->tb;
  c->t = t;
  c->tb = tb;
  c->mmsi = mmsi;
  c->lat = lat;
  c->lon = lon;
  /* the fast unit vector is within 1e-15 of libm's: the cells are wider than the
   * radius's chord by far more (tc_cov_create) and the chord screen's margins leave
   * every close call to the haversine */
  tc_unit_vec_fast(lat, lon, &c->u[0], &c->u[1], &c->u[2]);
  for (int k = 0; k < 3; k++)
    c->c[k] = ifloor(c->u[k] / ix->cell);
  return 1;
}

/* The runs of the 27 cells around a fix's cell in its block that hold entries (most
 * hold none): consecutive fixes are mostly one vessel's a few minutes apart, in the
 * same cell, so they share them. */
typedef struct {
  int valid, nq;
  int64_t c[3], tb;
  uint32_t first[27], n[27][3]; /* each such cell's run in flat */
} hood;

static void hood_of(const tc_cov_index *ix, const cand *c, int64_t tb, hood *h) {
  if (h->valid && h->tb == tb && h->c[0] == c->c[0] && h->c[1] == c->c[1] && h->c[2] == c->c[2])
    return;
  int q = 0;
  for (int dx = -1; dx <= 1; dx++)
    for (int dy = -1; dy <= 1; dy++)
      for (int dz = -1; dz <= 1; dz++) {
        const bucket *bk = find(ix, key_of(c->c[0] + dx, c->c[1] + dy, c->c[2] + dz, tb));
        if (!bk->key)
          continue;
        h->first[q] = bk->head;
        memcpy(h->n[q++], bk->n, sizeof bk->n);
      }
  h->valid = 1;
  h->nq = q;
  h->tb = tb;
  memcpy(h->c, c->c, sizeof h->c);
}

/* Is c within the radius of entry f's end (its time already checked)? */
static int near(const tc_cov_index *ix, const cand *c, const flat_entry *f) {
  if (f->mmsi == c->mmsi)
    return 0;
  double ax = f->u[0] - c->u[0], ay = f->u[1] - c->u[1], az = f->u[2] - c->u[2];
  double ch2 = ax * ax + ay * ay + az * az;
  if (ch2 > ix->c2_hi)
    return 0;
  const gend *d = &ix->ends[f->gap >> 1];
  int end = f->gap & 1;
  return ch2 < ix->c2_lo ||
         tc_haversine_cos_m(d->lat[end], d->lon[end], d->cos[end], c->lat, c->lon, tc_cos_lat(c->lat)) <= ix->radius;
}

/* A vessel's run of hits on one gap within one of its coverage windows (blocks): of
 * them the summaries keep only the earliest and the latest (cov_evidence.c), and a
 * vessel's fixes come in time order, so a run near a gap is recorded as two hits. */
typedef struct {
  uint32_t gap, mmsi; /* gap UINT32_MAX: empty */
  int64_t blk, lo, hi;
} run;

#define RUN_SLOTS 512 /* direct-mapped by gap; a run pushed out is recorded */

/* Where a thread's hits go: straight into the gaps' evidence (one thread), or into
 * its list, recorded once every thread is done. */
typedef struct {
  tc_gap_rec *gaps; /* non-NULL: record at once */
  const tc_gap_rec *all;
  int64_t window;
  hit **v;
  size_t *n, *cap;
  run runs[RUN_SLOTS];
} sink;

static int put(sink *k, uint32_t gap, int64_t t, uint32_t mmsi) {
  if (k->gaps)
    return tc_cov_record(&k->gaps[gap], t, mmsi, k->window) == TC_OK;
  hit *v = tc_grow(*k->v, k->cap, *k->n + 1, sizeof *v, 1024);
  if (!v)
    return 0;
  *k->v = v;
  v[(*k->n)++] = (hit){t, mmsi, gap};
  return 1;
}

static int flush(sink *k, run *r) {
  if (r->gap == UINT32_MAX)
    return 1;
  int ok = put(k, r->gap, r->lo, r->mmsi) && (r->hi == r->lo || put(k, r->gap, r->hi, r->mmsi));
  r->gap = UINT32_MAX;
  return ok;
}

/* The hits of one vessel on one gap within one block of it, earliest lo and latest hi. */
static int add_hits(uint32_t gap, uint32_t mmsi, int64_t lo, int64_t hi, sink *k) {
  run *r = &k->runs[gap % RUN_SLOTS];
  int64_t blk = floor_div(lo - k->all[gap].g.t0, k->window);
  if (r->gap == gap && r->mmsi == mmsi && r->blk == blk) {
    r->lo = lo < r->lo ? lo : r->lo;
    r->hi = hi > r->hi ? hi : r->hi;
    return 1;
  }
  if (!flush(k, r))
    return 0;
  *r = (run){gap, mmsi, blk, lo, hi};
  return 1;
}

/* Relative margins of the box tests below over the rounding of their sums: between
 * them, every fix is tested on its own as before. */
#define BOX_REL 1e-9

/* One vessel's candidate fixes v[0 .. n) in time order, all in one cell and time block
 * (a vessel's fixes come in runs: one every few minutes, tens in a cell and hour): every
 * gap they are evidence for, to k. The entries of the cell's neighbourhood are walked
 * once for the run, not once per fix; an entry whose end lies beyond the radius of the
 * run's whole box (of unit vectors) is skipped, one within it for every point of the box
 * needs no test of its fixes, and of the others only the earliest and the latest fix
 * near it in each of its gap's blocks is sought (the summaries keep no more of one
 * vessel, cov_evidence.c): what is recorded is what testing every fix would record. */
static int fine_run(const tc_cov_index *ix, const cand *v, size_t n, hood *h, sink *k) {
  hood_of(ix, &v[0], v[0].tb, h);
  if (!h->nq)
    return 1;
  double lo[3], hi[3];
  for (int d = 0; d < 3; d++)
    lo[d] = hi[d] = v[0].u[d];
  for (size_t i = 1; i < n; i++)
    for (int d = 0; d < 3; d++) {
      lo[d] = v[i].u[d] < lo[d] ? v[i].u[d] : lo[d];
      hi[d] = v[i].u[d] > hi[d] ? v[i].u[d] : hi[d];
    }
  int64_t ta = v[0].t, tz = v[n - 1].t, w = ix->window;
  uint32_t m = v[0].mmsi;
  for (int q = 0; q < h->nq; q++) {
    const flat_entry *f = ix->flat + h->first[q];
    const flat_entry *fe = f + h->n[q][SPAN_FULL] + h->n[q][SPAN_STARTS] + h->n[q][SPAN_ENDS];
    for (; f < fe; f++) {
      if (f->mmsi == m || f->t1 <= ta || f->t0 > tz)
        continue;
      double dmin = 0, dmax = 0;
      for (int d = 0; d < 3; d++) {
        double a = lo[d] - f->u[d], b = f->u[d] - hi[d];
        double out = a > 0 ? a : b > 0 ? b : 0, far = fmax(fabs(a), fabs(b));
        dmin += out * out;
        dmax += far * far;
      }
      if (dmin * (1.0 - BOX_REL) > ix->c2_hi)
        continue; /* every fix beyond the radius */
      int all = dmax * (1.0 + BOX_REL) < ix->c2_lo; /* every fix within it */
      size_t a = 0, b = n;
      while (a < n && v[a].t < f->t0)
        a++;
      while (b > a && v[b - 1].t >= f->t1)
        b--;
      uint32_t gap = f->gap >> 1;
      int64_t g0 = ix->gaps[gap].g.t0;
      for (size_t i = a; i < b;) {
        size_t j = i;
        if (!all)
          while (j < b && !near(ix, &v[j], f))
            j++;
        if (j == b)
          break;
        int64_t blk = floor_div(v[j].t - g0, w);
        size_t e = j + 1; /* past the last fix of block blk */
        if (floor_div(v[b - 1].t - g0, w) == blk)
          e = b;
        else
          while (e < b && floor_div(v[e].t - g0, w) == blk)
            e++;
        size_t l = e - 1;
        if (!all)
          while (l > j && !near(ix, &v[l], f))
            l--;
        if (!add_hits(gap, m, v[j].t, v[l].t, k))
          return 0;
        i = e;
      }
    }
  }
  return 1;
}

/* Rows screened at a time: bounds the hits held before they are recorded. */
#define BLOCK_ROWS 16384

/* Each thread screens a contiguous share of the rows and finds the gaps each fix is
 * evidence for; then each records the hits of the gaps it owns, from every thread's
 * list (the summaries do not depend on the order). One thread records as it goes. */
static tc_status add_block(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                           const double *lon, const unsigned char *skip, size_t n, int nt) {
  int bad = 0;
  long long nl = (long long)n;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(| : bad)
#endif
  {
    int me = 0, team = 1;
#ifdef _OPENMP
    me = omp_get_thread_num();
    team = omp_get_num_threads();
#endif
    long long i0 = nl * me / team, i1 = nl * (me + 1) / team;
    hood h = {0};
    coarse_memo memo = {0, 0, 0, 0, 0, 0, 0, 0}; /* empty */
    sink *k = malloc(sizeof *k);
    if (!k)
      bad = 1;
    else {
      *k = (sink){team == 1 ? ix->gaps : NULL, ix->gaps, ix->window, &ix->th[me], &ix->tn[me], &ix->tcap[me], {{0}}};
      for (int q = 0; q < RUN_SLOTS; q++)
        k->runs[q].gap = UINT32_MAX;
    }
    ix->tn[me] = 0;
    cand *v = k ? malloc((size_t)(i1 > i0 ? i1 - i0 : 1) * sizeof *v) : NULL;
    if (!v)
      bad = 1;
    size_t rn = 0;
    for (long long i = i0; i < i1 && !bad; i++) {
      cand *c = &v[rn];
      if ((skip && skip[i]) || !candidate(ix, &memo, mmsi[i], t[i], lat[i], lon[i], c))
        continue;
      if (rn && (c->mmsi != v[0].mmsi || c->tb != v[0].tb || c->t < v[rn - 1].t || c->c[0] != v[0].c[0] ||
                 c->c[1] != v[0].c[1] || c->c[2] != v[0].c[2])) {
        cand x = *c; /* a run ends: screened, and this fix starts the next */
        if (!fine_run(ix, v, rn, &h, k))
          bad = 1;
        v[0] = x;
        rn = 0;
      }
      rn++;
    }
    if (rn && !bad && !fine_run(ix, v, rn, &h, k))
      bad = 1;
    free(v);
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
              tc_cov_record(&ix->gaps[x->gap], x->t, x->mmsi, ix->window) != TC_OK) {
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

tc_status tc_cov_add_rows(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                          const double *lon, const unsigned char *skip, size_t n, int threads) {
  if (n == 0)
    return TC_OK;
  int64_t tmin = t[0], tmax = t[0];
  for (size_t i = 1; i < n; i++) {
    tmin = t[i] < tmin ? t[i] : tmin;
    tmax = t[i] > tmax ? t[i] : tmax;
  }
  TC_TRY(prepare(ix, tmin, tmax));
  if (ix->bn == 0)
    return TC_OK;
  int nt = threads > 0 ? threads : 1;
#ifndef _OPENMP
  nt = 1;
#endif
  if (threads_ready(ix, nt) != TC_OK)
    return TC_ERR_NOMEM;
  for (size_t b = 0; b < n; b += BLOCK_ROWS) {
    if (ix->stop && ix->stop(ix->stop_ctx))
      return TC_ERR_CANCELLED;
    size_t m = n - b < BLOCK_ROWS ? n - b : BLOCK_ROWS;
    TC_TRY(add_block(ix, mmsi + b, t + b, lat + b, lon + b, skip ? skip + b : NULL, m, nt));
  }
  return TC_OK;
}
