/* trajcorr beside the numpy/scipy peer (bench/peers/encounters_numpy.py) on the same
 * inputs: the real-track samples and a generated day. trajcorr runs as a user runs
 * it (import, then encounters); the peer once on the CSV (it cleans as it reads)
 * and once on trajcorr's store (h5py). Both peer outputs are compared with
 * trajcorr's by bench/peers/compare_encounters.py, and the time ratio reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/harness/peers.h"
#include "bench/harness/stage.h"
#include "bench/harness/suites.h"

static const char *const real_quick[] = {"gibraltar_2016_06_01", "suez_evergiven_2021_03_derived_sog"};
static const char *const real_full[] = {"gibraltar_2016_06_01", "baltic_2018_04_01",
                                        "suez_evergiven_2021_03_derived_sog", "auckland_2017_09"};

static int exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

static tc_bench_record *rec(tc_bench_ctx *c, const char *name, const char *input, const char *program) {
  tc_bench_record *r = tc_bench_new(c, "peers", name);
  if (r) {
    tc_bench_rec_str(r, "input", input);
    if (program)
      tc_bench_rec_str(r, "program", program);
  }
  return r;
}

/* The GIS peers (postgis_peer.py, meos_peer.py) compute only the close pairs of spec
 * §3 on trajcorr's store; each is checked against the numpy peer's close pairs
 * (--close-pairs-out) by `postgis_peer.py --compare`, its time set against
 * trajcorr's encounters. A peer whose tools are absent is a skip record with why. */
static void gis_peer(tc_bench_ctx *c, const char *label, const char *store, const char *expect,
                     const char *name, const char *py, const char *script, double tol_m, double enc_s) {
  char out[4096], pg[4096], tag[160], why[400] = "", tol[32];
  tc_err e = {0};
  tc_bench_proc p;
  tc_bench_record *r = rec(c, name, label, name);
  if (!r)
    return;
  if (tc_bench_pathf(out, sizeof out, &e, "%s/peers-%s.%s.csv", c->workdir, label, name) != TC_OK ||
      tc_bench_pathf(pg, sizeof pg, &e, "%s/postgis_peer.py", c->peers_dir) != TC_OK) {
    tc_bench_rec_fail(r, "%s", e.msg);
    tc_bench_done(c, r);
    return;
  }
  const char *chk[] = {py, script, "--check", NULL};
  snprintf(tag, sizeof tag, "peers-%s-%s-check", label, name);
  if (access(py, X_OK) != 0 || !tc_bench_stage_run(c, tag, chk, 60, &p, why, sizeof why)) {
    tc_bench_rec_note(r, "skipped: %s", access(py, X_OK) ? "no interpreter (TC_MEOS_PYTHON)" : why);
    tc_bench_done(c, r);
    return;
  }
  tc_bench_progress(c, "peers: %s: %s close pairs", label, name);
  const char *run[] = {py, script, store, "-o", out, NULL};
  snprintf(tag, sizeof tag, "peers-%s-%s", label, name);
  if (!tc_bench_stage_run(c, tag, run, c->quick ? 300 : 4 * 3600, &p, why, sizeof why)) {
    tc_bench_rec_fail(r, "%s", why);
    tc_bench_done(c, r);
    return;
  }
  tc_bench_stage_record(r, &p);
  tc_bench_rec_metric(r, "peer_over_encounters", p.wall_s / enc_s, "x");
  snprintf(tol, sizeof tol, "%g", tol_m);
  const char *cmp[] = {c->python, pg, "--compare", expect, out, store, "--tol-m", tol, NULL};
  snprintf(tag, sizeof tag, "peers-%s-%s-compare", label, name);
  int ok = tc_bench_stage_run(c, tag, cmp, 300, &p, why, sizeof why);
  char sum[4096];
  if (tc_bench_pathf(sum, sizeof sum, &e, "%s/%s.out", c->workdir, tag) == TC_OK) {
    FILE *f = fopen(sum, "r");
    if (f) {
      char line[300];
      if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(why, sizeof why, "%s", line);
      }
      fclose(f);
    }
  }
  if (ok)
    tc_bench_rec_note(r, "%s", why);
  else
    tc_bench_rec_fail(r, "MISMATCH: %s", why);
  tc_bench_done(c, r);
}

