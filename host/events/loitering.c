/* Loitering (spec/events.md §1) from each vessel's grid positions, generated from its
 * kept fixes exactly as the engine's grid (encounters.md §2, host/engine/grid.c), one
 * position behind: a position's slot speed looks one grid time ahead, so it is judged
 * when the next position (or the vessel's end) shows whether that one exists. */
#include <math.h>
#include <stdlib.h>

#include "host/engine/encounter.h"
#include "host/engine/grow.h"
#include "host/events/loiter_grid.h"
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

tc_status tc_loiter_judge(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, double speed,
                          tc_event_lists *out) {
  if (isnan(speed) || !(speed < c->speed_kn))
    return close_run(c, s, mmsi, out);
  if (s->rn && s->s1 != s->rl + c->slot)
    TC_TRY(close_run(c, s, mmsi, out));
  if (s->rn == 0) {
    s->rs = s->s1;
    s->sum_lat = s->sum_sin = s->sum_cos = 0;
  }
  if (s->rn >= s->cap || !s->sp) { /* the call only when full: once in many positions */
    double *sp = tc_grow(s->sp, &s->cap, s->rn + 1, sizeof *sp, 64);
    if (!sp)
      return TC_ERR_NOMEM;
    s->sp = sp;
  }
  s->sp[s->rn++] = speed;
  s->rl = s->s1;
  s->sum_lat += s->lat1;
  s->sum_sin += sin(s->lon1 * TC_DEG2RAD);
  s->sum_cos += cos(s->lon1 * TC_DEG2RAD);
  return TC_OK;
}

double tc_loiter_speed_trig(double la0, double lo0, double *c0, double la1, double lo1, double *c1,
                            int64_t slot) {
  if (isnan(*c0))
    *c0 = tc_cos_lat(la0);
  if (isnan(*c1))
    *c1 = tc_cos_lat(la1);
  return tc_haversine_cos_m(la0, lo0, *c0, la1, lo1, *c1) / (double)slot / TC_KNOT_MPS;
}

tc_status tc_loiter_fix_grid(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t lt,
                             double llat, double llon, int64_t tk, double lat, double lon,
                             tc_event_lists *out, uint64_t *positions) {
  const int64_t slot = c->slot;
  const double limit = tc_loiter_limit_m(c);
  if (lt != INT64_MIN && tk > lt && tk - lt <= c->max_gap) {
    double dt = (double)(tk - lt);
    /* gn is tc_loiter_grid_after(gl) while gl is the fix last given (gn, on the grid, lies in
     * (lt, lt + slot] then); zeroed state: gn = 0 */
    int64_t g = lt == s->gl && s->gn > lt && s->gn - slot <= lt ? s->gn : tc_loiter_grid_after(lt, slot);
    for (; g < tk; g += slot) {
      double la, lo;
      tc_interp(llat, llon, lat, lon, (double)(g - lt) / dt, &la, &lo);
      TC_TRY(tc_loiter_position(c, s, mmsi, g, la, lo, limit, out));
      ++*positions;
    }
    /* g is now the first grid time at or after tk */
    if (g == tk) {
      TC_TRY(tc_loiter_position(c, s, mmsi, tk, lat, lon, limit, out));
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
    TC_TRY(tc_loiter_position(c, s, mmsi, tk, lat, lon, limit, out));
    ++*positions;
  }
  s->gl = tk;
  s->gn = tc_loiter_grid_after(tk, slot);
  return TC_OK;
}

tc_status tc_loiter_finish(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi,
                           tc_event_lists *out) {
  if (s->has1) {
    double v = s->has0 ? tc_loiter_speed_kn(s->lat0, s->lon0, &s->cos0, s->lat1, s->lon1, &s->cos1, c->slot,
                                         tc_loiter_limit_m(c))
                       : NAN;
    TC_TRY(tc_loiter_decided(c, s, mmsi, v, out));
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
    st = tc_loiter_judge(c, &s, mmsi, v[i].speed, out);
  }
  if (st == TC_OK)
    st = close_run(c, &s, mmsi, out);
  tc_loiter_state_free(&s);
  return st;
}
