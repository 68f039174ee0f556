/* Pass 2 of the events (the coverage evidence, spec/events.md §2): the coverage index
 * (host/events/coverage.c: coarse prefilter, runs of a vessel's fixes screened at once
 * against a box) records exactly what testing every fix against every gap end with the
 * haversine records, at the window edges, at the radius and across the antimeridian;
 * the fixes pass 1 keeps give the lists a second read gives; a stop asked stops it. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/source.h"
#include "host/events/events.h"
#include "host/events/internal.h"
#include "kernels/geo.h"
#include "support/lead_tracks.h"

#define T0 1600038000 /* 2020-09-13T23:00:00Z: T0 + HOUR is a day's edge, so an hour's and the
                            * index's six-hour blocks' (host/events/coverage.c) */
#define HOUR 3600
#define M_PER_DEG (TC_EARTH_R_M * TC_DEG2RAD)
#define RADIUS 50000.0

/* A gap of vessel mmsi over [T0 + t0, T0 + t1) from (lat0, lon0) to (lat1, lon1). */
static tc_gap_rec gap_at(uint32_t mmsi, int64_t t0, int64_t t1, double lat0, double lon0, double lat1,
                         double lon1) {
  tc_gap_rec r;
  memset(&r, 0, sizeof r);
  r.g = (tc_gap){mmsi, T0 + t0, T0 + t1, lat0, lon0, lat1, lon1, 0, 0, 0};
  return r;
}

/* Fixes, to be sorted by (mmsi, t) as a slice delivers them. */
typedef struct {
  uint32_t m;
  int64_t t;
  double lat, lon;
} fx;

static int cmp_fx(const void *pa, const void *pb) {
  const fx *a = pa, *b = pb;
  if (a->m != b->m)
    return a->m < b->m ? -1 : 1;
  return (a->t > b->t) - (a->t < b->t);
}

/* Every fix against every gap end with the haversine: the spec's rule itself. */
static void brute(tc_gap_rec *g, size_t ng, const fx *f, size_t nf, int64_t w) {
  for (size_t i = 0; i < ng; i++)
    for (size_t k = 0; k < nf; k++) {
      if (f[k].m == g[i].g.mmsi)
        continue;
      if (tc_haversine_m(g[i].g.lat0, g[i].g.lon0, f[k].lat, f[k].lon) <= RADIUS ||
          tc_haversine_m(g[i].g.lat1, g[i].g.lon1, f[k].lat, f[k].lon) <= RADIUS)
        cr_assert_eq(tc_cov_record(&g[i], f[k].t, f[k].m, w), TC_OK);
    }
}

/* The index over the fixes in slices of `slice` rows, on `threads` threads. */
static void indexed(tc_gap_rec *g, size_t ng, const fx *f, size_t nf, int64_t w, size_t slice, int threads) {
  tc_cov_index *ix = NULL;
  cr_assert_eq(tc_cov_create(g, ng, RADIUS, w, &ix), TC_OK);
  uint32_t *m = malloc(nf * sizeof *m);
  int64_t *t = malloc(nf * sizeof *t);
  double *la = malloc(nf * sizeof *la), *lo = malloc(nf * sizeof *lo);
  cr_assert(m && t && la && lo);
  for (size_t k = 0; k < nf; k++) {
    m[k] = f[k].m;
    t[k] = f[k].t;
    la[k] = f[k].lat;
    lo[k] = f[k].lon;
  }
  for (size_t a = 0; a < nf; a += slice) {
    size_t n = nf - a < slice ? nf - a : slice;
    cr_assert_eq(tc_cov_add_rows(ix, m + a, t + a, la + a, lo + a, NULL, n, threads), TC_OK);
  }
  tc_cov_free(ix);
  free(m);
  free(t);
  free(la);
  free(lo);
}

/* Both sets of summaries answer every question pass 2 asks alike: each gap's coverage
 * and vessels heard, and spans aligned anywhere with any vessel excluded. */
