/* End to end on generated traffic, as a user runs it: `trajcorr generate` (gzip CSV
 * plus truth) → `trajcorr import` → `trajcorr encounters`, each stage a process of its
 * own (wall, CPU, peak RSS from wait4). Two series: vessels at the shortest period,
 * days at the smallest fleet; then a power-law fit of time against each, per stage.
 * Every encounter list is checked against the generator's truth. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/generate/lanes.h"
#include "bench/harness/stage.h"
#include "bench/harness/suites.h"
#include "io/store.h"

enum { ST_GENERATE, ST_IMPORT, ST_ENCOUNTERS, ST_END_TO_END, ST_COUNT };
static const char *const stage_names[ST_COUNT] = {"generate", "import", "encounters", "import+encounters"};

typedef struct {
  size_t vessels;
  double days;
  int done;              /* all stages ran */
  double wall[ST_COUNT], cpu[ST_COUNT];
} point;

#define MAX_POINTS 16

/* One 300 km sea region per ~3 300 vessels beyond 10 k (the generator's three below):
 * lane traffic keeps the density of a 10 k fleet instead of crowding with the fleet. */
#define VESSELS_PER_REGION 3300

static size_t regions_for(size_t vessels) {
  size_t r = vessels / VESSELS_PER_REGION;
  return r < TC_GEN_NAMED_REGIONS ? TC_GEN_NAMED_REGIONS : r > TC_GEN_MAX_REGIONS ? TC_GEN_MAX_REGIONS : r;
}

static const size_t full_vessels[] = {1000, 3000, 10000, 30000, 100000, 300000};
static const double full_days[] = {1, 3, 7, 14, 30};
static const size_t quick_vessels[] = {200, 400, 800};
static const double quick_days[] = {0.5, 1, 2};

static void rm_quiet(const char *path) { remove(path); }

static tc_status add_stage_record(tc_bench_ctx *c, const point *pt, int stage, const tc_bench_proc *p,
                                  uint64_t rows, int ok, const char *why, tc_err *err) {
  tc_bench_record *r = tc_bench_new(c, "pipeline", stage_names[stage]);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "pipeline suite: out of memory");
  tc_bench_rec_str(r, "stage", stage_names[stage]);
  tc_bench_rec_num(r, "vessels", (double)pt->vessels);
  tc_bench_rec_num(r, "regions", (double)regions_for(pt->vessels));
  tc_bench_rec_num(r, "days", pt->days);
  if (rows)
    tc_bench_rec_num(r, "fixes", (double)rows);
  if (p) {
    tc_bench_stage_record(r, p);
    if (rows)
      tc_bench_rec_metric(r, "fixes_per_s", (double)rows / p->wall_s, "fixes/s");
  }
  if (!ok)
    tc_bench_rec_fail(r, "%s", why);
  else if (why && why[0])
    tc_bench_rec_note(r, "%s", why);
  tc_bench_done(c, r);
  return TC_OK;
}

static tc_status run_point(tc_bench_ctx *c, point *pt, tc_err *err) {
  char tag[64], csv[4096], truth[4096], store[4096], enc[4096], vs[32], ds[32], why[400] = "";
  snprintf(tag, sizeof tag, "pipeline-v%zu-d%g", pt->vessels, pt->days);
  snprintf(vs, sizeof vs, "%zu", pt->vessels);
  snprintf(ds, sizeof ds, "%g", pt->days);
  TC_TRY(tc_bench_pathf(csv, sizeof csv, err, "%s/%s.csv.gz", c->workdir, tag));
  TC_TRY(tc_bench_pathf(truth, sizeof truth, err, "%s/%s.truth.csv", c->workdir, tag));
  TC_TRY(tc_bench_pathf(store, sizeof store, err, "%s/%s.h5", c->workdir, tag));
  TC_TRY(tc_bench_pathf(enc, sizeof enc, err, "%s/%s.encounters.csv", c->workdir, tag));
  double timeout = c->quick ? 120 : 6 * 3600;
  tc_bench_proc pg, pi, pe;
  char stag[96];
  tc_status st = TC_OK;

  tc_bench_progress(c, "pipeline: %zu vessels x %g days: generate", pt->vessels, pt->days);
  char rs[16];
  snprintf(rs, sizeof rs, "%zu", regions_for(pt->vessels));
  const char *gen[] = {c->self, "generate", "-o", csv, "--truth", truth, "--vessels", vs, "--days", ds,
                       "--regions", rs, "--clean", "-q", NULL};
  snprintf(stag, sizeof stag, "%s-generate", tag);
  if (!tc_bench_stage_run(c, stag, gen, timeout, &pg, why, sizeof why)) {
    st = add_stage_record(c, pt, ST_GENERATE, &pg, 0, 0, why, err);
    goto cleanup;
  }
  tc_bench_progress(c, "pipeline: %zu vessels x %g days: import", pt->vessels, pt->days);
  rm_quiet(store);
  const char *imp[] = {c->self, "import", store, csv, "--quiet", NULL};
  snprintf(stag, sizeof stag, "%s-import", tag);
  if (!tc_bench_stage_run(c, stag, imp, timeout, &pi, why, sizeof why)) {
    if ((st = add_stage_record(c, pt, ST_GENERATE, &pg, 0, 1, "", err)) == TC_OK)
      st = add_stage_record(c, pt, ST_IMPORT, &pi, 0, 0, why, err);
    goto cleanup;
  }
  uint64_t rows = 0;
  tc_store *s = NULL;
  tc_err e = {0};
  if (tc_store_open(store, &s, &e) == TC_OK)
    rows = tc_store_get_info(s)->rows;
  tc_store_close(s);
  if ((st = add_stage_record(c, pt, ST_GENERATE, &pg, rows, 1, "", err)) != TC_OK ||
      (st = add_stage_record(c, pt, ST_IMPORT, &pi, rows, rows > 0, e.msg, err)) != TC_OK)
    goto cleanup;
  rm_quiet(csv); /* the biggest file; the store has it all now */

  tc_bench_progress(c, "pipeline: %zu vessels x %g days: encounters", pt->vessels, pt->days);
  const char *en[] = {c->self, "encounters", store, "-o", enc, "-q", NULL};
  snprintf(stag, sizeof stag, "%s-encounters", tag);
  int ok = tc_bench_stage_run(c, stag, en, timeout, &pe, why, sizeof why);
  if (ok)
    ok = tc_bench_check_truth(enc, truth, why, sizeof why) == 1;
  if ((st = add_stage_record(c, pt, ST_ENCOUNTERS, &pe, rows, ok, why, err)) != TC_OK)
    goto cleanup;
  tc_bench_proc sum = pi;
  sum.wall_s += pe.wall_s;
  sum.cpu_s += pe.cpu_s;
  sum.peak_rss = pe.peak_rss > pi.peak_rss ? pe.peak_rss : pi.peak_rss;
  if ((st = add_stage_record(c, pt, ST_END_TO_END, &sum, rows, ok, ok ? "" : "see encounters", err)) != TC_OK)
    goto cleanup;
  pt->wall[ST_GENERATE] = pg.wall_s;
  pt->wall[ST_IMPORT] = pi.wall_s;
  pt->wall[ST_ENCOUNTERS] = pe.wall_s;
  pt->wall[ST_END_TO_END] = sum.wall_s;
  pt->cpu[ST_GENERATE] = pg.cpu_s;
  pt->cpu[ST_IMPORT] = pi.cpu_s;
  pt->cpu[ST_ENCOUNTERS] = pe.cpu_s;
  pt->cpu[ST_END_TO_END] = sum.cpu_s;
  pt->done = ok;
cleanup:
  rm_quiet(csv);
  rm_quiet(store);
  rm_quiet(enc);
  return st;
}

