/* Behaviour events (spec/events.md) against hand-computed cases, against themselves
 * (bucket lengths, thread counts) and against the spec's lists for the real Baltic
 * and Suez samples (shared/data/real-tracks/expected, an independent implementation). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/events/events.h"
#include "host/events/internal.h"
#include "host/report/events_places.h"
#include "kernels/geo.h"
#include "support/event_cases.h"
#include "support/lead_run.h"
#include "support/lead_tracks.h"


/* Runs the events over c cut into buckets of bucket_s with `threads`, with the
 * encounters of the same fixes (spec §3 leaves their pairs out of the dark list). */
static void ev_run(const tc_columns *c, int64_t bucket_s, int threads, const tc_event_params *e,
                   tc_event_lists *out) {
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list enc;
  tc_encounter_list_init(&enc);
  tt_run(c, bucket_s, "openmp", threads, &p, &enc);
  tc_err err = {0};
  cr_assert_eq(tt_events(c, bucket_s, threads, e, &enc, out, &err), TC_OK, "%s", err.msg);
  tc_encounter_list_free(&enc);
}

/* A vessel drifting north at exactly 1 kn (along a meridian the haversine is R dphi),
 * a fix every 10 min on the grid from 0 to 10 h, except the one at 5 h when `hole`.
 * With max_gap 600 s the hole leaves grid time 5 h without a position. */
static void drifter(tc_columns *c, int hole) {
  double step = 600.0 * TC_KNOT_MPS / M_PER_DEG;
  for (int k = 0; k <= 60; k++)
    if (!(hole && k == 30))
      tt_fix(c, 100000001, T0 + 600 * k, 40.0 + step * k, 5.0);
}

static void loiter_run(const tc_columns *c, tc_event_lists *out) {
  tc_params p;
  tc_params_default(&p);
  p.max_gap = 600;
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_LOITER;
  tc_event_stats st;
  tev_over(c, &p, &e, out, &st);
}

Test(events, loitering_broken_by_one_missing_grid_time) {
  tc_columns c;
  tc_columns_init(&c);
  drifter(&c, 0);
  tc_event_lists l;
  loiter_run(&c, &l);
  cr_assert_eq(l.n_loiter, 1, "unbroken: one run");
  cr_assert_eq(l.loiter[0].start, T0);
  cr_assert_eq(l.loiter[0].end, T0 + 36000);
  cr_assert_eq(l.loiter[0].slots, 61);
  cr_assert_float_eq(l.loiter[0].median_speed_kn, 1.0, 1e-9);
  cr_assert_float_eq(l.loiter[0].mean_lat, 40.0 + 30 * 600.0 * TC_KNOT_MPS / M_PER_DEG, 1e-9);
  cr_assert_float_eq(l.loiter[0].mean_lon, 5.0, 1e-9);
  tc_event_lists_free(&l);
  tc_columns_free(&c);

  /* Grid time 5 h has no position: 0..4h50 (30 times, 17 400 s) and 5h10..10h. */
  drifter(&c, 1);
  loiter_run(&c, &l);
  cr_assert_eq(l.n_loiter, 2, "one missing grid time ends the run");
  cr_assert_eq(l.loiter[0].start, T0);
  cr_assert_eq(l.loiter[0].end, T0 + 17400);
  cr_assert_eq(l.loiter[0].slots, 30);
  cr_assert_eq(l.loiter[1].start, T0 + 18600);
  cr_assert_eq(l.loiter[1].end, T0 + 36000);
  cr_assert_eq(l.loiter[1].slots, 30);
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, loitering_needs_min_loiter_and_speed_below) {
  tc_columns c;
  tc_columns_init(&c);
  /* at rest from 0 to 4 h exactly (min_loiter), then moving at 3 kn */
  double step = 600.0 * 3.0 * TC_KNOT_MPS / M_PER_DEG, lat = 40.0;
  for (int k = 0; k <= 40; k++) {
    if (k > 24)
      lat += step;
    tt_fix(&c, 100000002, T0 + 600 * k, lat, 5.0);
  }
  tc_event_lists l;
  loiter_run(&c, &l);
  /* speed at 4 h looks ahead to 4h10, where it has moved: 3 kn. So 0 .. 3h50. */
  cr_assert_eq(l.n_loiter, 0, "0..3h50 is shorter than min_loiter");
  tc_event_lists_free(&l);
  tc_columns_free(&c);
  for (int k = 0; k <= 40; k++)
    tt_fix(&c, 100000002, T0 + 600 * k, k > 25 ? 40.0 + step * (k - 25) : 40.0, 5.0);
  loiter_run(&c, &l);
  cr_assert_eq(l.n_loiter, 1);
  cr_assert_eq(l.loiter[0].end - l.loiter[0].start, 14400, "a run exactly min_loiter long counts");
  cr_assert_float_eq(l.loiter[0].median_speed_kn, 0.0, 1e-12);
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, gap_exactly_min_gap_long) {
  tc_columns c;
  tc_columns_init(&c);
  tev_gap_vessel(&c, 200000001, T0, T0 + 43200, 0.0, 10.0, 10.1);     /* == min_gap */
  tev_gap_vessel(&c, 200000002, T0, T0 + 43199, 20.0, 10.0, 10.0);    /* a second short */
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_GAPS;
  tc_event_lists l;
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_gaps, 1);
  const tc_gap *g = &l.gaps[0];
  cr_assert_eq(g->mmsi, 200000001);
  cr_assert_eq(g->t0, T0);
  cr_assert_eq(g->t1, T0 + 43200);
  cr_assert_float_eq(g->dist_m, 0.1 * M_PER_DEG, 1e-6, "along the equator d = R dlambda");
  cr_assert_eq(g->others_seen, 0);
  cr_assert_float_eq(g->coverage, 0.0, 0);
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, gap_across_bucket_boundaries) {
  tc_columns c;
  tc_columns_init(&c);
  /* 23:00 on day 0 to 12:00 on day 2: two day boundaries, 37 hour boundaries */
  tev_gap_vessel(&c, 200000003, T0 + 23 * HOUR, T0 + 2 * 86400 + 12 * HOUR, 50.0, 1.0, 1.2);
  tc_event_params e = tev_defaults();
  const int64_t buckets[] = {HOUR, 86400, 7 * 86400};
  for (int b = 0; b < 3; b++) {
    tc_event_lists l;
    ev_run(&c, buckets[b], 1, &e, &l);
    cr_assert_eq(l.n_gaps, 1, "bucket %lld s", (long long)buckets[b]);
    cr_assert_eq(l.gaps[0].t0, T0 + 23 * HOUR);
    cr_assert_eq(l.gaps[0].t1, T0 + 2 * 86400 + 12 * HOUR);
    tc_event_lists_free(&l);
  }
  tc_columns_free(&c);
}

