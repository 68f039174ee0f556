/* Dark rendezvous (spec/events.md §3): pairs of gaps of two vessels overlapping by
 * dark_min_overlap, kept when what each could reach overlaps (bounding boxes), both
 * silences are their own (coverage), and L* = max L(X) >= dark_dwell. The pairs are
 * independent: they are judged in parallel, each into its own slot, and collected in
 * candidate order, so the list does not depend on the thread count. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/events/internal.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* What a dark vessel could reach while still able to stay dwell at one place: every X
 * with d(A0, X) + d(X, A1) <= v (t1 - t0 - dwell) lies within half that of the
 * midpoint (triangle inequality); 1 % and 1 km more cover the midpoint being taken in
 * degrees rather than on the great circle. */
typedef struct {
  int ok;                 /* 0: nothing reachable */
  double lat_lo, lat_hi;
  double lon_c, lon_half; /* lon_half >= 180: every longitude */
} box;

static box reach_box(const tc_gap *g, double v, int64_t dwell) {
  box b = {0, 0, 0, 0, 0};
  double reach = v * (double)(g->t1 - g->t0 - dwell);
  if (reach < g->dist_m)
    return b;
  double r = reach / 2.0 * 1.01 + 1000.0, mlat, mlon;
  tc_midpoint(g->lat0, g->lon0, g->lat1, g->lon1, &mlat, &mlon);
  double dlat = r / TC_EARTH_R_M / TC_DEG2RAD;
  b.ok = 1;
  b.lat_lo = fmax(-90.0, mlat - dlat);
  b.lat_hi = fmin(90.0, mlat + dlat);
  double far = fmax(fabs(b.lat_lo), fabs(b.lat_hi));
  b.lon_c = mlon;
  b.lon_half = far >= 89.0 ? 360.0 : fmin(360.0, dlat / cos(far * TC_DEG2RAD));
  return b;
}

/* Intersection of two boxes, as a latitude and longitude range (longitudes relative to
 * a's centre unwrapped). 0 when empty. */
