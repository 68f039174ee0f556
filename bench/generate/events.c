/* `trajcorr generate --events`: planted behaviour events (spec/events.md) and their truth,
 * computed from the fixes written as the encounter truth is (truth.c):
 * - loitering: a lone vessel drifting 5-9 h at sea (scenario.c, tc_gen_plan_loiter);
 * - switch-offs: lane vessels silent for 13-18 h while the lane's traffic is heard;
 * - a receiver outage: every vessel of the last region silent for 13-18 h at once, so
 *   nobody near them is heard (coverage near 0) and no pair of them is a dark rendezvous;
 * - dark rendezvous: two vessels silent from before they meet near a lane until after
 *   they part (scenario.c, tc_gen_plan_dark).
 * Everything draws from its own PRNG stream, so the plan is the same for the same options. */
#include <math.h>
#include <stdlib.h>

#include "bench/generate/pairtruth.h"
#include "bench/generate/traffic_impl.h"
#include "host/engine/grow.h"

#define STREAM_EVENTS 3
#define SILENCE_MIN_S (13 * 3600) /* a gap >= min_gap (12 h) whatever the report interval */
#define SILENCE_MAX_S (18 * 3600)
#define LOITER_SPEED_KN 2.0 /* spec/events.md default loiter_speed */

const char *tc_gen_event_kind_name(tc_gen_event_kind k) {
  static const char *const names[TC_GEV_KIND_COUNT] = {"loitering", "switch_off", "outage", "dark"};
  return (int)k >= 0 && k < TC_GEV_KIND_COUNT ? names[k] : "unknown";
}

/* Of each planted kind vessels/250 a day, 2..200; returns the scripted vessels needed
 * (a loiterer each, two per dark rendezvous; switch-offs are lane vessels). */
size_t tc_gen_events_count(const tc_gen_params *p, size_t *loiter, size_t *switch_off, size_t *dark) {
  double per = (double)p->vessels / 250.0 * p->days;
  size_t n = (size_t)llround(per < 2.0 ? 2.0 : per > 200.0 ? 200.0 : per);
  *loiter = *switch_off = *dark = n;
  return 3 * n;
}

/* A silence of 13-18 h inside [t0 + 1 h, t1 - 1 h). */
static void silence(tc_rng *rng, int64_t t0, int64_t t1, int64_t *from, int64_t *to) {
  int64_t hi = t1 - t0 - 2 * 3600 < SILENCE_MAX_S ? t1 - t0 - 2 * 3600 : SILENCE_MAX_S;
  int64_t dur = tc_rng_int(rng, SILENCE_MIN_S, hi);
  *from = tc_rng_int(rng, t0 + 3600, t1 - 3600 - dur);
  *to = *from + dur;
}

