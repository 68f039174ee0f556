/* The "openmp" backend's candidate screen against brute force on a synthetic block
 * (dense clusters, the antimeridian, both poles, one shared cell, tiny and empty grid
 * times): the same set as every pair within the chord screen, pairs grouped grid time
 * by grid time in slot order, p < q, and the very same list at 1, 2 and 4 threads;
 * every close pair of the "allpairs" oracle is among them. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "kernels/geo.h"

typedef struct {
  double lat, lon;
} ll;

static uint64_t rng_state;

static double uniform(void) { /* xorshift64*, fixed seed: the block is the same each run */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* A point within about r_m metres of (lat, lon), longitude wrapped into [-180, 180). */
static ll near_point(double lat, double lon, double r_m) {
  double dlat = (uniform() * 2 - 1) * r_m / 111195.0;
  double c = cos(lat * TC_PI / 180);
  double dlon = (uniform() * 2 - 1) * r_m / (111195.0 * (c > 1e-3 ? c : 1e-3));
  ll p = {lat + dlat, lon + dlon};
  if (p.lat > 90)
    p.lat = 180 - p.lat;
  if (p.lat < -90)
    p.lat = -180 - p.lat;
  p.lon = tc_norm_lon(p.lon);
  return p;
}

static ll anywhere(void) {
  ll p = {asin(uniform() * 2 - 1) * 180 / TC_PI, uniform() * 360 - 180};
  return p;
}

/* The grid times of the block: each a list of generators. */
enum { EMPTY, ONE, SMALL, MIXED, SAME_CELL, GLOBAL, NSLOTS };

static size_t fill_slot(int kind, ll *out) {
  size_t n = 0;
  switch (kind) {
  case EMPTY:
    break;
  case ONE:
    out[n++] = (ll){10, 20};
    break;
  case SMALL: /* below the all-pairs threshold */
    for (int i = 0; i < 30; i++)
      out[n++] = near_point(51.9, 4.1, 2000);
    break;
  case MIXED:
    for (int i = 0; i < 400; i++) /* a port near the equator: long columns along z */
      out[n++] = near_point(1.26, 103.8, 3000);
    for (int i = 0; i < 300; i++) /* across the antimeridian */
      out[n++] = near_point(-16.5, 179.998, 1500);
    for (int i = 0; i < 200; i++) /* at the north pole */
      out[n++] = near_point(89.998, uniform() * 360 - 180, 100);
    for (int i = 0; i < 100; i++) /* at the south pole */
      out[n++] = near_point(-89.999, uniform() * 360 - 180, 100);
    for (int i = 0; i < 200; i++) /* a convoy in line */
      out[n++] = near_point(36.0 + i * 0.002, -5.5, 50);
    for (int i = 0; i < 800; i++)
      out[n++] = anywhere();
    break;
  case SAME_CELL: /* all in one cell, some exactly on top of each other */
    for (int i = 0; i < 300; i++)
      out[n++] = i % 3 ? near_point(60, 5, 5) : (ll){60, 5};
    break;
  case GLOBAL:
    for (int i = 0; i < 2500; i++)
      out[n++] = i % 5 ? anywhere() : near_point(35, 139.7, 20000);
    break;
  }
  return n;
}