static void same_summaries(const tc_gap_rec *a, const tc_gap_rec *b, size_t ng, int64_t w, const char *what) {
  for (size_t i = 0; i < ng; i++) {
    if (a[i].want & TC_COV_OWN) {
      cr_assert_eq(tc_cov_gap(&a[i], w), tc_cov_gap(&b[i], w), "%s: gap %zu coverage %g against %g", what, i,
                   tc_cov_gap(&a[i], w), tc_cov_gap(&b[i], w));
      cr_assert_eq(tc_cov_others(&a[i]), tc_cov_others(&b[i]), "%s: gap %zu others %u against %u", what, i,
                   tc_cov_others(&a[i]), tc_cov_others(&b[i]));
    }
    if (!(a[i].want & TC_COV_PAIRS))
      continue;
    for (int64_t u0 = a[i].lo; u0 < a[i].hi; u0 += 97)
      for (uint32_t ex = 0; ex <= 6; ex++) {
        double x = tc_cov_span(&a[i], u0, a[i].hi, w, ex ? 700000000 + ex : 0),
               y = tc_cov_span(&b[i], u0, a[i].hi, w, ex ? 700000000 + ex : 0);
        cr_assert_eq(x, y, "%s: gap %zu from %lld excluding %u: %g against %g", what, i,
                     (long long)(u0 - T0), ex, x, y);
      }
  }
}

/* Point d metres from (lat, lon) along bearing brg (degrees). */
static void at(double lat, double lon, double brg, double d, double *olat, double *olon) {
  tt_offset(lat, lon, brg, d, olat, olon);
}

/* Gap ends round the antimeridian, on the equator, at 80° N and on a quarter-degree
 * line; witnesses that pass through the radius's edge within an hour, sit at it to the
 * millimetre, and report exactly at the windows' and the spans' edges. */
static size_t scene(tc_gap_rec *g, fx *f, size_t cap, size_t *nfix) {
  /* two ends put so that the radius less 2 mm reaches just short of a quarter-degree
   * line (the prefilter's cells): the witnesses 1 mm inside the radius due north or
   * east of them lie in the next cell */
  const double reach = (RADIUS - 0.002) / M_PER_DEG;
  const double ends[][2] = {{10.0, 179.95}, {10.2, -179.9}, {0.0, 5.0 - reach}, {80.0, 30.0}, {45.25 - reach, -12.5}};
  size_t ng = 0;
  for (int k = 0; k < 5; k++) {
    /* two vessels dark over overlapping spans at each place, the second shifted */
    g[ng++] = gap_at(600000001 + 2 * k, 0, 10 * HOUR, ends[k][0], ends[k][1], ends[k][0], ends[k][1]);
    g[ng++] = gap_at(600000002 + 2 * k, 1800, 11 * HOUR + 123, ends[(k + 1) % 5][0], ends[(k + 1) % 5][1],
                     ends[k][0], ends[k][1]);
  }
  size_t nf = 0;
  uint64_t x = 4242;
  for (int k = 0; k < 5; k++) {
    double la = ends[k][0], lo = ends[k][1];
    /* witness 1: crosses the edge, in and out, along a bearing, a fix every 77 s, heard
     * only some hours */
    for (int64_t t = -HOUR; t < 12 * HOUR && nf < cap; t += 77) {
      if ((t / HOUR + k) % 3 == 0)
        continue;
      double d = RADIUS - 20000.0 + 40000.0 * fabs(sin((double)t / 5000.0));
      double a, b;
      at(la, lo, 30.0 + 70.0 * k, d, &a, &b);
      f[nf++] = (fx){700000001, T0 + t, a, b};
    }
    /* witness 2: at the radius to the millimetre, inside then outside, at the edges of
     * the spans and of the windows (aligned to each gap's start: 0 and 1800) */
    const int64_t edges[] = {-1, 0, 1, 1799, 1800, 1801, HOUR - 1, HOUR, HOUR + 1800 - 1, HOUR + 1800,
                             10 * HOUR - 1, 10 * HOUR, 11 * HOUR + 122, 11 * HOUR + 123};
    for (size_t e = 0; e < sizeof edges / sizeof *edges && nf + 2 <= cap; e++) {
      double a, b, brg = 90.0 * (double)(e % 4); /* due north, east, south, west */
      at(la, lo, brg, RADIUS - 0.001, &a, &b);
      f[nf++] = (fx){700000002 + (uint32_t)(e % 3), T0 + edges[e], a, b};
      at(la, lo, brg, RADIUS + 0.001, &a, &b);
      f[nf++] = (fx){700000005, T0 + edges[e], a, b};
    }
    /* witness 6: anywhere within 3 radii, at random times, sparse enough that many
     * windows hold only a fix or two */
    for (int i = 0; i < 60 && nf < cap; i++) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      double a, b;
      at(la, lo, (double)(x >> 55), 3.0 * RADIUS * (double)((x >> 20) & 0xffff) / 65536.0, &a, &b);
      f[nf++] = (fx){700000006, T0 - HOUR + (int64_t)((x >> 36) % (13 * HOUR)), a, b};
    }
  }
  /* each gap's own vessel heard too, which never counts */
  for (size_t i = 0; i < ng && nf < cap; i++)
    f[nf++] = (fx){g[i].g.mmsi, g[i].g.t0 + 600, g[i].g.lat0, g[i].g.lon0};
  qsort(f, nf, sizeof *f, cmp_fx);
  *nfix = nf;
  return ng;
}

