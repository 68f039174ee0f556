/* The 1 500-vessel speed case (docs/performance.md) on an idle and on a busy node, side
 * by side: N competitors (bench/harness/load.h, --load N, default one per core) spin
 * during the loaded runs and are paused during the idle ones. Each round runs every
 * wait setting in both states, the state order and the setting order turning from
 * round to round, so slow drifts of a shared machine fall on all alike. Each setting
 * is `trajcorr encounters` as a user runs it (process start included):
 *   default    nothing set: the program picks its OpenMP wait policy itself
 *   threads 1  --threads 1
 *   passive    OMP_WAIT_POLICY=passive set by hand (the default minus its re-exec)
 *   spin       GOMP_SPINCOUNT=300000: libgomp's own spinning, as without the choice
 * Every output must equal the first run's, byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/harness/load.h"
#include "bench/harness/stage.h"
#include "bench/harness/suites.h"

#define VESSELS "1500"
#define DAYS "1.5"
#define ROUNDS_MAX 15

typedef struct {
  const char *label;
  const char *env[3];
  int one_thread;
} setting;

static const setting settings[] = {
    {"default", {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", NULL}, 0},
    {"threads 1", {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", NULL}, 1},
    {"passive", {"OMP_WAIT_POLICY=passive", "GOMP_SPINCOUNT", NULL}, 0},
    {"spin", {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT=300000", NULL}, 0},
};
#define NSET (sizeof settings / sizeof settings[0])

/* 1 when the two files hold the same bytes. */
static int same_file(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int same = fa && fb;
  char ba[65536], bb[65536];
  while (same) {
    size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
    same = na == nb && !memcmp(ba, bb, na);
    if (na == 0)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

static int run_one(tc_bench_ctx *c, const setting *s, const char *store, const char *out, double *wall,
                   char *why, size_t cap) {
  const char *argv[] = {c->self, "encounters", store, "-o", out, "-q", "--threads", "1", NULL};
  if (!s->one_thread)
    argv[6] = NULL;
  char errp[4096];
  tc_err e = {0};
  tc_bench_proc p;
  if (tc_bench_pathf(errp, sizeof errp, &e, "%s/load.err", c->workdir) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    return 0;
  }
  tc_bench_cmd cmd = {argv, s->env, NULL, errp, 600};
  if (tc_bench_spawn(&cmd, &p, &e) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    return 0;
  }
  if (p.exit_code != 0 || p.timed_out) {
    snprintf(why, cap, "%s: encounters exit %d%s (its stderr: load.err in the scratch folder)",
             s->label, p.exit_code, p.timed_out ? ", timed out" : "");
    return 0;
  }
  *wall = p.wall_s;
  return 1;
}

static void record(tc_bench_ctx *c, size_t nload, int loaded, size_t si, double *t, size_t rounds,
                   double t1_median, int ok, const char *why, double loadavg) {
  char name[80];
  snprintf(name, sizeof name, "encounters %s vessels %s days, %s", VESSELS, DAYS,
           loaded ? "loaded" : "idle");
  tc_bench_record *r = tc_bench_new(c, "load", name);
  if (!r)
    return;
  tc_bench_rec_str(r, "setting", settings[si].label);
  tc_bench_rec_num(r, "competitors", loaded ? (double)nload : 0);
  tc_bench_rec_num(r, "loadavg_at_start", loadavg);
  tc_bench_result res;
  memset(&res, 0, sizeof res);
  res.reps = (int)rounds;
  double sum = 0;
  res.min_s = res.max_s = t[0];
  for (size_t i = 0; i < rounds; i++) {
    sum += t[i];
    res.min_s = t[i] < res.min_s ? t[i] : res.min_s;
    res.max_s = t[i] > res.max_s ? t[i] : res.max_s;
  }
  res.mean_s = sum / (double)rounds;
  res.total_s = sum;
  res.median_s = tc_bench_median(t, rounds);
  tc_bench_rec_timing(r, &res);
  tc_bench_rec_metric(r, "median_s", res.median_s, "s");
  tc_bench_rec_metric(r, "min_s", res.min_s, "s");
  tc_bench_rec_metric(r, "over_threads1", res.median_s / t1_median, "x");
  if (!ok)
    tc_bench_rec_fail(r, "%s", why);
  else
    tc_bench_rec_note(r, "%zu alternating rounds; median %.3f s, %.2fx the one-thread median", rounds,
                      res.median_s, res.median_s / t1_median);
  tc_bench_done(c, r);
}

tc_status tc_bench_suite_load(tc_bench_ctx *c, tc_err *err) {
  char csv[4096], store[4096], ref[4096], out[4096], why[400] = "";
  TC_TRY(tc_bench_pathf(csv, sizeof csv, err, "%s/load.csv", c->workdir));
  TC_TRY(tc_bench_pathf(store, sizeof store, err, "%s/load.h5", c->workdir));
  TC_TRY(tc_bench_pathf(ref, sizeof ref, err, "%s/load.ref.csv", c->workdir));
  TC_TRY(tc_bench_pathf(out, sizeof out, err, "%s/load.out.csv", c->workdir));
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nload = c->load_procs > 0 ? (size_t)c->load_procs : (size_t)(cores > 0 ? cores : 1);
  size_t rounds = c->quick ? 3 : 9;
  double t[2][NSET][ROUNDS_MAX];
  double la[3] = {0, 0, 0};
  (void)getloadavg(la, 3);
  tc_bench_load *load = NULL;
  tc_bench_proc p;
  int ok = 1;

  tc_bench_progress(c, "load: generating and importing %s vessels, %s days", VESSELS, DAYS);
  remove(store);
  const char *gen[] = {c->self, "generate", "-o", csv, "--vessels", VESSELS, "--days", DAYS,
                       "--min-interval", "120", "--max-interval", "360", "-q", NULL};
  const char *imp[] = {c->self, "import", store, csv, "--quiet", NULL};
  if (!tc_bench_stage_run(c, "load-generate", gen, 600, &p, why, sizeof why) ||
      !tc_bench_stage_run(c, "load-import", imp, 600, &p, why, sizeof why) ||
      !run_one(c, &settings[1], store, ref, &t[0][0][0], why, sizeof why)) {
    ok = 0;
    goto cleanup;
  }
  remove(csv);
  tc_err le = {0};
  if (tc_bench_load_start(nload, &load, &le) != TC_OK) {
    tc_bench_strcpy(why, sizeof why, le.msg);
    ok = 0;
    goto cleanup;
  }
  for (size_t i = 0; i < rounds && ok; i++) {
    tc_bench_progress(c, "load: round %zu of %zu (%zu competitors in the loaded runs)", i + 1, rounds, nload);
    for (int k = 0; k < 2 && ok; k++) {
      int loaded = (int)((i + (size_t)k) % 2);
      tc_bench_load_run(load, loaded);
      for (size_t j = 0; j < NSET && ok; j++) {
        size_t si = (i + j) % NSET;
        ok = run_one(c, &settings[si], store, out, &t[loaded][si][i], why, sizeof why);
        if (ok && !same_file(ref, out)) {
          snprintf(why, sizeof why, "%s, %s: output differs from the first run's", settings[si].label,
                   loaded ? "loaded" : "idle");
          ok = 0;
        }
      }
    }
  }
  tc_bench_load_stop(load);
  load = NULL;
cleanup:
  tc_bench_load_stop(load);
  if (!ok) {
    tc_bench_record *r = tc_bench_new(c, "load", "encounters " VESSELS " vessels " DAYS " days");
    if (!r)
      return tc_fail(err, TC_ERR_NOMEM, "load suite: out of memory");
    tc_bench_rec_fail(r, "%s", why);
    tc_bench_done(c, r);
    return TC_OK;
  }
  for (int loaded = 0; loaded < 2; loaded++) {
    double t1[ROUNDS_MAX];
    memcpy(t1, t[loaded][1], rounds * sizeof *t1);
    double t1_median = tc_bench_median(t1, rounds);
    for (size_t si = 0; si < NSET; si++)
      record(c, nload, loaded, si, t[loaded][si], rounds, t1_median, 1, "", la[0]);
  }
  remove(store);
  return TC_OK;
}