tc_status tc_gen_events_plan(tc_gen *g, tc_gen_sites *sites, tc_err *err) {
  tc_rng rng;
  tc_rng_seed(&rng, g->p.seed, STREAM_EVENTS);
  int64_t t0 = g->stats.t0, t1 = g->stats.t1, from, to;
  int outage = g->world.nregions - 1, scen_regions = g->world.nregions - 1;
  size_t first = 2 * g->nscen, k = first;
  for (size_t i = 0; i < g->stats.ev_loiter; i++, k++)
    TC_TRY(tc_gen_plan_loiter(&g->world, (int)(i % (size_t)scen_regions), t0, t1, &rng, sites, &g->v[k],
                              &from, &to, err));
  for (size_t i = 0; i < g->stats.ev_dark; i++, k += 2)
    TC_TRY(tc_gen_plan_dark(&g->world, (int)(i % (size_t)scen_regions), t0, t1, &rng, sites, &g->v[k],
                            &g->v[k + 1], &from, &to, err));
  /* Switch-offs: distinct lane vessels outside the outage's region. */
  size_t lane0 = g->port_first[g->stats.ports], nlane = g->nv - lane0, free_lane = 0;
  for (size_t i = lane0; i < g->nv; i++)
    free_lane += g->v[i].region != outage;
  if (free_lane < g->stats.ev_switch_off)
    return tc_fail(err, TC_ERR_ARG, "generate: %zu lane vessels outside the outage's region, too few for %zu "
                   "switch-offs; use more --vessels", free_lane, g->stats.ev_switch_off);
  for (size_t i = 0; i < g->stats.ev_switch_off; i++) {
    tc_gen_vessel *v;
    do
      v = &g->v[lane0 + tc_rng_below(&rng, nlane)];
    while (v->region == outage || v->off_to);
    silence(&rng, t0, t1, &v->off_from, &v->off_to);
  }
  /* The outage: every lane and port vessel of the last region. */
  silence(&rng, t0, t1, &from, &to);
  g->stats.outage_region = outage;
  g->stats.outage_from = from;
  g->stats.outage_to = to;
  for (size_t i = first + g->ev_vessels; i < g->nv; i++)
    if (g->v[i].region == outage) {
      g->v[i].off_from = from;
      g->v[i].off_to = to;
      g->stats.outage_vessels++;
    }
  return TC_OK;
}

static tc_status push(tc_gen *g, const tc_gen_event *e, tc_err *err) {
  tc_gen_event *nv = tc_grow(g->ev, &g->cap_ev, g->nev + 1, sizeof *nv, 64);
  if (!nv)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu planted events", g->nev + 1);
  g->ev = nv;
  g->ev[g->nev++] = *e;
  return TC_OK;
}

/* The two consecutive fixes around the silence [from, to): the gap it left. */
static int gap_around(const tc_fix *fx, size_t n, int64_t from, int64_t to, size_t *i) {
  for (size_t k = 0; k + 1 < n; k++)
    if (fx[k].t < from && fx[k + 1].t >= to) {
      *i = k;
      return 1;
    }
  return 0;
}

/* The loitering run (spec events §1 on the grid of encounters §2) holding the middle of
 * the drift: maximal run of grid times with a position and a slot speed below 2 kn. */
static void loiter_run(const tc_gen_grid *gr, tc_gen_event *e) {
  int64_t mid = (e->plan_from + e->plan_to) / 2;
  if (gr->n == 0 || mid < gr->s0)
    return;
  size_t m = (size_t)((mid - gr->s0) / gr->slot);
#define LOITERS(k) (gr->ok[k] && !isnan(gr->speed_kn[k]) && gr->speed_kn[k] < LOITER_SPEED_KN)
  if (m >= gr->n || !LOITERS(m))
    return;
  size_t a = m, b = m;
  while (a > 0 && LOITERS(a - 1))
    a--;
  while (b + 1 < gr->n && LOITERS(b + 1))
    b++;
#undef LOITERS
  e->start = gr->s0 + (int64_t)a * gr->slot;
  e->end = gr->s0 + (int64_t)b * gr->slot;
  e->slots = (uint32_t)(b - a + 1);
  e->shown = 1;
}

static tc_status vessel_event(tc_gen *g, size_t i, tc_gen_event_kind kind, const tc_gen_spec *sp,
                              tc_fix **fx, size_t *nfx, size_t *cap, tc_err *err) {
  const tc_gen_vessel *v = &g->v[i];
  tc_gen_event e = {.kind = kind, .mmsi_a = v->mmsi};
  TC_TRY(tc_gen_vessel_fixes(v, g->p.seed, &g->world, fx, nfx, cap, err));
  if (kind == TC_GEV_LOITERING) {
    tc_gen_grid gr = {0};
    e.plan_from = v->w[1].t;
    e.plan_to = v->w[2].t;
    e.start = e.plan_from;
    e.end = e.plan_to;
    tc_gen_to_latlon(&g->world.region[v->region], v->w[1].e, v->w[1].n, &e.lat, &e.lon);
    TC_TRY(tc_gen_grid_build(*fx, *nfx, sp, &gr, err));
    loiter_run(&gr, &e);
    tc_gen_grid_free(&gr);
  } else {
    size_t k;
    e.plan_from = e.start = v->off_from;
    e.plan_to = e.end = v->off_to;
    if (gap_around(*fx, *nfx, v->off_from, v->off_to, &k)) {
      e.start = (*fx)[k].t;
      e.end = (*fx)[k + 1].t;
      e.lat = (*fx)[k].lat;
      e.lon = (*fx)[k].lon;
      e.shown = 1;
    }
  }
  return push(g, &e, err);
}