Test(events_pass2, index_records_what_the_haversine_of_every_fix_does) {
  enum { CAP = 20000 };
  static fx f[CAP];
  tc_gap_rec g[10];
  size_t nf;
  size_t ng = scene(g, f, CAP, &nf);
  cr_assert(nf > 2000, "%zu fixes", nf);
  /* every gap reported (own coverage) and paired with the next (dark pairs' coverages) */
  tc_dark_cand pv[5];
  for (int k = 0; k < 5; k++)
    pv[k] = (tc_dark_cand){(uint32_t)(2 * k), (uint32_t)(2 * k + 1), 0, 0};
  tc_dark_cands dc = {pv, 5, 5};
  const int64_t windows[] = {HOUR, 600, 7 * HOUR};
  for (int wi = 0; wi < 3; wi++) {
    int64_t w = windows[wi];
    tc_gap_rec want[10];
    memcpy(want, g, sizeof want);
    tc_cov_plan(want, ng, 1, &dc, w);
    brute(want, ng, f, nf, w);
    const size_t slices[] = {nf, 1000, 77};
    for (int si = 0; si < 3; si++)
      for (int th = 1; th <= 2; th++) {
        tc_gap_rec got[10];
        memcpy(got, g, sizeof got);
        tc_cov_plan(got, ng, 1, &dc, w);
        indexed(got, ng, f, nf, w, slices[si], th);
        char what[96];
        snprintf(what, sizeof what, "window %lld s, slices of %zu, %d threads", (long long)w, slices[si], th);
        same_summaries(want, got, ng, w, what);
        for (size_t i = 0; i < ng; i++)
          tc_cov_release(&got[i]);
      }
    int heard = 0;
    for (size_t i = 0; i < ng; i++)
      heard += tc_cov_others(&want[i]) > 0;
    cr_assert_eq(heard, (int)ng, "every gap hears someone: the scene tests something");
    for (size_t i = 0; i < ng; i++)
      tc_cov_release(&want[i]);
  }
}

/* Vessels whose runs (a vessel's fixes in one quarter-degree cell and six-hour block,
 * judged whole against an end by their box) graze the radius: a run every 20 s along the
 * circle of the radius itself, across a block's edge and a quarter-degree line, fixes exactly at
 * the radius as the haversine of each fix computes it (and one step of 1e-9 degree in
 * and out), and runs round an end 0.1° from either pole, where the lists hold the end
 * for every longitude. What is recorded is what the haversine of every fix records. */
