/* The bounds and summaries behind the events' late stages, against what they bound:
 * the gaps' coverage summaries against the fixes, the coverage bounds against the
 * counts, the L* bound against the maximiser, and X* where L is flat. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/events/events.h"
#include "host/events/internal.h"
#include "kernels/geo.h"
#include "support/event_cases.h"
#include "support/lead_tracks.h"

/* Gap record of vessel mmsi over [T0 + t0, T0 + t1). */
static tc_gap_rec gap_rec(uint32_t mmsi, int64_t t0, int64_t t1) {
  tc_gap_rec r;
  memset(&r, 0, sizeof r);
  r.g.mmsi = mmsi;
  r.g.t0 = T0 + t0;
  r.g.t1 = T0 + t1;
  return r;
}

/* The events over c with the counting maximiser k, and their counts. */
static void ev_counted(const tc_columns *c, tc_event_params *e, tev_counted *k, tc_event_lists *out,
                       tc_event_stats *st) {
  tc_params p;
  tc_params_default(&p);
  tc_dark_maximiser dev = {tev_count_rows, k};
  e->dark_device = &dev;
  tev_over(c, &p, e, out, st);
  e->dark_device = NULL;
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
   * found; 30 s below, tev_counted as covered but never handed to a maximiser; 0.5 s below,
   * within the bound's margin, maximised and not found */
  const double lstar[] = {7200 + 30, 7200 - 30, 7200 - 0.5};
  const size_t rows[] = {1, 0, 1}, found[] = {1, 0, 0};
  for (int i = 0; i < 3; i++) {
    tc_event_params e = tev_defaults();
    e.kinds = TC_EV_DARK;
    tc_columns c;
    tc_columns_init(&c);
    tev_dark_pair(&c, lstar[i], 1);
    tev_counted k = {0, 0, 0};
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
   * bound alone fails; at 0.3 both are tev_counted, as tc_dark_pair_coverage counts them */
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