static void make_block(tc_grid_block *blk) {
  ll *pts = malloc(4000 * sizeof *pts);
  cr_assert_not_null(pts);
  memset(blk, 0, sizeof *blk);
  rng_state = 0x9E3779B97F4A7C15ull;
  size_t total = 0, n[NSLOTS];
  ll *all[NSLOTS];
  for (int k = 0; k < NSLOTS; k++) {
    n[k] = fill_slot(k, pts);
    all[k] = malloc((n[k] + 1) * sizeof *pts);
    cr_assert_not_null(all[k]);
    memcpy(all[k], pts, n[k] * sizeof *pts);
    total += n[k];
  }
  cr_assert_eq(tc_grid_block_reserve(blk, NSLOTS, total), TC_OK);
  blk->s0 = 0;
  blk->slot = 600;
  blk->nslots = NSLOTS;
  size_t m = 0;
  for (int k = 0; k < NSLOTS; k++) {
    blk->off[k] = m;
    for (size_t i = 0; i < n[k]; i++, m++) {
      blk->vid[m] = (uint32_t)i;
      blk->lat[m] = all[k][i].lat;
      blk->lon[m] = all[k][i].lon;
      tc_unit_vec_fast(blk->lat[m], blk->lon[m], &blk->x[m], &blk->y[m], &blk->z[m]);
    }
    free(all[k]);
  }
  blk->off[NSLOTS] = m;
  blk->n = m;
  free(pts);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static uint64_t *sorted_keys(const tc_pairbuf *b) {
  uint64_t *k = malloc((b->n + 1) * sizeof *k);
  cr_assert_not_null(k);
  for (size_t i = 0; i < b->n; i++)
    k[i] = (uint64_t)b->p[i] << 32 | b->q[i];
  qsort(k, b->n, sizeof *k, cmp_u64);
  return k;
}

/* Every pair of one grid time within the chord screen, as sorted keys. */
static uint64_t *brute_force(const tc_grid_block *blk, double dist_m, size_t *n) {
  double thr2 = tc_screen_chord2(dist_m, 0);
  size_t cap = 1024, m = 0;
  uint64_t *k = malloc(cap * sizeof *k);
  cr_assert_not_null(k);
  for (size_t j = 0; j < blk->nslots; j++)
    for (size_t a = blk->off[j]; a < blk->off[j + 1]; a++)
      for (size_t b = a + 1; b < blk->off[j + 1]; b++) {
        double dx = blk->x[a] - blk->x[b], dy = blk->y[a] - blk->y[b], dz = blk->z[a] - blk->z[b];
        if (dx * dx + dy * dy + dz * dz > thr2)
          continue;
        if (m == cap) {
          k = realloc(k, (cap *= 2) * sizeof *k);
          cr_assert_not_null(k);
        }
        k[m++] = (uint64_t)a << 32 | b;
      }
  *n = m;
  return k; /* generated in (p, q) order */
}

static void run(const char *name, double dist_m, int threads, const tc_grid_block *blk, tc_pairbuf *out,
                int twice) {
  const tc_backend_ops *ops = tc_backend_find(name);
  cr_assert_not_null(ops, "backend %s is not registered", name);
  tc_backend_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.dist_m = dist_m;
  cfg.threads = threads;
  cfg.platform = cfg.device = -1;
  void *st = NULL;
  tc_err err = {0};
  cr_assert_eq(ops->create(&cfg, &st, &err), TC_OK, "%s: %s", name, err.msg);
  for (int r = 0; r <= twice; r++) { /* a second call reuses the buffers */
    tc_backend_stats stats;
    memset(&stats, 0, sizeof stats);
    cr_assert_eq(ops->candidates(st, blk, out, &stats, &err), TC_OK, "%s: %s", name, err.msg);
    cr_assert_eq(stats.candidates, out->n, "%s: %llu candidates counted, %zu listed", name,
                 (unsigned long long)stats.candidates, out->n);
  }
  ops->destroy(st);
}

/* Grid time of position p. */
static size_t slot_of(const tc_grid_block *blk, uint32_t p) {
  size_t j = 0;
  while (blk->off[j + 1] <= p)
    j++;
  return j;
}

static void check_dist(double dist_m) {
  tc_grid_block blk;
  make_block(&blk);
  size_t nref;
  uint64_t *ref = brute_force(&blk, dist_m, &nref);
  cr_assert_gt(nref, 100, "dist %g m: the block should have close pairs (%zu)", dist_m, nref);
  tc_pairbuf first = {0};
  const int threads[3] = {1, 2, 4};
  for (int t = 0; t < 3; t++) {
    tc_pairbuf out = {0};
    run("openmp", dist_m, threads[t], &blk, &out, t == 1);
    size_t prev = 0;
    for (size_t i = 0; i < out.n; i++) {
      size_t sp = slot_of(&blk, out.p[i]);
      cr_assert_lt(out.p[i], out.q[i], "dist %g m, %d threads: pair %zu not p < q", dist_m, threads[t], i);
      cr_assert_lt(out.q[i], blk.off[sp + 1], "dist %g m, %d threads: pair %zu spans grid times", dist_m,
                   threads[t], i);
      cr_assert_geq(sp, prev, "dist %g m, %d threads: pair %zu of grid time %zu after grid time %zu", dist_m,
                    threads[t], i, sp, prev);
      prev = sp;
    }
    uint64_t *got = sorted_keys(&out);
    cr_assert_eq(out.n, nref, "dist %g m, %d threads: %zu candidates, brute force %zu", dist_m, threads[t],
                 out.n, nref);
    cr_assert(memcmp(got, ref, nref * sizeof *ref) == 0, "dist %g m, %d threads: not the brute-force set",
              dist_m, threads[t]);
    free(got);
    if (t == 0) {
      first = out;
      continue;
    }
    cr_assert(memcmp(out.p, first.p, out.n * sizeof *out.p) == 0 &&
                  memcmp(out.q, first.q, out.n * sizeof *out.q) == 0,
              "dist %g m: %d threads list differs from 1 thread", dist_m, threads[t]);
    tc_pairbuf_free(&out);
  }
  /* Every exact close pair (the oracle's) is a candidate. */
  tc_pairbuf exact = {0};
  run("allpairs", dist_m, 1, &blk, &exact, 0);
  uint64_t *ek = sorted_keys(&exact);
  size_t r = 0;
  for (size_t i = 0; i < exact.n; i++) {
    while (r < nref && ref[r] < ek[i])
      r++;
    cr_assert(r < nref && ref[r] == ek[i], "dist %g m: close pair (%u, %u) is not a candidate", dist_m,
              (unsigned)(ek[i] >> 32), (unsigned)ek[i]);
  }
  cr_assert_gt(exact.n, 0);
  free(ek);
  tc_pairbuf_free(&exact);
  tc_pairbuf_free(&first);
  free(ref);
  tc_grid_block_free(&blk);
}

Test(cells_order, dist_500m) { check_dist(500.0); }
Test(cells_order, dist_10m_smallest_cells) { check_dist(10.0); }
Test(cells_order, dist_20km_crowded_cells) { check_dist(20000.0); }