Test(events_pass2, runs_along_the_radius_across_cells_hours_and_the_poles) {
  enum { CAP = 40000 };
  static fx f[CAP];
  const double ends[][2] = {{89.9, 10.0}, {-89.9, -170.0}, {0.25, 0.25}, {10.0, 180.0}, {45.0, -179.99}};
  tc_gap_rec g[10];
  size_t ng = 0, nf = 0;
  for (int k = 0; k < 5; k++) {
    g[ng++] = gap_at(610000001 + 2 * k, 0, 5 * HOUR, ends[k][0], ends[k][1], ends[k][0], ends[k][1]);
    g[ng++] = gap_at(610000002 + 2 * k, HOUR - 600, 6 * HOUR, ends[(k + 1) % 5][0], ends[(k + 1) % 5][1],
                     ends[k][0], ends[k][1]);
  }
  for (int k = 0; k < 5; k++) {
    double la = ends[k][0], lo = ends[k][1];
    /* along the circle of the radius, a degree of bearing every 20 s, across the block's
     * edge at HOUR and the next hour's, and from just inside to just outside */
    for (int64_t t = HOUR - 1800; t < 3 * HOUR && nf < CAP; t += 20) {
      double a, b, d = RADIUS + 0.5 * sin((double)t / 300.0);
      at(la, lo, (double)(t / 20 % 360), d, &a, &b);
      f[nf++] = (fx){710000001 + (uint32_t)k, T0 + t, a, b};
    }
    /* due north, east, south and west: the point whose haversine is the radius to the
     * last bit found by bisection on the latitude or longitude, then a step either side */
    for (int q = 0; q < 4 && nf + 3 <= CAP; q++) {
      double a, b;
      at(la, lo, 90.0 * q, RADIUS, &a, &b);
      /* north and east: the distance grows with the coordinate; south and west: falls */
      double *v = q % 2 ? &b : &a, x0 = *v, sign = q < 2 ? 1.0 : -1.0;
      double in = x0 - sign * 1e-3, out = x0 + sign * 1e-3;
      for (int it = 0; it < 200; it++) {
        *v = 0.5 * (in + out);
        if (*v == in || *v == out)
          break;
        if (tc_haversine_m(la, lo, a, b) <= RADIUS)
          in = *v;
        else
          out = *v;
      }
      const double off[] = {0.0, -1e-9, 1e-9};
      for (int o = 0; o < 3; o++) {
        *v = in + sign * off[o];
        f[nf++] = (fx){720000001 + (uint32_t)o, T0 + HOUR - 1 + o, a, b};
      }
    }
  }
  qsort(f, nf, sizeof *f, cmp_fx);
  tc_dark_cand pv[5];
  for (int k = 0; k < 5; k++)
    pv[k] = (tc_dark_cand){(uint32_t)(2 * k), (uint32_t)(2 * k + 1), 0, 0};
  tc_dark_cands dc = {pv, 5, 5};
  const int64_t w = 600;
  tc_gap_rec want[10];
  memcpy(want, g, sizeof want);
  tc_cov_plan(want, ng, 1, &dc, w);
  brute(want, ng, f, nf, w);
  int at_radius = 0;
  for (size_t i = 0; i < nf; i++)
    for (int k = 0; k < 5; k++)
      at_radius += f[i].m == 720000001 && tc_haversine_m(ends[k][0], ends[k][1], f[i].lat, f[i].lon) <= RADIUS &&
                   tc_haversine_m(ends[k][0], ends[k][1], f[i].lat, f[i].lon) > RADIUS - 1e-6;
  cr_assert_geq(at_radius, 10, "%d fixes within a micrometre inside the radius", at_radius);
  for (int th = 1; th <= 2; th++) {
    const size_t slices[] = {nf, 500};
    for (int si = 0; si < 2; si++) {
      tc_gap_rec got[10];
      memcpy(got, g, sizeof got);
      tc_cov_plan(got, ng, 1, &dc, w);
      indexed(got, ng, f, nf, w, slices[si], th);
      char what[64];
      snprintf(what, sizeof what, "slices of %zu, %d threads", slices[si], th);
      same_summaries(want, got, ng, w, what);
      for (size_t i = 0; i < ng; i++)
        tc_cov_release(&got[i]);
    }
  }
  for (size_t i = 0; i < ng; i++) {
    cr_assert_gt(tc_cov_others(&want[i]), 0, "gap %zu hears someone", i);
    tc_cov_release(&want[i]);
  }
}

