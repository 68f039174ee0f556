/* Loitering (spec/events.md §1) from each vessel's grid positions, generated from its
 * kept fixes exactly as the engine's grid (encounters.md §2, host/engine/grid.c), one
 * position behind: a position's slot speed looks one grid time ahead, so it is judged
 * when the next position (or the vessel's end) shows whether that one exists. */
#include <math.h>
#include <stdlib.h>

#include "host/engine/encounter.h"
#include "host/engine/grow.h"
#include "host/events/internal.h"
#include "kernels/geo.h"

static tc_status close_run(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi,
                           tc_event_lists *out) {
  if (s->rn == 0 || s->rl - s->rs < c->min_loiter) {
    s->rn = 0;
    return TC_OK;
  }
  tc_loiter *l = tc_grow(out->loiter, &out->cap_loiter, out->n_loiter + 1, sizeof *l, 256);
  if (!l)
    return TC_ERR_NOMEM;
  out->loiter = l;
  size_t n = s->rn;
  tc_loiter *e = &l[out->n_loiter++];
  e->mmsi = mmsi;
  e->start = s->rs;
  e->end = s->rl;
  e->slots = (int64_t)n;
  e->mean_lat = s->sum_lat / (double)n;
  e->mean_lon = tc_norm_lon(atan2(s->sum_sin, s->sum_cos) / TC_DEG2RAD);
  e->median_speed_kn = tc_median(s->sp, n); /* the spec's median, as the encounters' */
  s->rn = 0;
  return TC_OK;
}

/* Position s1 of the vessel with its slot speed decided. */
static tc_status judge(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, double speed,
                       tc_event_lists *out) {
  if (isnan(speed) || !(speed < c->speed_kn))
    return close_run(c, s, mmsi, out);
  if (s->rn && s->s1 != s->rl + c->slot)
    TC_TRY(close_run(c, s, mmsi, out));
  if (s->rn == 0) {
    s->rs = s->s1;
    s->sum_lat = s->sum_sin = s->sum_cos = 0;
  }
  double *sp = tc_grow(s->sp, &s->cap, s->rn + 1, sizeof *sp, 64);
  if (!sp)
    return TC_ERR_NOMEM;
  s->sp = sp;
  sp[s->rn++] = speed;
  s->rl = s->s1;
  s->sum_lat += s->lat1;
  s->sum_sin += sin(s->lon1 * TC_DEG2RAD);
  s->sum_cos += cos(s->lon1 * TC_DEG2RAD);
  return TC_OK;
}

/* Position s1 decided: to the runs here, or to the configured receiver. Most positions
 * are not loitering with no run open, which changes nothing: that test is inline. */
static inline tc_status decided(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, double speed,
                                tc_event_lists *out) {
  if (c->judged)
    return c->judged(c->judged_ctx, mmsi, s->s1, s->lat1, s->lon1, speed);
  if (s->rn == 0 && !(speed < c->speed_kn)) /* NaN too: close_run of no run */
    return TC_OK;
  return judge(c, s, mmsi, speed, out);
}

/* The haversine part of speed_kn, out of line: few positions reach it. */
static __attribute__((noinline)) double speed_trig(double la0, double lo0, double *c0, double la1, double lo1,
                                                   double *c1, int64_t slot) {
  if (isnan(*c0))
    *c0 = tc_cos_lat(la0);
  if (isnan(*c1))
    *c1 = tc_cos_lat(la1);
  return tc_haversine_cos_m(la0, lo0, *c0, la1, lo1, *c1) / (double)slot / TC_KNOT_MPS;
}

/* Slot speed from the earlier position to the later, as the engine computes it (INFINITY
 * for one surely not below loiter_kn: lower bounds of the haversine, with a margin
 * that keeps its rounding from deciding, find most without trigonometry); *c0 and *c1 hold the cosines of their latitudes
 * (NaN: not computed yet), each computed at most once for the two speeds a position
 * takes part in, and not at all while the vessel does not move. */
