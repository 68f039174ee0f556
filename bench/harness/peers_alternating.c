/* The 1 500-vessel speed case (docs/performance.md), timed the way a noisy shared machine
 * allows: trajcorr and the numpy peer alternate on the same store, round after
 * round, and each side's minimum and median are compared. Both are run as a user
 * runs them, so process start, imports and the peer's numpy/scipy/h5py import count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness/peers.h"
#include "bench/harness/stage.h"
#include "host/engine/encounter.h"

#define VESSELS "1500"
#define DAYS "1.5"

static double min_of(const double *v, size_t n) {
  double m = v[0];
  for (size_t i = 1; i < n; i++)
    if (v[i] < m)
      m = v[i];
  return m;
}

tc_status tc_bench_peers_alternating(tc_bench_ctx *c, tc_err *err) {
  const char *label = "generated_" VESSELS "_vessels_" DAYS "_days_store";
  char csv[4096], store[4096], tc_out[4096], peer_out[4096], script[4096], why[400] = "";
  TC_TRY(tc_bench_pathf(csv, sizeof csv, err, "%s/alt.csv", c->workdir));
  TC_TRY(tc_bench_pathf(store, sizeof store, err, "%s/alt.h5", c->workdir));
  TC_TRY(tc_bench_pathf(tc_out, sizeof tc_out, err, "%s/alt.trajcorr.csv", c->workdir));
  TC_TRY(tc_bench_pathf(peer_out, sizeof peer_out, err, "%s/alt.numpy.csv", c->workdir));
  TC_TRY(tc_bench_pathf(script, sizeof script, err, "%s/encounters_numpy.py", c->peers_dir));
  tc_bench_record *r = tc_bench_new(c, "peers", "alternating trajcorr and numpy peer");
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
  tc_bench_rec_str(r, "input", label);
  tc_bench_proc p;
  tc_bench_progress(c, "peers: %s: generating and importing", label);
  remove(store);
  const char *gen[] = {c->self, "generate", "-o", csv, "--vessels", VESSELS, "--days", DAYS,
                       "--min-interval", "120", "--max-interval", "360", "-q", NULL};
  const char *imp[] = {c->self, "import", store, csv, "--quiet", NULL};
  if (!tc_bench_stage_run(c, "alt-generate", gen, 600, &p, why, sizeof why) ||
      !tc_bench_stage_run(c, "alt-import", imp, 600, &p, why, sizeof why)) {
    tc_bench_rec_fail(r, "%s", why);
    tc_bench_done(c, r);
    return TC_OK;
  }
  remove(csv);
  /* The default backend, as a user runs it (auto: the OpenMP backend without a GPU). */
  const char *enc[] = {c->self, "encounters", store, "-o", tc_out, "-q", NULL};
  const char *peer[] = {c->python, script, store, "-o", peer_out, NULL};
  enum { ROUNDS_MAX = 9 };
  size_t rounds = c->quick ? 3 : ROUNDS_MAX;
  double tt[ROUNDS_MAX], tp[ROUNDS_MAX];
  for (size_t i = 0; i < rounds; i++) {
    tc_bench_progress(c, "peers: %s: round %zu of %zu", label, i + 1, rounds);
    if (!tc_bench_stage_run(c, "alt-trajcorr", enc, 600, &p, why, sizeof why)) {
      tc_bench_rec_fail(r, "trajcorr: %s", why);
      tc_bench_done(c, r);
      return TC_OK;
    }
    tt[i] = p.wall_s;
    if (!tc_bench_stage_run(c, "alt-numpy", peer, 3600, &p, why, sizeof why)) {
      tc_bench_rec_fail(r, "numpy peer: %s", why);
      tc_bench_done(c, r);
      return TC_OK;
    }
    tp[i] = p.wall_s;
  }
  double mt = min_of(tt, rounds), mp = min_of(tp, rounds);
  double medt = tc_median(tt, rounds), medp = tc_median(tp, rounds);
  tc_bench_rec_num(r, "rounds", (double)rounds);
  tc_bench_rec_metric(r, "trajcorr_min_s", mt, "s");
  tc_bench_rec_metric(r, "trajcorr_median_s", medt, "s");
  tc_bench_rec_metric(r, "peer_min_s", mp, "s");
  tc_bench_rec_metric(r, "peer_median_s", medp, "s");
  tc_bench_rec_metric(r, "peer_over_trajcorr_median", medp / medt, "x");
  tc_bench_rec_metric(r, "peer_over_trajcorr_min", mp / mt, "x");
  if (tc_bench_peers_compare(c, "alt-compare", peer_out, tc_out, why, sizeof why))
    tc_bench_rec_note(r, "%zu alternating rounds; median %.1fx, min %.1fx; %s", rounds, medp / medt,
                      mp / mt, why);
  else
    tc_bench_rec_fail(r, "%s", why);
  tc_bench_done(c, r);
  remove(store);
  return TC_OK;
}