static void gis_peers(tc_bench_ctx *c, const char *label, const char *store, double enc_s) {
  char expect[4096], script[4096], why[400];
  tc_err e = {0};
  tc_bench_proc p;
  if (tc_bench_pathf(expect, sizeof expect, &e, "%s/peers-%s.numpy-pairs.csv", c->workdir, label) != TC_OK ||
      tc_bench_pathf(script, sizeof script, &e, "%s/encounters_numpy.py", c->peers_dir) != TC_OK)
    return;
  const char *np[] = {c->python, script, store, "-o", "/dev/null", "--close-pairs-out", expect, NULL};
  char tag[160];
  snprintf(tag, sizeof tag, "peers-%s-numpy-pairs", label);
  if (!tc_bench_stage_run(c, tag, np, c->quick ? 120 : 4 * 3600, &p, why, sizeof why)) {
    tc_bench_record *r = rec(c, "numpy close pairs", label, NULL);
    if (r) {
      tc_bench_rec_fail(r, "%s", why);
      tc_bench_done(c, r);
    }
    return;
  }
  if (tc_bench_pathf(script, sizeof script, &e, "%s/postgis_peer.py", c->peers_dir) == TC_OK)
    gis_peer(c, label, store, expect, "postgis", c->python, script, 1e-3, enc_s);
  /* MEOS measures on the WGS84 spheroid: pairs within 0.5 % of dist may differ. It
   * takes minutes per input, so --quick (a smoke run under 2 minutes) leaves it out. */
  const char *mpy = getenv("TC_MEOS_PYTHON");
  if (c->quick) {
    tc_bench_record *r = rec(c, "meos close pairs", label, NULL);
    if (r) {
      tc_bench_rec_note(r, "skipped: --quick (MEOS takes minutes per input; run the full suite)");
      tc_bench_done(c, r);
    }
  } else if (tc_bench_pathf(script, sizeof script, &e, "%s/meos_peer.py", c->peers_dir) == TC_OK)
    gis_peer(c, label, store, expect, "meos", mpy ? mpy : "/nonexistent/pymeos-python", script, 0.005 * 500,
             enc_s);
}

static tc_status one_input(tc_bench_ctx *c, const char *label, const char *input, int gis, tc_err *err) {
  char store[4096], tc_out[4096], peer_csv[4096], peer_store[4096], script[4096], tag[128];
  char why[400] = "", why2[400] = "";
  double timeout = c->quick ? 120 : 4 * 3600;
  TC_TRY(tc_bench_pathf(store, sizeof store, err, "%s/peers-%s.h5", c->workdir, label));
  TC_TRY(tc_bench_pathf(tc_out, sizeof tc_out, err, "%s/peers-%s.trajcorr.csv", c->workdir, label));
  TC_TRY(tc_bench_pathf(peer_csv, sizeof peer_csv, err, "%s/peers-%s.numpy-csv.csv", c->workdir, label));
  TC_TRY(tc_bench_pathf(peer_store, sizeof peer_store, err, "%s/peers-%s.numpy-store.csv", c->workdir, label));
  TC_TRY(tc_bench_pathf(script, sizeof script, err, "%s/encounters_numpy.py", c->peers_dir));
  tc_bench_proc pi, pe, pc, ps;
  tc_bench_record *r;

  tc_bench_progress(c, "peers: %s: trajcorr import + encounters", label);
  remove(store);
  const char *imp[] = {c->self, "import", store, input, "--quiet", NULL};
  const char *enc[] = {c->self, "encounters", store, "-o", tc_out, "-q", NULL};
  snprintf(tag, sizeof tag, "peers-%s-import", label);
  int ok = tc_bench_stage_run(c, tag, imp, timeout, &pi, why, sizeof why);
  if (ok) {
    snprintf(tag, sizeof tag, "peers-%s-encounters", label);
    ok = tc_bench_stage_run(c, tag, enc, timeout, &pe, why, sizeof why);
  }
  if (!(r = rec(c, "trajcorr import+encounters", label, "trajcorr")))
    return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
  if (!ok) {
    tc_bench_rec_fail(r, "%s", why);
    tc_bench_done(c, r);
    return TC_OK;
  }
  tc_bench_proc tc_sum = pi;
  tc_sum.wall_s += pe.wall_s;
  tc_sum.cpu_s += pe.cpu_s;
  tc_sum.peak_rss = pi.peak_rss > pe.peak_rss ? pi.peak_rss : pe.peak_rss;
  tc_bench_stage_record(r, &tc_sum);
  tc_bench_rec_metric(r, "import_s", pi.wall_s, "s");
  tc_bench_rec_metric(r, "encounters_s", pe.wall_s, "s");
  tc_bench_done(c, r);

  tc_bench_progress(c, "peers: %s: numpy peer on the CSV", label);
  const char *py1[] = {c->python, script, input, "-o", peer_csv, NULL};
  snprintf(tag, sizeof tag, "peers-%s-numpy-csv", label);
  int ok1 = tc_bench_stage_run(c, tag, py1, timeout, &pc, why, sizeof why);
  if (!(r = rec(c, "numpy peer on the CSV", label, "numpy (CSV)")))
    return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
  if (ok1)
    tc_bench_stage_record(r, &pc);
  else
    tc_bench_rec_fail(r, "%s", why);
  tc_bench_done(c, r);

  tc_bench_progress(c, "peers: %s: numpy peer on trajcorr's store", label);
  const char *py2[] = {c->python, script, store, "-o", peer_store, NULL};
  snprintf(tag, sizeof tag, "peers-%s-numpy-store", label);
  int ok2 = tc_bench_stage_run(c, tag, py2, timeout, &ps, why2, sizeof why2);
  if (!(r = rec(c, "numpy peer on the store", label, "numpy (store)")))
    return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
  if (ok2)
    tc_bench_stage_record(r, &ps);
  else
    tc_bench_rec_fail(r, "%s", why2);
  tc_bench_done(c, r);

  /* The verdict: same encounters, and how much faster. */
  if (!(r = rec(c, "compare", label, NULL)))
    return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
  char note[800] = "";
  int match = 1;
  if (ok1) {
    snprintf(tag, sizeof tag, "peers-%s-compare-csv", label);
    match &= tc_bench_peers_compare(c, tag, peer_csv, tc_out, why, sizeof why);
    tc_bench_rec_metric(r, "peer_csv_over_trajcorr", pc.wall_s / tc_sum.wall_s, "x");
    snprintf(note, sizeof note, "CSV: %s", why);
  }
  if (ok2) {
    snprintf(tag, sizeof tag, "peers-%s-compare-store", label);
    match &= tc_bench_peers_compare(c, tag, peer_store, tc_out, why2, sizeof why2);
    tc_bench_rec_metric(r, "peer_store_over_encounters", ps.wall_s / pe.wall_s, "x");
    size_t o = strlen(note);
    snprintf(note + o, sizeof note - o, "%sstore: %s", o ? "; " : "", why2);
  }
  tc_bench_rec_metric(r, "trajcorr_wall_s", tc_sum.wall_s, "s");
  if (ok1)
    tc_bench_rec_metric(r, "peer_csv_wall_s", pc.wall_s, "s");
  if (!ok1 || !ok2 || !match)
    tc_bench_rec_fail(r, "%s", note[0] ? note : "the peer did not run");
  else
    tc_bench_rec_note(r, "%s", note);
  tc_bench_done(c, r);
  if (gis)
    gis_peers(c, label, store, pe.wall_s);
  remove(store);
  return TC_OK;
}