Test(events, outage_against_switch_off) {
  tc_columns c;
  tc_columns_init(&c);
  /* Switch-off: vessel 1 dark 13 h while vessel 3, 20 km away, is heard all along. */
  tev_gap_vessel(&c, 300000001, T0, T0 + 13 * HOUR, 10.0, 10.0, 10.0);
  tev_heard(&c, 300000003, T0 - HOUR, T0 + 14 * HOUR, 10.0, 10.0 + 20000.0 / (M_PER_DEG * cos(10 * TC_DEG2RAD)));
  /* Outage: vessels 2 and 4 dark over the same 13 h, 20 km apart, far from 3: 2 hears
   * nobody; 4, silent 20 min before 2 and 10 min after, hears 2's last fix before
   * (window 0 of 13) and not its first after (at 13 h 20 min, past the last whole
   * window): coverage 1/13. */
  tev_gap_vessel(&c, 300000002, T0, T0 + 13 * HOUR, 30.0, 10.0, 10.0);
  tev_gap_vessel(&c, 300000004, T0 - 1200, T0 + 13 * HOUR + 600, 30.0, 10.2, 10.2);
  /* Partly heard: vessel 5 dark 13 h; vessel 6 near it heard until 6h20 only: windows
   * 0..6 of 13 hold a fix, coverage 7/13. */
  tev_gap_vessel(&c, 300000005, T0, T0 + 13 * HOUR, -20.0, 40.0, 40.0);
  tev_heard(&c, 300000006, T0 - HOUR, T0 + 6 * HOUR + 1200, -20.0, 40.1);
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_GAPS;
  tc_event_lists l;
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_gaps, 4);
  for (size_t i = 0; i < l.n_gaps; i++) {
    const tc_gap *g = &l.gaps[i];
    if (g->mmsi == 300000001) {
      cr_assert_eq(g->others_seen, 1);
      cr_assert_float_eq(g->coverage, 1.0, 0, "switch-off: heard in every window");
    } else if (g->mmsi == 300000005) {
      cr_assert_eq(g->others_seen, 1);
      cr_assert_float_eq(g->coverage, 7.0 / 13.0, 1e-15);
    } else if (g->mmsi == 300000004) {
      cr_assert_eq(g->others_seen, 1);
      cr_assert_float_eq(g->coverage, 1.0 / 13.0, 1e-15);
    } else {
      cr_assert_eq(g->others_seen, 0, "outage: %u heard nobody", g->mmsi);
      cr_assert_float_eq(g->coverage, 0.0, 0);
    }
  }
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, dark_pair_just_above_and_below_dwell) {
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  tev_dark_pair(&c, 7200 + 30, 1);
  tc_event_lists l;
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 1, "L* = dwell + 30 s: a rendezvous");
  const tc_dark *d = &l.dark[0];
  cr_assert_eq(d->mmsi_a, 400000001);
  cr_assert_eq(d->mmsi_b, 400000002);
  cr_assert_float_eq(d->l_star, 7230.0, 0.5);
  double dlon = V_DARK * (8.0 * HOUR - 7230.0) / M_PER_DEG;
  /* the searches stop within 1e-5 degree (kernels/geo.h) */
  cr_assert_float_eq(d->lat, 0.0, 3e-5, "X* at %.9f %.9f", d->lat, d->lon);
  cr_assert_float_eq(d->lon, 10.0 + dlon / 2, 3e-5, "X* is the midpoint");
  cr_assert_float_eq(d->w_start, T0 + (8.0 * HOUR - 7230.0) / 2, 1.0);
  cr_assert_float_eq(d->w_end, T0 + 8.0 * HOUR - (8.0 * HOUR - 7230.0) / 2, 1.0);
  cr_assert_float_eq(d->coverage_a, 1.0, 0);
  cr_assert_float_eq(d->coverage_b, 1.0, 0);
  cr_assert_float_eq(d->dist_dark_m, dlon * M_PER_DEG, 1e-6);
  tc_event_lists_free(&l);
  tc_columns_free(&c);

  tev_dark_pair(&c, 7200 - 30, 1);
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 0, "L* = dwell - 30 s: could not have met for dwell");
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, dark_pair_across_the_antimeridian) {
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  tev_dark_pair_at(&c, 179.5, 7200 + 600, 1); /* b at 180.7 = -179.3 */
  tc_event_lists l;
  ev_run(&c, 86400, 2, &e, &l);
  cr_assert_eq(l.n_dark, 1);
  cr_assert_float_eq(l.dark[0].l_star, 7800.0, 0.5);
  double dlon = V_DARK * (8.0 * HOUR - 7800.0) / M_PER_DEG;
  cr_assert_float_eq(tc_wrap_dlon(l.dark[0].lon - (179.5 + dlon / 2)), 0.0, 1e-4, "X* on the short way");
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, dark_pair_in_an_outage_is_not_reported) {
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  tev_dark_pair(&c, 7200 + 3600, 0);
  tc_event_lists l;
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 0, "nobody heard near either: an outage");
  tc_event_lists_free(&l);
  e.dark_min_coverage = 0; /* the rule disabled */
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 1);
  cr_assert_float_eq(l.dark[0].l_star, 7200.0 + 3600.0, 0.5);
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

