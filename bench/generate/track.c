#include "bench/generate/track.h"

#include <math.h>
#include <stdlib.h>

#include "host/engine/grow.h"

#define DAY_S 86400
#define GPS_NOISE_M 3.0       /* scatter of a moving vessel's reported position */
#define MISSED_P 0.02         /* chance that 1-4 reports in a row are not received */
#define SLOW_IV_MIN 170.0
#define SLOW_IV_MAX 190.0
#define OUTAGE_MIN_S 3600
#define OUTAGE_MAX_S (6 * 3600)

static double wrap360(double c) {
  c = fmod(c, 360.0);
  return c < 0.0 ? c + 360.0 : c;
}

/* Outages: the first starts uniformly within ten days of t_begin, the next 1-19 days
 * after the previous one ends, so about one vessel in ten falls silent on a given day. */
static void next_outage(tc_gen_vessel *v, int64_t after, double min_gap, double max_gap) {
  v->out_from = after + (int64_t)tc_rng_range(&v->rng, min_gap, max_gap);
  v->out_to = v->out_from + tc_rng_int(&v->rng, OUTAGE_MIN_S, OUTAGE_MAX_S);
}

void tc_gen_vessel_start(tc_gen_vessel *v, uint64_t seed, const tc_gen_world *w) {
  (void)w;
  tc_rng_seed(&v->rng, seed, v->stream);
  v->done = 0;
  v->moving = 0;
  v->fe = v->ae;
  v->fn = v->an;
  v->te = v->tn = 0.0;
  v->move_t0 = v->move_t1 = 0;
  v->out_from = v->out_to = INT64_MAX;
  if (v->outages)
    next_outage(v, v->t_begin, 0.0, 10.0 * DAY_S);
  v->stay_end = INT64_MAX;
  if (v->kind == TC_GEN_PORT && v->shifter)
    v->stay_end = v->t_begin + tc_rng_int(&v->rng, 0, 36 * 3600);
  int64_t first_iv = v->kind == TC_GEN_PORT ? (int64_t)TC_GEN_SLOW_INTERVAL_S : (int64_t)v->interval_s;
  if (v->kind == TC_GEN_SCRIPT)
    first_iv = 30; /* scripted vessels start reporting when their script starts */
  v->t_next = v->t_begin + tc_rng_int(&v->rng, 0, first_iv - 1);
}

void tc_gen_script_at(const tc_gen_vessel *v, int64_t t, double *e, double *n, double *mps,
                      double *course) {
  int k = 0;
  while (k + 2 < v->nw && v->w[k + 1].t <= t)
    k++;
  const tc_gen_wpt *a = &v->w[k], *b = &v->w[k + 1];
  double dur = (double)(b->t - a->t);
  double f = dur > 0.0 ? (double)(t - a->t) / dur : 0.0;
  if (f < 0.0)
    f = 0.0;
  if (f > 1.0)
    f = 1.0;
  double de = b->e - a->e, dn = b->n - a->n;
  *e = a->e + f * de;
  *n = a->n + f * dn;
  *mps = dur > 0.0 ? hypot(de, dn) / dur : 0.0;
  *course = tc_gen_course(de, dn);
}

/* Runs the port vessel's stay/shift state machine up to time t. */
static void port_advance(tc_gen_vessel *v, const tc_gen_world *w, int64_t t) {
  const tc_gen_port *p = &w->ports[v->port];
  for (;;) {
    if (!v->moving) {
      if (t < v->stay_end)
        return;
      double r = p->radius_m * sqrt(tc_rng_unit(&v->rng));
      double ang = tc_rng_range(&v->rng, 0.0, 2.0 * TC_PI);
      v->te = p->e + r * cos(ang);
      v->tn = p->n + r * sin(ang);
      double mps = tc_rng_range(&v->rng, 3.0, 6.0) * TC_KNOT_MPS;
      double dur = hypot(v->te - v->fe, v->tn - v->fn) / mps;
      v->move_t0 = v->stay_end;
      v->move_t1 = v->move_t0 + (dur < 60.0 ? 60 : (int64_t)dur);
      v->moving = 1;
    } else {
      if (t < v->move_t1)
        return;
      v->fe = v->te;
      v->fn = v->tn;
      v->moving = 0;
      v->stay_end = v->move_t1 + tc_rng_int(&v->rng, 8 * 3600, 48 * 3600);
    }
  }
}

/* The lane's direction at arc length s on segment k, for a vessel's sideways offset:
 * within CORNER_M of a waypoint it turns gradually from one segment's direction to the
 * next (the two are averaged at the waypoint itself), so a vessel off the centreline
 * rounds a corner instead of jumping its offset across it (a 250 m offset turned 90° at
 * once moved a vessel ~350 m between two reports). */
#define CORNER_M 1500.0
static void lane_direction(const tc_gen_lane *l, double s, int k, double *ue, double *un) {
  double len = l->cum[l->npts];
  s = fmod(s, len);
  if (s < 0.0)
    s += len;
  double into = s - l->cum[k], left = l->cum[k + 1] - s;
  int other = -1;
  double w = 1.0;
  if (into < CORNER_M && into <= left) {
    other = (k + l->npts - 1) % l->npts;
    w = 0.5 + 0.5 * into / CORNER_M;
  } else if (left < CORNER_M) {
    other = (k + 1) % l->npts;
    w = 0.5 + 0.5 * left / CORNER_M;
  }
  double e = l->ue[k], n = l->un[k];
  if (other >= 0) {
    e = w * e + (1.0 - w) * l->ue[other];
    n = w * n + (1.0 - w) * l->un[other];
    double h = hypot(e, n);
    if (h > 1e-9)
      e /= h, n /= h;
  }
  *ue = e;
  *un = n;
}