tc_status tc_bench_suite_peers(tc_bench_ctx *c, tc_err *err) {
  char script[4096];
  if (!c->peers_dir || tc_bench_pathf(script, sizeof script, err, "%s/encounters_numpy.py", c->peers_dir) != TC_OK ||
      !exists(script) || access(c->python, X_OK) != 0) {
    tc_bench_record *r = tc_bench_new(c, "peers", "numpy peer");
    if (!r)
      return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
    tc_bench_rec_note(r, "skipped: no peer script (--peers DIR) or no interpreter %s (--python)", c->python);
    tc_bench_done(c, r);
    return TC_OK;
  }
  if (c->data_dir) {
    const char *const *names = c->quick ? real_quick : real_full;
    size_t n = c->quick ? sizeof real_quick / sizeof *real_quick : sizeof real_full / sizeof *real_full;
    for (size_t i = 0; i < n; i++) {
      char path[4096];
      TC_TRY(tc_bench_pathf(path, sizeof path, err, "%s/real-tracks/%s.csv.gz", c->data_dir, names[i]));
      if (exists(path))
        TC_TRY(one_input(c, names[i], path, 1, err));
    }
  }
  TC_TRY(tc_bench_peers_alternating(c, err));
  /* A generated period: the same input for both, at a size the peer handles. */
  size_t vessels = c->quick ? 200 : 3000;
  const char *days = c->quick ? "0.5" : "1";
  char csv[4096], vs[32], label[64], why[400];
  snprintf(vs, sizeof vs, "%zu", vessels);
  snprintf(label, sizeof label, "generated_%zu_vessels_%s_days", vessels, days);
  TC_TRY(tc_bench_pathf(csv, sizeof csv, err, "%s/peers-%s.csv.gz", c->workdir, label));
  tc_bench_progress(c, "peers: generating %s", label);
  const char *gen[] = {c->self, "generate", "-o", csv, "--vessels", vs, "--days", days, "-q", NULL};
  tc_bench_proc pg;
  if (!tc_bench_stage_run(c, "peers-generate", gen, 600, &pg, why, sizeof why)) {
    tc_bench_record *r = tc_bench_new(c, "peers", "generate input");
    if (!r)
      return tc_fail(err, TC_ERR_NOMEM, "peers suite: out of memory");
    tc_bench_rec_fail(r, "%s", why);
    tc_bench_done(c, r);
    return TC_OK;
  }
  /* The GIS peers are per-pair Python loops: only on generated inputs up to 1 500 vessels. */
  tc_status st = one_input(c, label, csv, vessels <= 1500, err);
  remove(csv);
  return st;
}
