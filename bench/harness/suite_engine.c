/* The encounter engine in memory on the four real-track samples: CSV parsing, then
 * tc_encounters_run on every built backend (OpenMP with all threads and with one,
 * the all-pairs oracle, OpenCL), each run checked against the expected list that an
 * independent implementation of the spec produced (shared/data/real-tracks/expected). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/harness/compare.h"
#include "bench/harness/suites.h"
#include "host/engine/engine.h"
#include "host/report/encounters_csv.h"
#include "io/reader.h"

static const char *const areas[] = {"gibraltar_2016_06_01", "baltic_2018_04_01",
                                    "suez_evergiven_2021_03_derived_sog", "auckland_2017_09"};

typedef struct {
  const char *path;
  tc_columns fixes;
  uint64_t bytes;
} read_payload;

static tc_status run_read(void *vp, tc_bench_work *w, tc_err *err) {
  read_payload *p = vp;
  tc_reader *r = NULL;
  tc_status st = tc_reader_open(p->path, NULL, &r, err);
  p->fixes.n = 0;
  while (st == TC_OK) {
    tc_record rec;
    int eof = 0;
    if ((st = tc_reader_next(r, &rec, &eof, err)) != TC_OK || eof)
      break;
    if (rec.kind == TC_REC_POSITION)
      st = tc_columns_push(&p->fixes, &rec.fix);
  }
  if (r)
    p->bytes = tc_reader_bytes_read(r);
  tc_reader_close(r);
  w->items = p->fixes.n;
  w->bytes = p->bytes;
  return st;
}

static tc_status check_read(void *vp, tc_err *err) {
  read_payload *p = vp;
  return p->fixes.n > 0 ? TC_OK : tc_fail(err, TC_ERR_FORMAT, "%s: no fixes read", p->path);
}

typedef struct {
  const tc_columns *fixes;
  const tc_encounter_list *expected; /* NULL = nothing to check against */
  tc_memory_source *ms;
  tc_encounter_list out;
  tc_params params;
  tc_backend_config cfg;
  const tc_backend_ops *ops;
  tc_engine_stats stats;
} engine_payload;

/* A fresh source (it is consumed by a run) and an empty list, outside the timing. */
static tc_status setup_engine(void *vp, tc_err *err) {
  engine_payload *p = vp;
  tc_memory_source_free(p->ms);
  p->ms = NULL;
  tc_encounter_list_free(&p->out);
  tc_encounter_list_init(&p->out);
  tc_status st = tc_memory_source_create(p->fixes, 86400, &p->ms);
  return st == TC_OK ? TC_OK : tc_fail(err, st, "engine suite: cannot build the memory source");
}

static tc_status run_engine(void *vp, tc_bench_work *w, tc_err *err) {
  engine_payload *p = vp;
  tc_bucket_source src = tc_memory_source_get(p->ms);
  memset(&p->stats, 0, sizeof p->stats);
  TC_TRY(tc_encounters_run(&src, &p->params, p->ops, &p->cfg, &p->out, &p->stats, err));
  w->items = p->stats.fixes_read;
  return TC_OK;
}

static tc_status check_engine(void *vp, tc_err *err) {
  engine_payload *p = vp;
  if (!p->expected)
    return TC_OK;
  tc_bench_cmp cmp;
  char sum[300];
  int ok = tc_bench_compare_encounters(p->expected, &p->out, TC_BENCH_TOL_EXPECTED, &cmp, sum, sizeof sum);
  if (ok < 0)
    return tc_fail(err, TC_ERR_NOMEM, "%s", sum);
  return ok ? TC_OK : tc_fail(err, TC_ERR_INTERNAL, "against the expected list: %s", sum);
}

typedef struct {
  const char *label;
  const char *backend;
  int threads;
} engine_config;

static const engine_config configs[] = {
    {"openmp", "openmp", 0},
    {"openmp 1 thread", "openmp", 1},
    {"allpairs", "allpairs", 0},
    {"opencl", "opencl", 0},
};