/* Field by field (the structs have padding), doubles bit for bit. */
#define SAME(f) (memcmp(&x->f, &y->f, sizeof x->f) == 0)
Test(events, pair_with_an_encounter_is_not_dark) {
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  tev_dark_pair(&c, 7200 + 3600, 1);
  tc_event_lists l;
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 1);
  tc_event_lists_free(&l);
  /* vessel 1 (not moving) and a vessel 5 beside it from 3 h before to the moment both
   * go dark: their encounter ends at o0, so that pair is not a dark rendezvous, while
   * 5 with 2 still is */
  for (int64_t t = T0 - 3 * HOUR; t < T0 - 600; t += 600)
    tt_fix(&c, 400000001, t, 0.0, 10.0);
  for (int64_t t = T0 - 3 * HOUR; t <= T0; t += 600)
    tt_fix(&c, 400000000, t, 0.001, 10.0);
  tt_fix(&c, 400000000, T0 + 8 * HOUR, 0.001, 10.0);
  tt_fix(&c, 400000000, T0 + 8 * HOUR + 600, 0.001, 10.0);
  ev_run(&c, 86400, 1, &e, &l);
  int pair_ab = 0, pair_0b = 0, pair_0a = 0;
  for (size_t i = 0; i < l.n_dark; i++) {
    pair_ab += l.dark[i].mmsi_a == 400000001 && l.dark[i].mmsi_b == 400000002;
    pair_0b += l.dark[i].mmsi_a == 400000000 && l.dark[i].mmsi_b == 400000002;
    pair_0a += l.dark[i].mmsi_a == 400000000 && l.dark[i].mmsi_b == 400000001;
  }
  cr_assert_eq(pair_ab, 1);
  cr_assert_eq(pair_0b, 1);
  cr_assert_eq(pair_0a, 0, "the pair met until they went dark: an encounter");
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