static int intersect(const box *a, const box *b, double *lat_lo, double *lat_hi, double *lon_lo,
                     double *lon_hi) {
  *lat_lo = fmax(a->lat_lo, b->lat_lo);
  *lat_hi = fmin(a->lat_hi, b->lat_hi);
  if (*lat_lo > *lat_hi)
    return 0;
  if (a->lon_half >= 180.0 && b->lon_half >= 180.0) {
    *lon_lo = -180.0;
    *lon_hi = 180.0;
    return 1;
  }
  if (a->lon_half >= 180.0) {
    *lon_lo = b->lon_c - b->lon_half;
    *lon_hi = b->lon_c + b->lon_half;
    return 1;
  }
  double bc = a->lon_c + tc_wrap_dlon(b->lon_c - a->lon_c);
  double blo = b->lon_half >= 180.0 ? a->lon_c - 180.0 : bc - b->lon_half;
  double bhi = b->lon_half >= 180.0 ? a->lon_c + 180.0 : bc + b->lon_half;
  *lon_lo = fmax(a->lon_c - a->lon_half, blo);
  *lon_hi = fmin(a->lon_c + a->lon_half, bhi);
  return *lon_lo <= *lon_hi;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int cmp_t0(const void *pa, const void *pb, void *arg) {
  const tc_gap_rec *recs = arg;
  const tc_gap *a = &recs[*(const uint32_t *)pa].g, *b = &recs[*(const uint32_t *)pb].g;
  if (a->t0 != b->t0)
    return a->t0 < b->t0 ? -1 : 1;
  return a->mmsi < b->mmsi ? -1 : a->mmsi > b->mmsi;
}

static int cmp_dark(const void *pa, const void *pb) {
  const tc_dark *a = pa, *b = pb;
  int64_t oa = max64(a->a0, a->b0), ob = max64(b->a0, b->b0);
  if (oa != ob)
    return oa < ob ? -1 : 1;
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  if (a->mmsi_b != b->mmsi_b)
    return a->mmsi_b < b->mmsi_b ? -1 : 1;
  if (a->a0 != b->a0)
    return a->a0 < b->a0 ? -1 : 1;
  return a->b0 < b->b0 ? -1 : a->b0 > b->b0;
}

/* Encounter spans by pair, sorted, for the spec's rule that a pair seen together
 * during the overlap is an encounter, not a dark rendezvous. */
typedef struct {
  uint64_t pair;
  int64_t start, end;
} span;

static int cmp_span(const void *pa, const void *pb) {
  const span *a = pa, *b = pb;
  if (a->pair != b->pair)
    return a->pair < b->pair ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Does pair (a < b) have an encounter [start, end] meeting [o0, o1)? */
static int met(const span *sp, size_t n, uint32_t a, uint32_t b, int64_t o0, int64_t o1) {
  uint64_t key = (uint64_t)a << 32 | b;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sp[mid].pair < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < n && sp[lo].pair == key && sp[lo].start < o1; lo++)
    if (sp[lo].end >= o0)
      return 1;
  return 0;
}

void tc_dark_cands_free(tc_dark_cands *c) {
  free(c->v);
  memset(c, 0, sizeof *c);
}

/* fmax and fmin for meets: the same number up to the sign of a zero, which its
 * comparisons do not see (NaN: the other argument, as fmax's). */
static inline double max_nan(double x, double y) { return isnan(x) ? y : isnan(y) ? x : x > y ? x : y; }
static inline double min_nan(double x, double y) { return isnan(x) ? y : isnan(y) ? x : x < y ? x : y; }

/* intersect's answer without the intersection, inline: tc_dark_pairs asks it of every
 * overlap. */
static inline int meets(const box *a, const box *b) {
  /* a box's latitudes are never NaN (reach_box's fmax and fmin against ±90) */
  double lat_lo = a->lat_lo > b->lat_lo ? a->lat_lo : b->lat_lo, lat_hi = a->lat_hi < b->lat_hi ? a->lat_hi : b->lat_hi;
  if (lat_lo > lat_hi)
    return 0;
  if (a->lon_half >= 180.0)
    return 1;
  double bc = a->lon_c + tc_wrap_dlon(b->lon_c - a->lon_c);
  double blo = b->lon_half >= 180.0 ? a->lon_c - 180.0 : bc - b->lon_half;
  double bhi = b->lon_half >= 180.0 ? a->lon_c + 180.0 : bc + b->lon_half;
  return max_nan(a->lon_c - a->lon_half, blo) <= min_nan(a->lon_c + a->lon_half, bhi);
}

/* A gap of at least dark_min_gap, in the sweep's order: what its inner loop reads. */
typedef struct {
  int64_t t0, t1;
  uint32_t mmsi, rec;
  box b;
} sgap;

tc_status tc_dark_pairs(const tc_gap_rec *recs, size_t n, const tc_event_params *e, tc_dark_cands *out,
                        tc_event_stats *stats) {
  tc_status s = TC_ERR_NOMEM;
  uint32_t *ord = malloc((n ? n : 1) * sizeof *ord);
  sgap *sg = malloc((n ? n : 1) * sizeof *sg);
  size_t m = 0;
  uint64_t overlaps = 0;
  double v = e->dark_max_speed_kn * TC_KNOT_MPS;
  const int64_t min_overlap = e->dark_min_overlap;
  memset(out, 0, sizeof *out);
  if (!ord || !sg)
    goto cleanup;
  for (size_t i = 0; i < n; i++)
    if (recs[i].g.t1 - recs[i].g.t0 >= e->dark_min_gap)
      ord[m++] = (uint32_t)i;
  stats->dark_gaps = m;
  if (m) /* the C library wants a non-NULL base even for none */
    qsort_r(ord, m, sizeof *ord, cmp_t0, (void *)recs);
  for (size_t x = 0; x < m; x++) {
    const tc_gap *g = &recs[ord[x]].g;
    sg[x] = (sgap){g->t0, g->t1, g->mmsi, ord[x], reach_box(g, v, e->dark_dwell)};
  }
  /* room for the pairs whose starts the sweep visits (a bound: at most 1 Mi of them),
   * reserved at once: the list grown by doubling was copied, at times, more than once */
  size_t visits = 0;
  for (size_t x = 0; x < m && visits < ((size_t)1 << 20); x++) {
    size_t lo = x + 1, hi = m; /* the first y whose start is past last_t0 */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (sg[mid].t0 <= sg[x].t1 - min_overlap)
        lo = mid + 1;
      else
        hi = mid;
    }
    visits += lo - (x + 1);
  }
  if (visits) {
    size_t want = visits < ((size_t)1 << 20) ? visits : (size_t)1 << 20;
    tc_dark_cand *nc = tc_grow(out->v, &out->cap, want, sizeof *nc, 256);
    if (!nc)
      goto cleanup;
    out->v = nc;
  }
  for (size_t x = 0; x < m; x++) {
    const sgap *gi = &sg[x];
    const int64_t last_t0 = gi->t1 - min_overlap;
    for (size_t y = x + 1; y < m && sg[y].t0 <= last_t0; y++) {
      const sgap *gj = &sg[y];
      if (gj->mmsi == gi->mmsi || min64(gi->t1, gj->t1) - gj->t0 < min_overlap)
        continue;
      overlaps++;
      if (!gi->b.ok || !gj->b.ok || !meets(&gi->b, &gj->b))
        continue;
      if (out->n == out->cap) { /* tc_grow only when full: a call per pair cost more than the pair's test */
        tc_dark_cand *nc = tc_grow(out->v, &out->cap, out->n + 1, sizeof *nc, 256);
        if (!nc)
          goto cleanup;
        out->v = nc;
      }
      out->v[out->n++] = gi->mmsi < gj->mmsi ? (tc_dark_cand){gi->rec, gj->rec, 0, 0}
                                             : (tc_dark_cand){gj->rec, gi->rec, 0, 0};
    }
  }
  stats->dark_boxes = out->n;
  s = TC_OK;
cleanup:
  stats->dark_overlaps += overlaps;
  free(ord);
  free(sg);
  if (s != TC_OK)
    tc_dark_cands_free(out);
  return s;
}