Test(events_pass2, a_fix_at_the_edges_by_hand) {
  /* gap of vessel 1 over [0, 3 h) at (0, 179.9): vessel 2 heard 1 mm inside the radius
   * at its first second (window 0) and at its last (window 2), vessel 3 1 mm outside in
   * window 1, vessel 4 inside across the antimeridian at the gap's end (excluded: the
   * span is [t_i, t_{i+1})) */
  tc_gap_rec g[1] = {gap_at(1, 0, 3 * HOUR, 0.0, 179.9, 0.0, 179.9)};
  double in_lon = 179.9 - (RADIUS - 0.001) / M_PER_DEG, out_lon = 179.9 - (RADIUS + 0.001) / M_PER_DEG;
  double east = tc_norm_lon(179.9 + (RADIUS - 0.001) / M_PER_DEG);
  cr_assert(east < 0, "the witness lies beyond the antimeridian");
  fx f[] = {{2, T0, 0.0, in_lon}, {2, T0 + 3 * HOUR - 1, 0.0, in_lon}, {3, T0 + HOUR, 0.0, out_lon},
            {4, T0 + 3 * HOUR, 0.0, east}};
  tc_cov_plan(g, 1, 1, NULL, HOUR);
  indexed(g, 1, f, 4, HOUR, 4, 1);
  cr_assert_eq(tc_cov_others(&g[0]), 1, "vessel 2 only");
  cr_assert_float_eq(tc_cov_gap(&g[0], HOUR), 2.0 / 3.0, 1e-15);
  tc_cov_release(&g[0]);
  /* the same witness across the antimeridian inside the span: heard */
  f[3].t = T0 + HOUR + 5;
  tc_cov_plan(g, 1, 1, NULL, HOUR);
  indexed(g, 1, f, 4, HOUR, 4, 2);
  cr_assert_eq(tc_cov_others(&g[0]), 2, "vessels 2 and 4");
  cr_assert_float_eq(tc_cov_gap(&g[0], HOUR), 1.0, 0);
  tc_cov_release(&g[0]);
}

/* ---- the driver: fixes kept against a second read, and the stop ---- */

typedef struct {
  int calls, after; /* stop once called `after` times */
} stopper;

static int stop_after(void *ctx) {
  stopper *s = ctx;
  return ++s->calls > s->after;
}

static tc_status run(const tc_columns *c, int64_t bucket_s, const tc_event_params *e, int threads,
                     tc_event_lists *out, tc_err *err) {
  return tt_events(c, bucket_s, threads, e, NULL, out, err);
}

#define SAME(f) (x->f == y->f || (isnan((double)x->f) && isnan((double)y->f)))
static void same_lists(const tc_event_lists *a, const tc_event_lists *b) {
  cr_assert_eq(a->n_gaps, b->n_gaps);
  cr_assert_eq(a->n_dark, b->n_dark);
  cr_assert_eq(a->n_loiter, b->n_loiter);
  for (size_t i = 0; i < a->n_gaps; i++) {
    const tc_gap *x = &a->gaps[i], *y = &b->gaps[i];
    cr_assert(SAME(mmsi) && SAME(t0) && SAME(t1) && SAME(others_seen) && SAME(coverage), "gap %zu", i);
  }
  for (size_t i = 0; i < a->n_dark; i++) {
    const tc_dark *x = &a->dark[i], *y = &b->dark[i];
    cr_assert(SAME(mmsi_a) && SAME(mmsi_b) && SAME(a0) && SAME(b0) && SAME(l_star) && SAME(coverage_a) &&
                  SAME(coverage_b),
              "dark %zu", i);
  }
}

/* Traffic, and two vessels dark together near a witness until the last hour of it
 * (its last slice holds evidence). */
static void traffic(tc_columns *c) {
  tt_synthetic(c, 23, 60, 48);
  const int64_t base = 1700000000 - 1700000000 % 86400; /* tt_synthetic's first midnight */
  for (int64_t t = base; t <= base + 48 * HOUR - 600; t += 600) {
    if (t <= base + 20 * HOUR || t >= base + 47 * HOUR + 1800) {
      tt_fix(c, 800000001, t, 1.0, 2.0);
      tt_fix(c, 800000002, t, 1.0, 2.3);
    }
    tt_fix(c, 800000003, t, 1.1, 2.1);
  }
}