static int same_lists(const tc_event_lists *a, const tc_event_lists *b) {
  if (a->n_loiter != b->n_loiter || a->n_gaps != b->n_gaps || a->n_dark != b->n_dark)
    return 0;
  for (size_t i = 0; i < a->n_loiter; i++) {
    const tc_loiter *x = &a->loiter[i], *y = &b->loiter[i];
    if (!(SAME(mmsi) && SAME(start) && SAME(end) && SAME(slots) && SAME(mean_lat) && SAME(mean_lon) &&
          SAME(median_speed_kn)))
      return 0;
  }
  for (size_t i = 0; i < a->n_gaps; i++) {
    const tc_gap *x = &a->gaps[i], *y = &b->gaps[i];
    if (!(SAME(mmsi) && SAME(t0) && SAME(t1) && SAME(lat0) && SAME(lon0) && SAME(lat1) && SAME(lon1) &&
          SAME(dist_m) && SAME(others_seen) && SAME(coverage)))
      return 0;
  }
  for (size_t i = 0; i < a->n_dark; i++) {
    const tc_dark *x = &a->dark[i], *y = &b->dark[i];
    if (!(SAME(mmsi_a) && SAME(mmsi_b) && SAME(a0) && SAME(a1) && SAME(b0) && SAME(b1) && SAME(l_star) &&
          SAME(lat) && SAME(lon) && SAME(w_start) && SAME(w_end) && SAME(dist_dark_m) &&
          SAME(dist_reappear_m) && SAME(coverage_a) && SAME(coverage_b)))
      return 0;
  }
  return 1;
}

Test(events, same_lists_whatever_the_buckets_and_threads) {
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 17, 60, 60);
  /* and every case above, so each kind is present */
  drifter(&c, 1);
  tev_dark_pair(&c, 9000, 1);
  tev_gap_vessel(&c, 200000003, T0 + 23 * HOUR, T0 + 2 * 86400 + 12 * HOUR, 50.0, 1.0, 1.2);
  tc_event_params e = tev_defaults();
  tc_event_lists ref;
  ev_run(&c, HOUR, 1, &e, &ref);
  cr_assert(ref.n_loiter > 0 && ref.n_gaps > 0 && ref.n_dark > 0, "%zu %zu %zu", ref.n_loiter,
            ref.n_gaps, ref.n_dark);
  const int64_t buckets[] = {HOUR, 86400, 7 * 86400};
  for (int b = 0; b < 3; b++)
    for (int th = 1; th <= 2; th++) {
      tc_event_lists l;
      ev_run(&c, buckets[b], th, &e, &l);
      cr_assert(same_lists(&ref, &l), "bucket %lld s, %d threads differ", (long long)buckets[b], th);
      tc_event_lists_free(&l);
    }
  tc_event_lists_free(&ref);
  tc_columns_free(&c);
}

Test(events, dark_chunks_within_the_budget_change_no_byte) {
  /* six vessels 2 km apart dark for 8 h, each 10 min after the last, heard around:
   * fifteen covered pairs, all rendezvous */
  tc_columns c;
  tc_columns_init(&c);
  for (int i = 0; i < 6; i++)
    tev_gap_vessel(&c, 500000001 + (uint32_t)i, T0 + 600 * i, T0 + 8 * HOUR + 600 * i, 0.0, 10.0 + 0.02 * i,
               10.0 + 0.02 * i);
  tev_heard(&c, 500000009, T0 - HOUR, T0 + 10 * HOUR, 0.1, 10.05);
  tc_event_params e = tev_defaults();
  e.kinds = TC_EV_DARK;
  tc_event_lists ref;
  ev_run(&c, 86400, 2, &e, &ref);
  cr_assert_eq(ref.n_dark, 15, "%zu", ref.n_dark);
  const size_t row = (TC_DARK_IN + TC_DARK_OUT) * sizeof(double) + sizeof(size_t);
  const size_t budgets[] = {1, row, 4 * row, 4 * row + row - 1, 15 * row, 16 * row};
  const size_t most[] = {1, 1, 4, 4, 15, 15}, calls[] = {15, 15, 4, 4, 1, 1};
  for (int b = 0; b < 6; b++) {
    tev_counted k = {0, 0, 0};
    tc_dark_maximiser dev = {tev_count_rows, &k};
    e.dark_budget = budgets[b];
    e.dark_device = &dev;
    tc_event_lists l;
    ev_run(&c, 86400, 2, &e, &l);
    cr_assert_eq(k.rows, 15, "budget %zu: every covered pair once", budgets[b]);
    cr_assert_eq(k.most, most[b], "budget %zu: chunks of %zu pairs, not %zu", budgets[b], most[b], k.most);
    cr_assert_eq(k.calls, calls[b], "budget %zu: %zu chunks, not %zu", budgets[b], calls[b], k.calls);
    cr_assert(same_lists(&ref, &l), "budget %zu: another list", budgets[b]);
    tc_event_lists_free(&l);
  }
  tc_event_lists_free(&ref);
  tc_columns_free(&c);
}

