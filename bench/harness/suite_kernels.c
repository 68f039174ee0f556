/* The kernels suite, after clpeak: raw throughput of the pair search (cell scan and
 * all pairs) and of the grid-position stage, on synthetic positions, for every built
 * backend, every OpenCL device and both precisions. Density stays realistic whatever
 * N: 2000 vessels per 50 km x 50 km area, a tenth of them in a 3 km port at its
 * centre, so more positions means more areas, not a denser sea. Each candidate set
 * is checked against a brute-force haversine search (every position up to 20k, a
 * sample of positions above). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness/suites.h"
#include "host/engine/grid.h"
#include "kernels/geo.h"
#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_device.h"
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#define KN_DIST_M 500.0
#define KN_SLOT 600
#define KN_S0 1700000400            /* a multiple of KN_SLOT */
#define KN_GROUP 2000               /* positions per area */
#define KN_AREA_KM 50.0
#define KN_PORT_KM 3.0
#define KN_BLOCK 16                 /* grid times of the block layout */
#define KN_GRID_TIMES 4             /* grid times of the grid-stage block */
#define KN_CHECK_ALL 20000          /* check every position up to this many */
#define KN_SAMPLE 2000              /* ... and about this many above */
#define KN_MAX_TARGETS 32
#define KM_PER_DEG 111.195

static const size_t sizes[] = {1000, 10000, 100000, 1000000};