Test(events_pass2, fixes_kept_give_what_a_second_read_gives) {
  tc_columns c;
  tc_columns_init(&c);
  traffic(&c);
  tc_event_params e;
  tc_event_params_default(&e);
  e.min_gap = 6 * HOUR;
  const int64_t buckets[] = {HOUR, 86400};
  for (int b = 0; b < 2; b++)
    for (int th = 1; th <= 2; th++) {
      tc_event_lists kept, read;
      tc_err err = {0};
      e.keep_bytes = TC_EV_KEEP_BYTES;
      cr_assert_eq(run(&c, buckets[b], &e, th, &kept, &err), TC_OK, "%s", err.msg);
      e.keep_bytes = 0; /* over the budget at the first slice: pass 2 reads */
      cr_assert_eq(run(&c, buckets[b], &e, th, &read, &err), TC_OK, "%s", err.msg);
      cr_assert(kept.n_gaps > 0 && kept.n_dark > 0, "%zu gaps, %zu dark", kept.n_gaps, kept.n_dark);
      same_lists(&kept, &read);
      e.keep_bytes = c.n * 28 / 2; /* over it half way through pass 1 */
      tc_event_lists half;
      cr_assert_eq(run(&c, buckets[b], &e, th, &half, &err), TC_OK, "%s", err.msg);
      same_lists(&kept, &half);
      tc_event_lists_free(&kept);
      tc_event_lists_free(&read);
      tc_event_lists_free(&half);
    }
  tc_columns_free(&c);
}

/* Pass 1 fed by copies (tc_events_feed) or keeping the slices themselves
 * (tc_events_feed_take, as the tee and tc_events_run do): the same lists, and a taken
 * slice stays the caller's to read while its next read goes to new storage. */
static void feed_all(const tc_columns *c, int take, int threads, tc_event_lists *out) {
  tc_memory_source *m1 = NULL, *m2 = NULL;
  cr_assert_eq(tc_memory_source_create(c, HOUR, &m1), TC_OK);
  cr_assert_eq(tc_memory_source_create(c, HOUR, &m2), TC_OK);
  tc_bucket_source s1 = tc_memory_source_get(m1), s2 = tc_memory_source_get(m2);
  tc_params p;
  tc_params_default(&p);
  p.threads = threads;
  tc_event_params e;
  tc_event_params_default(&e);
  e.min_gap = 6 * HOUR;
  tc_events *ev = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_events_create(&p, &e, &ev, &err), TC_OK);
  tc_columns cols;
  tc_columns_init(&cols);
  size_t slices = 0;
  for (;;) {
    int64_t t_end;
    int eof = 0;
    const uint32_t *before = cols.mmsi;
    cr_assert_eq(s1.next(s1.ctx, &cols, &t_end, &eof, &err), TC_OK, "%s", err.msg);
    if (eof)
      break;
    if (take && slices)
      cr_assert(!cols.view && cols.mmsi != before, "a read after a take starts new storage");
    uint32_t first = cols.mmsi[0];
    size_t n = cols.n;
    cr_assert_eq(take ? tc_events_feed_take(ev, &cols, &err) : tc_events_feed(ev, &cols, &err), TC_OK, "%s",
                 err.msg);
    cr_assert(cols.n == n && cols.mmsi[0] == first && cols.view == take, "the slice still reads as fed");
    slices++;
  }
  cr_assert_gt(slices, 10);
  tc_event_stats st;
  tc_event_lists_init(out);
  cr_assert_eq(tc_events_finish(ev, &s2, NULL, out, &st, &err), TC_OK, "%s", err.msg);
  tc_columns_free(&cols);
  tc_events_free(ev);
  tc_memory_source_free(m1);
  tc_memory_source_free(m2);
}

Test(events_pass2, slices_kept_by_copy_or_taken_alike) {
  tc_columns c;
  tc_columns_init(&c);
  traffic(&c);
  for (int th = 1; th <= 2; th++) {
    tc_event_lists copied, taken;
    feed_all(&c, 0, th, &copied);
    feed_all(&c, 1, th, &taken);
    cr_assert(copied.n_gaps > 0 && copied.n_dark > 0, "%zu gaps, %zu dark", copied.n_gaps, copied.n_dark);
    same_lists(&copied, &taken);
    tc_event_lists_free(&copied);
    tc_event_lists_free(&taken);
  }
  tc_columns_free(&c);
}