/* The encounter engine (OpenMP) over src, its read feeding ev's pass 1 (the tee). */
static tc_status engine_through_tee(const tc_bucket_source *src, const tc_params *p, tc_events *ev,
                                   tc_encounter_list *enc, tc_err *err) {
  tc_events_tee_ctx tctx;
  tc_bucket_source tee = tc_events_tee(&tctx, src, ev);
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  tc_engine_stats est;
  tc_encounter_list_init(enc);
  return tc_encounters_run(&tee, p, tc_backend_find("openmp"), &cfg, enc, &est, err);
}

Test(events, pass_one_along_the_encounter_engine) {
  /* the encounter engine's read feeds pass 1 (tee): the same events and encounters as
   * separate reads, whatever the buckets and threads */
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 23, 40, 48);
  drifter(&c, 1);
  tev_dark_pair(&c, 9000, 1);
  tc_event_params e = tev_defaults();
  tc_event_lists ref;
  ev_run(&c, 86400, 1, &e, &ref);
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list enc_ref;
  tc_encounter_list_init(&enc_ref);
  tt_run(&c, 86400, "openmp", 1, &p, &enc_ref);
  const int64_t buckets[] = {HOUR, 86400};
  for (int b = 0; b < 2; b++)
    for (int th = 1; th <= 2; th++) {
      tc_memory_source *m1 = NULL, *m2 = NULL;
      cr_assert_eq(tc_memory_source_create(&c, buckets[b], &m1), TC_OK);
      cr_assert_eq(tc_memory_source_create(&c, buckets[b], &m2), TC_OK);
      tc_bucket_source s1 = tc_memory_source_get(m1), s2 = tc_memory_source_get(m2);
      p.threads = th;
      tc_events *ev = NULL;
      tc_err err = {0};
      cr_assert_eq(tc_events_create(&p, &e, &ev, &err), TC_OK);
      tc_encounter_list enc;
      cr_assert_eq(engine_through_tee(&s1, &p, ev, &enc, &err), TC_OK, "%s", err.msg);
      tc_event_lists l;
      tc_event_lists_init(&l);
      tc_event_stats st;
      cr_assert_eq(tc_events_finish(ev, &s2, &enc, &l, &st, &err), TC_OK, "%s", err.msg);
      cr_assert(tt_same(&enc, &enc_ref), "encounters differ (bucket %lld, %d threads)", (long long)buckets[b], th);
      cr_assert(same_lists(&ref, &l), "events differ (bucket %lld, %d threads)", (long long)buckets[b], th);
      cr_assert(l.n_loiter > 0 && l.n_dark > 0);
      tc_event_lists_free(&l);
      tc_encounter_list_free(&enc);
      tc_events_free(ev);
      tc_memory_source_free(m1);
      tc_memory_source_free(m2);
    }
  tc_encounter_list_free(&enc_ref);
  tc_event_lists_free(&ref);
  tc_columns_free(&c);
}

/* A read that fails part way (a damaged bucket, say) through the tee: the engine reports
 * it and whatever pass 1 kept, slices taken from the read included, is freed once, with
 * the engine's view of the last one left alone (the sanitizer build checks both). */
typedef struct {
  tc_bucket_source in;
  int left; /* slices before the failure */
} failing_src;

static tc_status failing_next(void *vctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  failing_src *f = vctx;
  if (f->left-- == 0)
    return tc_fail(err, TC_ERR_FORMAT, "a damaged slice");
  return f->in.next(f->in.ctx, cols, t_end, eof, err);
}

Test(events, a_read_failing_after_slices_were_kept) {
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 23, 40, 48);
  tev_dark_pair(&c, 9000, 1);
  tc_params p;
  tc_params_default(&p);
  tc_event_params e = tev_defaults();
  for (int left = 0; left < 4; left++) {
    tc_memory_source *m = NULL;
    cr_assert_eq(tc_memory_source_create(&c, HOUR, &m), TC_OK);
    failing_src f = {tc_memory_source_get(m), left};
    tc_bucket_source src = {&f, failing_next, 1};
    tc_events *ev = NULL;
    tc_err err = {0};
    cr_assert_eq(tc_events_create(&p, &e, &ev, &err), TC_OK);
    tc_encounter_list enc;
    cr_assert_eq(engine_through_tee(&src, &p, ev, &enc, &err), TC_ERR_FORMAT, "after %d slices", left);
    cr_assert(strstr(err.msg, "a damaged slice"), "%s", err.msg);
    tc_encounter_list_free(&enc);
    tc_events_free(ev);
    tc_memory_source_free(m);
  }
  tc_columns_free(&c);
}

