/* Loitering's grid positions (host/events/loitering.c), inline: pass 1's loop
 * (host/events/events.c) reaches a grid time at about one fix in nine, and a call
 * there costs as much as the position. Not part of the library's interface. */
#ifndef TC_EVENTS_LOITER_GRID_H
#define TC_EVENTS_LOITER_GRID_H

#include <math.h>

#include "host/events/internal.h"
#include "kernels/geo.h"

/* Position s1 of the vessel with its slot speed decided (a loitering one, or a run open). */
tc_status tc_loiter_judge(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, double speed,
                          tc_event_lists *out);
/* The haversine part of tc_loiter_speed_kn, out of line: few positions reach it. */
double tc_loiter_speed_trig(double la0, double lo0, double *c0, double la1, double lo1, double *c1,
                            int64_t slot);

/* Position s1 decided: to the runs here, or to the configured receiver. Most positions
 * are not loitering with no run open, which changes nothing: that test is inline. */
static inline tc_status tc_loiter_decided(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, double speed,
                                tc_event_lists *out) {
  if (c->judged)
    return c->judged(c->judged_ctx, mmsi, s->s1, s->lat1, s->lon1, speed);
  if (s->rn == 0 && !(speed < c->speed_kn)) /* NaN too: close_run of no run */
    return TC_OK;
  return tc_loiter_judge(c, s, mmsi, speed, out);
}

/* Slot speed from the earlier position to the later, as the engine computes it (INFINITY
 * for one surely not below loiter_kn: lower bounds of the haversine, with a margin
 * that keeps its rounding from deciding, find most without trigonometry); *c0 and *c1 hold the cosines of their latitudes
 * (NaN: not computed yet), each computed at most once for the two speeds a position
 * takes part in, and not at all while the vessel does not move. */
static inline double tc_loiter_speed_kn(double la0, double lo0, double *c0, double la1, double lo1, double *c1, int64_t slot,
                              double limit) {
  if (la0 == la1 && lo0 == lo1)
    return 0.0;
  /* A position at or above loiter_kn only ends a run, whatever its speed: the arc
   * between the latitudes (no longer than the great circle) decides most moving ones
   * without trigonometry; the margin keeps the haversine's rounding from deciding.
   * limit: tc_loiter_limit_m, the distance of loiter_kn over a slot. */
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
  return tc_loiter_speed_trig(la0, lo0, c0, la1, lo1, c1, slot);
}

/* The distance of loiter_kn over a slot (metres): a slot speed's bounds compare with it. */
static inline double tc_loiter_limit_m(const tc_loiter_cfg *c) { return c->speed_kn * TC_KNOT_MPS * (double)c->slot; }

/* The grid position (t, lat, lon) after the vessel's last; limit: tc_loiter_limit_m(c),
 * once per caller's loop rather than per position. */
static inline tc_status tc_loiter_position(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t t,
                          double lat, double lon, double limit, tc_event_lists *out) {
  int adjacent = s->has1 && t == s->s1 + c->slot;
  double cn = NAN; /* cos(lat) */
  if (s->has1) {
    double v = adjacent ? tc_loiter_speed_kn(s->lat1, s->lon1, &s->cos1, lat, lon, &cn, c->slot, limit)
               : s->has0 ? tc_loiter_speed_kn(s->lat0, s->lon0, &s->cos0, s->lat1, s->lon1, &s->cos1, c->slot, limit)
                         : NAN;
    TC_TRY(tc_loiter_decided(c, s, mmsi, v, out));
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

static inline int64_t tc_loiter_ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

/* The first grid time after t. */
static inline int64_t tc_loiter_grid_after(int64_t t, int64_t slot) {
  int64_t g = tc_loiter_ceil_to(t, slot);
  return g == t ? t + slot : g;
}

/* tc_loiter_fix_grid (host/events/internal.h) for a fix tk after the kept fix lt and at
 * or after the next grid time gn (limit: tc_loiter_limit_m(c)), where it is one
 * position: lt is the fix last given, gl, and the next grid time lies beyond tk, so
 * there is no walk (a loop, whose calls made the loop's callers keep their registers in
 * memory around it at every fix); else the walk. */
static inline tc_status tc_loiter_fix_grid_reached(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi,
                                                   int64_t lt, double llat, double llon, int64_t tk, double lat,
                                                   double lon, double limit, tc_event_lists *out,
                                                   uint64_t *positions) {
  const int64_t slot = c->slot, g = s->gn;
  /* gn is tc_loiter_grid_after(gl) while gl is the fix last given: in (lt, lt + slot] */
  if (lt == s->gl && g > lt && g - slot <= lt && tk - g < slot && tk - lt <= c->max_gap) {
    double la = lat, lo = lon;
    if (g < tk)
      tc_interp(llat, llon, lat, lon, (double)(g - lt) / (double)(tk - lt), &la, &lo);
    TC_TRY(tc_loiter_position(c, s, mmsi, g, la, lo, limit, out));
    ++*positions;
    s->gl = tk;
    s->gn = g + slot;
    return TC_OK;
  }
  return tc_loiter_fix_grid(c, s, mmsi, lt, llat, llon, tk, lat, lon, out, positions);
}

#endif
