/* Loitering's grid positions and slot speeds (host/events/loitering.c) against a
 * plain reading of encounters.md §2 and events.md §1: every grid time after a kept
 * fix and before the next, when they are at most max_gap apart, interpolated, the fix
 * itself when it lies on a grid time; each position's slot speed to the next grid
 * time's position, else from the one before, else none (one surely not below the
 * loitering speed may be given as INFINITY). Fix times of one vessel step
 * by a few seconds to more than max_gap, repeat, start before the epoch and land on
 * grid times, so that the shortcut for a fix between two grid times meets each case. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/events/internal.h"
#include "kernels/geo.h"

typedef struct {
  int64_t g;
  double lat, lon, speed;
} gpos;

typedef struct {
  gpos *v;
  size_t n, cap;
} glist;

static void push(glist *l, int64_t g, double lat, double lon, double speed) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 256;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    cr_assert(l->v);
  }
  l->v[l->n++] = (gpos){g, lat, lon, speed};
}

static tc_status on_judged(void *ctx, uint32_t mmsi, int64_t g, double lat, double lon, double speed) {
  (void)mmsi;
  push(ctx, g, lat, lon, speed);
  return TC_OK;
}

static int64_t first_grid_after(int64_t t, int64_t slot) {
  int64_t r = ((t % slot) + slot) % slot;
  return t - r + slot;
}

static double slot_speed(const gpos *a, const gpos *b, int64_t slot) {
  if (a->lat == b->lat && a->lon == b->lon)
    return 0.0;
  return tc_haversine_m(a->lat, a->lon, b->lat, b->lon) / (double)slot / TC_KNOT_MPS;
}

Test(loiter_grid, positions_and_speeds_as_the_spec_reads) {
  const int64_t slot = 600, max_gap = 3600;
  const int64_t steps[] = {7, 13, 0, 590, 600, 1, 45, 3599, 3600, 3601, 5000, 20, 1200, 599, 601, 30, 30, 30};
  uint64_t seed = 12345;
  int64_t t = -7 * slot - 11; /* before the epoch: C's division rounds towards zero there */
  double lat = 54.2, lon = 179.9; /* the antimeridian crossed on the way */
  glist got = {0}, want = {0};
  tc_loiter_cfg cfg = {slot, max_gap, 0, 2.0, on_judged, &got};
  tc_loiter_state s;
  memset(&s, 0, sizeof s);
  tc_event_lists scratch;
  tc_event_lists_init(&scratch);
  uint64_t positions = 0;
  int64_t lt = INT64_MIN;
  double llat = 0, llon = 0;
  for (int i = 0; i < 4000; i++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned r = (unsigned)(seed >> 33);
    t += steps[r % (sizeof steps / sizeof steps[0])];
    if (r % 11 == 0) /* onto the next grid time, where a repeat may follow */
      t = first_grid_after(t - 1, slot);
    if (r % 5 != 0) { /* a fifth of the fixes stay where the last one was */
      lat += ((int)(r >> 8 & 0xff) - 128) * (r % 7 ? 1e-5 : 1e-4); /* now and then fast */
      lon = tc_norm_lon(lon + ((int)(r >> 16 & 0xff) - 120) * 2e-5);
    }
    /* the plain reading: this fix's grid positions, speeds judged below */
    if (lt != INT64_MIN && t - lt <= max_gap)
      for (int64_t g = first_grid_after(lt, slot); g < t; g += slot) {
        double la, lo;
        tc_interp(llat, llon, lat, lon, (double)(g - lt) / (double)(t - lt), &la, &lo);
        push(&want, g, la, lo, NAN);
      }
    if (t % slot == 0)
      push(&want, t, lat, lon, NAN);
    cr_assert_eq(tc_loiter_fix(&cfg, &s, 244000001u, lt, llat, llon, t, lat, lon, &scratch, &positions), TC_OK);
    lt = t;
    llat = lat;
    llon = lon;
  }
  cr_assert_eq(tc_loiter_finish(&cfg, &s, 244000001u, &scratch), TC_OK);
  for (size_t i = 0; i < want.n; i++) {
    if (i + 1 < want.n && want.v[i + 1].g == want.v[i].g + slot)
      want.v[i].speed = slot_speed(&want.v[i], &want.v[i + 1], slot);
    else if (i > 0 && want.v[i - 1].g == want.v[i].g - slot)
      want.v[i].speed = slot_speed(&want.v[i - 1], &want.v[i], slot);
  }
  cr_assert_gt(want.n, 1000, "%zu grid positions: the walk should cross many grid times", want.n);
  cr_assert_eq(positions, want.n);
  cr_assert_eq(got.n, want.n, "%zu grid positions judged, %zu by the spec", got.n, want.n);
  size_t fast = 0, slow = 0;
  for (size_t i = 0; i < want.n; i++) {
    const gpos *a = &got.v[i], *b = &want.v[i];
    /* a speed surely at or above loiter_speed_kn may come as INFINITY: it only ends a run */
    int same = a->speed == b->speed || (isnan(a->speed) && isnan(b->speed)) ||
               (isinf(a->speed) && b->speed >= cfg.speed_kn);
    fast += isinf(a->speed);
    slow += a->speed < cfg.speed_kn;
    cr_assert(a->g == b->g && a->lat == b->lat && a->lon == b->lon && same,
              "position %zu: %lld %.9f %.9f %.6f kn judged, %lld %.9f %.9f %.6f kn by the spec", i,
              (long long)a->g, a->lat, a->lon, a->speed, (long long)b->g, b->lat, b->lon, b->speed);
  }
  cr_assert(fast > 50 && slow > 50, "%zu positions decided fast without a speed, %zu slow: both cases wanted", fast, slow);
  tc_loiter_state_free(&s);
  tc_event_lists_free(&scratch);
  free(got.v);
  free(want.v);
}