Test(events, places_flag_and_rank) {
  tc_places *pl = NULL;
  cr_assert_eq(tc_places_create(&pl), TC_OK);
  tc_place anch = {"anchorage A", 30.0, 32.0, 12, 1, 2000.0};
  cr_assert_eq(tc_places_add(pl, &anch), TC_OK);
  tc_event_lists l;
  tc_event_lists_init(&l);
  tc_loiter lo[2] = {{1, 0, 14400, 25, 30.0 + 5000.0 / M_PER_DEG, 32.0, 0.1}, /* 3 km from its edge */
                     {2, 0, 14400, 25, 30.0 + 7000.0 / M_PER_DEG, 32.0, 0.1}}; /* 5 km */
  /* a: at the anchorage, went dark and reappeared 100 m apart; b, c: away, 10 and 5 km */
  tc_dark dk[3] = {{1, 2, 0, 0, 0, 0, 9000, 30.0, 32.0, 0, 0, 100, 100, 1, 1},
                   {3, 4, 0, 0, 0, 0, 9000, 31.0, 32.0, 0, 0, 10000, 300, 1, 1},
                   {5, 6, 0, 0, 0, 0, 8000, 31.5, 32.0, 0, 0, 5000, 5000, 1, 1}};
  l.loiter = lo;
  l.n_loiter = 2;
  l.dark = dk;
  l.n_dark = 3;
  tc_event_places f;
  tc_err err = {0};
  cr_assert_eq(tc_event_places_compute(pl, 4000.0, &l, &f, &err), TC_OK);
  cr_assert_eq(f.loiter[0], 0, "within 4 km of the anchorage's edge");
  cr_assert_eq(f.loiter[1], -1);
  cr_assert_eq(f.dark[0], 0);
  cr_assert_eq(f.dark[1], -1);
  cr_assert_eq(f.dark_rank[2], 1, "away, and 5 km apart at most");
  cr_assert_eq(f.dark_rank[1], 2, "away, but 10 km apart going dark");
  cr_assert_eq(f.dark_rank[0], 3, "at the anchorage: last, however close");
  tc_event_places_free(&f);
  tc_places_free(pl);
}

/* The spec's lists for the real samples, end to end through the program: import, then
 * events, compared by bench/peers/compare_events.py; bucket lengths and thread counts
 * must not change a byte. */
#define RT TC_SHARED_DATA "/real-tracks"

