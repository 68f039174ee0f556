/* The OpenCL backends end to end: the engine's encounter lists on every OpenCL backend
 * and precision against openmp's (generated, real and planted tracks, blocks split by a
 * tiny allocation limit, runs across blocks and buckets, several devices), and the
 * decided lists at the threshold. Skipped only when no OpenCL platform exists. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/engine/engine.h"
#include "kernels/geo.h"
#include "support/engine_cuts.h"
#include "support/lead_run.h"
#include "support/lead_tracks.h"
#include "support/opencl_points.h"
#include "support/opencl_suite.h"

#define DAY 86400

/* Every OpenCL backend and precision gives the openmp list, bit for bit. */
static void same_as_openmp(const tc_columns *c, size_t min_encounters, const char *what) {
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(c, DAY, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, min_encounters, "%s: %zu encounters", what, ref.n);
  const char *names[] = {"opencl", "opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int single = 0; single < 2; single++) {
      tc_params q = p;
      q.single_precision = single;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      tt_run(c, DAY, names[k], 2, &q, &l);
      cr_assert(tt_same(&l, &ref), "%s, %s %s: %zu vs %zu openmp encounters", what, names[k],
                single ? "single" : "double", l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
}

Test(opencl, engine_synthetic_same_as_openmp, .timeout = 120) {
  op_need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 42, 150, 30);
  same_as_openmp(&c, 20, "synthetic traffic");
  tc_columns_free(&c);
}

/* Real tracks (read in place: no licence to copy them). */
Test(opencl, engine_real_tracks_same_as_openmp, .timeout = 120) {
  op_need_opencl();
  const char *files[] = {"gibraltar_2016_06_01.csv.gz", "auckland_2017_09.csv.gz"};
  for (int f = 0; f < 2; f++) {
    tc_columns c;
    tc_columns_init(&c);
    if (!tt_load_real_track(&c, files[f]))
      cr_skip_test("%s absent", files[f]);
    same_as_openmp(&c, 10, files[f]);
    tc_columns_free(&c);
  }
}

/* A device whose largest buffer is tiny (TRAJCORR_CL_MAX_ALLOC): every block is cut
 * into sub-batches that fit it, and the list is still openmp's, bit for bit. 16 KiB is
 * 512 positions a sub-batch: fewer than any 6-hour block of Gibraltar holds, more than
 * its busiest grid time (273). */
Test(opencl, tiny_max_alloc_splits_every_block, .timeout = 180) {
  op_need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  if (!tt_load_real_track(&c, "gibraltar_2016_06_01.csv.gz"))
    cr_skip_test("gibraltar_2016_06_01.csv.gz absent");
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(&c, 6 * 3600, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, 10, "%zu encounters", ref.n);
  const char *names[] = {"opencl", "opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int single = 0; single < 2; single++) {
      tc_params q = p;
      q.single_precision = single;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
      tc_engine_stats st = tt_run(&c, 6 * 3600, names[k], 2, &q, &l);
      unsetenv("TRAJCORR_CL_MAX_ALLOC");
      const char *what = single ? "single" : "double";
      cr_assert(st.has_device, "%s: the profile op reports", names[k]);
      cr_expect(st.device.max_alloc_forced && st.device.max_alloc == 16384, "%s %s: max alloc %llu",
                names[k], what, (unsigned long long)st.device.max_alloc);
      cr_expect_gt(st.device.blocks, 1);
      cr_expect_eq(st.device.split_blocks, st.device.blocks, "%s %s: %llu of %llu blocks split",
                   names[k], what, (unsigned long long)st.device.split_blocks,
                   (unsigned long long)st.device.blocks);
      cr_expect_gt(st.device.batches, 2 * st.device.blocks);
      cr_assert(tt_same(&l, &ref), "%s %s, 16 KiB buffers: %zu vs %zu openmp encounters", names[k],
                what, l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

Test(opencl, bad_max_alloc_knob_is_named) {
  op_need_opencl();
  tc_backend_config cfg = op_config(0);
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};
  setenv("TRAJCORR_CL_MAX_ALLOC", "12kb", 1);
  tc_status s = ops->create(&cfg, &st, &err);
  unsetenv("TRAJCORR_CL_MAX_ALLOC");
  cr_expect_eq(s, TC_ERR_ARG, "%s", err.msg);
  cr_expect(strstr(err.msg, "TRAJCORR_CL_MAX_ALLOC='12kb'") != NULL, "%s", err.msg);
  if (s == TC_OK)
    ops->destroy(st);
}

/* The engine makes the backend on its own thread while the first slice is read
 * (host/engine/pipeline.c): a backend that fails to start still fails the run with its
 * message, and writes nothing. */
Test(opencl, failed_start_up_reported_by_the_engine, .timeout = 120) {
  op_need_opencl();
  char dir[512], cmd[2048], out[8192];
  tr_scratch("oclstart", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 48 --store '%s/s.h5'", TC_BINARY, dir), 0);
  snprintf(cmd, sizeof cmd,
           "TRAJCORR_CL_MAX_ALLOC=12kb %s encounters -q '%s/s.h5' --backend opencl -o '%s/x.csv' 2>&1",
           TC_BINARY, dir, dir);
  cr_expect_eq(op_run_cli(cmd, out, sizeof out), 1, "%s", out);
  cr_expect(strstr(out, "TRAJCORR_CL_MAX_ALLOC='12kb'") != NULL, "%s", out);
  cr_expect_neq(tr_sh("test -e '%s/x.csv'", dir), 0, "a list was written");
  tr_sh("rm -rf '%s'", dir);
}

/* ---- the device's exact decision (tc_backend_config.decide) ------------------- */

/* One grid time of far-apart pairs on the equator at dist_m * (1 + e): a pair at exactly
 * dist, pairs a hair either side of it (inside the band neither chord can decide) and
 * clearly inside and outside. */
static void add_threshold_slot(tc_grid_block *b, double dist_m) {
  static const double e[] = {-1e-2, -1e-3, -1e-7, -1e-10, 0, 1e-10, 1e-7, 1e-3};
  size_t n = sizeof e / sizeof e[0];
  op_add_slot(b, OP_STACKED, 2 * n, 99); /* room, then overwritten */
  size_t a = b->off[b->nslots - 1];
  for (size_t i = 0; i < n; i++) {
    double lon0 = -170.0 + 2.0 * (double)i, dlon = dist_m * (1 + e[i]) / (TC_EARTH_R_M * TC_DEG2RAD);
    b->lat[a + 2 * i] = b->lat[a + 2 * i + 1] = 0.0;
    b->lon[a + 2 * i] = lon0;
    b->lon[a + 2 * i + 1] = lon0 + dlon;
  }
  op_fill_unit(b);
}

/* A decided list: every unflagged pair is within dist by the spec's haversine, every
 * pair within dist is listed (op_check on the list without its flags), and the pairs at
 * dist itself are flagged for the host. */
static void decided_list(const char *name, int single) {
  tc_grid_block b = op_mixed_block(2000);
  add_threshold_slot(&b, OP_DIST);
  size_t thr0 = b.off[b.nslots - 1];
  tc_backend_config cfg = op_config(single);
  cfg.decide = 1;
  const tc_backend_ops *ops = tc_backend_find(name);
  void *st = op_create(name, &cfg);
  tc_pairbuf out = {0};
  tc_backend_stats stats = {0};
  tc_err err = {0};
  cr_assert_eq(ops->candidates(st, &b, &out, &stats, &err), TC_OK, "%s: %s", name, err.msg);
  ops->destroy(st);
  cr_assert(out.decided, "%s: the list should come back decided", name);
  size_t band = 0, band_at_dist = 0;
  for (size_t k = 0; k < out.n; k++) {
    uint32_t p = out.p[k], q = out.q[k] & ~TC_PAIR_BAND;
    double d = tc_haversine_m(b.lat[p], b.lon[p], b.lat[q], b.lon[q]);
    if (out.q[k] & TC_PAIR_BAND) {
      band++;
      band_at_dist += p >= thr0;
    } else {
      cr_assert_leq(d, OP_DIST, "%s %s: pair (%u, %u) at %.9f m came back decided close", name,
                    single ? "single" : "double", p, q, d);
    }
    out.q[k] = q;
  }
  size_t close = 0;
  const char *bad = op_check(&b, &out, OP_DIST, single, &close);
  cr_assert_null(bad, "%s %s: %s", name, single ? "single" : "double", bad);
  /* e = -1e-7 .. +1e-10 (4 pairs) are in the band of either precision */
  cr_expect_geq(band_at_dist, 4, "%s %s: %zu threshold pairs flagged", name,
                single ? "single" : "double", band_at_dist);
  cr_expect_eq(stats.band, band);
  cr_expect_lt(band, out.n / 10 + 8, "%s: %zu of %zu pairs left to the host", name, band, out.n);
  tc_pairbuf_free(&out);
  tc_grid_block_free(&b);
}

Test(opencl, decided_lists_double) {
  op_need_opencl();
  decided_list("opencl", 0);
  decided_list("opencl-allpairs", 0);
}

Test(opencl, decided_lists_single) {
  op_need_opencl();
  decided_list("opencl", 1);
  decided_list("opencl-allpairs", 1);
}

/* Runs the host links from the device's decided lists: a pair moored together for three
 * days (one run across every block and bucket), a pair at anchor a hair beyond dist
 * (every grid time screened in and decided far by the host's band test), pairs meeting for 2.5 h inside one
 * block, and a short pass; at bucket lengths of 1 h, 1 day and 7 days and with buffers
 * so small that every block is cut, every OpenCL backend and precision gives openmp's
 * list bit for bit. */
Test(opencl, runs_across_blocks_and_buckets, .timeout = 240) {
  op_need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  const int64_t t0 = 1700000000, days3 = 3 * 86400;
  for (int64_t t = t0; t < t0 + days3; t += 300) { /* moored pair, 80 m apart, swinging */
    double sw = 0.0002 * sin((double)(t - t0) / 7200.0);
    tt_fix(&c, 201000001, t, 55.0 + sw, 12.0);
    tt_fix(&c, 201000002, t + 17, 55.0007 + sw, 12.0);
  }
  double la, lo; /* at anchor a hair over OP_DIST apart: screened in, decided far by the host */
  tt_offset(-30.0, 170.0, 90.0, OP_DIST * (1 + 2e-10), &la, &lo);
  for (int64_t t = t0; t < t0 + days3; t += 600) {
    tt_fix(&c, 301000001, t, -30.0, 170.0);
    tt_fix(&c, 301000002, t, la, lo);
  }
  for (int m = 0; m < 12; m++) { /* meetings of 2.5 h at 0.5 kn, every 6 h */
    int64_t s = t0 + 3600 + (int64_t)m * 21600;
    uint32_t a = 401000000 + 2 * (uint32_t)m;
    for (int64_t t = s; t <= s + 9000; t += 240) {
      double x = 1e-6 * (double)(t - s);
      tt_fix(&c, a, t, 10.0 + x, -179.999);
      tt_fix(&c, a + 1, t + 31, 10.0 + x + 0.002, 179.9995);
    }
  }
  for (int64_t t = t0 + 7200; t < t0 + 14400; t += 60) { /* a fast pass through the mooring */
    tt_fix(&c, 501000001, t, 54.9 + 0.2 * (double)(t - t0 - 7200) / 7200.0, 12.0);
  }
  tc_params p;
  tc_params_default(&p);
  static const int64_t buckets[] = {3600, 86400, 7 * 86400};
  for (int bk = 0; bk < 3; bk++) {
    tc_encounter_list ref;
    tc_encounter_list_init(&ref);
    tt_run(&c, buckets[bk], "openmp", 2, &p, &ref);
    cr_assert_geq(ref.n, 13, "bucket %llds: %zu encounters", (long long)buckets[bk], ref.n);
    const char *names[] = {"opencl", "opencl", "opencl-allpairs"};
    for (int k = 0; k < 2; k++)
      for (int single = 0; single < 2; single++) {
        tc_params q = p;
        q.single_precision = single;
        tc_encounter_list l;
        tc_encounter_list_init(&l);
        setenv("TRAJCORR_CL_MAX_ALLOC", "512", 1); /* 16 positions a sub-batch */
        tc_engine_stats st = tt_run(&c, buckets[bk], names[k], 2, &q, &l);
        unsetenv("TRAJCORR_CL_MAX_ALLOC");
        cr_expect(st.device.decided, "%s: decided on the device", names[k]);
        cr_expect_gt(st.device.band, 0, "%s: the pair at dist goes to the host's test", names[k]);
        /* all but the small blocks at the ends of processing ranges */
        cr_expect_geq(st.device.split_blocks + 2, st.device.blocks, "%s: %llu of %llu blocks split",
                     names[k], (unsigned long long)st.device.split_blocks,
                     (unsigned long long)st.device.blocks);
        cr_assert(tt_same(&l, &ref), "%s %s, %llds buckets: %zu vs %zu openmp encounters", names[k],
                  single ? "single" : "double", (long long)buckets[bk], l.n, ref.n);
        tc_encounter_list_free(&l);
      }
    tc_encounter_list_free(&ref);
  }
  tc_columns_free(&c);
}

/* ---- several devices (--device all or a list) -------------------------------- */

static tc_engine_stats run_devices(const tc_columns *c, const char *name, int single, int ndev,
                                   tc_encounter_list *out) {
  tc_params p;
  tc_params_default(&p);
  p.single_precision = single;
  tc_backend_config cfg = op_config(single);
  cfg.ndevices = ndev;
  for (int i = 0; i < ndev; i++)
    cfg.devices[i] = 0; /* PoCL's one device, listed ndev times: a context each is not needed */
  return tt_run_config(c, DAY, 0, name, 2, &p, &cfg, NULL, out);
}

/* The same device listed two and three times: each takes its share of every block (with
 * every share cut into sub-batches), and the list is openmp's bit for bit. */
Test(opencl, several_devices_same_list, .timeout = 180) {
  op_need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 7, 150, 30);
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(&c, DAY, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, 10, "%zu encounters", ref.n);
  const char *names[] = {"opencl", "opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int ndev = 2; ndev <= 3; ndev++) {
      int single = ndev == 3;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
      tc_engine_stats st = run_devices(&c, names[k], single, ndev, &l);
      unsetenv("TRAJCORR_CL_MAX_ALLOC");
      cr_expect_eq(st.device.devices, ndev, "%s: %d devices reported", names[k], st.device.devices);
      cr_expect_gt(st.device.batches, (uint64_t)ndev * st.device.blocks, "%s: sub-batches %llu",
                   names[k], (unsigned long long)st.device.batches);
      cr_assert(tt_same(&l, &ref), "%s on %d devices (%s): %zu vs %zu openmp encounters", names[k],
                ndev, single ? "single" : "double", l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

Test(opencl, cli_device_lists) {
  op_need_opencl();
  char out[8192];
  cr_assert_eq(op_run_cli(TC_BINARY " encounters --device 0,x /nonexistent.h5 2>&1", out, sizeof out), 2,
               "%s", out);
  cr_expect(strstr(out, "--device '0,x'") != NULL, "%s", out);
  cr_assert_eq(op_run_cli(TC_BINARY " encounters --device 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 "
                                 "/nonexistent.h5 2>&1",
                       out, sizeof out),
               2, "%s", out);
  cr_expect(strstr(out, "up to 16") != NULL, "%s", out);
}

/* Generated traffic through the CLI (planted meetings, the antimeridian), stores of 1 h, 1 day
 * and 7 day buckets, buffers so small that every block is cut (and, for the two cell
 * searches of a CPU device, the device's own memory too): every OpenCL backend and precision
 * writes openmp's CSV byte for byte. */
Test(opencl, generated_stores_same_csv, .timeout = 600) {
  op_need_opencl();
  char dir[512];
  tr_scratch("oclgen", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 250 --days 2 --seed 13 --antimeridian -o '%s/t.csv'",
                     TC_BINARY, dir),
               0);
  static const char *buckets[] = {"1h", "1d", "7d"};
  static const char *runs[] = {
      "TRAJCORR_CL_MAX_ALLOC=16384 TRAJCORR_CL_SLOT_CELLS=1 '%s' encounters --backend opencl",
      "TRAJCORR_CL_MAX_ALLOC=16384 TRAJCORR_CL_SLOT_CELLS=0 '%s' encounters --backend opencl",
      "TRAJCORR_CL_SLOT_CELLS=1 '%s' encounters --backend opencl",
      "TRAJCORR_CL_SLOT_CELLS=0 '%s' encounters --backend opencl",
      "TRAJCORR_CL_MAX_ALLOC=16384 '%s' encounters --backend opencl --precision single",
      "TRAJCORR_CL_MAX_ALLOC=16384 '%s' encounters --backend opencl-allpairs",
      "TRAJCORR_CL_MAX_ALLOC=16384 '%s' encounters --backend opencl-allpairs --precision single"};
  const int nruns = (int)(sizeof runs / sizeof runs[0]);
  for (int b = 0; b < 3; b++) {
    cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s.h5' '%s/t.csv' >/dev/null && '%s' encounters "
                       "-q --backend openmp '%s/s.h5' -o '%s/ref.csv' && test $(wc -l < '%s/ref.csv') -gt 10",
                       TC_BINARY, buckets[b], dir, dir, TC_BINARY, dir, dir, dir),
                 0, "%s buckets: import and the openmp list", buckets[b]);
    for (int r = 0; r < nruns; r++) {
      char cmd[512];
      snprintf(cmd, sizeof cmd, runs[r], TC_BINARY);
      cr_assert_eq(tr_sh("%s -q '%s/s.h5' -o '%s/x.csv' && cmp -s '%s/ref.csv' '%s/x.csv'", cmd, dir, dir, dir, dir),
                   0, "%s buckets, %s: not openmp's list", buckets[b], runs[r]);
    }
    tr_sh("rm -f '%s/s.h5'", dir);
  }
  tr_sh("rm -rf '%s'", dir);
}

/* ---- runs too short to report, dropped on the device (kernels/runs.cl) ------------ */

/* Vessel b's east offset from a at time t: it drifts east at v past a (200 m north of it)
 * at tk, and with `back` turns after half of 3 h and passes a again, westwards, at tk +
 * 3 h (two close runs 2 h apart: one candidate of 4 h, an encounter). */
static double drift_x(int64_t t, int64_t tk, double v, int back) {
  double dt = (double)(t - tk), T = 3 * 3600.0;
  if (!back || dt <= T / 2)
    return v * dt;
  return v * (T - dt);
}

/* Three days, a fix every 5 minutes: a pair moored 100 m apart the whole time (one
 * encounter across every block and bucket) and 48 pairs that meet once, each somewhere
 * else (two at the antimeridian, two near the pole) at times that fall anywhere in a
 * block, some slowly enough to be encounters, most not (runs of 15 min to 2 h). */
static void meetings(tc_columns *c) {
  const int64_t t0 = 1700000000 - 1700000000 % 86400, step = 300, days = 3;
  const int npair = 48;
  /* 0.23 kn: close for 2.15 h, so 12 or 13 grid times by phase: runs of 1 h 50 or of just
   * min_duration, the shortest encounter */
  const double kn = 1852.0 / 3600.0, speeds[] = {0.25, 0.5, 1.0, 2.0, 0.5, 0.23};
  for (int64_t t = t0; t < t0 + days * 86400; t += step) {
    tt_fix(c, 100000001, t, 43.1, 5.9);
  }
  for (int64_t t = t0; t < t0 + days * 86400; t += step) {
    double la, lo;
    tt_offset(43.1, 5.9, 45.0, 100.0, &la, &lo);
    tt_fix(c, 100000002, t, la, lo);
  }
  for (int k = 0; k < npair; k++) {
    double lat = -60.0 + 2.5 * k, lon = -150.0 + 6.0 * k;
    if (k < 2) {
      lat = 10.0 + k;
      lon = 179.9995; /* b crosses the antimeridian */
    } else if (k < 4) {
      lat = 89.95 - 0.02 * k;
      lon = 30.0 * k;
    }
    int64_t tk = t0 + 3 * 3600 + (int64_t)k * 4021; /* all over the three days */
    double v = speeds[k % 6] * kn;
    int back = k % 6 == 4;
    for (int who = 0; who < 2; who++)
      for (int64_t t = t0; t < t0 + days * 86400; t += step) {
        double la = lat, lo = lon;
        if (who) {
          double x = drift_x(t, tk, v, back), n1, o1;
          tt_offset(lat, lon, 0.0, 200.0, &n1, &o1);
          tt_offset(n1, o1, x >= 0 ? 90.0 : 270.0, fabs(x), &la, &lo);
        }
        tt_fix(c, 200000000 + 2 * (uint32_t)k + (uint32_t)who, t, la, lo);
      }
  }
}

/* The device drops the close pairs of runs no other close time can join and too short to
 * report; the encounters, and the close-pair and candidate counts, stay openmp's, with
 * buckets of an hour, a day and a week, and with day buckets also in single, by all pairs
 * and with every block cut into small sub-batches (TRAJCORR_CL_MAX_ALLOC). */
Test(opencl, short_runs_dropped_on_device_same_encounters, .timeout = 300) {
  op_need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  meetings(&c);
  tc_params p;
  tc_params_default(&p);
  const int64_t buckets[] = {3600, DAY, 7 * DAY};
  const char *names[] = {"opencl", "opencl", "opencl-allpairs"};
  for (int bi = 0; bi < 3; bi++) {
    tc_encounter_list ref;
    tc_encounter_list_init(&ref);
    tc_engine_stats rs = tt_run(&c, buckets[bi], "openmp", 2, &p, &ref);
    cr_assert_geq(ref.n, 9, "%zu encounters", ref.n);
    int moored = 0;
    for (size_t i = 0; i < ref.n; i++)
      moored |= ref.v[i].mmsi_a == 100000001 && ref.v[i].end - ref.v[i].start > 2 * DAY;
    cr_assert(moored, "the moored pair should be one encounter of the three days");
    for (int k = 0; k < 3; k++) /* opencl by grid time, opencl by the chain, all pairs */
      for (int mode = 0; mode < 3; mode++) {
        if ((k == 2 && mode == 2) || (buckets[bi] != DAY && (k == 2 || mode))) /* day buckets */
          continue;
        tc_params q = p;
        q.single_precision = mode == 1;
        tc_encounter_list l;
        tc_encounter_list_init(&l);
        if (mode == 2)
          setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
        setenv("TRAJCORR_CL_SLOT_CELLS", k == 1 ? "0" : "1", 1);
        tc_engine_stats st = tt_run(&c, buckets[bi], names[k], 2, &q, &l);
        unsetenv("TRAJCORR_CL_MAX_ALLOC");
        unsetenv("TRAJCORR_CL_SLOT_CELLS");
        char what[128];
        snprintf(what, sizeof what, "%s%s %s, buckets of %lld s", names[k], k == 1 ? " (chain)" : "",
                 mode == 1 ? "single" : mode == 2 ? "double, 16 KiB buffers" : "double",
                 (long long)buckets[bi]);
        cr_assert(tt_same(&l, &ref), "%s: %zu vs %zu openmp encounters", what, l.n, ref.n);
        cr_expect_eq(st.close_pairs, rs.close_pairs, "%s: close pairs", what);
        cr_expect_eq(st.candidates, rs.candidates, "%s: candidates", what);
        if (buckets[bi] >= DAY && mode != 2) /* sub-batches long enough for complete runs */
          cr_expect_gt(st.backend.dropped_runs, 10, "%s: %llu runs dropped on the device", what,
                       (unsigned long long)st.backend.dropped_runs);
        tc_encounter_list_free(&l);
      }
    tc_encounter_list_free(&ref);
  }
  tc_columns_free(&c);
}
