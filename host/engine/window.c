#include "host/engine/window.h"

#include <stdlib.h>
#include <string.h>

#include "io/columns.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_window_init(tc_window *w) { memset(w, 0, sizeof *w); }

void tc_window_free(tc_window *w) {
  if (!w)
    return;
  free(w->mmsi);
  free(w->off);
  free(w->t);
  free(w->lat);
  free(w->lon);
  tc_window_init(w);
}

static tc_status reserve(tc_window *w, size_t nv, size_t n) {
  if (nv + 1 > w->cap_v) {
    size_t cap = nv + 1 + nv / 2;
    uint32_t *m = realloc(w->mmsi, cap * sizeof *m);
    if (!m)
      return TC_ERR_NOMEM;
    w->mmsi = m;
    size_t *o = realloc(w->off, cap * sizeof *o);
    if (!o)
      return TC_ERR_NOMEM;
    w->off = o;
    w->cap_v = cap;
  }
  if (n > w->cap) {
    size_t cap = n + n / 2;
    int64_t *t = realloc(w->t, cap * sizeof *t);
    if (!t)
      return TC_ERR_NOMEM;
    w->t = t;
    double *la = realloc(w->lat, cap * sizeof *la);
    if (!la)
      return TC_ERR_NOMEM;
    w->lat = la;
    double *lo = realloc(w->lon, cap * sizeof *lo);
    if (!lo)
      return TC_ERR_NOMEM;
    w->lon = lo;
    w->cap = cap;
  }
  return TC_OK;
}

/* The exact test of rule 3, for the rare fix the cheap bound below cannot pass. */
static __attribute__((noinline)) int teleport_exact(double lat0, double lon0, double lat,
                                                    double lon, double limit) {
  return tc_haversine_m(lat0, lon0, lat, lon) <= limit;
}

/* Spec §1 rule 3 against the last kept fix (index last in dst); mps: the speed limit
 * in m/s (max_implied_speed_kn * TC_KNOT_MPS), > 0. Inlined into the merge loop, the
 * common case (a short hop well inside the limit) costs no trigonometry. */
static inline int teleport_keep(const tc_window *dst, size_t last, int64_t t, double lat, double lon,
                                int64_t max_gap, double mps) {
  int64_t dt = t - dst->t[last];
  if (dt >= max_gap)
    return 1;
  double limit = mps * (double)dt;
  /* The bound is >= the true distance; the 1e-9 keeps rounding from deciding. */
  if (tc_distance_upper_m(dst->lat[last], dst->lon[last], lat, lon) * (1.0 + 1e-9) <= limit)
    return 1;
  return teleport_exact(dst->lat[last], dst->lon[last], lat, lon, limit);
}

/* One merged vessel: its carried fixes [c0, c1) and bucket rows [b0, b1); kept: the
 * fixes written for it. */
typedef struct {
  size_t c0, c1, b0, b1, kept;
} merge_span;

/* Writes one vessel's carried fixes and teleport-filtered bucket rows to dst at o and
 * returns their count. bt/bla/blo are the bucket's columns; with in_place they are
 * dst's own arrays (nothing is carried then, and row bi is read before any write to
 * it, since the write index never passes the read index). */
static size_t merge_vessel(tc_window *dst, size_t o, const tc_window *carry, const int64_t *bt,
                           const double *bla, const double *blo, const merge_span *sp,
                           const tc_params *p) {
  int on = p->max_implied_speed_kn > 0; /* 0 disables the filter */
  double mps = p->max_implied_speed_kn * TC_KNOT_MPS;
  size_t n = o, k0 = sp->c0, k1 = sp->c1;
  if (k1 > k0) { /* the carry's arrays may not exist yet */
    memcpy(dst->t + n, carry->t + k0, (k1 - k0) * sizeof *dst->t);
    memcpy(dst->lat + n, carry->lat + k0, (k1 - k0) * sizeof *dst->lat);
    memcpy(dst->lon + n, carry->lon + k0, (k1 - k0) * sizeof *dst->lon);
    n += k1 - k0;
  }
  for (size_t bi = sp->b0; bi < sp->b1; bi++) {
    if (n > o && on && !teleport_keep(dst, n - 1, bt[bi], bla[bi], blo[bi], p->max_gap, mps))
      continue;
    dst->t[n] = bt[bi];
    dst->lat[n] = bla[bi];
    dst->lon[n] = blo[bi];
    n++;
  }
  return n - o;
}

/* With nothing carried (the first bucket), dst takes b's position arrays instead of
 * copying them, and the teleport filter compacts them in place: the bucket is
 * megabytes of memory that would otherwise be touched twice. b gets dst's old arrays;
 * its capacity becomes what every column still holds at least. */
static void adopt(tc_window *dst, tc_columns *b) {
  int64_t *t = dst->t;
  double *la = dst->lat, *lo = dst->lon;
  size_t cap = dst->cap;
  dst->t = b->t;
  dst->lat = b->lat;
  dst->lon = b->lon;
  dst->cap = b->cap;
  b->t = t;
  b->lat = la;
  b->lon = lo;
  if (cap < b->cap)
    b->cap = cap;
}