static tc_status dark_event(tc_gen *g, size_t i, tc_fix **fx, size_t *nfx, size_t *cap, tc_err *err) {
  const tc_gen_vessel *a = &g->v[i], *b = &g->v[i + 1];
  if (b->mmsi < a->mmsi) {
    const tc_gen_vessel *t = a;
    a = b;
    b = t;
  }
  tc_gen_event e = {.kind = TC_GEV_DARK, .mmsi_a = a->mmsi, .mmsi_b = b->mmsi};
  e.plan_from = a->w[1].t > b->w[1].t ? a->w[1].t : b->w[1].t;
  e.plan_to = a->w[2].t < b->w[2].t ? a->w[2].t : b->w[2].t;
  tc_gen_to_latlon(&g->world.region[a->region], 0.5 * (a->w[1].e + b->w[1].e),
                   0.5 * (a->w[1].n + b->w[1].n), &e.lat, &e.lon);
  size_t k;
  int shown = 1;
  TC_TRY(tc_gen_vessel_fixes(a, g->p.seed, &g->world, fx, nfx, cap, err));
  e.start = a->off_from;
  e.end = a->off_to;
  if ((shown &= gap_around(*fx, *nfx, a->off_from, a->off_to, &k))) {
    e.start = (*fx)[k].t;
    e.end = (*fx)[k + 1].t;
  }
  TC_TRY(tc_gen_vessel_fixes(b, g->p.seed, &g->world, fx, nfx, cap, err));
  e.b_start = b->off_from;
  e.b_end = b->off_to;
  if ((shown &= gap_around(*fx, *nfx, b->off_from, b->off_to, &k))) {
    e.b_start = (*fx)[k].t;
    e.b_end = (*fx)[k + 1].t;
  }
  e.shown = shown;
  return push(g, &e, err);
}

static int cmp_event(const void *x, const void *y) {
  const tc_gen_event *a = x, *b = y;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  return (a->mmsi_b > b->mmsi_b) - (a->mmsi_b < b->mmsi_b);
}

tc_status tc_gen_events_truth(tc_gen *g, tc_err *err) {
  tc_status st = TC_OK;
  tc_gen_spec sp;
  tc_fix *fx = NULL;
  size_t nfx = 0, cap = 0, first = 2 * g->nscen, k = first;
  tc_gen_spec_default(&sp);
  for (size_t i = 0; i < g->stats.ev_loiter && st == TC_OK; i++, k++)
    st = vessel_event(g, k, TC_GEV_LOITERING, &sp, &fx, &nfx, &cap, err);
  for (size_t i = 0; i < g->stats.ev_dark && st == TC_OK; i++, k += 2)
    st = dark_event(g, k, &fx, &nfx, &cap, err);
  for (size_t i = first + g->ev_vessels; i < g->nv && st == TC_OK; i++)
    if (g->v[i].off_to)
      st = vessel_event(g, i, (int)g->v[i].region == g->stats.outage_region ? TC_GEV_OUTAGE : TC_GEV_SWITCH_OFF,
                        &sp, &fx, &nfx, &cap, err);
  free(fx);
  if (st == TC_OK && g->nev > 1)
    qsort(g->ev, g->nev, sizeof *g->ev, cmp_event);
  return st;
}
