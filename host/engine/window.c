#include "host/engine/window.h"

#include <stdlib.h>

#include "host/engine/hugemem.h"
#include <string.h>

#include "kernels/geo.h"

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
    int64_t *t = tc_realloc_huge(w->t, cap * sizeof *t);
    if (!t)
      return TC_ERR_NOMEM;
    w->t = t;
    double *la = tc_realloc_huge(w->lat, cap * sizeof *la);
    if (!la)
      return TC_ERR_NOMEM;
    w->lat = la;
    double *lo = tc_realloc_huge(w->lon, cap * sizeof *lo);
    if (!lo)
      return TC_ERR_NOMEM;
    w->lon = lo;
    w->cap = cap;
  }
  return TC_OK;
}

/* Spec §1 rule 3 against the last kept fix (index last in dst). */
static int teleport_keep(const tc_window *dst, size_t last, int64_t t, double lat, double lon,
                         const tc_params *p) {
  if (p->max_implied_speed_kn <= 0)
    return 1;
  int64_t dt = t - dst->t[last];
  if (dt >= p->max_gap)
    return 1;
  double limit = p->max_implied_speed_kn * TC_KNOT_MPS * (double)dt;
  /* The bound is >= the true distance; the 1e-9 keeps rounding from deciding. */
  if (tc_distance_upper_m(dst->lat[last], dst->lon[last], lat, lon) * (1.0 + 1e-9) <= limit)
    return 1;
  return tc_haversine_m(dst->lat[last], dst->lon[last], lat, lon) <= limit;
}

tc_status tc_window_merge(tc_window *dst, const tc_window *carry, const tc_columns *b,
                          const tc_params *p, uint64_t *teleport_dropped) {
  /* Upper bounds: every carried vessel plus every bucket row as a new vessel. */
  TC_TRY(reserve(dst, carry->nv + b->n, carry->n + b->n));
  size_t nv = 0, n = 0, ci = 0, bi = 0;
  uint64_t dropped = 0;
  dst->off[0] = 0;
  while (ci < carry->nv || bi < b->n) {
    uint32_t m;
    if (bi >= b->n || (ci < carry->nv && carry->mmsi[ci] <= b->mmsi[bi]))
      m = carry->mmsi[ci];
    else
      m = b->mmsi[bi];
    size_t start = n;
    if (ci < carry->nv && carry->mmsi[ci] == m) {
      size_t k0 = carry->off[ci], k1 = carry->off[ci + 1];
      memcpy(dst->t + n, carry->t + k0, (k1 - k0) * sizeof *dst->t);
      memcpy(dst->lat + n, carry->lat + k0, (k1 - k0) * sizeof *dst->lat);
      memcpy(dst->lon + n, carry->lon + k0, (k1 - k0) * sizeof *dst->lon);
      n += k1 - k0;
      ci++;
    }
    for (; bi < b->n && b->mmsi[bi] == m; bi++) {
      if (n > start && !teleport_keep(dst, n - 1, b->t[bi], b->lat[bi], b->lon[bi], p)) {
        dropped++;
        continue;
      }
      dst->t[n] = b->t[bi];
      dst->lat[n] = b->lat[bi];
      dst->lon[n] = b->lon[bi];
      n++;
    }
    dst->mmsi[nv] = m;
    dst->off[++nv] = n;
  }
  dst->nv = nv;
  dst->n = n;
  if (teleport_dropped)
    *teleport_dropped += dropped;
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
