/* The encounter engine against hand-computed cases and against itself: every
 * backend, thread count and bucket length must give the same list. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef TRAJCORR_HAVE_OPENMP
#include <omp.h>
#endif

#include "kernels/geo.h"
#include "support/engine_cuts.h"
#include "support/lead_tracks.h"

#define DAY 86400
#define T0 1600041600 /* 2020-09-14T00:00:00Z */

static tc_params defaults(void) {
  tc_params p;
  tc_params_default(&p);
  return p;
}

/* Vessel a fixed; vessel b 300 m away while `near(t)` holds, else 3 km away. Both
 * report every 10 min from t0 to t1 on the grid. */
static void pair_track(tc_columns *c, int64_t t0, int64_t t1, int (*near)(int64_t)) {
  for (int64_t t = t0; t <= t1; t += 600) {
    double lat, lon;
    tt_fix(c, 111111111, t, 10.0, 20.0);
    tt_offset(10.0, 20.0, 45.0, near(t - t0) ? 300.0 : 3000.0, &lat, &lon);
    tt_fix(c, 222222222, t, lat, lon);
  }
}

/* The encounters of the pair_track built over [T0, T0 + hours) with `near`. */
static void run_pair(int hours, int (*near)(int64_t), tc_encounter_list *l) {
  tc_columns c;
  tc_columns_init(&c);
  pair_track(&c, T0, T0 + hours * 3600, near);
  tc_params p = defaults();
  tc_encounter_list_init(l);
  tt_run(&c, DAY, "openmp", 1, &p, l);
  tc_columns_free(&c);
}

static int near_3h_apart(int64_t dt) { return dt <= 7200 || (dt >= 18000 && dt <= 25200); }
static int near_5h_apart(int64_t dt) { return dt <= 7200 || (dt >= 25200 && dt <= 32400); }

Test(engine, two_meetings_3h_apart_are_merged) {
  tc_encounter_list l;
  run_pair(12, near_3h_apart, &l);
  cr_assert_eq(l.n, 1);
  cr_assert_eq(l.v[0].start, T0);
  cr_assert_eq(l.v[0].end, T0 + 25200);
  cr_assert_eq(l.v[0].close_slots, 26);
  cr_assert_eq(l.v[0].mmsi_a, 111111111u);
  cr_assert_float_eq(l.v[0].min_dist_m, 300.0, 1e-6);
  tc_encounter_list_free(&l);
}

Test(engine, two_meetings_5h_apart_are_two_encounters) {
  tc_encounter_list l;
  run_pair(12, near_5h_apart, &l);
  cr_assert_eq(l.n, 2);
  cr_assert_eq(l.v[0].start, T0);
  cr_assert_eq(l.v[0].end, T0 + 7200);
  cr_assert_eq(l.v[1].start, T0 + 25200);
  cr_assert_eq(l.v[1].end, T0 + 32400);
  tc_encounter_list_free(&l);
}

static int near_2h(int64_t dt) { return dt <= 7200; }
static int near_2h_minus_slot(int64_t dt) { return dt <= 6600; }

Test(engine, encounter_exactly_min_duration_is_reported) {
  tc_encounter_list l;
  run_pair(6, near_2h, &l);
  cr_assert_eq(l.n, 1);
  cr_assert_eq(l.v[0].end - l.v[0].start, 7200);
  tc_encounter_list_free(&l);
  run_pair(6, near_2h_minus_slot, &l);
  cr_assert_eq(l.n, 0, "6600 s is shorter than min_duration");
  tc_encounter_list_free(&l);
}

Test(engine, pair_exactly_dist_apart_is_close) {
  tc_columns c;
  tc_columns_init(&c);
  double lat, lon;
  tt_offset(-33.0, 151.5, 100.0, 500.0, &lat, &lon);
  for (int64_t t = T0; t <= T0 + 3 * 3600; t += 600) {
    tt_fix(&c, 300000001, t, -33.0, 151.5);
    tt_fix(&c, 300000002, t, lat, lon);
  }
  tc_params p = defaults();
  p.dist_m = tc_haversine_m(-33.0, 151.5, lat, lon); /* the exact distance: <= holds */
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tt_run(&c, DAY, "openmp", 1, &p, &l);
  cr_assert_eq(l.n, 1);
  cr_assert_eq(l.v[0].min_dist_m, p.dist_m);
  tc_encounter_list_free(&l);
  tc_encounter_list_init(&l);
  p.dist_m = nextafter(p.dist_m, 0.0); /* one ulp less: not close */
  tt_run(&c, DAY, "openmp", 1, &p, &l);
  cr_assert_eq(l.n, 0);
  tc_encounter_list_free(&l);
  tc_columns_free(&c);
}

