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
#include "support/lead_run.h"
#include "support/lead_tracks.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z, a multiple of the slot and of a day */
#define HOUR 3600
#define M_PER_DEG (TC_EARTH_R_M * TC_DEG2RAD)
#define V_DARK (12.0 * TC_KNOT_MPS)

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

static tc_event_params defaults(void) {
  tc_event_params e;
  tc_event_params_default(&e);
  return e;
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

/* The events over c, both passes from memory sources of its rows (one-day buckets). */
static void events_over(const tc_columns *c, const tc_params *p, const tc_event_params *e, tc_event_lists *out,
                        tc_event_stats *st) {
  tc_memory_source *m1 = NULL, *m2 = NULL;
  cr_assert_eq(tc_memory_source_create(c, 86400, &m1), TC_OK);
  cr_assert_eq(tc_memory_source_create(c, 86400, &m2), TC_OK);
  tc_bucket_source s1 = tc_memory_source_get(m1), s2 = tc_memory_source_get(m2);
  tc_err err = {0};
  tc_event_lists_init(out);
  cr_assert_eq(tc_events_run(&s1, &s2, p, e, NULL, out, st, &err), TC_OK, "%s", err.msg);
  tc_memory_source_free(m1);
  tc_memory_source_free(m2);
}

static void loiter_run(const tc_columns *c, tc_event_lists *out) {
  tc_params p;
  tc_params_default(&p);
  p.max_gap = 600;
  tc_event_params e = defaults();
  e.kinds = TC_EV_LOITER;
  tc_event_stats st;
  events_over(c, &p, &e, out, &st);
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

/* Vessel v silent from t0 to t1 between two fixes at (lat, lon0) and (lat, lon1). */
static void gap_vessel(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon0,
                       double lon1) {
  tt_fix(c, v, t0 - 600, lat, lon0);
  tt_fix(c, v, t0, lat, lon0);
  tt_fix(c, v, t1, lat, lon1);
  tt_fix(c, v, t1 + 600, lat, lon1);
}

Test(events, gap_exactly_min_gap_long) {
  tc_columns c;
  tc_columns_init(&c);
  gap_vessel(&c, 200000001, T0, T0 + 43200, 0.0, 10.0, 10.1);     /* == min_gap */
  gap_vessel(&c, 200000002, T0, T0 + 43199, 20.0, 10.0, 10.0);    /* a second short */
  tc_event_params e = defaults();
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
  gap_vessel(&c, 200000003, T0 + 23 * HOUR, T0 + 2 * 86400 + 12 * HOUR, 50.0, 1.0, 1.2);
  tc_event_params e = defaults();
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

/* A vessel heard every 10 min from t0 to t1 (inclusive) at a fixed place. */
static void heard(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon) {
  for (int64_t t = t0; t <= t1; t += 600)
    tt_fix(c, v, t, lat, lon);
}

Test(events, outage_against_switch_off) {
  tc_columns c;
  tc_columns_init(&c);
  /* Switch-off: vessel 1 dark 13 h while vessel 3, 20 km away, is heard all along. */
  gap_vessel(&c, 300000001, T0, T0 + 13 * HOUR, 10.0, 10.0, 10.0);
  heard(&c, 300000003, T0 - HOUR, T0 + 14 * HOUR, 10.0, 10.0 + 20000.0 / (M_PER_DEG * cos(10 * TC_DEG2RAD)));
  /* Outage: vessels 2 and 4 dark over the same 13 h, 20 km apart, far from 3: 2 hears
   * nobody; 4, silent 20 min before 2 and 10 min after, hears 2's last fix before
   * (window 0 of 13) and not its first after (at 13 h 20 min, past the last whole
   * window): coverage 1/13. */
  gap_vessel(&c, 300000002, T0, T0 + 13 * HOUR, 30.0, 10.0, 10.0);
  gap_vessel(&c, 300000004, T0 - 1200, T0 + 13 * HOUR + 600, 30.0, 10.2, 10.2);
  /* Partly heard: vessel 5 dark 13 h; vessel 6 near it heard until 6h20 only: windows
   * 0..6 of 13 hold a fix, coverage 7/13. */
  gap_vessel(&c, 300000005, T0, T0 + 13 * HOUR, -20.0, 40.0, 40.0);
  heard(&c, 300000006, T0 - HOUR, T0 + 6 * HOUR + 1200, -20.0, 40.1);
  tc_event_params e = defaults();
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

/* Vessels a (at lon 10) and b (D east of it on the equator) go dark from 0 to 8 h and
 * reappear where they were. At the midpoint X both can be there from D/2v to 8h -
 * D/2v: L* = 8 h - D / v. Vessels heard near each (within coverage_radius) when
 * `witnesses`. */
static void dark_pair_at(tc_columns *c, double lon_a, double lstar, int witnesses) {
  double d = V_DARK * (8.0 * HOUR - lstar), lon_b = tc_norm_lon(lon_a + d / M_PER_DEG);
  gap_vessel(c, 400000001, T0, T0 + 8 * HOUR, 0.0, lon_a, lon_a);
  gap_vessel(c, 400000002, T0, T0 + 8 * HOUR, 0.0, lon_b, lon_b);
  if (witnesses) {
    heard(c, 400000003, T0 - HOUR, T0 + 9 * HOUR, 0.1, lon_a);
    heard(c, 400000004, T0 - HOUR, T0 + 9 * HOUR, 0.1, lon_b);
  }
}

static void dark_pair(tc_columns *c, double lstar, int witnesses) { dark_pair_at(c, 10.0, lstar, witnesses); }

Test(events, dark_pair_just_above_and_below_dwell) {
  tc_event_params e = defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  dark_pair(&c, 7200 + 30, 1);
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

  dark_pair(&c, 7200 - 30, 1);
  ev_run(&c, 86400, 1, &e, &l);
  cr_assert_eq(l.n_dark, 0, "L* = dwell - 30 s: could not have met for dwell");
  tc_event_lists_free(&l);
  tc_columns_free(&c);
}

Test(events, dark_pair_across_the_antimeridian) {
  tc_event_params e = defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  dark_pair_at(&c, 179.5, 7200 + 600, 1); /* b at 180.7 = -179.3 */
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
  tc_event_params e = defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  dark_pair(&c, 7200 + 3600, 0);
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
  tc_event_params e = defaults();
  e.kinds = TC_EV_DARK;
  tc_columns c;
  tc_columns_init(&c);
  dark_pair(&c, 7200 + 3600, 1);
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
  dark_pair(&c, 9000, 1);
  gap_vessel(&c, 200000003, T0 + 23 * HOUR, T0 + 2 * 86400 + 12 * HOUR, 50.0, 1.0, 1.2);
  tc_event_params e = defaults();
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

/* A maximiser that counts what the events hand it (the host's, tc_dark_rows, inside). */
typedef struct {
  size_t calls, rows, most;
} counted;

static tc_status count_rows(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  counted *k = ctx;
  (void)err;
  k->calls++;
  k->rows += n;
  k->most = n > k->most ? n : k->most;
  tc_dark_rows(in, n, out, 1);
  return TC_OK;
}

Test(events, dark_chunks_within_the_budget_change_no_byte) {
  /* six vessels 2 km apart dark for 8 h, each 10 min after the last, heard around:
   * fifteen covered pairs, all rendezvous */
  tc_columns c;
  tc_columns_init(&c);
  for (int i = 0; i < 6; i++)
    gap_vessel(&c, 500000001 + (uint32_t)i, T0 + 600 * i, T0 + 8 * HOUR + 600 * i, 0.0, 10.0 + 0.02 * i,
               10.0 + 0.02 * i);
  heard(&c, 500000009, T0 - HOUR, T0 + 10 * HOUR, 0.1, 10.05);
  tc_event_params e = defaults();
  e.kinds = TC_EV_DARK;
  tc_event_lists ref;
  ev_run(&c, 86400, 2, &e, &ref);
  cr_assert_eq(ref.n_dark, 15, "%zu", ref.n_dark);
  const size_t row = (TC_DARK_IN + TC_DARK_OUT) * sizeof(double) + sizeof(size_t);
  const size_t budgets[] = {1, row, 4 * row, 4 * row + row - 1, 15 * row, 16 * row};
  const size_t most[] = {1, 1, 4, 4, 15, 15}, calls[] = {15, 15, 4, 4, 1, 1};
  for (int b = 0; b < 6; b++) {
    counted k = {0, 0, 0};
    tc_dark_maximiser dev = {count_rows, &k};
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

Test(events, pass_one_along_the_encounter_engine) {
  /* the encounter engine's read feeds pass 1 (tee): the same events and encounters as
   * separate reads, whatever the buckets and threads */
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 23, 40, 48);
  drifter(&c, 1);
  dark_pair(&c, 9000, 1);
  tc_event_params e = defaults();
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
      tc_events_tee_ctx tctx;
      tc_bucket_source tee = tc_events_tee(&tctx, &s1, ev);
      tc_backend_config cfg = {0};
      cfg.platform = cfg.device = -1;
      tc_engine_stats est;
      tc_encounter_list enc;
      tc_encounter_list_init(&enc);
      cr_assert_eq(tc_encounters_run(&tee, &p, tc_backend_find("openmp"), &cfg, &enc, &est, &err), TC_OK, "%s",
                   err.msg);
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

/* Gap record of vessel mmsi over [T0 + t0, T0 + t1). */
static tc_gap_rec gap_rec(uint32_t mmsi, int64_t t0, int64_t t1) {
  tc_gap_rec r;
  memset(&r, 0, sizeof r);
  r.g.mmsi = mmsi;
  r.g.t0 = T0 + t0;
  r.g.t1 = T0 + t1;
  return r;
}

Test(events, coverage_summaries_by_hand) {
  /* gap A of vessel 1 over [0, 5 h) (reported: min_gap 5 h), gap B of vessel 2 over
   * [1800, 19000) (a dark candidate only): the pair's overlap [1800, 18000) has four
   * windows [1800 + k h, 1800 + (k + 1) h) aligned to o0, not to A's start; the
   * 1800 s left after them are ignored, and in it neither vessel counts for the other */
  tc_gap_rec g[2] = {gap_rec(1, 0, 18000), gap_rec(2, 1800, 19000)};
  tc_dark_cand pair = {0, 1, -1, -1};
  tc_dark_cands dc = {&pair, 1, 1};
  tc_cov_plan(g, 2, 18000, &dc, HOUR);
  cr_assert_eq(g[0].want, TC_COV_OWN | TC_COV_PAIRS);
  cr_assert_eq(g[1].want, TC_COV_PAIRS);
  /* A hears: in its own hour 0 vessels 7 and 8 (8 one second before the pair's first
   * window); hour 1 vessel 2 at its start and 8 just when the pair's window 0 ends;
   * hour 2 vessel 7 one second before window 2 and vessel 2 at its start; nobody in
   * hour 3; vessel 2 at the last second of window 3 and 9 in the ignored rest */
  const struct {
    int64_t t;
    uint32_t m;
  } a[] = {{16200, 9}, {100, 7}, {5400, 8}, {1799, 8}, {9000, 2}, {3600, 2}, {8999, 7}, {16199, 2}};
  /* B hears vessel 1 (the partner: excluded) in window 0, 3 in window 1, 4 at the last
   * second of window 2, and 5 in the ignored rest */
  const struct {
    int64_t t;
    uint32_t m;
  } b[] = {{1800, 1}, {5399, 1}, {5400, 3}, {12599, 4}, {16200, 5}, {18500, 6}};
  for (int rep = 0; rep < 2; rep++) { /* a fix near both ends is recorded twice */
    for (size_t k = 0; k < sizeof a / sizeof *a; k++)
      cr_assert_eq(tc_cov_record(&g[0], T0 + a[k].t, a[k].m, HOUR), TC_OK);
    for (size_t k = 0; k < sizeof b / sizeof *b; k++)
      cr_assert_eq(tc_cov_record(&g[1], T0 + b[k].t, b[k].m, HOUR), TC_OK);
  }
  cr_assert_float_eq(tc_cov_gap(&g[0], HOUR), 4.0 / 5.0, 1e-15, "A's hours 0, 1, 2 and 4 of 5");
  cr_assert_eq(tc_cov_others(&g[0]), 4, "vessels 2, 7, 8, 9");
  tc_dark_pair_coverage(g, &pair, HOUR);
  cr_assert_float_eq(pair.coverage_a, 1.0 / 4.0, 1e-15, "A, vessel 2 excluded: window 1 only (got %g)",
                     pair.coverage_a);
  cr_assert_float_eq(pair.coverage_b, 2.0 / 4.0, 1e-15, "B, vessel 1 excluded: windows 1 and 2 (got %g)",
                     pair.coverage_b);
  cr_assert_float_eq(tc_cov_span(&g[0], T0 + 1800, T0 + 18000, HOUR, 0), 1.0, 1e-15,
                     "nobody excluded, every window of the overlap");
  cr_assert_float_eq(tc_cov_span(&g[0], T0 + 1800, T0 + 5399, HOUR, 2), 0.0, 0, "no whole window: 0");
  tc_cov_release(&g[0]);
  tc_cov_release(&g[1]);
}

Test(events, coverage_summaries_equal_the_fixes) {
  /* four vessels heard at random over 3 days, often seconds apart and some hours
   * empty, in any order: the summaries answer every span aligned anywhere, with any
   * vessel excluded, as the list of all fixes does */
  enum { N = 4000, NV = 4 };
  const int64_t W = HOUR, D = 3 * 86400 + 1234;
  tc_gap_rec g[2] = {gap_rec(1, 0, D), gap_rec(2, -HOUR, D + HOUR)};
  tc_dark_cand pair = {0, 1, 0, 0};
  tc_dark_cands dc = {&pair, 1, 1};
  tc_cov_plan(g, 2, D, &dc, W);
  int64_t ft[N];
  uint32_t fm[N], heard = 0;
  int n = 0;
  uint64_t x = 777;
  for (int i = 0; i < N; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t t = (int64_t)((x >> 20) % (uint64_t)D);
    if ((t / 3600) % 7 == 2)
      continue; /* some hours nobody */
    ft[n] = T0 + t;
    fm[n] = (t / 7200) % 5 == 3 ? 13 : 10 + (uint32_t)((x >> 40) % NV); /* some only 13 */
    heard |= 1u << (fm[n] - 10);
    cr_assert_eq(tc_cov_record(&g[0], ft[n], fm[n], W), TC_OK);
    n++;
  }
  tc_cov_bound bound; /* and its bounds never below the count */
  cr_assert_eq(tc_cov_bound_build(&bound, &g[0], T0, T0 + D, W), TC_OK);
  for (int k = 0; k < 3000; k++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t u0 = T0 + (int64_t)((x >> 16) % (uint64_t)(D / 2)),
            u1 = u0 + (int64_t)((x >> 40) % (uint64_t)(T0 + D - u0));
    uint32_t except = (x >> 61) < NV ? 10 + (uint32_t)(x >> 61) : 0;
    int64_t nw = (u1 - u0) / W, covered = 0;
    unsigned char win[80] = {0};
    for (int i = 0; i < n; i++)
      if (ft[i] >= u0 && ft[i] < u0 + nw * W && fm[i] != except)
        win[(ft[i] - u0) / W] = 1;
    for (int64_t w = 0; w < nw; w++)
      covered += win[w];
    double want = nw ? (double)covered / (double)nw : 0.0;
    cr_assert_eq(tc_cov_span(&g[0], u0, u1, W, except), want, "span %lld..%lld except %u",
                 (long long)(u0 - T0), (long long)(u1 - T0), except);
    cr_assert(tc_cov_bound_span(&bound, &g[0], u0, u1, W) >= want, "bound of span %lld..%lld",
              (long long)(u0 - T0), (long long)(u1 - T0));
  }
  tc_cov_bound_free(&bound);
  cr_assert_eq(tc_cov_others(&g[0]), (uint32_t)__builtin_popcount(heard));
  tc_cov_release(&g[0]);
  tc_cov_release(&g[1]);
}

/* The events over c with the counting maximiser k, and their counts. */
static void ev_counted(const tc_columns *c, tc_event_params *e, counted *k, tc_event_lists *out,
                       tc_event_stats *st) {
  tc_params p;
  tc_params_default(&p);
  tc_dark_maximiser dev = {count_rows, k};
  e->dark_device = &dev;
  events_over(c, &p, e, out, st);
  e->dark_device = NULL;
}

Test(events, lstar_bound_by_hand) {
  /* a at P, b at Q, D = 100 km east of P on the equator, both dark 8 h and back where
   * they were: each difference e - s is 8 h less the legs to and from X, at least 8 h
   * (a's own, b's own), 8 h - D/v (b's start to a's end, a's start to b's end, the mean
   * of both): the bound 8 h - D/v is L* (at the midpoint) */
  const double D = 100000.0, lon_q = 10.0 + D / M_PER_DEG;
  tc_gap a = {1, T0, T0 + 8 * HOUR, 0.0, 10.0, 0.0, 10.0, 0.0, 0, 0};
  tc_gap b = {2, T0, T0 + 8 * HOUR, 0.0, lon_q, 0.0, lon_q, D, 0, 0};
  cr_assert_float_eq(tc_dark_lstar_bound(&a, &b, V_DARK), 8.0 * HOUR - D / V_DARK, 1e-6);
  /* b dark 5 h later, at P too: the overlap, 3 h (b's start to a's end) */
  b = (tc_gap){2, T0 + 5 * HOUR, T0 + 13 * HOUR, 0.0, 10.0, 0.0, 10.0, 0.0, 0, 0};
  cr_assert_float_eq(tc_dark_lstar_bound(&a, &b, V_DARK), 3.0 * HOUR, 1e-9);
  /* a sails P -> Q in its 8 h (5.4 h at 12 kn), b waits at Q: a's own slack, 8 h - D/v */
  a.lon1 = lon_q;
  b = (tc_gap){2, T0, T0 + 8 * HOUR, 0.0, lon_q, 0.0, lon_q, 0.0, 0, 0};
  cr_assert_float_eq(tc_dark_lstar_bound(&a, &b, V_DARK), 8.0 * HOUR - D / V_DARK, 1e-6);
  /* crossing paths on a 10 km square: a sails north along one side, b south along the
   * other from the opposite corner; each own leg and each crossed one (b's start to
   * a's end, a's start to b's end) is a side, but the mean of the crossed differences
   * needs both diagonals (dark apart, reappeared apart): 8 h - sqrt(2) 10 km / v (the
   * square is flat to 1e-6 here) */
  const double u = 10000.0 / M_PER_DEG;
  tc_gap c = {1, T0, T0 + 8 * HOUR, 0.0, 10.0, u, 10.0, 0, 0, 0};
  tc_gap d = {2, T0, T0 + 8 * HOUR, u, 10.0 + u, 0.0, 10.0 + u, 0, 0, 0};
  cr_assert_float_eq(tc_dark_lstar_bound(&c, &d, V_DARK), 8.0 * HOUR - sqrt(2.0) * 10000.0 / V_DARK, 0.1);
}

Test(events, lstar_bound_above_the_maximiser) {
  /* random pairs within a few hundred km and hours: the bound is never below the L*
   * the maximiser finds (at a point, so at most the true L*) */
  uint64_t x = 4242;
  for (int k = 0; k < 300; k++) {
    double r[8];
    for (int i = 0; i < 8; i++) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      r[i] = (double)(x >> 11) / 9007199254740992.0;
    }
    tc_gap a = {1, 0, 6 * HOUR + (int64_t)(r[0] * 6 * HOUR), 30 + r[1], 20 + r[2], 30 + r[3], 20 + r[4], 0, 0, 0};
    int64_t tb0 = (int64_t)(r[5] * 4 * HOUR);
    tc_gap b = {2, tb0, tb0 + 6 * HOUR + (int64_t)(r[6] * 6 * HOUR), 30 + r[7], 20 + r[1], 30 + r[2],
                20 + r[3], 0, 0, 0};
    int64_t o0 = a.t0 > b.t0 ? a.t0 : b.t0;
    tc_dark_pair p = {a.lat0, a.lon0, a.lat1, a.lon1, b.lat0, b.lon0, b.lat1, b.lon1, (double)(a.t0 - o0),
                      (double)(a.t1 - o0), (double)(b.t0 - o0), (double)(b.t1 - o0), V_DARK};
    double lat, lon, w0, w1, l = tc_dark_maximise(&p, 27.0, 34.0, 17.0, 24.0, &lat, &lon, &w0, &w1);
    cr_assert(tc_dark_lstar_bound(&a, &b, V_DARK) >= l - 1e-6, "pair %d: bound %.3f below L* %.3f", k,
              tc_dark_lstar_bound(&a, &b, V_DARK), l);
  }
}

/* Where L is flat along a line, X* is the point of it nearest the centre of the search's
 * box (kernels/geo.h, TC_DARK_TIE), not wherever the searches' rounding leaves them: a
 * dark from (0, 0) to (0, 2) with 4 h to spare, b's window so wide it never binds, so L
 * is 4 h on the whole equator between them. */
Test(events, dark_flat_line_x_star_nearest_the_centre) {
  double run = tc_haversine_m(0.0, 0.0, 0.0, 2.0) / V_DARK;
  tc_dark_pair p = {0.0, 0.0, 0.0, 2.0, 0.2, 1.0, 0.2, 1.0, 0.0, run + 4 * HOUR, -48.0 * HOUR, run + 52.0 * HOUR,
                    V_DARK};
  const double box[][4] = {{-1.0, 1.6, 0.2, 2.8}, {-1.3, 0.9, -0.6, 2.0}, {-0.5, 0.5, 0.05, 0.35}};
  for (int k = 0; k < 3; k++) {
    double lat, lon, w0, w1, l = tc_dark_maximise(&p, box[k][0], box[k][1], box[k][2], box[k][3], &lat, &lon, &w0, &w1);
    double want = 0.5 * (box[k][2] + box[k][3]);
    cr_assert_float_eq(l, 4.0 * HOUR, 1.0, "box %d: L* %.3f", k, l);
    cr_assert_float_eq(lat, 0.0, 1e-3, "box %d: X* %.6f %.6f", k, lat, lon);
    cr_assert_float_eq(lon, want, 1e-3, "box %d: X* %.6f %.6f, the centre's longitude %.3f", k, lat, lon, want);
    cr_assert_float_eq(w1 - w0, l, 1e-6);
  }
}

Test(events, lstar_bound_turns_away_only_pairs_below_dwell) {
  /* dark_pair's L* = 8 h - D/v is also its bound: 30 s above dark_dwell, maximised and
   * found; 30 s below, counted as covered but never handed to a maximiser; 0.5 s below,
   * within the bound's margin, maximised and not found */
  const double lstar[] = {7200 + 30, 7200 - 30, 7200 - 0.5};
  const size_t rows[] = {1, 0, 1}, found[] = {1, 0, 0};
  for (int i = 0; i < 3; i++) {
    tc_event_params e = defaults();
    e.kinds = TC_EV_DARK;
    tc_columns c;
    tc_columns_init(&c);
    dark_pair(&c, lstar[i], 1);
    counted k = {0, 0, 0};
    tc_event_lists l;
    tc_event_stats st;
    ev_counted(&c, &e, &k, &l, &st);
    cr_assert_eq(st.dark_covered, 1, "L* = %g: covered", lstar[i]);
    cr_assert_eq(k.rows, rows[i], "L* = %g: %zu pairs maximised, not %zu", lstar[i], rows[i], k.rows);
    cr_assert_eq(l.n_dark, found[i], "L* = %g", lstar[i]);
    tc_event_lists_free(&l);
    tc_columns_free(&c);
  }
}

Test(events, coverage_bounds_by_hand) {
  /* gap A of vessel 1 over [0, 9 h), gap B of vessel 2 over [1800, 10 h): the overlap
   * [1800, 9 h) has 8 windows [1800 + k h, 1800 + (k + 1) h), each meeting A's blocks
   * (hours) k and k + 1 and lying within B's block k */
  tc_gap_rec g[2] = {gap_rec(1, 0, 9 * HOUR), gap_rec(2, 1800, 10 * HOUR)};
  tc_dark_cand pair = {0, 1, -1, -1};
  tc_dark_cands dc = {&pair, 1, 1};
  tc_cov_plan(g, 2, INT64_MAX, &dc, HOUR);
  /* A hears vessel 7 in its hours 0, 3 and 6 only, in windows 0, 2 and 5: coverage 3/8;
   * the windows meeting hours 0, 3 or 6 are 0, 2, 3, 5 and 6: the bound 5/8 */
  const int64_t ta[] = {2000, 11100, 21900};
  for (int k = 0; k < 3; k++)
    cr_assert_eq(tc_cov_record(&g[0], T0 + ta[k], 7, HOUR), TC_OK);
  /* B hears vessel 8 in every window and vessel 1 (A, excluded) too */
  for (int k = 0; k < 8; k++) {
    cr_assert_eq(tc_cov_record(&g[1], T0 + 1800 + k * HOUR + 100, 8, HOUR), TC_OK);
    cr_assert_eq(tc_cov_record(&g[1], T0 + 1800 + k * HOUR + 200, 1, HOUR), TC_OK);
  }
  tc_cov_bound ba, bb;
  cr_assert_eq(tc_cov_bound_build(&ba, &g[0], T0 + 1800, T0 + 9 * HOUR, HOUR), TC_OK);
  cr_assert_eq(tc_cov_bound_build(&bb, &g[1], T0 + 1800, T0 + 9 * HOUR, HOUR), TC_OK);
  cr_assert_eq(ba.k0, 0);
  cr_assert_eq(ba.n, 9, "A's hours 0 .. 8");
  cr_assert_eq(bb.n, 9, "B's hours 0 .. 8 from 1800 (8: the rest after the last window)");
  cr_assert_float_eq(tc_cov_bound_span(&ba, &g[0], T0 + 1800, T0 + 9 * HOUR, HOUR), 5.0 / 8.0, 1e-15);
  cr_assert_float_eq(tc_cov_span(&g[0], T0 + 1800, T0 + 9 * HOUR, HOUR, 2), 3.0 / 8.0, 1e-15);
  cr_assert_float_eq(tc_cov_bound_span(&ba, &g[0], T0 + HOUR, T0 + 9 * HOUR, HOUR), 2.0 / 8.0, 1e-15,
                     "aligned to A's hours: hours 3 and 6 of 1 .. 8");
  cr_assert_float_eq(tc_cov_bound_span(&ba, &g[0], T0 + HOUR, T0 + 10 * HOUR, HOUR), 1.0, 0,
                     "hour 9 is not held: no bound");
  cr_assert_float_eq(tc_cov_bound_span(&bb, &g[1], T0 + 1800, T0 + 9 * HOUR, HOUR), 1.0, 0);
  /* the rule at 0.5: A's bound passes, its count does not (B not measured); at 0.7 the
   * bound alone fails; at 0.3 both are counted, as tc_dark_pair_coverage counts them */
  tc_dark_pair_coverage_bounded(g, &pair, HOUR, 0.5, &ba, &bb);
  cr_assert(pair.coverage_a == 3.0 / 8.0 && pair.coverage_b == 0.0, "%g %g", pair.coverage_a, pair.coverage_b);
  tc_dark_pair_coverage_bounded(g, &pair, HOUR, 0.7, &ba, &bb);
  cr_assert(pair.coverage_a == 5.0 / 8.0 && pair.coverage_b == 0.0, "%g %g", pair.coverage_a, pair.coverage_b);
  tc_dark_pair_coverage_bounded(g, &pair, HOUR, 0.3, &ba, &bb);
  tc_dark_cand exact = pair;
  tc_dark_pair_coverage(g, &exact, HOUR);
  cr_assert(pair.coverage_a == 3.0 / 8.0 && pair.coverage_b == 1.0 && exact.coverage_a == pair.coverage_a &&
            exact.coverage_b == pair.coverage_b, "%g %g", pair.coverage_a, pair.coverage_b);
  tc_cov_bound_free(&ba);
  tc_cov_bound_free(&bb);
  tc_cov_release(&g[0]);
  tc_cov_release(&g[1]);
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