static uint64_t mix(uint64_t *s) { /* splitmix64: reproducible inputs */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static double unif(uint64_t *s) { return (double)(mix(s) >> 11) / 9007199254740992.0; }

/* A point of area a: areas sit on a 1-degree lattice (distinct for a < 1800, so
 * never overlapping); area 0 straddles the antimeridian. port: in the 3 km core. */
static void area_point(size_t a, int port, uint64_t *seed, double *lat, double *lon) {
  double clat = -50.0 + (double)((a * 7) % 100), clon = -179.9 + (double)((a * 13) % 360);
  double w = port ? KN_PORT_KM : KN_AREA_KM;
  *lat = clat + (unif(seed) - 0.5) * w / KM_PER_DEG;
  *lon = tc_norm_lon(clon + (unif(seed) - 0.5) * w / (KM_PER_DEG * cos(clat * TC_DEG2RAD)));
}

/* ---- positions for the pair search ------------------------------------------ */

typedef struct {
  tc_grid_block blk;
  uint32_t *slot_of;  /* grid time of each position */
  uint32_t *by_lat;   /* within each grid time, position indices by latitude */
  double *lat_sorted; /* lat[by_lat[k]] */
} kn_data;

typedef struct {
  double lat;
  uint32_t i;
} lat_idx;

static int cmp_lat(const void *a, const void *b) {
  const lat_idx *x = a, *y = b;
  return x->lat < y->lat ? -1 : x->lat > y->lat ? 1 : (x->i > y->i) - (x->i < y->i);
}

static void data_free(kn_data *d) {
  tc_grid_block_free(&d->blk);
  free(d->slot_of);
  free(d->by_lat);
  free(d->lat_sorted);
  memset(d, 0, sizeof *d);
}

/* nslots grid times of m positions each, in a random (mmsi-like) order. */
static tc_status data_make(kn_data *d, size_t nslots, size_t m, tc_err *err) {
  size_t n = nslots * m;
  tc_grid_block *b = &d->blk;
  lat_idx *li = malloc(n * sizeof *li);
  d->slot_of = malloc(n * sizeof *d->slot_of);
  d->by_lat = malloc(n * sizeof *d->by_lat);
  d->lat_sorted = malloc(n * sizeof *d->lat_sorted);
  if (!li || !d->slot_of || !d->by_lat || !d->lat_sorted ||
      tc_grid_block_reserve(b, nslots, n) != TC_OK) {
    free(li);
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory for %zu positions", n);
  }
  b->s0 = KN_S0;
  b->slot = KN_SLOT;
  b->nslots = nslots;
  b->n = n;
  for (size_t j = 0; j < nslots; j++) {
    size_t base = j * m;
    uint64_t seed = 0x6b65726e656c73ULL + 1000003ULL * j + m;
    b->off[j] = base;
    for (size_t k = 0; k < m; k++) {
      size_t a = k / KN_GROUP, in_area = m - a * KN_GROUP < KN_GROUP ? m - a * KN_GROUP : KN_GROUP;
      area_point(a, k % KN_GROUP < in_area / 10, &seed, &b->lat[base + k], &b->lon[base + k]);
    }
    for (size_t k = m; k > 1; k--) { /* Fisher-Yates: neighbours in space are not in memory */
      size_t r = base + (size_t)(mix(&seed) % k), l = base + k - 1;
      double la = b->lat[l], lo = b->lon[l];
      b->lat[l] = b->lat[r], b->lon[l] = b->lon[r];
      b->lat[r] = la, b->lon[r] = lo;
    }
    for (size_t k = 0; k < m; k++) {
      size_t i = base + k;
      b->vid[i] = (uint32_t)k;
      d->slot_of[i] = (uint32_t)j;
      tc_unit_vec(b->lat[i], b->lon[i], &b->x[i], &b->y[i], &b->z[i]);
      li[i].lat = b->lat[i];
      li[i].i = (uint32_t)i;
    }
    qsort(li + base, m, sizeof *li, cmp_lat);
  }
  b->off[nslots] = n;
  for (size_t i = 0; i < n; i++) {
    d->by_lat[i] = li[i].i;
    d->lat_sorted[i] = li[i].lat;
  }
  free(li);
  return TC_OK;
}

/* ---- candidates: timed run and brute-force check ----------------------------- */

typedef struct {
  const tc_backend_ops *ops;
  void *state;
  const kn_data *d;
  tc_pairbuf out;
  tc_backend_stats st;
  uint64_t *keys;
  size_t kcap;
  size_t sampled, close; /* check: positions searched by brute force, close pairs found */
} cand_payload;

static tc_status run_cand(void *vp, tc_bench_work *w, tc_err *err) {
  cand_payload *p = vp;
  memset(&p->st, 0, sizeof p->st);
  p->out.n = 0;
  TC_TRY(p->ops->candidates(p->state, &p->d->blk, &p->out, &p->st, err));
  w->items = p->st.tests;
  return TC_OK;
}

static int cmp_key(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Every candidate is two positions of one grid time, in order, once, and not far
 * beyond dist (the screen's margin is small); every pair that a brute-force
 * haversine search around the sampled positions finds within dist is a candidate.
 * The search only looks inside a latitude band of +-dist, which loses nothing: the
 * great-circle distance is at least R * |dlat|. */
static tc_status check_cand(void *vp, tc_err *err) {
  cand_payload *p = vp;
  const kn_data *d = p->d;
  const tc_grid_block *b = &d->blk;
  size_t m = p->out.n;
  if (m > p->kcap) {
    uint64_t *k = realloc(p->keys, m * sizeof *k);
    if (!k)
      return tc_fail(err, TC_ERR_NOMEM, "check: out of memory for %zu candidates", m);
    p->keys = k;
    p->kcap = m;
  }
  for (size_t k = 0; k < m; k++) {
    uint32_t a = p->out.p[k], c = p->out.q[k];
    if (a >= c || c >= b->n || d->slot_of[a] != d->slot_of[c])
      return tc_fail(err, TC_ERR_INTERNAL,
                     "candidate %zu (%u, %u): not two positions of one grid time in order", k, a, c);
    double dm = tc_haversine_m(b->lat[a], b->lon[a], b->lat[c], b->lon[c]);
    if (dm > 1.1 * KN_DIST_M + 10.0)
      return tc_fail(err, TC_ERR_INTERNAL, "candidate (%u, %u) is %.1f m apart: far beyond dist %g m",
                     a, c, dm, KN_DIST_M);
    p->keys[k] = (uint64_t)a << 32 | c;
  }
  qsort(p->keys, m, sizeof *p->keys, cmp_key);
  for (size_t k = 1; k < m; k++)
    if (p->keys[k] == p->keys[k - 1])
      return tc_fail(err, TC_ERR_INTERNAL, "candidate (%u, %u) emitted twice",
                     (unsigned)(p->keys[k] >> 32), (unsigned)(p->keys[k] & 0xFFFFFFFFu));
  size_t stride = b->n <= KN_CHECK_ALL ? 1 : b->n / KN_SAMPLE;
  double band = KN_DIST_M / TC_EARTH_R_M / TC_DEG2RAD * (1.0 + 1e-6) + 1e-9;
  p->sampled = p->close = 0;
  for (size_t i = 0; i < b->n; i += stride, p->sampled++) {
    size_t j = d->slot_of[i], lo = b->off[j], hi = b->off[j + 1];
    while (lo < hi) { /* first in the band */
      size_t mid = lo + (hi - lo) / 2;
      if (d->lat_sorted[mid] < b->lat[i] - band)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t k = lo; k < b->off[j + 1] && d->lat_sorted[k] <= b->lat[i] + band; k++) {
      size_t q = d->by_lat[k];
      if (q == i || tc_haversine_m(b->lat[i], b->lon[i], b->lat[q], b->lon[q]) > KN_DIST_M)
        continue;
      p->close++;
      uint64_t key = i < q ? (uint64_t)i << 32 | q : (uint64_t)q << 32 | i;
      if (!bsearch(&key, p->keys, m, sizeof key, cmp_key))
        return tc_fail(err, TC_ERR_INTERNAL, "positions %zu and %zu of grid time %zu are within "
                       "dist %g m but not among the %zu candidates", i, q, j, KN_DIST_M, m);
    }
  }
  return TC_OK;
}

/* ---- what is measured: backends x devices x precisions ----------------------- */

typedef struct {
  const char *path;    /* "cell scan" / "all pairs" */
  const char *backend;
  size_t max_n;        /* 0 = no limit */
  int quadratic;       /* time ~ N^2: estimated and skipped past the cap */
  int threads;         /* 0 = all */
  int opencl;
  int slot_cells;      /* TRAJCORR_CL_SLOT_CELLS for create: 0 the chain, 1 by grid time,
                          -1 left as it is */
} kn_backend;

static const kn_backend kbackends[] = {
    {"cell scan", "openmp", 0, 0, 0, 0, -1},
    {"cell scan", "openmp", 0, 0, 1, 0, -1}, /* a 2-thread run waits for a core that others share */
    {"cell scan", "opencl", 0, 0, 0, 1, 0},  /* keys, sort, tc_neigh: a GPU's */
    {"cell scan by grid time", "opencl", 0, 0, 0, 1, 1}, /* tc_slot_cells: a CPU device's */
    {"all pairs", "opencl-allpairs", 0, 1, 0, 1, -1},
    {"all pairs", "allpairs", 10000, 1, 1, 0, -1}, /* haversine per pair, one thread: slow */
};

/* ops->create with the cell search kb asks for (the backend reads the knob when created);
 * the caller's own setting is put back. */
static tc_status kn_create(const kn_backend *kb, const tc_backend_ops *ops, const tc_backend_config *cfg,
                           void **state, tc_err *err) {
  if (kb->slot_cells < 0)
    return ops->create(cfg, state, err);
  const char *was = getenv("TRAJCORR_CL_SLOT_CELLS");
  char keep[32] = "";
  if (was)
    snprintf(keep, sizeof keep, "%s", was);
  setenv("TRAJCORR_CL_SLOT_CELLS", kb->slot_cells ? "1" : "0", 1);
  tc_status st = ops->create(cfg, state, err);
  if (was)
    setenv("TRAJCORR_CL_SLOT_CELLS", keep, 1);
  else
    unsetenv("TRAJCORR_CL_SLOT_CELLS");
  return st;
}

typedef struct {
  const kn_backend *kb;
  const tc_backend_ops *ops;
  tc_backend_config cfg;
  char device[96];
  char precision[32];
  double last_s[2], last_work[2]; /* per layout: previous N's median and its work */
} kn_target;

static tc_status note_record(tc_bench_ctx *c, const char *name, const char *device, int fail,
                             const char *msg, tc_err *err) {
  tc_bench_record *r = tc_bench_new(c, "kernels", name);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory");
  if (device)
    tc_bench_rec_str(r, "device", device);
  if (fail)
    tc_bench_rec_fail(r, "%s", msg);
  else
    tc_bench_rec_note(r, "%s", msg);
  tc_bench_done(c, r);
  return TC_OK;
}

/* Double and single precision, each kept when the backend reports it differently
 * (the CPU cell scan is double only; a device without fp64 is single only). */
static tc_status add_target(tc_bench_ctx *c, kn_target *ts, size_t *nt, const kn_backend *kb,
                            const tc_backend_ops *ops, const tc_backend_config *base,
                            const char *device, tc_err *err) {
  char first[32] = "";
  for (int sp = 0; sp < 2 && *nt < KN_MAX_TARGETS; sp++) {
    kn_target *t = &ts[*nt];
    *t = (kn_target){.kb = kb, .ops = ops, .cfg = *base};
    t->cfg.single_precision = sp;
    tc_bench_strcpy(t->device, sizeof t->device, device);
    void *state = NULL;
    tc_err e = {0};
    if (kn_create(kb, ops, &t->cfg, &state, &e) != TC_OK) {
      char name[80];
      snprintf(name, sizeof name, "%s %s: create", kb->path, kb->backend);
      TC_TRY(note_record(c, name, device, 1, e.msg, err));
      continue;
    }
    tc_bench_strcpy(t->precision, sizeof t->precision, ops->precision(state));
    ops->destroy(state);
    if (strcmp(t->precision, first) != 0)
      tc_bench_strcpy(first, sizeof first, ts[(*nt)++].precision);
  }
  return TC_OK;
}

static const char *cpu_label(int threads, char *buf, size_t cap) {
#ifdef _OPENMP
  if (threads <= 0)
    threads = omp_get_max_threads();
#else
  threads = 1;
#endif
  snprintf(buf, cap, "host CPU, %d thread%s", threads, threads > 1 ? "s" : "");
  return buf;
}

static tc_status find_targets(tc_bench_ctx *c, kn_target *ts, size_t *nt, tc_err *err) {
  for (size_t k = 0; k < sizeof kbackends / sizeof kbackends[0]; k++) {
    const kn_backend *kb = &kbackends[k];
    const tc_backend_ops *ops = tc_backend_find(kb->backend);
    if (!ops)
      continue; /* not built */
    tc_backend_config cfg = {.dist_m = KN_DIST_M, .threads = kb->threads, .platform = -1, .device = -1};
    char dev[96];
    if (!kb->opencl) {
      TC_TRY(add_target(c, ts, nt, kb, ops, &cfg, cpu_label(kb->threads, dev, sizeof dev), err));
      continue;
    }
#ifdef TRAJCORR_HAVE_OPENCL
    tc_cl_device_info *list = NULL;
    size_t nd = 0;
    tc_err e = {0};
    if (tc_cl_devices_list(&list, &nd, &e) != TC_OK) {
      TC_TRY(note_record(c, kb->backend, NULL, 0, "skipped: no OpenCL device", err));
      continue;
    }
    tc_status st = TC_OK;
    for (size_t i = 0; i < nd && st == TC_OK; i++) {
      if (!list[i].available)
        continue;
      cfg.platform = list[i].platform;
      cfg.device = list[i].device;
      snprintf(dev, sizeof dev, "%.70s (OpenCL %d:%d)", list[i].name, list[i].platform,
               list[i].device);
      st = add_target(c, ts, nt, kb, ops, &cfg, dev, err);
    }
    free(list);
    TC_TRY(st);
#endif
  }
  return TC_OK;
}

static tc_status measure_cand(tc_bench_ctx *c, kn_target *t, const kn_data *d, int layout,
                              size_t nominal, tc_err *err) {
  const tc_grid_block *b = &d->blk;
  double pairs_all = 0; /* what all pairs tests */
  for (size_t j = 0; j < b->nslots; j++) {
    double m = (double)(b->off[j + 1] - b->off[j]);
    pairs_all += m * (m - 1) / 2;
  }
  char name[80];
  snprintf(name, sizeof name, "%s, %s", t->kb->path, layout ? "16 grid times" : "1 grid time");
  tc_bench_record *r = tc_bench_new(c, "kernels", name);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory");
  tc_bench_rec_str(r, "backend", t->kb->backend);
  tc_bench_rec_str(r, "device", t->device);
  tc_bench_rec_str(r, "precision", t->precision);
  tc_bench_rec_num(r, "n", (double)nominal);
  tc_bench_rec_num(r, "grid_times", (double)b->nslots);
  tc_bench_rec_num(r, "dist_m", KN_DIST_M);
  /* Expected time from the previous N: linear in positions for the cell scan, in
   * pairs for all pairs. */
  double work = t->kb->quadratic ? pairs_all : (double)b->n, est = 0;
  if (t->last_s[layout] > 0)
    est = t->last_s[layout] * work / t->last_work[layout];
  double cap = c->quick ? 5.0 : 20.0;
  if ((t->kb->max_n && nominal > t->kb->max_n) || (t->kb->quadratic && est > cap)) {
    if (t->kb->max_n && nominal > t->kb->max_n)
      tc_bench_rec_note(r, "skipped: this backend runs only up to %zu positions", t->kb->max_n);
    else
      tc_bench_rec_note(r, "skipped: %.3g tests would take about %.0f s (limit %.0f s)", pairs_all,
                        est, cap);
    tc_bench_done(c, r);
    return TC_OK;
  }
  tc_bench_progress(c, "kernels: %s %s %s N=%zu x%zu on %s", t->kb->path, t->kb->backend,
                    t->precision, nominal, b->nslots, t->device);
  cand_payload p = {.ops = t->ops, .d = d};
  tc_err e = {0};
  tc_status ms = kn_create(t->kb, t->ops, &t->cfg, &p.state, &e);
  tc_bench_result res = {0};
  if (ms == TC_OK) {
    tc_bench_spec s;
    tc_bench_ctx_spec(c, &s);
    s.run = run_cand;
    s.check = check_cand;
    s.payload = &p;
    if (est > s.budget_s) { /* one run exceeds the budget: fewer, no warm-up */
      s.warmup = 0;
      s.min_reps = c->quick ? 1 : 2;
    }
    ms = tc_bench_measure(&s, &res, &e);
  }
  if (res.reps > 0) {
    double med = res.median_s;
    tc_bench_rec_timing(r, &res);
    tc_bench_rec_metric(r, "tests_per_s", (double)p.st.tests / med, "tests/s");
    tc_bench_rec_metric(r, "pairs_per_s", (double)p.st.candidates / med, "pairs/s");
    tc_bench_rec_metric(r, "positions_per_s", (double)b->n / med, "positions/s");
    tc_bench_rec_metric(r, "positions", (double)b->n, "");
    tc_bench_rec_metric(r, "tests", (double)p.st.tests, "");
    tc_bench_rec_metric(r, "tests_per_position", (double)p.st.tests / (double)b->n, "");
    tc_bench_rec_metric(r, "candidates", (double)p.st.candidates, "");
    tc_bench_rec_metric(r, "cpu_per_wall", res.cpu_s / med, "");
    tc_bench_rec_metric(r, "checked_positions", (double)p.sampled, "");
    tc_bench_rec_metric(r, "checked_close_pairs", (double)p.close, "");
    t->last_s[layout] = med;
    t->last_work[layout] = work;
  }
  if (ms != TC_OK)
    tc_bench_rec_fail(r, "%s", e.msg);
  tc_bench_done(c, r);
  if (p.state)
    t->ops->destroy(p.state);
  tc_pairbuf_free(&p.out);
  free(p.keys);
  return TC_OK;
}

/* ---- grid-position stage ---------------------------------------------------- */

typedef struct {
  tc_track_window w;
  uint32_t *mmsi; /* the window's arrays */
  size_t *off;
  int64_t *t;
  double *lat, *lon;
  tc_grid_cpu *g;                /* the engine's grid (host/engine/grid.c) */
  int threads;
  tc_grid_block blk;
} grid_payload;

/* Vessel v's fixes every 150..450 s, from before the first grid time to past the
 * last, moving straight at 0..20 kn; returns their count (fills when t is given). */
static size_t vessel_fixes(size_t v, int64_t *t, double *lat, double *lon) {
  uint64_t seed = 0x67726964ULL * (v + 1);
  double la, lo;
  area_point(v / KN_GROUP, 0, &seed, &la, &lo);
  double sp = unif(&seed) * 20.0 * TC_KNOT_MPS, h = unif(&seed) * 2.0 * TC_PI;
  int64_t end = KN_S0 + (KN_GRID_TIMES - 1) * KN_SLOT, tt = KN_S0 - 1 - (int64_t)(unif(&seed) * 450);
  for (size_t n = 0;; n++) {
    if (t)
      t[n] = tt, lat[n] = la, lon[n] = lo;
    if (tt > end)
      return n + 1;
    int64_t dt = 150 + (int64_t)(unif(&seed) * 300);
    tt += dt;
    la += sp * cos(h) * (double)dt / (KM_PER_DEG * 1000.0);
    lo = tc_norm_lon(lo + sp * sin(h) * (double)dt / (KM_PER_DEG * 1000.0 * cos(la * TC_DEG2RAD)));
  }
}

static tc_status grid_make(grid_payload *p, size_t nv, tc_err *err) {
  p->mmsi = malloc(nv * sizeof *p->mmsi);
  p->off = malloc((nv + 1) * sizeof *p->off);
  if (!p->mmsi || !p->off)
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory for %zu vessels", nv);
  p->off[0] = 0;
  for (size_t v = 0; v < nv; v++) {
    p->mmsi[v] = (uint32_t)(200000000 + v);
    p->off[v + 1] = p->off[v] + vessel_fixes(v, NULL, NULL, NULL);
  }
  size_t nf = p->off[nv];
  p->t = malloc(nf * sizeof *p->t);
  p->lat = malloc(nf * sizeof *p->lat);
  p->lon = malloc(nf * sizeof *p->lon);
  if (!p->t || !p->lat || !p->lon)
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory for %zu fixes", nf);
  for (size_t v = 0; v < nv; v++)
    vessel_fixes(v, p->t + p->off[v], p->lat + p->off[v], p->lon + p->off[v]);
  p->w = (tc_track_window){nv, p->mmsi, p->off, p->t, p->lat, p->lon, 3600};
  p->blk = (tc_grid_block){.s0 = KN_S0, .slot = KN_SLOT, .nslots = KN_GRID_TIMES};
  return TC_OK;
}

/* Both halves of the stage: fixes to each vessel's positions (a fresh grid each
 * time: fixes must be later than any added before), then the slot-major block. */
static tc_status run_grid(void *vp, tc_bench_work *w, tc_err *err) {
  grid_payload *p = vp;
  tc_grid_cpu_free(p->g);
  p->g = NULL;
  int64_t t_next = p->t[p->off[p->w.nv] - 1] + 1;
  if (tc_grid_cpu_create(KN_SLOT, 3600, 0, &p->g) != TC_OK ||
      tc_grid_cpu_add(p->g, &p->w, INT64_MIN, t_next, p->threads, NULL) != TC_OK ||
      tc_grid_cpu_compute(p->g, &p->blk, p->threads) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "grid positions: out of memory");
  w->items = p->blk.n;
  w->bytes = p->w.off[p->w.nv] * 24 + (p->w.nv + 1) * 8 + p->blk.n * 44;
  return TC_OK;
}

/* Every vessel covers every grid time; sampled positions equal tc_track_position's
 * bit for bit, with the screen's unit vectors (tc_unit_vec_fast). */
static tc_status check_grid(void *vp, tc_err *err) {
  grid_payload *p = vp;
  const tc_grid_block *b = &p->blk;
  size_t nv = p->w.nv;
  size_t stride = nv <= KN_CHECK_ALL ? 1 : nv / KN_SAMPLE;
  for (size_t j = 0; j < KN_GRID_TIMES; j++) {
    if (b->off[j + 1] - b->off[j] != nv)
      return tc_fail(err, TC_ERR_INTERNAL, "grid time %zu holds %zu positions, expected %zu", j,
                     b->off[j + 1] - b->off[j], nv);
    for (size_t k = b->off[j]; k < b->off[j + 1]; k += stride) {
      size_t v = b->vid[k];
      double la, lo, x, y, z;
      if (v != k - b->off[j] || !tc_track_position(&p->w, v, KN_S0 + (int64_t)j * KN_SLOT, &la, &lo))
        return tc_fail(err, TC_ERR_INTERNAL, "grid position %zu: vessel %zu, expected %zu", k, v,
                       k - b->off[j]);
      tc_unit_vec_fast(la, lo, &x, &y, &z);
      if (la != b->lat[k] || lo != b->lon[k] || x != b->x[k] || y != b->y[k] || z != b->z[k])
        return tc_fail(err, TC_ERR_INTERNAL,
                       "vessel %zu grid time %zu: (%.12f, %.12f), interpolation gives (%.12f, %.12f)", v,
                       j, b->lat[k], b->lon[k], la, lo);
    }
  }
  return TC_OK;
}

static tc_status measure_grid(tc_bench_ctx *c, grid_payload *p, const char *backend,
                              const char *device, size_t nv, tc_err *err) {
  tc_bench_record *r = tc_bench_new(c, "kernels", "grid positions");
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory");
  tc_bench_rec_str(r, "backend", backend);
  tc_bench_rec_str(r, "device", device);
  tc_bench_rec_str(r, "precision", "double");
  tc_bench_rec_num(r, "n", (double)nv);
  tc_bench_rec_num(r, "grid_times", KN_GRID_TIMES);
  tc_bench_progress(c, "kernels: grid positions %s N=%zu", backend, nv);
  tc_bench_spec s;
  tc_bench_ctx_spec(c, &s);
  s.run = run_grid;
  s.check = check_grid;
  s.payload = p;
  tc_bench_result res;
  tc_err e = {0};
  tc_status ms = tc_bench_measure(&s, &res, &e);
  if (res.reps > 0) {
    tc_bench_rec_timing(r, &res);
    tc_bench_rec_metric(r, "positions_per_s", (double)res.work.items / res.median_s, "positions/s");
    tc_bench_rec_metric(r, "gb_per_s", (double)res.work.bytes / res.median_s / 1e9, "GB/s");
    tc_bench_rec_metric(r, "fixes", (double)p->w.off[nv], "");
    tc_bench_rec_metric(r, "bytes", (double)res.work.bytes, "B");
    tc_bench_rec_metric(r, "cpu_per_wall", res.cpu_s / res.median_s, "");
  }
  if (ms != TC_OK)
    tc_bench_rec_fail(r, "%s", e.msg);
  tc_bench_done(c, r);
  return TC_OK;
}

/* The engine's CPU grid (every backend's), on all threads, then on one. */
static tc_status bench_grid(tc_bench_ctx *c, size_t nv, tc_err *err) {
  char dev[96];
  grid_payload p = {0};
  tc_status st = grid_make(&p, nv, err);
  for (int i = 0; i < 2 && st == TC_OK; i++) {
    p.threads = i;
    st = measure_grid(c, &p, "cpu (host/engine/grid.c)", cpu_label(i, dev, sizeof dev), nv, err);
  }
  tc_grid_cpu_free(p.g);
  tc_grid_block_free(&p.blk);
  free(p.mmsi);
  free(p.off);
  free(p.t);
  free(p.lat);
  free(p.lon);
  return st;
}

tc_status tc_bench_suite_kernels(tc_bench_ctx *c, tc_err *err) {
  kn_target *ts = calloc(KN_MAX_TARGETS, sizeof *ts);
  size_t nt = 0;
  kn_data d = {0};
  tc_status st = ts ? find_targets(c, ts, &nt, err)
                    : tc_fail(err, TC_ERR_NOMEM, "kernels suite: out of memory");
  size_t nsizes = c->quick ? 2 : sizeof sizes / sizeof sizes[0];
  for (int layout = 0; layout < 2 && st == TC_OK; layout++)
    for (size_t k = 0; k < nsizes && st == TC_OK; k++) {
      size_t nslots = layout ? KN_BLOCK : 1;
      if ((st = data_make(&d, nslots, sizes[k] / nslots, err)) != TC_OK)
        break;
      for (size_t i = 0; i < nt && st == TC_OK; i++)
        st = measure_cand(c, &ts[i], &d, layout, sizes[k], err);
      data_free(&d);
    }
  for (size_t k = 0; k < nsizes && st == TC_OK; k++)
    st = bench_grid(c, sizes[k], err);
  data_free(&d);
  free(ts);
  return st;
}
