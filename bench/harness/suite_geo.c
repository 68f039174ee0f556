/* Micro-benchmarks of the math every backend shares (kernels/geo.h): what one
 * distance test, one chord screen and one interpolation cost on this CPU. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness/suites.h"
#include "kernels/geo.h"

typedef struct {
  size_t n;
  double *lat_a, *lon_a, *lat_b, *lon_b, *d, *x;
  size_t screened, exact;
} geo_data;

static double rnd(uint64_t *s) { /* splitmix64: reproducible inputs */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static tc_status run_haversine(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  geo_data *g = p;
  for (size_t i = 0; i < g->n; i++)
    g->d[i] = tc_haversine_m(g->lat_a[i], g->lon_a[i], g->lat_b[i], g->lon_b[i]);
  w->items = g->n;
  return TC_OK;
}

/* Haversine against the chord formula 2R asin(c/2): two exact forms of one distance. */
static tc_status check_haversine(void *p, tc_err *err) {
  geo_data *g = p;
  for (size_t i = 0; i < g->n; i++) {
    double xa, ya, za, xb, yb, zb;
    tc_unit_vec(g->lat_a[i], g->lon_a[i], &xa, &ya, &za);
    tc_unit_vec(g->lat_b[i], g->lon_b[i], &xb, &yb, &zb);
    double c = sqrt((xa - xb) * (xa - xb) + (ya - yb) * (ya - yb) + (za - zb) * (za - zb));
    double ref = 2.0 * TC_EARTH_R_M * asin(c / 2.0);
    if (fabs(ref - g->d[i]) > 1e-6 * fmax(1.0, ref))
      return tc_fail(err, TC_ERR_INTERNAL, "haversine %.9f m vs chord %.9f m at pair %zu", g->d[i], ref, i);
  }
  return TC_OK;
}

static tc_status run_screen(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  geo_data *g = p;
  double c2 = tc_screen_chord2(500.0, 0);
  size_t hit = 0;
  for (size_t i = 0; i < g->n; i++) {
    double xa, ya, za, xb, yb, zb;
    tc_unit_vec(g->lat_a[i], g->lon_a[i], &xa, &ya, &za);
    tc_unit_vec(g->lat_b[i], g->lon_b[i], &xb, &yb, &zb);
    double dx = xa - xb, dy = ya - yb, dz = za - zb;
    hit += dx * dx + dy * dy + dz * dz <= c2;
  }
  g->screened = hit;
  w->items = g->n;
  return TC_OK;
}

/* The screen must keep every pair within 500 m and let through almost nothing else. */
static tc_status check_screen(void *p, tc_err *err) {
  geo_data *g = p;
  size_t exact = 0;
  for (size_t i = 0; i < g->n; i++)
    exact += tc_haversine_m(g->lat_a[i], g->lon_a[i], g->lat_b[i], g->lon_b[i]) <= 500.0;
  if (g->screened < exact || g->screened > exact + g->n / 10000 + 1)
    return tc_fail(err, TC_ERR_INTERNAL, "chord screen kept %zu pairs, exact test %zu", g->screened, exact);
  return TC_OK;
}

static tc_status run_interp(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  geo_data *g = p;
  for (size_t i = 0; i < g->n; i++)
    tc_interp(g->lat_a[i], g->lon_a[i], g->lat_b[i], g->lon_b[i], 0.25, &g->x[i], &g->d[i]);
  w->items = g->n;
  return TC_OK;
}

/* Longitudes stay in [-180, 180) and latitudes between the endpoints. */
static tc_status check_interp(void *p, tc_err *err) {
  geo_data *g = p;
  for (size_t i = 0; i < g->n; i++) {
    double lo = fmin(g->lat_a[i], g->lat_b[i]), hi = fmax(g->lat_a[i], g->lat_b[i]);
    if (!(g->d[i] >= -180.0 && g->d[i] < 180.0) || g->x[i] < lo - 1e-12 || g->x[i] > hi + 1e-12)
      return tc_fail(err, TC_ERR_INTERNAL, "interpolation %zu out of range: %.9f, %.9f", i, g->x[i], g->d[i]);
  }
  return TC_OK;
}

tc_status tc_bench_suite_geo(tc_bench_ctx *c, tc_err *err) {
  geo_data g;
  memset(&g, 0, sizeof g);
  tc_status st = TC_OK;
  g.n = c->quick ? (size_t)1 << 18 : (size_t)1 << 22;
  double **arrays[] = {&g.lat_a, &g.lon_a, &g.lat_b, &g.lon_b, &g.d, &g.x};
  for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
    if (!(*arrays[k] = malloc(g.n * sizeof(double)))) {
      st = tc_fail(err, TC_ERR_NOMEM, "geo suite: out of memory for %zu points", g.n);
      goto cleanup;
    }
  /* Pairs a few hundred metres to a few km apart, anywhere (antimeridian included). */
  uint64_t seed = 42;
  for (size_t i = 0; i < g.n; i++) {
    g.lat_a[i] = rnd(&seed) * 170.0 - 85.0;
    g.lon_a[i] = rnd(&seed) * 360.0 - 180.0;
    g.lat_b[i] = g.lat_a[i] + (rnd(&seed) - 0.5) * 0.02;
    g.lon_b[i] = tc_norm_lon(g.lon_a[i] + (rnd(&seed) - 0.5) * 0.02);
  }
  struct {
    const char *name;
    tc_bench_run_fn run;
    tc_bench_check_fn check;
  } cases[] = {{"haversine", run_haversine, check_haversine},
               {"chord screen (unit vectors + compare)", run_screen, check_screen},
               {"interpolation", run_interp, check_interp}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    tc_bench_progress(c, "geo: %s", cases[k].name);
    tc_bench_record *r = tc_bench_new(c, "geo", cases[k].name);
    if (!r) {
      st = tc_fail(err, TC_ERR_NOMEM, "geo suite: out of memory for records");
      goto cleanup;
    }
    tc_bench_rec_num(r, "calls", (double)g.n);
    tc_bench_spec fn = {.run = cases[k].run, .check = cases[k].check, .payload = &g};
    tc_bench_result res;
    tc_bench_ctx_measure(c, &fn, r, &res);
    if (res.reps > 0) {
      tc_bench_rec_metric(r, "ns_per_call", res.median_s / (double)g.n * 1e9, "ns");
      tc_bench_rec_metric(r, "calls_per_s", (double)g.n / res.median_s, "calls/s");
    }
    tc_bench_done(c, r);
  }
cleanup:
  for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
    free(*arrays[k]);
  return st;
}