Test(engine, gap_longer_than_max_gap_has_no_positions) {
  tc_columns c;
  tc_columns_init(&c);
  double lat, lon;
  tt_offset(50.0, 1.0, 0.0, 200.0, &lat, &lon);
  for (int64_t t = T0; t <= T0 + 6 * 3600; t += 600) {
    tt_fix(&c, 400000001, t, 50.0, 1.0);
    if (t <= T0 + 7200 || t >= T0 + 4 * 3600) /* b silent from 2 h to 4 h */
      tt_fix(&c, 400000002, t, lat, lon);
  }
  tc_params p = defaults();
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tt_run(&c, DAY, "openmp", 1, &p, &l);
  cr_assert_eq(l.n, 1);
  cr_assert_eq(l.v[0].start, T0);
  cr_assert_eq(l.v[0].end, T0 + 6 * 3600);
  cr_assert_eq(l.v[0].close_slots, 26, "no grid positions inside the 2 h gap");
  tc_encounter_list_free(&l);
  tc_columns_free(&c);
}

Test(engine, fixes_straddling_bucket_boundaries) {
  /* Off-grid reports (xx:x5): every grid position is interpolated, including the
   * ones at midnight and on the hour whose fixes lie in two buckets. */
  tc_columns c;
  tc_columns_init(&c);
  double lat, lon;
  tt_offset(60.0, 25.0, 270.0, 250.0, &lat, &lon);
  for (int64_t t = T0 - 5 * 3600 + 300; t <= T0 + 5 * 3600; t += 600) {
    tt_fix(&c, 500000001, t, 60.0, 25.0);
    tt_fix(&c, 500000002, t + 60, lat, lon);
  }
  tc_params p = defaults();
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(&c, 7 * DAY, "allpairs", 1, &p, &ref);
  cr_assert_eq(ref.n, 1);
  cr_assert_eq(ref.v[0].start, T0 - 5 * 3600 + 600);
  cr_assert_eq(ref.v[0].end, T0 + 5 * 3600 - 600);
  static const int64_t buckets[] = {3600, 21600, DAY, 7 * DAY};
  for (int i = 0; i < 4; i++) {
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    tt_run(&c, buckets[i], "openmp", 2, &p, &l);
    cr_assert(tt_same(&l, &ref), "bucket %lld differs", (long long)buckets[i]);
    tc_encounter_list_free(&l);
  }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

Test(engine, teleport_filter_drops_impossible_jump) {
  tc_columns c;
  tc_columns_init(&c);
  double lat, lon;
  tt_offset(0.5, 0.5, 90.0, 100.0, &lat, &lon);
  for (int64_t t = T0; t <= T0 + 4 * 3600; t += 600) {
    tt_fix(&c, 600000001, t, 0.5, 0.5);
    /* a spoofed fix 100 km away for one report: 100 km in 10 min is ~324 kn */
    if (t == T0 + 3600)
      tt_fix(&c, 600000002, t, 1.4, 0.5);
    else
      tt_fix(&c, 600000002, t, lat, lon);
  }
  tc_params p = defaults();
  /* With buckets of one fix each, the spoof opens a bucket and the fix after it is
   * judged against the last kept fix, which an earlier bucket carried. */
  static const int64_t buckets[] = {600, 1800, 3600, DAY};
  for (int b = 0; b < 4; b++) {
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    tc_engine_stats st = tt_run(&c, buckets[b], "openmp", 1 + b % 2, &p, &l);
    cr_assert_eq(l.n, 1, "bucket %lld", (long long)buckets[b]);
    cr_assert_eq(l.v[0].close_slots, 25, "the spoofed fix is dropped and interpolated over");
    cr_assert_eq(st.teleport_dropped, 1);
    tc_encounter_list_free(&l);
  }
  tc_columns_free(&c);
}

/* The synthetic traffic of seed 42 (150 vessels, 30 h) and its list from `backend`
 * over buckets of bucket_s, the reference of the tests that split the work otherwise. */
static void synthetic_reference(tc_columns *c, tc_params *p, tc_encounter_list *ref, int64_t bucket_s,
                                const char *backend, int threads) {
  tc_columns_init(c);
  tt_synthetic(c, 42, 150, 30);
  *p = defaults();
  tc_encounter_list_init(ref);
  tt_run(c, bucket_s, backend, threads, p, ref);
}

Test(engine, backends_threads_and_buckets_agree, .timeout = 120) {
  tc_columns c;
  tc_params p;
  tc_encounter_list ref;
  synthetic_reference(&c, &p, &ref, DAY, "allpairs", 1);
  cr_assert_gt(ref.n, 20, "the synthetic data should hold encounters (got %zu)", ref.n);
  int antimeridian = 0, polar = 0;
  for (size_t i = 0; i < ref.n; i++) {
    antimeridian |= fabs(ref.v[i].mean_lon) > 179.99;
    polar |= ref.v[i].mean_lat > 89.9;
  }
  cr_assert(antimeridian && polar, "encounters across the antimeridian and near the pole expected");
  static const int64_t buckets[] = {3600, 21600, DAY, 7 * DAY};
  static const int threads[] = {1, 2, 4};
  for (int b = 0; b < 4; b++)
    for (int t = 0; t < 3; t++) {
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      tt_run(&c, buckets[b], "openmp", threads[t], &p, &l);
      cr_assert(tt_same(&l, &ref), "openmp, bucket %lld s, %d threads: %zu vs %zu encounters",
                (long long)buckets[b], threads[t], l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

/* --to: once every grid time before it is final the engine stops reading; the list is
 * the one it gives reading the whole source (a tee's read_all), and fewer fixes are read. */
Test(engine, to_stops_the_read_with_the_same_list, .timeout = 120) {
  tc_columns c;
  tc_params p;
  tc_encounter_list ref;
  synthetic_reference(&c, &p, &ref, 3600, "openmp", 2);
  int64_t t0 = c.t[0];
  for (size_t i = 1; i < c.n; i++)
    t0 = c.t[i] < t0 ? c.t[i] : t0;
  p.to = t0 + 15 * 3600;
  tc_encounter_list l[2];
  tc_engine_stats st[2];
  for (int all = 0; all < 2; all++) {
    tc_memory_source *ms;
    cr_assert_eq(tc_memory_source_create(&c, 3600, &ms), TC_OK);
    tc_bucket_source src = tc_memory_source_get(ms);
    src.read_all = all;
    tc_backend_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.platform = cfg.device = -1;
    tc_err err = {0};
    tc_encounter_list_init(&l[all]);
    cr_assert_eq(tc_encounters_run(&src, &p, tc_backend_find("openmp"), &cfg, &l[all], &st[all], &err), TC_OK,
                 "%s", err.msg);
    tc_memory_source_free(ms);
  }
  cr_assert_gt(l[0].n, 5, "encounters before --to expected (got %zu)", l[0].n);
  cr_assert_lt(l[0].n, ref.n, "--to should leave some encounters out");
  cr_assert(tt_same(&l[0], &l[1]), "stopped read: %zu encounters, whole read: %zu", l[0].n, l[1].n);
  cr_assert_lt(st[0].fixes_read, st[1].fixes_read * 3 / 4, "read %llu of %llu fixes",
               (unsigned long long)st[0].fixes_read, (unsigned long long)st[1].fixes_read);
  for (int all = 0; all < 2; all++)
    tc_encounter_list_free(&l[all]);
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

/* A backend whose start loads a driver (slow_create) is made while the reader thread reads
 * the first slice: the list is openmp's, and a start that fails fails the run with its own
 * message, whatever the read, with nothing listed (the reader joined: ASan would see it). */
static const tc_backend_ops *slow_inner;
static int slow_fails;
static tc_status slow_create(const tc_backend_config *cfg, void **state, tc_err *err) {
  struct timespec ts = {0, 20 * 1000 * 1000}; /* the first slice is read meanwhile */
  nanosleep(&ts, NULL);
  if (slow_fails)
    return tc_fail(err, TC_ERR_UNSUPPORTED, "no driver here");
  return slow_inner->create(cfg, state, err);
}

Test(engine, backend_made_while_the_first_slice_is_read, .timeout = 120) {
  tc_columns c;
  tc_params p;
  tc_encounter_list ref;
  synthetic_reference(&c, &p, &ref, 3600, "openmp", 2);
  slow_inner = tc_backend_find("openmp");
  tc_backend_ops slow = *slow_inner;
  slow.create = slow_create;
  slow.slow_create = 1;
  for (slow_fails = 0; slow_fails < 2; slow_fails++) {
    tc_err err = {0};
    tc_engine_stats st;
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    tc_status s = tt_run_ops(&c, 3600, 0, &p, &slow, NULL, NULL, &l, &st, &err);
    if (slow_fails) {
      cr_assert_eq(s, TC_ERR_UNSUPPORTED);
      cr_assert_str_eq(err.msg, "no driver here");
      cr_assert_eq(l.n, 0);
    } else {
      cr_assert_eq(s, TC_OK, "%s", err.msg);
      cr_assert(tt_same(&l, &ref), "%zu vs %zu encounters", l.n, ref.n);
    }
    tc_encounter_list_free(&l);
  }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

/* A device-like backend (tc_backend_ops.overlap): its op runs on a thread of its own,
 * block k+1's beside block k's host stages. One call at a time, blocks in order, some
 * slow (the host's stages then wait, or the op does), small blocks so that a range holds
 * many: the list and counts are openmp's in line. A call that fails fails the run with its
 * message and nothing listed (the op's thread joined: ASan would see it). */
static const tc_backend_ops *beside_inner;
static int beside_busy, beside_calls, beside_fail_at, beside_bad;
static int64_t beside_last_s0;
static tc_status beside_candidates(void *state, const tc_grid_block *blk, tc_pairbuf *out, tc_backend_stats *st,
                                   tc_err *err) {
  if (__atomic_exchange_n(&beside_busy, 1, __ATOMIC_ACQ_REL) || blk->s0 <= beside_last_s0)
    beside_bad = 1; /* two calls at once, or a block out of order */
  beside_last_s0 = blk->s0;
  int k = ++beside_calls;
  if (k % 3 == 0) {
    struct timespec ts = {0, 2 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  tc_status s = k == beside_fail_at ? tc_fail(err, TC_ERR_OPENCL, "device lost at block %d", k)
                                    : beside_inner->candidates(state, blk, out, st, err);
  __atomic_store_n(&beside_busy, 0, __ATOMIC_RELEASE);
  return s;
}
static int beside_yes(void *state) {
  (void)state;
  return 1;
}
static size_t beside_positions(void *state) {
  (void)state;
  return 64; /* 16 grid times a block (BLOCK_MIN_SLOTS) */
}

Test(engine, device_op_beside_the_host_stages, .timeout = 120) {
  tc_columns c;
  tc_params p;
  tc_encounter_list ref;
  synthetic_reference(&c, &p, &ref, 7 * DAY, "openmp", 2);
  tc_engine_stats rs;
  {
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    rs = tt_run(&c, 7 * DAY, "openmp", 2, &p, &l);
    tc_encounter_list_free(&l);
  }
  beside_inner = tc_backend_find("openmp");
  tc_backend_ops ops = *beside_inner;
  ops.candidates = beside_candidates;
  ops.overlap = beside_yes;
  ops.block_positions = beside_positions;
  const int64_t buckets[] = {DAY, 7 * DAY};
  for (int b = 0; b < 2; b++)
    for (int fail = 0; fail < 2; fail++) {
      beside_busy = beside_calls = beside_bad = 0;
      beside_last_s0 = INT64_MIN;
      beside_fail_at = fail ? 7 : 0;
      tc_err err = {0};
      tc_engine_stats st;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      tc_status s = tt_run_ops(&c, buckets[b], 0, &p, &ops, NULL, NULL, &l, &st, &err);
      cr_assert(!beside_bad, "the op was called twice at once or out of block order");
      if (fail) {
        cr_assert_eq(s, TC_ERR_OPENCL);
        cr_assert_str_eq(err.msg, "device lost at block 7");
        cr_assert_eq(l.n, 0);
      } else {
        cr_assert_eq(s, TC_OK, "%s", err.msg);
        cr_assert(st.overlapped, "buckets of %lld s: the op never ran beside the host", (long long)buckets[b]);
        cr_assert_gt(beside_calls, 10, "%d blocks: small blocks expected", beside_calls);
        cr_assert(tt_same(&l, &ref), "buckets of %lld s: %zu vs %zu encounters", (long long)buckets[b], l.n, ref.n);
        cr_assert_eq(st.close_pairs, rs.close_pairs);
        cr_assert_eq(st.candidate_pairs, rs.candidate_pairs);
        cr_assert_eq(st.candidates, rs.candidates);
        cr_assert_eq(st.grid_positions, rs.grid_positions);
      }
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* tc_median selects rather than sorts: it must equal the sorted definition for odd and
 * even counts, many ties, and already sorted or reversed input. */
Test(engine, median_equals_sorted_definition) {
  uint64_t seed = 12345;
  double v[300], w[300];
  for (int trial = 0; trial < 2000; trial++) {
    size_t n = 1 + (size_t)(trial % 300);
    int pattern = trial % 4;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      double r = (double)(seed >> 11) / 9007199254740992.0;
      v[i] = pattern == 0 ? r : pattern == 1 ? floor(r * 5) : pattern == 2 ? (double)i : (double)(n - i);
      w[i] = v[i];
    }
    qsort(w, n, sizeof *w, cmp_d);
    double want = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2.0;
    cr_assert_eq(tc_median(v, n), want, "n=%zu pattern=%d", n, pattern);
  }
  cr_assert(isnan(tc_median(v, 0)));
}

/* The screen's polynomial unit vectors agree with libm's to 1e-15 over the whole
 * sphere (the screen's margin, TC_SCREEN_REL_DOUBLE, covers far more). */
Test(engine, fast_unit_vectors_match_libm) {
  double worst = 0;
  for (int i = 0; i <= 36000; i++) {
    double lat = -90.0 + i * 0.005, lon = -180.0 + i * 0.01 + 1e-7 * (i % 7);
    double x0, y0, z0, x1, y1, z1;
    tc_unit_vec(lat, lon, &x0, &y0, &z0);
    tc_unit_vec_fast(lat, lon, &x1, &y1, &z1);
    double e = fmax(fabs(x0 - x1), fmax(fabs(y0 - y1), fabs(z0 - z1)));
    worst = fmax(worst, e);
    double s, c;
    tc_sincos_deg(lon, &s, &c);
    worst = fmax(worst, fmax(fabs(s - sin(lon * TC_DEG2RAD)), fabs(c - cos(lon * TC_DEG2RAD))));
  }
  cr_assert_lt(worst, 1e-15, "worst component difference %g", worst);
}

/* Positions and slot speeds from the grid's position store, fed bucket by bucket,
 * equal the spec's definition looked up in all the fixes, bit for bit, at every
 * position of blocks that start and end anywhere (and the unit vectors equal the
 * scalar tc_unit_vec_fast's): gaps longer than max_gap, tracks that begin or end
 * inside a block or a bucket, vessels at rest, the antimeridian. */
#include "host/engine/grid.h"

Test(engine, grid_slot_speeds_equal_the_definition) {
  enum { NV = 40, MAXF = 400 };
  static uint32_t mmsi[NV];
  static size_t off[NV + 1];
  static int64_t t[NV * MAXF];
  static double lat[NV * MAXF], lon[NV * MAXF];
  uint64_t seed = 99;
#define RND() ((seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 11) / 9007199254740992.0
  size_t n = 0;
  for (int v = 0; v < NV; v++) {
    mmsi[v] = 100000000u + (uint32_t)v;
    off[v] = n;
    int64_t tt = T0 + (int64_t)(RND() * 20000);
    double la = -60 + RND() * 120, lo = v % 4 == 0 ? 179.95 : -180 + RND() * 360;
    int rest = v % 5 == 0;
    int nf = 20 + (int)(RND() * (MAXF - 20));
    for (int k = 0; k < nf; k++) {
      t[n] = tt;
      lat[n] = la;
      lon[n] = lo;
      n++;
      tt += RND() < 0.05 ? 4000 + (int64_t)(RND() * 5000) : 30 + (int64_t)(RND() * 900);
      if (!rest) {
        la += (RND() - 0.5) * 0.02;
        lo = tc_norm_lon(lo + (RND() - 0.5) * 0.02);
      }
    }
  }
  off[NV] = n;
  tc_track_window w = {NV, mmsi, off, t, lat, lon, 3600};
  size_t checked = 0, defined = 0, zero = 0;
  /* Fixes arrive in time buckets, as the engine streams them; after each bucket the
   * grid times whose positions are final are filled in blocks of 1 to 9 grid times
   * and checked against the definition (positions too, and that none is missing). */
  static const int64_t buckets[] = {3600, 7200, 20000, 300000};
  static size_t boff[NV + 1];
  static uint32_t bm[NV];
  for (size_t bi = 0; bi < sizeof buckets / sizeof *buckets; bi++) {
    int64_t len = buckets[bi], s_done = INT64_MIN;
    tc_grid_cpu *g;
    cr_assert_eq(tc_grid_cpu_create(600, 3600, 0, &g), TC_OK);
    if (bi % 2)
      tc_grid_cpu_compact_from(g, 0); /* positions move: the answers must not */
    tc_grid_block blk = {0};
    size_t cur[NV];
    for (int v = 0; v < NV; v++)
      cur[v] = off[v];
    for (int64_t T = T0 + len; T - len < T0 + 400000; T += len) {
      size_t nb = 0;
      boff[0] = 0;
      static int64_t bt[NV * MAXF];
      static double bla[NV * MAXF], blo[NV * MAXF];
      size_t nf = 0, nvb = 0;
      for (int v = 0; v < NV; v++) {
        size_t k0 = cur[v];
        while (cur[v] < off[v + 1] && t[cur[v]] < T) {
          bt[nf] = t[cur[v]], bla[nf] = lat[cur[v]], blo[nf] = lon[cur[v]];
          nf++, cur[v]++;
        }
        if (cur[v] > k0) {
          bm[nvb] = mmsi[v];
          boff[++nvb] = nf;
        }
      }
      (void)nb;
      tc_track_window fx = {nvb, bm, boff, bt, bla, blo, 3600};
      cr_assert_eq(tc_grid_cpu_add(g, &fx, s_done == INT64_MIN ? INT64_MIN : s_done - 600, T, 2, NULL), TC_OK);
      int64_t lo = s_done == INT64_MIN ? tc_grid_cpu_first(g) : s_done;
      int64_t hi = ((T - 3600 - 600) / 600) * 600;
      for (int64_t s0 = lo; lo != INT64_MAX && s0 < hi;) {
        blk.s0 = s0;
        blk.slot = 600;
        blk.nslots = 1 + (size_t)((s0 / 600) % 9);
        if (s0 + (int64_t)blk.nslots * 600 > hi)
          blk.nslots = (size_t)((hi - s0) / 600);
        cr_assert_eq(tc_grid_cpu_compute(g, &blk, 2), TC_OK);
        const uint32_t *gm = tc_grid_cpu_mmsi(g);
        static unsigned char all[NV * 1024];
        cr_assert_leq(blk.n, sizeof all);
        memset(all, 1, blk.n);
        static tc_pos_speed pos[NV * 1024];
        tc_grid_cpu_speeds_pos(g, &blk, all, pos, 2);
        for (size_t j = 0; j < blk.nslots; j++) {
          int64_t s = s0 + (int64_t)j * 600;
          size_t have = 0;
          for (int v = 0; v < NV; v++) {
            double la, lo2;
            have += (size_t)tc_track_position(&w, (size_t)v, s, &la, &lo2);
          }
          cr_assert_eq(blk.off[j + 1] - blk.off[j], have, "bucket %lld s=%lld", (long long)len, (long long)s);
          for (size_t p = blk.off[j]; p < blk.off[j + 1]; p++) {
            size_t v = gm[blk.vid[p]] - 100000000u;
            double la, lo2;
            cr_assert(tc_track_position(&w, v, s, &la, &lo2));
            cr_assert(la == blk.lat[p] && lo2 == blk.lon[p], "vessel %zu s=%lld", v, (long long)s);
            double ux, uy, uz; /* the block's (vectorised) unit vectors, bit for bit */
            tc_unit_vec_fast(la, lo2, &ux, &uy, &uz);
            cr_assert(ux == blk.x[p] && uy == blk.y[p] && uz == blk.z[p], "unit vector of vessel %zu", v);
            double want = tc_slot_speed_kn(&w, v, s, 600);
            cr_assert(pos[p].lat == blk.lat[p] && pos[p].lon == blk.lon[p], "position of vessel %zu", v);
            cr_assert(isnan(want) ? isnan(pos[p].speed) : pos[p].speed == want, "s=%lld vessel %zu: %.17g",
                      (long long)s, v, pos[p].speed);
            checked++;
            defined += !isnan(want);
            zero += want == 0.0;
          }
        }
        s0 += (int64_t)blk.nslots * 600;
      }
      if (hi > s_done)
        s_done = hi;
    }
    tc_grid_block_free(&blk);
    if (bi % 2)
      cr_assert_gt(tc_grid_cpu_compactions(g), 0, "bucket %lld: the store was never compacted", (long long)len);
    tc_grid_cpu_free(g);
  }
  cr_assert_gt(checked, 20000, "%zu positions", checked);
  cr_assert_gt(defined, checked / 2);
  cr_assert_gt(zero, 400);
  cr_assert_lt(defined, checked, "some positions must have no speed (isolated by gaps)");
#undef RND
}

/* The exact test decides most pairs by the chord between the screen's unit vectors
 * and computes the haversine only in a thin band around dist: its answer must equal
 * "haversine <= dist" for pairs at every distance near the threshold (down to a few
 * ulps of it), every dist the options allow, at the equator, near the poles and
 * across the antimeridian. */
#include "host/engine/exact.h"

Test(engine, exact_test_equals_the_haversine_decision) {
  static const double dists[] = {10.0, 137.5, 500.0, 5000.0, 123456.0, 1.0e6};
  static const double rel[] = {-1e-3, -1e-6, -1e-8, -1e-10, -1e-12, -1e-14, 0.0,
                               1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-3};
  uint64_t seed = 7;
  size_t n = 0, band = 0;
  for (size_t di = 0; di < sizeof dists / sizeof *dists; di++) {
    double lo2, hi2;
    tc_exact_bounds(dists[di], &lo2, &hi2);
    for (int k = 0; k < 4000; k++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      double u1 = (double)(seed >> 11) / 9007199254740992.0;
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      double u2 = (double)(seed >> 11) / 9007199254740992.0;
      double lat = k % 4 == 0 ? 89.9 - u1 * 0.05 : -85 + 170 * u1;
      double lon = k % 4 == 1 ? 179.999 : -180 + 360 * u2;
      for (size_t ri = 0; ri < sizeof rel / sizeof *rel; ri++) {
        double la2, lo2p;
        tt_offset(lat, lon, 360 * u2, dists[di] * (1 + rel[ri]), &la2, &lo2p);
        double a[3], b[3];
        tc_unit_vec_fast(lat, lon, &a[0], &a[1], &a[2]);
        tc_unit_vec_fast(la2, lo2p, &b[0], &b[1], &b[2]);
        int want = tc_haversine_m(lat, lon, la2, lo2p) <= dists[di];
        int got = tc_exact_close(a, b, lat, lon, la2, lo2p, dists[di], lo2, hi2);
        cr_assert_eq(got, want, "dist %g rel %g at (%.9f, %.9f)", dists[di], rel[ri], lat, lon);
        double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2], c2 = dx * dx + dy * dy + dz * dz;
        band += c2 >= lo2 && c2 <= hi2;
        n++;
      }
    }
  }
  cr_assert_gt(band, n / 3, "the pairs nearest dist must reach the haversine (%zu of %zu)", band, n);
  cr_assert_lt(band, n, "pairs far from dist must be decided by the chord");
}

/* A store read in slices of whole chunks (tiny chunks here, so that a bucket is many
 * slices and vessels straddle them) gives the list the in-memory buckets give, with
 * and without compression; and a slice that is not whole chunks reads the same rows
 * through HDF5. */
#include <string.h>
#include "io/store_chunks.h"
#include "io/store_write.h"
#include "support/store_fixtures.h"

static void write_store(const char *path, const tc_columns *c, int64_t bucket_s, int level) {
  tc_memory_source *ms;
  cr_assert_eq(tc_memory_source_create(c, bucket_s, &ms), TC_OK);
  tc_bucket_source src = tc_memory_source_get(ms);
  tc_store_writer_opts o = {.bucket_s = bucket_s, .deflate_level = level, .chunk_rows = 700};
  tc_store_writer *w;
  tc_err err = {0};
  cr_assert_eq(tc_store_writer_create(path, path, &o, &w, &err), TC_OK, "%s", err.msg);
  tc_columns b;
  tc_columns_init(&b);
  for (;;) {
    int64_t t_end;
    int eof = 0;
    cr_assert_eq(src.next(src.ctx, &b, &t_end, &eof, &err), TC_OK);
    if (eof)
      break;
    if (b.n == 0)
      continue;
    cr_assert_eq(tc_store_writer_begin_bucket(w, t_end - bucket_s, b.n, &err), TC_OK, "%s", err.msg);
    for (size_t i = 0; i < b.n; i++) {
      tc_fix f;
      tc_columns_get(&b, i, &f);
      cr_assert_eq(tc_store_writer_add(w, &f, &err), TC_OK, "%s", err.msg);
    }
    cr_assert_eq(tc_store_writer_end_bucket(w, &err), TC_OK, "%s", err.msg);
  }
  tc_clean_counts clean;
  memset(&clean, 0, sizeof clean);
  cr_assert_eq(tc_store_writer_finish(w, &clean, NULL, 0, NULL, 0, NULL, &err), TC_OK, "%s", err.msg);
  tc_store_writer_free(w);
  tc_columns_free(&b);
  tc_memory_source_free(ms);
}

Test(engine, store_read_in_slices_gives_the_same_list, .timeout = 120) {
  tc_columns c;
  tc_params p;
  tc_encounter_list ref;
  synthetic_reference(&c, &p, &ref, 21600, "openmp", 2);
  cr_assert_gt(ref.n, 20);
  for (int level = 0; level <= 1; level++) {
    char path[1024];
    store_tmp_path(level ? "slices_deflate.h5" : "slices_plain.h5", path, sizeof path);
    write_store(path, &c, 21600, level);
    tc_store *s;
    tc_err err = {0};
    cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
    size_t kb = 0; /* the bucket with the most rows */
    for (size_t k = 0; k < tc_store_get_info(s)->nbuckets; k++) {
      int64_t t0;
      uint64_t r, rb;
      cr_assert_eq(tc_store_bucket(s, k, &t0, &r), TC_OK);
      cr_assert_eq(tc_store_bucket(s, kb, &t0, &rb), TC_OK);
      if (r > rb)
        kb = k;
    }
    uint64_t chunk;
    cr_assert_eq(tc_store_bucket_chunk(s, kb, &chunk, &err), TC_OK);
    cr_assert(chunk > 0 && chunk <= 700, "chunk %llu", (unsigned long long)chunk);
    /* rows 3 .. 3+2*chunk are not whole chunks: the HDF5 path */
    tc_columns all, part;
    tc_columns_init(&all);
    tc_columns_init(&part);
    cr_assert_eq(tc_store_read_bucket_cols(s, kb, &all, TC_COL_POSITION, 2, &err), TC_OK, "%s", err.msg);
    cr_assert_gt(all.n, 3 + 2 * chunk);
    cr_assert_eq(tc_store_read_bucket_slice(s, kb, 3, 2 * chunk, &part, TC_COL_POSITION, 2, &err), TC_OK,
                 "%s", err.msg);
    cr_assert_eq(part.n, 2 * chunk);
    for (size_t i = 0; i < part.n; i++)
      cr_assert(part.mmsi[i] == all.mmsi[3 + i] && part.t[i] == all.t[3 + i] &&
                part.lat[i] == all.lat[3 + i] && part.lon[i] == all.lon[3 + i], "row %zu", i);
    tc_columns_free(&all);
    tc_columns_free(&part);
    tc_store_source_ctx sctx;
    tc_bucket_source src = tc_store_source(&sctx, s);
    sctx.slice_rows = 1000; /* one chunk a slice */
    tc_backend_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.platform = cfg.device = -1;
    tc_params q = p;
    q.threads = 2;
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    tc_engine_stats st;
    cr_assert_eq(tc_encounters_run(&src, &q, tc_backend_find("openmp"), &cfg, &l, &st, &err), TC_OK, "%s",
                 err.msg);
    cr_assert_gt(st.reads, 3 * tc_store_get_info(s)->nbuckets, "%llu reads: a bucket must be many slices",
                 (unsigned long long)st.reads);
    cr_assert(tt_same(&l, &ref), "the list read in slices differs (level %d)", level);
    tc_encounter_list_free(&l);
    tc_store_close(s);
  }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

/* The thread count every stage uses: --threads first, then OMP_NUM_THREADS, else every
 * core but one from 4 cores (the reader thread's), all of them below. */
Test(engine, default_thread_count) {
  tc_params p = defaults();
#ifdef TRAJCORR_HAVE_OPENMP
  unsetenv("OMP_NUM_THREADS");
  omp_set_num_threads(16);
  cr_assert_eq(tc_params_threads(&p), 15);
  omp_set_num_threads(4);
  cr_assert_eq(tc_params_threads(&p), 3);
  omp_set_num_threads(3);
  cr_assert_eq(tc_params_threads(&p), 3, "below 4 cores every core computes");
  omp_set_num_threads(2);
  cr_assert_eq(tc_params_threads(&p), 2);
  setenv("OMP_NUM_THREADS", "16", 1);
  omp_set_num_threads(16);
  cr_assert_eq(tc_params_threads(&p), 16, "OMP_NUM_THREADS is the user's choice");
  p.threads = 5;
  cr_assert_eq(tc_params_threads(&p), 5, "--threads wins");
#else
  p.threads = 5;
  cr_assert_eq(tc_params_threads(&p), 1, "one thread without OpenMP");
#endif
}
