#include "bench/generate/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "kernels/geo.h"

#define SITE_EDGE_CLEAR_M 40000.0
#define SITE_PORT_CLEAR_M 25000.0 /* "at sea, away from ports" */
#define SITE_LANE_CLEAR_M 3000.0
#define SITE_SITE_CLEAR_M 15000.0 /* slow sites this close must not overlap in time: a pair
                                    * drifts at most 0.3 kn x 10 h = 5.6 km from its site */
#define SITE_TRIES 4000
#define MARGIN_S 1800              /* scenarios keep this far from the period's ends */

void tc_gen_sites_free(tc_gen_sites *s) {
  if (!s)
    return;
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* Unit vector of a course (degrees clockwise from north) in (east, north). */
static void unit(double course, double *ue, double *un) {
  *ue = sin(course * TC_DEG2RAD);
  *un = cos(course * TC_DEG2RAD);
}

static int conflicts(const tc_gen_sites *s, int region, double e, double n, int64_t from,
                     int64_t to) {
  for (size_t i = 0; i < s->n; i++) {
    const tc_gen_site *o = &s->v[i];
    if (o->region == region && o->from < to && from < o->to &&
        hypot(o->e - e, o->n - n) < SITE_SITE_CLEAR_M)
      return 1;
  }
  return 0;
}

/* A free site; max_lane_m bounds its distance to the nearest lane (INFINITY: any). */
static tc_status pick_site(const tc_gen_world *w, int region, int straddle, int64_t from, int64_t to,
                           double max_lane_m, tc_rng *rng, tc_gen_sites *sites, double *e, double *n,
                           tc_err *err) {
  const double lim = TC_GEN_REGION_HALF_M - SITE_EDGE_CLEAR_M;
  for (int tries = 0; tries < SITE_TRIES; tries++) {
    double se = straddle ? 0.0 : tc_rng_range(rng, -lim, lim);
    double sn = tc_rng_range(rng, -lim, lim);
    double dl = tc_gen_dist_to_lanes(w, region, se, sn);
    if (tc_gen_dist_to_ports(w, region, se, sn) < SITE_PORT_CLEAR_M || dl < SITE_LANE_CLEAR_M ||
        dl > max_lane_m ||
        conflicts(sites, region, se, sn, from, to))
      continue;
    tc_gen_site *nv = tc_grow(sites->v, &sites->cap, sites->n + 1, sizeof *nv, 64);
    if (!nv)
      return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu sites", sites->n + 1);
    sites->v = nv;
    sites->v[sites->n++] = (tc_gen_site){region, se, sn, from, to};
    *e = se;
    *n = sn;
    return TC_OK;
  }
  return tc_fail(err, TC_ERR_ARG,
                 "generate: no free site at sea in region %s for another meeting or decoy; use fewer "
                 "--meetings/--decoys or more --days",
                 w->region[region].name);
}

static void script_init(tc_gen_vessel *v, int region, int64_t t0, int64_t t1, tc_rng *rng) {
  v->kind = TC_GEN_SCRIPT;
  v->region = (uint8_t)region;
  v->outages = 0; /* a planted meeting must not vanish half-way */
  v->slow_jitter_m = tc_rng_range(rng, 5.0, 12.0);
  v->t_begin = v->w[0].t > t0 ? v->w[0].t : t0;
  int64_t last = v->w[v->nw - 1].t + 1;
  v->t_end = last < t1 ? last : t1;
}

/* Approach, slow leg [s0, s1] from p0 to p1, departure; courses in and out given. */
static void slow_script(tc_gen_vessel *v, int64_t s0, double e0, double n0, int64_t s1, double e1,
                        double n1, double course_in, double course_out, tc_rng *rng) {
  double ue, un;
  double spd = tc_rng_range(rng, 10.0, 14.0) * TC_KNOT_MPS;
  int64_t app = tc_rng_int(rng, 3600, 3 * 3600);
  unit(course_in, &ue, &un);
  v->w[0] = (tc_gen_wpt){s0 - app, e0 - spd * (double)app * ue, n0 - spd * (double)app * un};
  v->w[1] = (tc_gen_wpt){s0, e0, n0};
  v->w[2] = (tc_gen_wpt){s1, e1, n1};
  spd = tc_rng_range(rng, 10.0, 14.0) * TC_KNOT_MPS;
  int64_t dep = tc_rng_int(rng, 3600, 3 * 3600);
  unit(course_out, &ue, &un);
  v->w[3] = (tc_gen_wpt){s1 + dep, e1 + spd * (double)dep * ue, n1 + spd * (double)dep * un};
  v->nw = 4;
}

/* dur_lo > 0: the slow window's length range and the site's greatest distance to a lane
 * (planted dark rendezvous), instead of the kind's. */
static tc_status plan_slow(const tc_gen_world *w, tc_gen_sc_kind kind, int region, int straddle,
                           int64_t t0, int64_t t1, int64_t dur_lo, int64_t dur_hi, double max_lane_m,
                           tc_rng *rng, tc_gen_sites *sites, tc_gen_vessel *a, tc_gen_vessel *b,
                           int64_t *slow_from, int64_t *slow_to, tc_err *err) {
  /* Meetings last >= 2 h 40 min so that even with both late-arrival and early-departure
   * offsets (10 min each) and grid rounding (2 x 10 min) the close run spans >= 2 h. */
  int64_t dur = dur_lo > 0                ? tc_rng_int(rng, dur_lo, dur_hi)
              : kind == TC_GEN_SC_MEETING ? tc_rng_int(rng, 9600, 36000)
              : kind == TC_GEN_SC_SHORT   ? tc_rng_int(rng, 1800, 5400)
                                          : tc_rng_int(rng, 10800, 36000);
  int64_t T0 = tc_rng_int(rng, t0 + MARGIN_S, t1 - dur - MARGIN_S);
  double se, sn;
  /* The meridian is a line: when it is full for this time, the scenario goes elsewhere. */
  if (straddle && pick_site(w, region, 1, T0 - 3600, T0 + dur + 3600, max_lane_m, rng, sites, &se, &sn,
                            NULL) != TC_OK)
    straddle = 0;
  if (!straddle)
    TC_TRY(pick_site(w, region, 0, T0 - 3600, T0 + dur + 3600, max_lane_m, rng, sites, &se, &sn, err));
  double sep = kind == TC_GEN_SC_IDLE ? tc_rng_range(rng, 1150.0, 1850.0) : tc_rng_range(rng, 100.0, 340.0);
  /* Straddling: a west of the meridian, b east, drifting due north or south. */
  double phi = straddle ? 90.0 + tc_rng_range(rng, -45.0, 45.0) : tc_rng_range(rng, 0.0, 360.0);
  double pe, pn, de = 0.0, dn;
  unit(phi, &pe, &pn);
  double drift = tc_rng_range(rng, 0.05, 0.3) * TC_KNOT_MPS;
  if (straddle) {
    dn = tc_rng_chance(rng, 0.5) ? drift : -drift;
  } else {
    unit(tc_rng_range(rng, 0.0, 360.0), &de, &dn);
    de *= drift;
    dn *= drift;
  }
  int64_t off = dur / 6 < 600 ? dur / 6 : 600; /* b arrives late and leaves early by this much */
  int64_t b_late = tc_rng_int(rng, 0, off), b_early = tc_rng_int(rng, 0, off);
  double ae0 = se - 0.5 * sep * pe, an0 = sn - 0.5 * sep * pn; /* a at T0 */
#define A_E(T) (ae0 + de * (double)((T) - T0))
#define A_N(T) (an0 + dn * (double)((T) - T0))
  /* a comes from beyond its side (course along +p), b from beyond the other, and they
   * leave the same way: head-on, never passing each other closer than sep (so an idle
   * pair is never close, and a meeting is close only in its last minute of approach). */
  double in_a = phi + tc_rng_range(rng, -60.0, 60.0), in_b = phi + 180.0 + tc_rng_range(rng, -60.0, 60.0);
  double out_a = phi + 180.0 + tc_rng_range(rng, -60.0, 60.0), out_b = phi + tc_rng_range(rng, -60.0, 60.0);
  int64_t a1 = T0 + dur, b0 = T0 + b_late, b1 = T0 + dur - b_early;
  slow_script(a, T0, A_E(T0), A_N(T0), a1, A_E(a1), A_N(a1), in_a, out_a, rng);
  slow_script(b, b0, A_E(b0) + sep * pe, A_N(b0) + sep * pn, b1, A_E(b1) + sep * pe,
              A_N(b1) + sep * pn, in_b, out_b, rng);
#undef A_E
#undef A_N
  script_init(a, region, t0, t1, rng);
  script_init(b, region, t0, t1, rng);
  *slow_from = b0; /* both slow */
  *slow_to = b1;
  return TC_OK;
}

static void plan_convoy(int region, int straddle, int64_t t0, int64_t t1, tc_rng *rng,
                        tc_gen_vessel *a, tc_gen_vessel *b, int64_t *from, int64_t *to) {
  const double lim = TC_GEN_REGION_HALF_M - SITE_EDGE_CLEAR_M;
  int64_t dur = tc_rng_int(rng, 3 * 3600, 10 * 3600);
  int64_t T0 = tc_rng_int(rng, t0 + MARGIN_S, t1 - dur - MARGIN_S);
  double spd = tc_rng_range(rng, 5.0, 10.0) * TC_KNOT_MPS;
  double course = straddle ? (tc_rng_chance(rng, 0.5) ? 90.0 : 270.0) + tc_rng_range(rng, -20.0, 20.0)
                           : tc_rng_range(rng, 0.0, 360.0);
  double me = straddle ? 0.0 : tc_rng_range(rng, -lim, lim), mn = tc_rng_range(rng, -lim, lim);
  double ue, un, oe, on;
  unit(course, &ue, &un);
  double half = 0.5 * spd * (double)dur;
  double sep = tc_rng_range(rng, 100.0, 280.0);
  unit(tc_rng_range(rng, 0.0, 360.0), &oe, &on);
  a->w[0] = (tc_gen_wpt){T0, me - half * ue, mn - half * un};
  a->w[1] = (tc_gen_wpt){T0 + dur, me + half * ue, mn + half * un};
  for (int k = 0; k < 2; k++)
    b->w[k] = (tc_gen_wpt){a->w[k].t, a->w[k].e + sep * oe, a->w[k].n + sep * on};
  a->nw = b->nw = 2;
  script_init(a, region, t0, t1, rng);
  script_init(b, region, t0, t1, rng);
  *from = T0;
  *to = T0 + dur;
}

tc_status tc_gen_plan(const tc_gen_world *w, tc_gen_sc_kind kind, int region, int straddle,
                      int64_t t0, int64_t t1, tc_rng *rng, tc_gen_sites *sites, tc_gen_vessel *a,
                      tc_gen_vessel *b, int64_t *slow_from, int64_t *slow_to, tc_err *err) {
  if (t1 - t0 < 12 * 3600)
    return tc_fail(err, TC_ERR_ARG, "generate: the period must be at least 12 h for meetings and decoys");
  if (kind == TC_GEN_SC_CONVOY) {
    plan_convoy(region, straddle, t0, t1, rng, a, b, slow_from, slow_to);
    return TC_OK;
  }
  return plan_slow(w, kind, region, straddle, t0, t1, 0, 0, INFINITY, rng, sites, a, b, slow_from,
                   slow_to, err);
}

tc_status tc_gen_plan_loiter(const tc_gen_world *w, int region, int64_t t0, int64_t t1, tc_rng *rng,
                             tc_gen_sites *sites, tc_gen_vessel *v, int64_t *slow_from,
                             int64_t *slow_to, tc_err *err) {
  if (t1 - t0 < 12 * 3600)
    return tc_fail(err, TC_ERR_ARG, "generate: the period must be at least 12 h for planted loitering");
  int64_t dur = tc_rng_int(rng, 5 * 3600, 9 * 3600);
  int64_t T0 = tc_rng_int(rng, t0 + MARGIN_S, t1 - dur - MARGIN_S);
  double se, sn, de, dn;
  TC_TRY(pick_site(w, region, 0, T0 - 3600, T0 + dur + 3600, INFINITY, rng, sites, &se, &sn, err));
  unit(tc_rng_range(rng, 0.0, 360.0), &de, &dn);
  double drift = tc_rng_range(rng, 0.05, 0.3) * TC_KNOT_MPS * (double)dur;
  double in = tc_rng_range(rng, 0.0, 360.0), out = in + tc_rng_range(rng, 90.0, 270.0);
  slow_script(v, T0, se, sn, T0 + dur, se + drift * de, sn + drift * dn, in, out, rng);
  script_init(v, region, t0, t1, rng);
  *slow_from = T0;
  *slow_to = T0 + dur;
  return TC_OK;
}

/* The dark legs: a vessel falls silent this long before reaching the site and is heard
 * again this long after leaving it, 4-10 km out at 10-14 kn. */
#define DARK_LEG_MIN_S 1200
#define DARK_LEG_MAX_S 2700
#define DARK_SITE_LANE_MAX_M 12000.0 /* near a lane, whose traffic is heard (coverage) */

tc_status tc_gen_plan_dark(const tc_gen_world *w, int region, int64_t t0, int64_t t1, tc_rng *rng,
                           tc_gen_sites *sites, tc_gen_vessel *a, tc_gen_vessel *b, int64_t *slow_from,
                           int64_t *slow_to, tc_err *err) {
  if (t1 - t0 < 18 * 3600)
    return tc_fail(err, TC_ERR_ARG, "generate: the period must be at least 18 h for planted dark rendezvous");
  /* 5.5-9 h together: each gap >= 6.5 h (dark_min_gap 6 h), the overlap >= 5 h
   * (dark_min_overlap 4 h) and L* >= 5 h (dark_dwell 2 h), all with margin. */
  TC_TRY(plan_slow(w, TC_GEN_SC_MEETING, region, 0, t0 + 3600, t1 - 3600, 19800, 32400,
                   DARK_SITE_LANE_MAX_M, rng, sites, a, b, slow_from, slow_to, err));
  tc_gen_vessel *vs[2] = {a, b};
  for (int k = 0; k < 2; k++) {
    script_init(vs[k], region, t0, t1, rng); /* the whole period: heard before and after */
    vs[k]->off_from = vs[k]->w[1].t - tc_rng_int(rng, DARK_LEG_MIN_S, DARK_LEG_MAX_S);
    vs[k]->off_to = vs[k]->w[2].t + tc_rng_int(rng, DARK_LEG_MIN_S, DARK_LEG_MAX_S);
  }
  return TC_OK;
}