void tc_dark_pair_coverage(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window) {
  const tc_gap_rec *ra = &recs[c->i], *rb = &recs[c->j];
  int64_t o0 = max64(ra->g.t0, rb->g.t0), o1 = min64(ra->g.t1, rb->g.t1);
  c->coverage_a = tc_cov_span(ra, o0, o1, window, rb->g.mmsi);
  c->coverage_b = tc_cov_span(rb, o0, o1, window, ra->g.mmsi);
}

/* The host's maximisation (events.h): each row on its own, so any split gives the same bytes. */
void tc_dark_rows(const double *in, size_t n, double *out, int threads) {
  long long nl = (long long)n;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long m = 0; m < nl; m++) {
    tc_dark_pair p;
    const double *r = in + TC_DARK_IN * m;
    memcpy(&p, r, sizeof p);
    double *o = out + TC_DARK_OUT * m;
    o[0] = tc_dark_maximise(&p, r[13], r[14], r[15], r[16], &o[1], &o[2], &o[3], &o[4]);
  }
}

/* The maximiser's rows of one chunk: input, output and the candidate each came from. */
#define CHUNK_ROW_BYTES ((TC_DARK_IN + TC_DARK_OUT) * sizeof(double) + sizeof(size_t))

/* Pairs a chunk may hold: e->dark_budget bytes, else TRAJCORR_DARK_BUDGET's (a byte
 * count, k, M or G for KiB, MiB, GiB), else TC_DARK_BUDGET_DEFAULT; at least one. */
static tc_status budget_pairs(const tc_event_params *e, size_t *pairs, tc_err *err) {
  size_t bytes = e->dark_budget;
  if (!bytes) {
    const char *v = getenv("TRAJCORR_DARK_BUDGET");
    bytes = TC_DARK_BUDGET_DEFAULT;
    if (v && *v) {
      char *end;
      errno = 0;
      unsigned long long x = strtoull(v, &end, 10);
      int shift = *end == 'k' || *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
      if (shift)
        end++;
      if (errno || end == v || *end || v[0] == '-' || x > (SIZE_MAX >> shift))
        return tc_fail(err, TC_ERR_ARG, "TRAJCORR_DARK_BUDGET=%s: not a number of bytes (e.g. 64M)", v);
      bytes = (size_t)x << shift;
    }
  }
  *pairs = bytes / CHUNK_ROW_BYTES ? bytes / CHUNK_ROW_BYTES : 1;
  return TC_OK;
}