static void realtrack(const char *area) {
  char in[512], dir[512];
  snprintf(in, sizeof in, RT "/%s.csv.gz", area);
  if (access(in, R_OK) != 0)
    cr_skip_test("%s is not here (shared data absent)", in);
  tr_scratch(area, dir, sizeof dir);
  const char *bucket[] = {"1h", "1d", "7d"};
  for (int b = 0; b < 3; b++) {
    cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s%d.h5' '%s' >'%s/import.log' 2>&1", TC_BINARY,
                       bucket[b], dir, b, in, dir), 0, "import failed (%s/import.log)", dir);
    for (int th = 1; th <= 2; th++)
      cr_assert_eq(tr_sh("'%s' events --quiet --threads %d '%s/s%d.h5' -o '%s/e%d_%d' 2>'%s/ev.log'",
                         TC_BINARY, th, dir, b, dir, b, th, dir), 0, "events failed (%s/ev.log)", dir);
  }
  const char *kinds[] = {"loitering", "gaps", "dark"};
  for (int k = 0; k < 3; k++) {
    cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_events.py' %s '%s/expected/%s.%s.csv' "
                       "'%s/e1_2.%s.csv'", TC_SOURCE_DIR, kinds[k], RT, area, kinds[k], dir, kinds[k]),
                 0, "%s %s differs from the spec's list", area, kinds[k]);
    for (int b = 0; b < 3; b++)
      for (int th = 1; th <= 2; th++)
        cr_assert_eq(tr_sh("cmp -s '%s/e1_2.%s.csv' '%s/e%d_%d.%s.csv'", dir, kinds[k], dir, b, th, kinds[k]),
                     0, "%s %s: bucket %s, %d threads differ", area, kinds[k], bucket[b], th);
  }
  /* the dark stage a pair at a time (TRAJCORR_DARK_BUDGET, one pair's rows at most) */
  cr_assert_eq(tr_sh("TRAJCORR_DARK_BUDGET=1 '%s' events --quiet --kinds dark '%s/s1.h5' -o '%s/ch' 2>'%s/ch.log'",
                     TC_BINARY, dir, dir, dir), 0, "events, one pair a chunk, failed (%s/ch.log)", dir);
  cr_assert_eq(tr_sh("cmp -s '%s/e1_2.dark.csv' '%s/ch.dark.csv'", dir, dir), 0,
               "%s dark: one pair a chunk differs from the default chunks", area);
  /* without places, the spec's columns only: loitering and gaps byte for byte */
  cr_assert_eq(tr_sh("'%s' events --quiet --no-anchorages '%s/s1.h5' -o '%s/np' 2>'%s/np.log'", TC_BINARY, dir,
                     dir, dir), 0, "events --no-anchorages failed (%s/np.log)", dir);
  for (int k = 0; k < 2; k++)
    cr_assert_eq(tr_sh("cmp '%s/expected/%s.%s.csv' '%s/np.%s.csv'", RT, area, kinds[k], dir, kinds[k]), 0,
                 "%s %s: not byte-identical to the spec's list", area, kinds[k]);
  /* the encounters found in the same read as pass 1 */
  cr_assert_eq(tr_sh("'%s' events --quiet --kinds loitering --no-anchorages '%s/s1.h5' -o '%s/en' --encounters "
                     "'%s/en.csv' 2>'%s/en.log'", TC_BINARY, dir, dir, dir, dir), 0, "events --encounters failed");
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_encounters.py' '%s/expected/%s.encounters.csv' "
                     "'%s/en.csv'", TC_SOURCE_DIR, RT, area, dir), 0, "%s: encounters of events --encounters differ",
               area);
  cr_assert_eq(tr_sh("cmp '%s/en.loitering.csv' '%s/np.loitering.csv'", dir, dir), 0);
  /* encounters --with-events: one read gives the encounters and the same event files
   * as trajcorr events (and as events --encounters, the same list) */
  cr_assert_eq(tr_sh("'%s' encounters --quiet -t 1 '%s/s1.h5' -o '%s/we.csv' --with-events '%s/we' 2>'%s/we.log'",
                     TC_BINARY, dir, dir, dir, dir), 0, "encounters --with-events failed (%s/we.log)", dir);
  for (int k = 0; k < 3; k++)
    cr_assert_eq(tr_sh("cmp '%s/e1_2.%s.csv' '%s/we.%s.csv'", dir, kinds[k], dir, kinds[k]), 0,
                 "%s: encounters --with-events wrote another %s list than events", area, kinds[k]);
  cr_assert_eq(tr_sh("cmp '%s/en.csv' '%s/we.csv'", dir, dir), 0, "%s: another encounter list", area);
  cr_assert_eq(tr_sh("/usr/bin/python3 -c \"import json, sys; d = json.load(open('%s/we.events.json')); "
                     "e = json.load(open('%s/e1_2.events.json')); "
                     "sys.exit(d['command'][0] != 'encounters' or e['command'][0] != 'events' or "
                     "d['parameters'] != e['parameters'] or d['counts'] != e['counts'] or "
                     "list(e) != ['program', 'version', 'build', 'command', 'input', 'parameters', "
                     "'dark_backend', 'places', 'counts', 'seconds'] or e['places']['anchorages_from_store'] is not True "
                     "or e['parameters']['kinds'] != ['loitering', 'gaps', 'dark'] or e['counts']['encounters'] < 1)\"",
                     dir, dir), 0, "%s: the events sidecars (JSON, same parameters and counts)", area);
  /* GeoJSON: valid JSON, one feature per CSV row, in the same order */
  cr_assert_eq(tr_sh("'%s' events --quiet --format geojson '%s/s1.h5' -o '%s/gj' 2>'%s/gj.log'", TC_BINARY, dir,
                     dir, dir), 0, "events --format geojson failed (%s/gj.log)", dir);
  for (int k = 0; k < 3; k++)
    cr_assert_eq(tr_sh("/usr/bin/python3 -c \"import csv, json, sys; f = json.load(open('%s/gj.%s.geojson'))['features']; "
                       "r = list(csv.DictReader(open('%s/e1_2.%s.csv'))); "
                       "sys.exit(len(f) != len(r) or any(str(a['properties'][c]) != b[c] for a, b in zip(f, r) "
                       "for c in ('start', 'gap_a_start', 'mmsi', 'mmsi_a') if c in b))\"",
                       dir, kinds[k], dir, kinds[k]), 0, "%s %s: GeoJSON does not match the CSV", area, kinds[k]);
  /* KML: well-formed XML, one Placemark per CSV row */
  cr_assert_eq(tr_sh("'%s' events --quiet --format kml '%s/s1.h5' -o '%s/km' 2>'%s/km.log'", TC_BINARY, dir,
                     dir, dir), 0, "events --format kml failed (%s/km.log)", dir);
  for (int k = 0; k < 3; k++)
    cr_assert_eq(tr_sh("/usr/bin/python3 -c \"import csv, sys, xml.etree.ElementTree as E; "
                       "p = E.parse('%s/km.%s.kml').getroot().findall('.//{http://www.opengis.net/kml/2.2}Placemark'); "
                       "sys.exit(len(p) != len(list(csv.DictReader(open('%s/e1_2.%s.csv')))))\"",
                       dir, kinds[k], dir, kinds[k]), 0, "%s %s: KML does not match the CSV", area, kinds[k]);