/* Exponent k of time ~ size^k for one stage along one axis, on wall time and on CPU
 * time (steadier when others share the machine). */
static tc_status fit_record(tc_bench_ctx *c, const point *pts, size_t n, int by_days, double fixed,
                            int stage, tc_err *err) {
  double x[MAX_POINTS], y[MAX_POINTS], yc[MAX_POINTS];
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!pts[i].done || (by_days ? (double)pts[i].vessels : pts[i].days) != fixed)
      continue;
    x[m] = by_days ? pts[i].days : (double)pts[i].vessels;
    yc[m] = pts[i].cpu[stage];
    y[m++] = pts[i].wall[stage];
  }
  if (m < 2)
    return TC_OK;
  char name[80];
  snprintf(name, sizeof name, "scaling: %s vs %s", stage_names[stage], by_days ? "days" : "vessels");
  tc_bench_record *r = tc_bench_new(c, "pipeline", name);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "pipeline suite: out of memory");
  tc_bench_rec_str(r, "stage", stage_names[stage]);
  tc_bench_rec_str(r, "axis", by_days ? "days" : "vessels");
  tc_bench_rec_num(r, by_days ? "vessels" : "days", fixed);
  double k = NAN, r2 = NAN;
  tc_err e = {0};
  if (tc_bench_fit_power(x, y, m, &k, &r2, &e) == TC_OK) {
    tc_bench_rec_metric(r, "exponent", k, "");
    tc_bench_rec_metric(r, "r2", r2, "");
    tc_bench_rec_metric(r, "points", (double)m, "");
    if (tc_bench_fit_power(x, yc, m, &k, &r2, &e) == TC_OK) {
      tc_bench_rec_metric(r, "exponent_cpu", k, "");
      tc_bench_rec_metric(r, "r2_cpu", r2, "");
    }
  } else {
    tc_bench_rec_note(r, "%s", e.msg);
  }
  tc_bench_done(c, r);
  return TC_OK;
}

static size_t add_point(point *pts, size_t n, size_t v, double d) {
  for (size_t i = 0; i < n; i++)
    if (pts[i].vessels == v && pts[i].days == d)
      return n;
  if (n == MAX_POINTS)
    return n;
  memset(&pts[n], 0, sizeof pts[n]);
  pts[n].vessels = v;
  pts[n].days = d;
  return n + 1;
}

tc_status tc_bench_suite_pipeline(tc_bench_ctx *c, tc_err *err) {
  const size_t *vs = c->quick ? quick_vessels : full_vessels;
  const double *ds = c->quick ? quick_days : full_days;
  size_t nv = c->quick ? sizeof quick_vessels / sizeof *vs : sizeof full_vessels / sizeof *vs;
  size_t nd = c->quick ? sizeof quick_days / sizeof *ds : sizeof full_days / sizeof *ds;
  point pts[MAX_POINTS];
  size_t n = 0;
  for (size_t i = 0; i < nv; i++)
    if (!c->max_vessels || vs[i] <= c->max_vessels)
      n = add_point(pts, n, vs[i], ds[0]);
  for (size_t i = 0; i < nd; i++)
    if (!(c->max_days > 0) || ds[i] <= c->max_days)
      n = add_point(pts, n, vs[0], ds[i]);
  for (size_t i = 0; i < n; i++)
    TC_TRY(run_point(c, &pts[i], err));
  for (int stage = 0; stage < ST_COUNT; stage++) {
    TC_TRY(fit_record(c, pts, n, 0, ds[0], stage, err));
    TC_TRY(fit_record(c, pts, n, 1, (double)vs[0], stage, err));
  }
  return TC_OK;
}