/* Spec §3's coverage rule. */
static int covered(const tc_event_params *e, const tc_dark_cand *c) {
  return e->dark_min_coverage <= 0 ||
         (c->coverage_a >= e->dark_min_coverage && c->coverage_b >= e->dark_min_coverage);
}

double tc_dark_lstar_bound(const tc_gap *a, const tc_gap *b, double v) {
  /* L(X) = min(ea, eb) - max(sa, sb) is at most each difference e - s and at most the
   * mean of ea - sb and eb - sa; each difference is an end time minus a start time less
   * the two legs to and from X, which the triangle inequality bounds below by the
   * distance between the two ends, whatever X */
  double dA = tc_haversine_m(a->lat0, a->lon0, a->lat1, a->lon1);
  double dB = tc_haversine_m(b->lat0, b->lon0, b->lat1, b->lon1);
  double dBA = tc_haversine_m(b->lat0, b->lon0, a->lat1, a->lon1);
  double dAB = tc_haversine_m(a->lat0, a->lon0, b->lat1, b->lon1);
  double d00 = tc_haversine_m(a->lat0, a->lon0, b->lat0, b->lon0);
  double d11 = tc_haversine_m(a->lat1, a->lon1, b->lat1, b->lon1);
  double ta = (double)(a->t1 - a->t0), tb = (double)(b->t1 - b->t0);
  double l = fmin(ta - dA / v, tb - dB / v);
  l = fmin(l, (double)(a->t1 - b->t0) - dBA / v);
  l = fmin(l, (double)(b->t1 - a->t0) - dAB / v);
  return fmin(l, (ta + tb - (d00 + d11) / v) / 2.0);
}

/* Does covered pair c need its L* maximised? Not when L* surely falls short of
 * dark_dwell: its bound is below by more than TC_DARK_BOUND_MARGIN, far above the
 * rounding of the maximiser's L (either maximiser: the same geo.h in doubles). */
static int may_dwell(const tc_gap_rec *recs, const tc_event_params *e, const tc_dark_cand *c, double v) {
  /* not "bound >=": a bound that is not a number turns nothing away */
  return !(tc_dark_lstar_bound(&recs[c->i].g, &recs[c->j].g, v) < (double)e->dark_dwell - TC_DARK_BOUND_MARGIN);
}

/* The packed row of pair (ga, gb): kernels/geo.h's layout, times from the overlap's start. */
static void pack_row(const tc_gap *ga, const tc_gap *gb, double v, int64_t dwell, double *r) {
  int64_t o0 = max64(ga->t0, gb->t0);
  box b1 = reach_box(ga, v, dwell), b2 = reach_box(gb, v, dwell);
  const double in[TC_DARK_IN - 4] = {ga->lat0, ga->lon0, ga->lat1, ga->lon1, gb->lat0, gb->lon0,
                                     gb->lat1, gb->lon1, (double)(ga->t0 - o0), (double)(ga->t1 - o0),
                                     (double)(gb->t0 - o0), (double)(gb->t1 - o0), v};
  memcpy(r, in, sizeof in);
  intersect(&b1, &b2, &r[13], &r[14], &r[15], &r[16]);
}

/* Pair c's maximiser result o: kept (out) unless L* < dwell or the pair met then. */
static tc_status judge(const tc_gap_rec *recs, const tc_event_params *e, const span *sp, size_t nsp,
                       const tc_dark_cand *c, const double *o, tc_event_lists *out, tc_event_stats *stats) {
  stats->dark_covered++;
  if (o[0] < (double)e->dark_dwell)
    return TC_OK;
  const tc_gap *ga = &recs[c->i].g, *gb = &recs[c->j].g;
  int64_t o0 = max64(ga->t0, gb->t0), o1 = min64(ga->t1, gb->t1);
  if (met(sp, nsp, ga->mmsi, gb->mmsi, o0, o1)) {
    stats->dark_encounters++;
    return TC_OK;
  }
  tc_dark *d = tc_grow(out->dark, &out->cap_dark, out->n_dark + 1, sizeof *d, 256);
  if (!d)
    return TC_ERR_NOMEM;
  out->dark = d;
  d += out->n_dark++;
  *d = (tc_dark){ga->mmsi, gb->mmsi, ga->t0, ga->t1, gb->t0, gb->t1, o[0], o[1], o[2],
                 (double)o0 + o[3], (double)o0 + o[4],
                 tc_haversine_m(ga->lat0, ga->lon0, gb->lat0, gb->lon0),
                 tc_haversine_m(ga->lat1, ga->lon1, gb->lat1, gb->lon1), c->coverage_a, c->coverage_b};
  return TC_OK;
}