static tc_status bench_area(tc_bench_ctx *c, const char *dir, const char *area, tc_err *err) {
  char path[PATH_MAX], exp_path[PATH_MAX], name[80];
  read_payload rp = {path, {0}, 0};
  engine_payload ep;
  memset(&ep, 0, sizeof ep);
  tc_columns_init(&rp.fixes);
  tc_encounter_list_init(&ep.out);
  tc_encounter_list expected;
  tc_encounter_list_init(&expected);
  tc_status st = TC_OK;
  if ((st = tc_bench_pathf(path, sizeof path, err, "%s/%s.csv.gz", dir, area)) != TC_OK ||
      (st = tc_bench_pathf(exp_path, sizeof exp_path, err, "%s/expected/%s.encounters.csv", dir, area)) != TC_OK)
    goto cleanup;

  tc_bench_progress(c, "engine: reading %s", area);
  snprintf(name, sizeof name, "read csv %s", area);
  tc_bench_record *r = tc_bench_new(c, "engine", name);
  if (!r) {
    st = tc_fail(err, TC_ERR_NOMEM, "engine suite: out of memory");
    goto cleanup;
  }
  tc_bench_rec_str(r, "area", area);
  tc_bench_spec fn = {.run = run_read, .check = check_read, .payload = &rp};
  tc_bench_result res;
  tc_status ms = tc_bench_ctx_measure(c, &fn, r, &res);
  if (res.reps > 0) {
    tc_bench_rec_num(r, "rows", (double)rp.fixes.n);
    tc_bench_rec_metric(r, "rows_per_s", (double)rp.fixes.n / res.median_s, "rows/s");
    tc_bench_rec_metric(r, "gz_mb_per_s", (double)rp.bytes / res.median_s / 1e6, "MB/s");
  }
  tc_bench_done(c, r);
  if (ms != TC_OK)
    goto cleanup; /* nothing to run the engine on */

  tc_err ee = {0};
  if (tc_encounters_csv_read(exp_path, &expected, &ee) == TC_OK)
    ep.expected = &expected;
  ep.fixes = &rp.fixes;
  for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
    const engine_config *cf = &configs[k];
    ep.ops = tc_backend_find(cf->backend);
    if (!ep.ops)
      continue; /* not built */
    tc_params_default(&ep.params);
    ep.params.threads = cf->threads;
    memset(&ep.cfg, 0, sizeof ep.cfg);
    ep.cfg.dist_m = ep.params.dist_m;
    ep.cfg.threads = cf->threads;
    ep.cfg.platform = ep.cfg.device = -1;
    tc_bench_progress(c, "engine: %s on %s", cf->label, area);
    snprintf(name, sizeof name, "encounters %s", area);
    if (!(r = tc_bench_new(c, "engine", name))) {
      st = tc_fail(err, TC_ERR_NOMEM, "engine suite: out of memory");
      goto cleanup;
    }
    tc_bench_rec_str(r, "area", area);
    tc_bench_rec_str(r, "backend", cf->label);
    tc_bench_rec_num(r, "threads", cf->threads);
    fn = (tc_bench_spec){
        .setup = setup_engine, .run = run_engine, .check = check_engine, .payload = &ep};
    ms = tc_bench_ctx_measure(c, &fn, r, &res);
    if (res.reps > 0) {
      tc_bench_rec_num(r, "fixes", (double)ep.stats.fixes_read);
      tc_bench_rec_metric(r, "fixes_per_s", (double)ep.stats.fixes_read / res.median_s, "fixes/s");
      tc_bench_rec_metric(r, "cpu_per_wall", res.cpu_s / res.median_s, "");
      tc_bench_rec_metric(r, "grid_positions", (double)ep.stats.grid_positions, "");
      tc_bench_rec_metric(r, "distance_tests", (double)ep.stats.distance_tests, "");
      tc_bench_rec_metric(r, "close_pairs", (double)ep.stats.close_pairs, "");
      tc_bench_rec_metric(r, "encounters", (double)ep.out.n, "");
    }
    if (ms == TC_OK && !ep.expected)
      tc_bench_rec_note(r, "unchecked: %s", ee.msg);
    tc_bench_done(c, r);
  }
cleanup:
  tc_memory_source_free(ep.ms);
  tc_encounter_list_free(&ep.out);
  tc_encounter_list_free(&expected);
  tc_columns_free(&rp.fixes);
  return st;
}

tc_status tc_bench_suite_engine(tc_bench_ctx *c, tc_err *err) {
  char dir[PATH_MAX];
  struct stat sb;
  if (c->data_dir)
    TC_TRY(tc_bench_pathf(dir, sizeof dir, err, "%s/real-tracks", c->data_dir));
  if (!c->data_dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    tc_bench_record *r = tc_bench_new(c, "engine", "real tracks");
    if (!r)
      return tc_fail(err, TC_ERR_NOMEM, "engine suite: out of memory");
    tc_bench_rec_note(r, "skipped: no real-tracks folder under %s (--data DIR)",
                      c->data_dir ? c->data_dir : "(none)");
    tc_bench_done(c, r);
    return TC_OK;
  }
  size_t n = sizeof areas / sizeof areas[0];
  for (size_t i = 0; i < n; i++)
    TC_TRY(bench_area(c, dir, areas[i], err));
  return TC_OK;
}
