/* Pass 1 of the events (host/events/events.c) against a plain reading of it, fix by
 * fix: the teleport filter (tc_teleport_keep), loitering (tc_loiter_fix) and the gaps
 * of each vessel's kept fixes in time order. Pass 1 takes most fixes in a shortcut
 * (easy_rows: a cheaper teleport bound, no grid time reached, no gap), so the walks
 * here meet what must leave it: repeated times, fixes on grid times, teleports, gaps,
 * the antimeridian crossed (where its bound is too long), vessels that stand still
 * and slices that cut a vessel's fixes anywhere; with the filter on and off. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/source.h"
#include "host/engine/teleport.h"
#include "host/events/events.h"
#include "host/events/internal.h"
#include "kernels/geo.h"
#include "support/lead_tracks.h"

#define NV 4

typedef struct {
  int64_t t;
  double lat, lon;
} fix;

static uint64_t rng(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

/* Vessel v's walk: n fixes from t0. */
static void walk(uint64_t *seed, int v, fix *f, size_t n) {
  static const int64_t steps[] = {0, 1, 7, 13, 30, 30, 30, 45, 590, 599, 600, 601, 1200, 3599, 3600, 3601, 5000, 9000};
  int64_t t = 1600041600 - 3 * 600 + v * 17;
  double lat = 10.0 + 11.0 * v, lon = v == 1 ? 179.995 : -30.0 + 20.0 * v;
  for (size_t i = 0; i < n; i++) {
    uint64_t r = rng(seed);
    t += steps[r % (sizeof steps / sizeof steps[0])];
    if (r % 11 == 0) /* onto the next grid time, where a repeat may follow */
      t += ((600 - t % 600) % 600 + 600) % 600;
    if (r % 4 != 0) {                     /* a quarter stay where they were */
      double k = r % 53 == 0 ? 0.5 : r % 5 == 0 ? 2e-3 : 2e-5; /* teleports, moves, drift */
      lat += ((double)(r >> 8 & 0xff) - 128) * k;
      lon = tc_norm_lon(lon + ((double)(r >> 16 & 0xff) - 127.5) * k);
      if (lat > 80 || lat < -80)
        lat = 10.0 + v;
    }
    f[i] = (fix){t, lat, lon};
  }
}

typedef struct {
  int64_t lt;
  double la, lo;
  tc_loiter_state ls;
} ref_vessel;

static int cmp_gap(const void *pa, const void *pb) {
  const tc_gap *a = pa, *b = pb;
  if (a->t0 != b->t0)
    return a->t0 < b->t0 ? -1 : 1;
  return a->mmsi < b->mmsi ? -1 : a->mmsi > b->mmsi;
}

static int cmp_loiter(const void *pa, const void *pb) {
  const tc_loiter *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->mmsi < b->mmsi ? -1 : a->mmsi > b->mmsi;
}