tc_status tc_dark_find(const tc_gap_rec *recs, const tc_event_params *e, const tc_encounter_list *enc,
                       int threads, const tc_dark_cands *cands, tc_event_lists *out, tc_event_stats *stats,
                       tc_err *err) {
  tc_status s = TC_ERR_NOMEM;
  const tc_dark_cand *cd = cands->v;
  size_t nc = cands->n, cap = 1, nm = 0, m = 0;
  double *rows = NULL, *lout = NULL;
  size_t *from = NULL;
  unsigned char *go = NULL; /* per pair: to be maximised */
  size_t nsp = enc ? enc->n : 0;
  span *sp = malloc((nsp ? nsp : 1) * sizeof *sp);
  double v = e->dark_max_speed_kn * TC_KNOT_MPS;
  (void)threads;
  if ((s = budget_pairs(e, &cap, err)) != TC_OK || (s = TC_ERR_NOMEM, !sp))
    goto cleanup;
  for (size_t i = 0; i < nsp; i++)
    sp[i] = (span){(uint64_t)enc->v[i].mmsi_a << 32 | enc->v[i].mmsi_b, enc->v[i].start, enc->v[i].end};
  if (nsp) /* the C library wants a non-NULL base even for none */
    qsort(sp, nsp, sizeof *sp, cmp_span);
  /* the coverages were taken as the coverage pass completed each pair; L* of the
   * covered pairs only (most of the work), packed as rows of kernels/geo.h's layout for
   * a device or tc_dark_rows, a chunk of at most cap pairs at a time (the budget) whose
   * results are judged before the next is packed: each row's result depends on that row
   * alone and the kept pairs go out in candidate order, so the list is the same bytes
   * whatever the chunk */
  go = malloc(nc ? nc : 1);
  if (!go)
    goto cleanup;
  /* covered pairs whose L* is surely below dark_dwell are counted as covered and go no
   * further: they would not be kept (judge), on the host or a device */
  for (size_t k = 0; k < nc; k++) {
    go[k] = covered(e, &cd[k]) && may_dwell(recs, e, &cd[k], v);
    stats->dark_covered += covered(e, &cd[k]) && !go[k];
    nm += go[k];
  }
  stats->dark_maximised += nm;
  if (cap > nm)
    cap = nm ? nm : 1;
  rows = malloc(cap * TC_DARK_IN * sizeof *rows);
  lout = malloc(cap * TC_DARK_OUT * sizeof *lout);
  from = malloc(cap * sizeof *from);
  if (!rows || !lout || !from)
    goto cleanup;
  size_t n0 = out->n_dark;
  for (size_t k = 0; k < nc; k++) {
    if (go[k]) {
      pack_row(&recs[cd[k].i].g, &recs[cd[k].j].g, v, e->dark_dwell, rows + TC_DARK_IN * m);
      from[m++] = k;
    }
    if (m < cap && (m == 0 || k + 1 < nc))
      continue;
    if (e->dark_device) {
      if ((s = e->dark_device->run(e->dark_device->ctx, rows, m, lout, err)) != TC_OK)
        goto cleanup;
    } else {
      tc_dark_rows(rows, m, lout, threads);
    }
    s = TC_ERR_NOMEM;
    for (size_t q = 0; q < m; q++)
      if (judge(recs, e, sp, nsp, &cd[from[q]], lout + TC_DARK_OUT * q, out, stats) != TC_OK)
        goto cleanup;
    m = 0;
  }
  if (out->n_dark - n0) /* the C library wants a non-NULL base even for none */
    qsort(out->dark + n0, out->n_dark - n0, sizeof *out->dark, cmp_dark);
  s = TC_OK;
cleanup:
  free(sp);
  free(rows);
  free(lout);
  free(from);
  free(go);
  return s;
}