#ifdef TRAJCORR_HAVE_OPENCL
  /* the kernel against the host: the same pairs, L* within the spec's 60 s */
  cr_assert_eq(tr_sh("'%s' events --quiet --kinds dark --backend opencl --device-type any '%s/s1.h5' -o '%s/cl' "
                     "2>'%s/cl.log'", TC_BINARY, dir, dir, dir), 0, "events --backend opencl failed (%s/cl.log)", dir);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_events.py' dark '%s/e1_2.dark.csv' '%s/cl.dark.csv'",
                     TC_SOURCE_DIR, dir, dir), 0, "%s: OpenCL and OpenMP dark lists differ", area);
#endif
  tr_sh("rm -rf '%s'", dir);
}

Test(events, realtracks_baltic, .timeout = 300) { realtrack("baltic_2018_04_01"); }
Test(events, realtracks_suez, .timeout = 300) { realtrack("suez_evergiven_2021_03_derived_sog"); }

/* The generated receiver outage without the coverage rule (thousands of pairs to
 * maximise): the same dark list, byte for byte, whatever TRAJCORR_DARK_BUDGET cuts the
 * pairs into, on the host and on the OpenCL device (whose launches
 * TRAJCORR_CL_MAX_ALLOC cuts further); a budget that is no number of bytes is refused. */
Test(events, dark_chunks_on_the_generated_outage, .timeout = 300) {
  char dir[512];
  tr_scratch("evchunks", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --events --vessels 500 --days 1.5 --seed 1 --store '%s/s.h5'", TC_BINARY, dir),
               0);
  const char *budget[] = {"", "1", "1000", "100k", "1M"};
  for (int b = 0; b < 5; b++)
    cr_assert_eq(tr_sh("TRAJCORR_DARK_BUDGET=%s '%s' events -q --no-anchorages --kinds dark --dark-min-coverage 0 "
                       "'%s/s.h5' -o '%s/b%d' 2>'%s/b.log'", budget[b], TC_BINARY, dir, dir, b, dir),
                 0, "TRAJCORR_DARK_BUDGET=%s failed (%s/b.log)", budget[b], dir);
  cr_assert_eq(tr_sh("test $(wc -l < '%s/b0.dark.csv') -gt 1000", dir), 0, "fewer pairs than the test needs");
  for (int b = 1; b < 5; b++)
    cr_assert_eq(tr_sh("cmp -s '%s/b0.dark.csv' '%s/b%d.dark.csv'", dir, dir, b), 0,
                 "TRAJCORR_DARK_BUDGET=%s: another dark list than the default budget's", budget[b]);
  cr_assert_eq(tr_sh("TRAJCORR_DARK_BUDGET=64X '%s' events -q --kinds dark '%s/s.h5' -o '%s/x' 2>'%s/x.log'",
                     TC_BINARY, dir, dir, dir), 1);
  cr_assert_eq(tr_sh("grep -q 'TRAJCORR_DARK_BUDGET=64X' '%s/x.log'", dir), 0, "the message names the variable");
#ifdef TRAJCORR_HAVE_OPENCL
  const char *cl[] = {"", "TRAJCORR_DARK_BUDGET=100k", "TRAJCORR_DARK_BUDGET=100k TRAJCORR_CL_MAX_ALLOC=4096"};
  for (int k = 0; k < 3; k++)
    cr_assert_eq(tr_sh("%s '%s' events -q --no-anchorages --kinds dark --dark-min-coverage 0 --backend opencl "
                       "--device-type any '%s/s.h5' -o '%s/c%d' 2>'%s/c.log'", cl[k], TC_BINARY, dir, dir, k, dir),
                 0, "%s events --backend opencl failed (%s/c.log)", cl[k], dir);
  for (int k = 1; k < 3; k++)
    cr_assert_eq(tr_sh("cmp -s '%s/c0.dark.csv' '%s/c%d.dark.csv'", dir, dir, k), 0,
                 "OpenCL, %s: another dark list than one chunk's", cl[k]);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_events.py' dark '%s/b0.dark.csv' '%s/c2.dark.csv'",
                     TC_SOURCE_DIR, dir, dir), 0, "OpenCL and OpenMP dark lists differ");
#endif
  tr_sh("rm -rf '%s'", dir);
}