Test(events_pass2, a_stop_asked_stops_pass_two) {
  tc_columns c;
  tc_columns_init(&c);
  traffic(&c);
  tc_event_params e;
  tc_event_params_default(&e);
  e.stop = stop_after;
  const size_t keep[] = {TC_EV_KEEP_BYTES, 0};
  for (int k = 0; k < 2; k++) {
    e.keep_bytes = keep[k];
    stopper st = {0, 0};
    e.stop_ctx = &st;
    tc_event_lists l;
    tc_err err = {0};
    cr_assert_eq(run(&c, HOUR, &e, 1, &l, &err), TC_ERR_CANCELLED, "keep %zu: %s", keep[k], err.msg);
    cr_assert_eq(st.calls, 1, "asked at the first slice of pass 2");
    cr_assert(strstr(err.msg, "stopped"), "%s", err.msg);
    tc_event_lists_free(&l);
    stopper later = {0, 5};
    e.stop_ctx = &later;
    cr_assert_eq(run(&c, HOUR, &e, 1, &l, &err), TC_ERR_CANCELLED);
    cr_assert_eq(later.calls, 6, "stopped at the first poll that says so");
    tc_event_lists_free(&l);
    stopper never = {0, 1 << 30};
    e.stop_ctx = &never;
    cr_assert_eq(run(&c, HOUR, &e, 1, &l, &err), TC_OK, "%s", err.msg);
    cr_assert(never.calls > 6, "%d slices", never.calls);
    tc_event_lists_free(&l);
  }
  tc_columns_free(&c);
}

Test(events_pass2, the_first_and_last_fix_near_an_end_in_a_window) {
  /* gaps of vessels 1 at (0, 10) and 9 at (0, 20) over [0, 2 h), paired (so each
   * window's earliest and latest fix count); windows of 600 s. Vessel 2 heard every
   * 60 s over the first hour moving east away from 1's end, 1 mm a second: near it
   * until 2040 s (49 995 m), not from 2100 s (50 005 m). Vessel 3 the same towards 9's
   * end: near it from 2100 s. Both runs stay in one cell and hour. */
  tc_gap_rec g[2] = {gap_at(1, 0, 2 * HOUR, 0.0, 10.0, 0.0, 10.0), gap_at(9, 0, 2 * HOUR, 0.0, 20.0, 0.0, 20.0)};
  tc_dark_cand pair = {0, 1, 0, 0};
  tc_dark_cands dc = {&pair, 1, 1};
  fx f[120];
  size_t n = 0;
  for (int64_t t = 0; t < HOUR; t += 60) {
    f[n++] = (fx){2, T0 + t, 0.0, 10.0 + (49655.0 + (double)t / 6.0) / M_PER_DEG};
    f[n++] = (fx){3, T0 + t, 0.0, 20.0 + (50345.0 - (double)t / 6.0) / M_PER_DEG};
  }
  qsort(f, n, sizeof *f, cmp_fx);
  for (int th = 1; th <= 2; th++) {
    tc_cov_plan(g, 2, INT64_MAX, &dc, 600);
    indexed(g, 2, f, n, 600, n, th);
    /* vessel 2 near 1's end in [1800, 2400) only until 2040 */
    cr_assert_eq(tc_cov_span(&g[0], T0 + 2040, T0 + 2640, 600, 0), 1.0);
    cr_assert_eq(tc_cov_span(&g[0], T0 + 2041, T0 + 2641, 600, 0), 0.0, "the latest near fix is 2040");
    cr_assert_eq(tc_cov_span(&g[0], T0 + 2100, T0 + 2700, 600, 0), 0.0);
    /* vessel 3 near 9's end in [1800, 2400) from 2100 on */
    cr_assert_eq(tc_cov_span(&g[1], T0 + 1500, T0 + 2100, 600, 0), 0.0, "the earliest near fix is 2100");
    cr_assert_eq(tc_cov_span(&g[1], T0 + 1501, T0 + 2101, 600, 0), 1.0);
    tc_cov_release(&g[0]);
    tc_cov_release(&g[1]);
  }
}