/* kinds: what pass 1 is asked for; max_gap < 0: the default */
static void check(double max_implied_speed_kn, uint64_t seed, unsigned kinds, int64_t max_gap) {
  const size_t n = 3000;
  fix *w[NV];
  for (int v = 0; v < NV; v++) {
    w[v] = malloc(n * sizeof **w);
    cr_assert(w[v]);
    walk(&seed, v, w[v], n);
  }
  tc_params p;
  tc_params_default(&p);
  p.max_implied_speed_kn = max_implied_speed_kn;
  p.threads = 1;
  if (max_gap >= 0)
    p.max_gap = max_gap;
  tc_event_params e;
  tc_event_params_default(&e);
  e.kinds = kinds;
  e.min_gap = 3601;
  e.min_loiter = 1800;
  /* the plain reading */
  tc_event_lists want;
  tc_event_lists_init(&want);
  tc_loiter_cfg lc = {p.slot, p.max_gap, e.min_loiter, e.loiter_speed_kn, NULL, NULL};
  double mps = max_implied_speed_kn > 0 ? max_implied_speed_kn * TC_KNOT_MPS : 0;
  uint64_t dropped = 0, positions = 0;
  for (int v = 0; v < NV; v++) {
    ref_vessel rv = {INT64_MIN, 0, 0, {0}};
    uint32_t mmsi = 244000001u + (uint32_t)v;
    for (size_t i = 0; i < n; i++) {
      const fix *f = &w[v][i];
      if (rv.lt != INT64_MIN && !tc_teleport_keep(f->t - rv.lt, rv.la, rv.lo, f->lat, f->lon, p.max_gap, mps)) {
        dropped++;
        continue;
      }
      cr_assert_eq(tc_loiter_fix(&lc, &rv.ls, mmsi, rv.lt, rv.la, rv.lo, f->t, f->lat, f->lon, &want, &positions),
                   TC_OK);
      if (rv.lt != INT64_MIN && f->t - rv.lt >= e.min_gap) {
        want.gaps = realloc(want.gaps, (want.n_gaps + 1) * sizeof *want.gaps);
        cr_assert(want.gaps);
        want.gaps[want.n_gaps++] = (tc_gap){mmsi, rv.lt, f->t, rv.la, rv.lo, f->lat, f->lon,
                                            tc_haversine_m(rv.la, rv.lo, f->lat, f->lon), 0, 0};
      }
      rv.lt = f->t, rv.la = f->lat, rv.lo = f->lon;
    }
    cr_assert_eq(tc_loiter_finish(&lc, &rv.ls, mmsi, &want), TC_OK);
    tc_loiter_state_free(&rv.ls);
  }
  if (want.n_gaps)
    qsort(want.gaps, want.n_gaps, sizeof *want.gaps, cmp_gap);
  if (want.n_loiter)
    qsort(want.loiter, want.n_loiter, sizeof *want.loiter, cmp_loiter);
  /* max_gap 0: no grid time lies between two fixes, so hardly any loitering */
  cr_assert((want.n_loiter > 5 || max_gap == 0) && want.n_gaps > 5, "%zu loitering, %zu gaps: the walks should give some",
            want.n_loiter, want.n_gaps);
  cr_assert(max_implied_speed_kn == 0 || max_gap == 0 || dropped > 5, "%llu teleports: the walks should give some",
            (unsigned long long)dropped);
  /* pass 1 fed slices that cut every vessel's fixes at random places, rows by (mmsi, t) */
  tc_events *ev;
  tc_err err = {0};
  cr_assert_eq(tc_events_create(&p, &e, &ev, &err), TC_OK, "%s", err.msg);
  tc_columns all;
  tc_columns_init(&all);
  size_t at[NV] = {0};
  for (int done = 0; !done;) {
    tc_columns c;
    tc_columns_init(&c);
    done = 1;
    for (int v = 0; v < NV; v++) {
      size_t k = (size_t)(rng(&seed) % 400);
      for (size_t j = 0; j < k && at[v] < n; j++, at[v]++) {
        tt_fix(&c, 244000001u + (uint32_t)v, w[v][at[v]].t, w[v][at[v]].lat, w[v][at[v]].lon);
        tt_fix(&all, 244000001u + (uint32_t)v, w[v][at[v]].t, w[v][at[v]].lat, w[v][at[v]].lon);
      }
      done &= at[v] == n;
    }
    cr_assert_eq(tc_events_feed(ev, &c, &err), TC_OK, "%s", err.msg);
    tc_columns_free(&c);
  }
  /* pass 2 (the gaps' coverage, not compared here) reads the fixes pass 1 kept */
  tc_memory_source *m;
  cr_assert_eq(tc_memory_source_create(&all, 86400, &m), TC_OK);
  tc_bucket_source s2 = tc_memory_source_get(m);
  tc_event_lists got;
  tc_event_lists_init(&got);
  tc_event_stats st;
  cr_assert_eq(tc_events_finish(ev, &s2, NULL, &got, &st, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(st.teleport_dropped, dropped);
  if (!(kinds & TC_EV_LOITER))
    want.n_loiter = 0; /* the plain reading found them; pass 1 was not asked */
  else
    cr_assert_eq(st.grid_positions, positions);
  cr_assert_eq(got.n_loiter, want.n_loiter);
  for (size_t i = 0; i < want.n_loiter; i++) {
    const tc_loiter *a = &got.loiter[i], *b = &want.loiter[i];
    cr_assert(a->mmsi == b->mmsi && a->start == b->start && a->end == b->end && a->slots == b->slots &&
                  a->mean_lat == b->mean_lat && a->mean_lon == b->mean_lon && a->median_speed_kn == b->median_speed_kn,
              "loitering event %zu differs", i);
  }
  cr_assert_eq(got.n_gaps, want.n_gaps);
  for (size_t i = 0; i < want.n_gaps; i++) {
    const tc_gap *a = &got.gaps[i], *b = &want.gaps[i];
    cr_assert(a->mmsi == b->mmsi && a->t0 == b->t0 && a->t1 == b->t1 && a->lat0 == b->lat0 && a->lon0 == b->lon0 &&
                  a->lat1 == b->lat1 && a->lon1 == b->lon1 && a->dist_m == b->dist_m,
              "gap %zu differs", i);
  }
  tc_events_free(ev);
  tc_memory_source_free(m);
  tc_columns_free(&all);
  tc_event_lists_free(&got);
  tc_event_lists_free(&want);
  for (int v = 0; v < NV; v++)
    free(w[v]);
}

Test(events_pass1, as_the_plain_reading_with_the_teleport_filter) {
  check(50.0, 1, TC_EV_LOITER | TC_EV_GAPS, -1);
  check(50.0, 77, TC_EV_LOITER | TC_EV_GAPS, -1);
}

Test(events_pass1, as_the_plain_reading_without_the_teleport_filter) { check(0.0, 5, TC_EV_LOITER | TC_EV_GAPS, -1); }

/* Gaps alone (no grid times bound the rows that only move the last kept fix), and
 * max_gap 0, where the filter never applies: the same gaps as the plain reading. */
Test(events_pass1, gaps_alone_and_max_gap_zero_as_the_plain_reading) {
  check(50.0, 9, TC_EV_GAPS, -1);
  check(50.0, 9, TC_EV_GAPS, 0);
  check(50.0, 9, TC_EV_LOITER | TC_EV_GAPS, 0);
  check(0.0, 9, TC_EV_GAPS, 0);
}
