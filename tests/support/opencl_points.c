#include "opencl_points.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/geo.h"

static uint64_t next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static double unif(uint64_t *s) { return (double)(next(s) >> 11) * (1.0 / 9007199254740992.0); }

/* A point within r metres of (lat, lon), in a local flat frame (fine for km). */
static void near(uint64_t *s, double lat, double lon, double r, double *olat, double *olon) {
  double a = 2 * TC_PI * unif(s), d = r * sqrt(unif(s));
  *olat = lat + d * cos(a) / 111195.0;
  double c = cos(lat * TC_DEG2RAD);
  *olon = tc_norm_lon(lon + d * sin(a) / (111195.0 * (c > 1e-6 ? c : 1e-6)));
  if (*olat > 90)
    *olat = 180 - *olat;
}

void op_add_slot(tc_grid_block *blk, op_kind kind, size_t n, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 12345;
  size_t j = blk->nslots, a = j ? blk->off[j] : 0;
  if (tc_grid_block_reserve(blk, j + 1, a + n) != TC_OK)
    abort();
  if (!j)
    blk->off[0] = 0;
  double clat = 0, clon = 0;
  for (size_t i = 0; i < n; i++) {
    double lat = 0, lon = 0;
    switch (kind) {
    case OP_BOX: /* about 40 x 40 km off Gibraltar */
      lat = 36.0 + 0.36 * unif(&s);
      lon = -5.6 + 0.45 * unif(&s);
      break;
    case OP_CLUSTERS: /* 40 vessels per 800 m cluster */
      if (i % 40 == 0) {
        clat = -60 + 120 * unif(&s);
        clon = -180 + 360 * unif(&s);
      }
      near(&s, clat, clon, 800, &lat, &lon);
      break;
    case OP_ANTIMERIDIAN: /* a 20 km band either side of 180 degrees */
      near(&s, -16.0 + 0.2 * unif(&s), 180.0, 20000, &lat, &lon);
      break;
    case OP_POLES: /* within 15 km of either pole, some exactly on it */
      if (i % 97 == 0)
        lat = i % 2 ? 90.0 : -90.0, lon = -180 + 360 * unif(&s);
      else
        near(&s, i % 2 ? 90.0 : -90.0, 0, 15000, &lat, &lon);
      break;
    case OP_STACKED: /* everybody within 30 m: every pair is close */
      near(&s, 51.9, 4.05, 30, &lat, &lon);
      break;
    }
    blk->lat[a + i] = lat;
    blk->lon[a + i] = lon;
    blk->vid[a + i] = (uint32_t)i;
    blk->x[a + i] = blk->y[a + i] = blk->z[a + i] = NAN;
  }
  blk->nslots = j + 1;
  blk->off[j + 1] = a + n;
  blk->n = a + n;
}

void op_fill_unit(tc_grid_block *blk) {
  for (size_t i = 0; i < blk->n; i++)
    tc_unit_vec(blk->lat[i], blk->lon[i], &blk->x[i], &blk->y[i], &blk->z[i]);
}

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

uint64_t *op_sorted_keys(const tc_pairbuf *b, size_t *n) {
  uint64_t *k = malloc((b->n ? b->n : 1) * sizeof *k);
  if (!k)
    abort();
  for (size_t i = 0; i < b->n; i++)
    k[i] = (uint64_t)b->p[i] << 32 | b->q[i];
  qsort(k, b->n, sizeof *k, cmp_u64);
  *n = b->n;
  return k;
}

static size_t slot_of(const tc_grid_block *blk, size_t i) {
  size_t lo = 0, hi = blk->nslots;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (blk->off[mid] <= i)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static double chord2(const tc_grid_block *blk, size_t a, size_t b) {
  double xa, ya, za, xb, yb, zb;
  tc_unit_vec(blk->lat[a], blk->lon[a], &xa, &ya, &za);
  tc_unit_vec(blk->lat[b], blk->lon[b], &xb, &yb, &zb);
  return (xa - xb) * (xa - xb) + (ya - yb) * (ya - yb) + (za - zb) * (za - zb);
}

const char *op_check(const tc_grid_block *blk, const tc_pairbuf *cand, double dist_m, int single,
                     size_t *close) {
  static char msg[256];
  size_t m = 0;
  uint64_t *k = op_sorted_keys(cand, &m);
  double lim = tc_screen_chord2(dist_m, single) * (1 + (single ? 1e-5 : 1e-12));
  const char *bad = NULL;
  *close = 0;
  for (size_t i = 0; i < m && !bad; i++) {
    size_t p = (size_t)(k[i] >> 32), q = (size_t)(k[i] & 0xFFFFFFFFu);
    if (p >= q || q >= blk->n)
      snprintf(msg, sizeof msg, "pair %zu: (%zu, %zu) not p < q < n = %zu", i, p, q, blk->n), bad = msg;
    else if (slot_of(blk, p) != slot_of(blk, q))
      snprintf(msg, sizeof msg, "pair (%zu, %zu) spans two grid times", p, q), bad = msg;
    else if (i && k[i] == k[i - 1])
      snprintf(msg, sizeof msg, "pair (%zu, %zu) repeated", p, q), bad = msg;
    else if (chord2(blk, p, q) > lim)
      snprintf(msg, sizeof msg, "pair (%zu, %zu) chord^2 %.9g beyond the screen %.9g", p, q,
               chord2(blk, p, q), lim), bad = msg;
  }
  for (size_t j = 0; j < blk->nslots && !bad; j++)
    for (size_t a = blk->off[j]; a < blk->off[j + 1] && !bad; a++)
      for (size_t b = a + 1; b < blk->off[j + 1] && !bad; b++) {
        /* a latitude difference alone is a lower bound of the distance */
        if (fabs(blk->lat[a] - blk->lat[b]) * TC_DEG2RAD * TC_EARTH_R_M > dist_m * 1.001)
          continue;
        if (tc_haversine_m(blk->lat[a], blk->lon[a], blk->lat[b], blk->lon[b]) > dist_m)
          continue;
        ++*close;
        uint64_t key = (uint64_t)a << 32 | b;
        if (!bsearch(&key, k, m, sizeof *k, cmp_u64))
          snprintf(msg, sizeof msg, "close pair (%zu, %zu) at %.3f m missing", a, b,
                   tc_haversine_m(blk->lat[a], blk->lon[a], blk->lat[b], blk->lon[b])), bad = msg;
      }
  free(k);
  return bad;
}