static inline double speed_kn(double la0, double lo0, double *c0, double la1, double lo1, double *c1, int64_t slot,
                              double loiter_kn) {
  if (la0 == la1 && lo0 == lo1)
    return 0.0;
  /* A position at or above loiter_kn only ends a run, whatever its speed: the arc
   * between the latitudes (no longer than the great circle) decides most moving ones
   * without trigonometry; the margin keeps the haversine's rounding from deciding. */
  const double limit = loiter_kn * TC_KNOT_MPS * (double)slot;
  if (fabs(la1 - la0) * (TC_DEG2RAD * TC_EARTH_R_M) * (1.0 - 1e-6) >= limit)
    return INFINITY;
  /* Most others move along a parallel: the haversine is at least 2 R c s, with
   * c = 1 - p^2 / 2 <= cos of either latitude (p the larger |latitude|, radians; c < 0
   * near the poles decides nothing) and s = x - x^3 / 6 <= sin x, x half the wrapped
   * longitude difference (radians, <= pi / 2). */
  const double a0 = fabs(la0), a1 = fabs(la1), p = (a0 > a1 ? a0 : a1) * TC_DEG2RAD;
  double dl = fabs(lo1 - lo0);
  dl = dl > 180.0 ? 360.0 - dl : dl;
  const double x = dl * (TC_DEG2RAD / 2.0);
  if ((2.0 * TC_EARTH_R_M * (1.0 - 1e-6)) * (1.0 - p * p / 2.0) * (x - x * x * x / 6.0) >= limit)
    return INFINITY;
  return speed_trig(la0, lo0, c0, la1, lo1, c1, slot);
}

static inline tc_status position(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t t,
                          double lat, double lon, tc_event_lists *out) {
  int adjacent = s->has1 && t == s->s1 + c->slot;
  double cn = NAN; /* cos(lat) */
  if (s->has1) {
    double v = adjacent ? speed_kn(s->lat1, s->lon1, &s->cos1, lat, lon, &cn, c->slot, c->speed_kn)
               : s->has0 ? speed_kn(s->lat0, s->lon0, &s->cos0, s->lat1, s->lon1, &s->cos1, c->slot, c->speed_kn)
                         : NAN;
    TC_TRY(decided(c, s, mmsi, v, out));
  }
  s->has0 = adjacent;
  s->lat0 = s->lat1;
  s->lon0 = s->lon1;
  s->cos0 = s->cos1;
  s->has1 = 1;
  s->s1 = t;
  s->lat1 = lat;
  s->lon1 = lon;
  s->cos1 = cn;
  return TC_OK;
}

static int64_t ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

/* The first grid time after t. */
static int64_t grid_after(int64_t t, int64_t slot) {
  int64_t g = ceil_to(t, slot);
  return g == t ? t + slot : g;
}

tc_status tc_loiter_fix_grid(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t lt,
                             double llat, double llon, int64_t tk, double lat, double lon,
                             tc_event_lists *out, uint64_t *positions) {
  int64_t slot = c->slot;
  if (lt != INT64_MIN && tk > lt && tk - lt <= c->max_gap) {
    double dt = (double)(tk - lt);
    /* gn is grid_after(gl) while gl is the fix last given (gn, on the grid, lies in
     * (lt, lt + slot] then); zeroed state: gn = 0 */
    int64_t g = lt == s->gl && s->gn > lt && s->gn - slot <= lt ? s->gn : grid_after(lt, slot);
    for (; g < tk; g += slot) {
      double la, lo;
      tc_interp(llat, llon, lat, lon, (double)(g - lt) / dt, &la, &lo);
      TC_TRY(position(c, s, mmsi, g, la, lo, out));
      ++*positions;
    }
    /* g is now the first grid time at or after tk */
    if (g == tk) {
      TC_TRY(position(c, s, mmsi, tk, lat, lon, out));
      ++*positions;
      g += slot;
    }
    s->gl = tk;
    s->gn = g;
    return TC_OK;
  }
  /* no grid time between (a first fix, one after a long gap, one not after the last):
   * a position only when tk is on the grid, even at the last fix's time */
  if (tk % slot == 0) {
    TC_TRY(position(c, s, mmsi, tk, lat, lon, out));
    ++*positions;
  }
  s->gl = tk;
  s->gn = grid_after(tk, slot);
  return TC_OK;
}

tc_status tc_loiter_finish(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi,
                           tc_event_lists *out) {
  if (s->has1) {
    double v = s->has0 ? speed_kn(s->lat0, s->lon0, &s->cos0, s->lat1, s->lon1, &s->cos1, c->slot, c->speed_kn) : NAN;
    TC_TRY(decided(c, s, mmsi, v, out));
    s->has1 = 0;
  }
  return close_run(c, s, mmsi, out);
}

void tc_loiter_state_free(tc_loiter_state *s) {
  free(s->sp);
  s->sp = NULL;
  s->cap = s->rn = 0;
}

tc_status tc_loiter_run_event(const tc_loiter_cfg *c, uint32_t mmsi, const tc_loiter_pos *v, size_t n,
                              tc_event_lists *out) {
  tc_loiter_state s = {0};
  tc_status st = TC_OK;
  for (size_t i = 0; st == TC_OK && i < n; i++) {
    s.s1 = v[i].g;
    s.lat1 = v[i].lat;
    s.lon1 = v[i].lon;
    st = judge(c, &s, mmsi, v[i].speed, out);
  }
  if (st == TC_OK)
    st = close_run(c, &s, mmsi, out);
  tc_loiter_state_free(&s);
  return st;
}