tc_status tc_window_merge(tc_window *dst, const tc_window *carry, tc_columns *b,
                          const tc_params *p, uint64_t *teleport_dropped) {
  int in_place = carry->nv == 0 && b->n > 0;
  if (in_place)
    adopt(dst, b);
  /* Upper bounds: every carried vessel plus every bucket row as a new vessel. */
  TC_TRY(reserve(dst, carry->nv + b->n, carry->n + b->n));
  /* The vessels, in mmsi order: a bucket vessel's rows end at the lower bound of the
   * next mmsi, so finding them costs a search per vessel, not a pass over the rows. */
  size_t nv = 0, ci = 0, bi = 0;
  merge_span *sp = malloc((carry->nv + b->n + 1) * sizeof *sp);
  if (!sp)
    return TC_ERR_NOMEM;
  while (ci < carry->nv || bi < b->n) {
    uint32_t m;
    if (bi >= b->n || (ci < carry->nv && carry->mmsi[ci] <= b->mmsi[bi]))
      m = carry->mmsi[ci];
    else
      m = b->mmsi[bi];
    merge_span s = {0, 0, bi, bi, 0};
    if (ci < carry->nv && carry->mmsi[ci] == m) {
      s.c0 = carry->off[ci];
      s.c1 = carry->off[ci + 1];
      ci++;
    }
    if (bi < b->n && b->mmsi[bi] == m) {
      s.b1 = m == UINT32_MAX ? b->n : bi + tc_lower_bound_u32(b->mmsi + bi, b->n - bi, m + 1);
      bi = s.b1;
    }
    dst->mmsi[nv] = m;
    sp[nv++] = s;
  }
  size_t ub = 0;
  for (size_t v = 0; v < nv; v++) {
    dst->off[v] = ub;
    ub += (sp[v].c1 - sp[v].c0) + (sp[v].b1 - sp[v].b0);
  }
  dst->off[nv] = ub;
  /* Each vessel written at its upper-bound offset, in parallel. */
  const int64_t *bt = in_place ? dst->t : b->t;
  const double *bla = in_place ? dst->lat : b->lat, *blo = in_place ? dst->lon : b->lon;
  long long nvl = (long long)nv;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 32) num_threads(p->threads > 0 ? p->threads : omp_get_max_threads())
#endif
  for (long long v = 0; v < nvl; v++)
    sp[v].kept = merge_vessel(dst, dst->off[v], carry, bt, bla, blo, &sp[v], p);
  /* Close the holes the teleport filter left (rare): one forward pass. */
  size_t n = 0;
  for (size_t v = 0; v < nv; v++) {
    size_t o = dst->off[v], kept = sp[v].kept;
    if (o != n) {
      memmove(dst->t + n, dst->t + o, kept * sizeof *dst->t);
      memmove(dst->lat + n, dst->lat + o, kept * sizeof *dst->lat);
      memmove(dst->lon + n, dst->lon + o, kept * sizeof *dst->lon);
    }
    dst->off[v] = n;
    n += kept;
  }
  dst->off[nv] = n;
  free(sp);
  dst->nv = nv;
  dst->n = n;
  if (teleport_dropped)
    *teleport_dropped += ub - n;
  return TC_OK;
}

tc_status tc_window_trim(tc_window *dst, const tc_window *src, int64_t keep_from) {
  TC_TRY(reserve(dst, src->nv, src->n));
  size_t nv = 0, n = 0;
  dst->off[0] = 0;
  for (size_t v = 0; v < src->nv; v++) {
    size_t k0 = src->off[v], k1 = src->off[v + 1];
    if (k1 == k0 || src->t[k1 - 1] < keep_from)
      continue;
    /* last fix with t <= keep_from, or the first fix when all are later */
    size_t lo = k0, hi = k1;
    while (hi - lo > 1) {
      size_t mid = lo + (hi - lo) / 2;
      if (src->t[mid] <= keep_from)
        lo = mid;
      else
        hi = mid;
    }
    size_t cnt = k1 - lo;
    memcpy(dst->t + n, src->t + lo, cnt * sizeof *dst->t);
    memcpy(dst->lat + n, src->lat + lo, cnt * sizeof *dst->lat);
    memcpy(dst->lon + n, src->lon + lo, cnt * sizeof *dst->lon);
    n += cnt;
    dst->mmsi[nv] = src->mmsi[v];
    dst->off[++nv] = n;
  }
  dst->nv = nv;
  dst->n = n;
  return TC_OK;
}

void tc_window_view(const tc_window *w, int64_t max_gap, tc_track_window *out) {
  out->nv = w->nv;
  out->mmsi = w->mmsi;
  out->off = w->off;
  out->t = w->t;
  out->lat = w->lat;
  out->lon = w->lon;
  out->max_gap = max_gap;
}