/* Position (with noise), speed over ground and course of v at t; returns 1 when slow. */
static int position(tc_gen_vessel *v, const tc_gen_world *w, int64_t t, double *e, double *n,
                    double *mps, double *course) {
  int slow = 0;
  double noise = GPS_NOISE_M;
  if (v->kind == TC_GEN_LANE) {
    double s = v->s0 + v->speed_mps * (double)(t - v->t_ref);
    const tc_gen_lane *l = &w->lanes[v->lane];
    int k = tc_gen_lane_point(l, s, e, n);
    *course = l->course[k];
    double ue, un;
    lane_direction(l, s, k, &ue, &un);
    *e += v->lateral_m * un; /* to starboard of the lane's course */
    *n -= v->lateral_m * ue;
    *mps = v->speed_mps;
  } else if (v->kind == TC_GEN_PORT) {
    port_advance(v, w, t);
    if (v->moving) {
      double f = (double)(t - v->move_t0) / (double)(v->move_t1 - v->move_t0);
      double de = v->te - v->fe, dn = v->tn - v->fn;
      *e = v->fe + f * de;
      *n = v->fn + f * dn;
      *mps = hypot(de, dn) / (double)(v->move_t1 - v->move_t0);
      *course = tc_gen_course(de, dn);
    } else {
      /* Swinging round the anchor, plus GPS scatter of metres to tens of metres. */
      double th = 2.0 * TC_PI * ((double)t / v->swing_period) + v->swing_phase;
      *e = v->fe + v->swing_r * sin(th);
      *n = v->fn + v->swing_r * cos(th);
      *mps = tc_rng_range(&v->rng, 0.0, 0.3) * TC_KNOT_MPS;
      *course = tc_rng_range(&v->rng, 0.0, 360.0);
      noise = v->jitter_m;
      slow = 1;
    }
  } else {
    tc_gen_script_at(v, t, e, n, mps, course);
    if (*mps < TC_GEN_SLOW_MPS) {
      noise = v->slow_jitter_m;
      slow = 1;
    }
  }
  *e += tc_rng_range(&v->rng, -noise, noise);
  *n += tc_rng_range(&v->rng, -noise, noise);
  return slow;
}

int tc_gen_vessel_next(tc_gen_vessel *v, const tc_gen_world *w, tc_fix *f) {
  if (v->done)
    return 0;
  for (;;) {
    while (v->t_next >= v->out_from) {
      if (v->t_next < v->out_to)
        v->t_next = v->out_to + tc_rng_int(&v->rng, 0, 59);
      next_outage(v, v->out_to, 1.0 * DAY_S, 19.0 * DAY_S);
    }
    if (v->t_next < v->off_from || v->t_next >= v->off_to)
      break;
    v->t_next = v->off_to + tc_rng_int(&v->rng, 0, 59); /* heard again within a minute */
  }
  if (v->t_next >= v->t_end) {
    v->done = 1;
    return 0;
  }
  int64_t t = v->t_next;
  double e, n, mps, course;
  int slow = position(v, w, t, &e, &n, &mps, &course);
  f->t = t;
  f->mmsi = v->mmsi;
  tc_gen_to_latlon(&w->region[v->region], e, n, &f->lat, &f->lon);
  double sog = mps / TC_KNOT_MPS + (slow ? 0.0 : tc_rng_range(&v->rng, -0.2, 0.2));
  /* Tenths, as the CSV prints them (and AIS encodes them). */
  f->sog = (float)(sog < 0.0 ? 0.0 : floor(sog * 10.0 + 0.5) / 10.0);
  double cog = wrap360(course + tc_rng_range(&v->rng, -2.0, 2.0));
  f->cog = (float)(floor(cog * 10.0) / 10.0); /* < 360: 360 means "not available" */
  f->heading = v->no_heading ? TC_HEADING_UNKNOWN
                             : (uint16_t)((long)(cog + tc_rng_range(&v->rng, -3.0, 3.0) + 360.5) % 360);
  double iv = slow ? tc_rng_range(&v->rng, SLOW_IV_MIN, SLOW_IV_MAX)
                   : v->interval_s * tc_rng_range(&v->rng, 0.8, 1.2);
  if (tc_rng_chance(&v->rng, MISSED_P))
    iv *= (double)tc_rng_int(&v->rng, 2, 5);
  int64_t step = (int64_t)(iv + 0.5);
  v->t_next = t + (step < 2 ? 2 : step);
  return 1;
}

tc_status tc_gen_vessel_fixes(const tc_gen_vessel *desc, uint64_t seed, const tc_gen_world *w,
                              tc_fix **fx, size_t *n, size_t *cap, tc_err *err) {
  tc_gen_vessel v = *desc;
  tc_gen_vessel_start(&v, seed, w);
  *n = 0;
  for (;;) {
    tc_fix *nv = tc_grow(*fx, cap, *n + 1, sizeof *nv, 1024);
    if (!nv)
      return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu fixes of MMSI %u",
                     *n + 1, v.mmsi);
    *fx = nv;
    if (!tc_gen_vessel_next(&v, w, &(*fx)[*n]))
      return TC_OK;
    (*n)++;
  }
}
