#include "bench/generate/traffic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/generate/traffic_impl.h"

#define LANES_PER_REGION 4
#define PORT_MIN_VESSELS 10
#define STREAM_WORLD 0
#define STREAM_PLAN 1
#define STREAM_NOISE 2
#define STREAM_VESSEL0 16

/* Maritime Identification Digits in real use (ITU): European, American, Asian, Oceanian
 * and African flags, so MMSIs look like a real feed's. */
static const uint16_t mids[] = {205, 209, 210, 211, 212, 215, 219, 220, 224, 226, 227, 228, 229,
                                230, 232, 233, 235, 236, 237, 240, 241, 244, 245, 246, 247, 248,
                                249, 255, 256, 257, 258, 259, 265, 266, 273, 304, 305, 308, 309,
                                311, 316, 338, 351, 352, 353, 354, 355, 356, 357, 366, 367, 368,
                                369, 370, 371, 372, 373, 412, 413, 414, 416, 419, 431, 432, 440,
                                441, 477, 503, 512, 520, 525, 533, 538, 563, 564, 565, 566, 572,
                                574, 636, 657, 710, 725};

void tc_gen_params_default(tc_gen_params *p) {
  memset(p, 0, sizeof *p);
  p->seed = 1;
  p->vessels = 1000;
  p->days = 1.0;
  p->start = TC_GEN_DEFAULT_START;
  p->meetings = p->decoys = p->ports = -1;
  p->min_interval_s = 20.0;
  p->max_interval_s = 120.0;
  p->dup_rate = 0.003;
  p->ooo_rate = 0.005;
  p->bad_rate = 0.001;
}

void tc_gen_params_clean(tc_gen_params *p) { p->dup_rate = p->ooo_rate = p->bad_rate = 0.0; }

const char *tc_truth_kind_name(tc_truth_kind k) {
  static const char *const names[TC_TRUTH_KIND_COUNT] = {"meeting", "decoy_short", "decoy_convoy",
                                                         "decoy_idle", "port"};
  return (int)k >= 0 && k < TC_TRUTH_KIND_COUNT ? names[k] : "unknown";
}

static tc_status check_params(const tc_gen_params *p, tc_err *err) {
  if (p->vessels < 1 || p->vessels > 10000000)
    return tc_fail(err, TC_ERR_ARG, "generate: --vessels %zu outside 1..10000000", p->vessels);
  if (!(p->days >= 0.5 && p->days <= 3660.0))
    return tc_fail(err, TC_ERR_ARG, "generate: --days %g outside 0.5..3660", p->days);
  if (p->start < 0 || p->start > 4102444800LL)
    return tc_fail(err, TC_ERR_ARG, "generate: --start %lld outside 1970..2100", (long long)p->start);
  /* Even five missed reports in a row must stay under the spec's 3600 s max_gap. */
  if (!(p->min_interval_s >= 2.0 && p->min_interval_s <= p->max_interval_s && p->max_interval_s <= 600.0))
    return tc_fail(err, TC_ERR_ARG, "generate: report interval %g..%g s: need 2 <= min <= max <= 600",
                   p->min_interval_s, p->max_interval_s);
  const double *rates[] = {&p->dup_rate, &p->ooo_rate, &p->bad_rate};
  for (int i = 0; i < 3; i++)
    if (!(*rates[i] >= 0.0 && *rates[i] <= 0.5))
      return tc_fail(err, TC_ERR_ARG, "generate: noise rate %g outside 0..0.5", *rates[i]);
  if (p->regions < 0 || p->regions > TC_GEN_MAX_REGIONS)
    return tc_fail(err, TC_ERR_ARG, "generate: --regions %d outside 1..%d", p->regions, TC_GEN_MAX_REGIONS);
  if (p->meetings > 1000000 || p->decoys > 1000000 || p->ports > 1000)
    return tc_fail(err, TC_ERR_ARG, "generate: too many meetings, decoys or ports");
  /* The outage silences a whole region that no scenario uses; gaps of 13-18 h need a day. */
  if (p->events && (p->regions == 1 || p->days < 1.0))
    return tc_fail(err, TC_ERR_ARG, "generate: --events needs at least 2 regions and 1 day");
  return TC_OK;
}

/* Unique MMSIs: MID followed by six digits, kept unique with an open-addressing set. */
static tc_status make_mmsis(tc_gen *g, tc_rng *rng, tc_err *err) {
  size_t cap = 16;
  while (cap < 2 * g->nv)
    cap *= 2;
  uint32_t *set = calloc(cap, sizeof *set);
  if (!set)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu MMSIs", g->nv);
  for (size_t i = 0; i < g->nv; i++) {
    for (;;) {
      uint32_t m = (uint32_t)mids[tc_rng_below(rng, sizeof mids / sizeof mids[0])] * 1000000u +
                   (uint32_t)tc_rng_below(rng, 1000000);
      size_t h = (size_t)((m * 2654435761u) & (cap - 1));
      while (set[h] && set[h] != m)
        h = (h + 1) & (cap - 1);
      if (set[h])
        continue;
      set[h] = m;
      g->v[i].mmsi = m;
      break;
    }
  }
  free(set);
  return TC_OK;
}

static double draw_interval(const tc_gen_params *p, tc_rng *rng) {
  return tc_rng_range(rng, p->min_interval_s, p->max_interval_s);
}

static void init_lane_vessel(tc_gen *g, tc_gen_vessel *v, size_t j, tc_rng *rng) {
  v->kind = TC_GEN_LANE;
  v->lane = (uint32_t)(j % g->world.nlanes);
  const tc_gen_lane *l = &g->world.lanes[v->lane];
  v->region = (uint8_t)l->region;
  v->s0 = tc_rng_range(rng, 0.0, l->cum[l->npts]);
  v->speed_mps = tc_rng_range(rng, 8.0, 20.0) * TC_KNOT_MPS;
  v->lateral_m = tc_rng_range(rng, -250.0, 250.0);
  v->outages = 1;
  v->t_begin = v->t_ref = g->stats.t0;
  v->t_end = g->stats.t1;
}

static void init_port_vessel(tc_gen *g, tc_gen_vessel *v, size_t port, tc_rng *rng) {
  const tc_gen_port *p = &g->world.ports[port];
  v->kind = TC_GEN_PORT;
  v->port = (uint32_t)port;
  v->region = (uint8_t)p->region;
  double r = p->radius_m * sqrt(tc_rng_unit(rng)), ang = tc_rng_range(rng, 0.0, 2.0 * TC_PI);
  v->ae = p->e + r * cos(ang);
  v->an = p->n + r * sin(ang);
  v->swing_r = tc_rng_range(rng, 0.0, 50.0);
  v->swing_period = tc_rng_range(rng, 4.0 * 3600.0, 12.0 * 3600.0);
  v->swing_phase = tc_rng_range(rng, 0.0, 2.0 * TC_PI);
  v->jitter_m = tc_rng_range(rng, 2.0, 25.0);
  v->shifter = tc_rng_chance(rng, 0.25);
  v->outages = 1;
  v->t_begin = v->t_ref = g->stats.t0;
  v->t_end = g->stats.t1;
}

/* How many of each kind; fails when --vessels cannot hold them. */
static tc_status plan_counts(tc_gen *g, size_t *port_total, tc_err *err) {
  const tc_gen_params *p = &g->p;
  size_t per_day = p->vessels / 100;
  per_day = per_day < 2 ? 2 : per_day > 200 ? 200 : per_day;
  /* By default scripted vessels stay under a tenth of all (each plays one scenario). */
  size_t meetings = (size_t)llround((double)per_day * p->days);
  if (meetings > p->vessels / 40)
    meetings = p->vessels / 40 < 2 ? 2 : p->vessels / 40;
  if (p->meetings >= 0)
    meetings = (size_t)p->meetings;
  size_t decoys = p->decoys >= 0 ? (size_t)p->decoys : meetings;
  size_t ports = p->ports >= 0 ? (size_t)p->ports : 4;
  size_t pv = ports ? p->vessels / 5 : 0;
  if (pv < ports * PORT_MIN_VESSELS)
    pv = ports * PORT_MIN_VESSELS;
  size_t evl = 0, evs = 0, evd = 0;
  size_t evv = p->events ? tc_gen_events_count(p, &evl, &evs, &evd) : 0;
  size_t need = 2 * (meetings + decoys) + pv + evv;
  if (need > p->vessels)
    return tc_fail(err, TC_ERR_ARG,
                   "generate: --vessels %zu is too few for %zu meetings and %zu decoys (2 vessels "
                   "each), %zu ports (at least %d vessels each) and %zu planted event vessels: need %zu",
                   p->vessels, meetings, decoys, ports, PORT_MIN_VESSELS, evv, need);
  g->stats.meetings = meetings;
  g->stats.decoys = decoys;
  g->stats.ports = ports;
  g->nscen = meetings + decoys;
  g->stats.script_vessels = 2 * g->nscen;
  g->stats.port_vessels = pv;
  g->stats.lane_vessels = p->vessels - need;
  g->ev_vessels = evv;
  g->stats.ev_loiter = evl;
  g->stats.ev_switch_off = evs;
  g->stats.ev_dark = evd;
  if (evs > g->stats.lane_vessels / 2)
    return tc_fail(err, TC_ERR_ARG, "generate: --vessels %zu leaves too few lane vessels for %zu switch-offs",
                   p->vessels, evs);
  g->stats.vessels = g->nv = p->vessels;
  *port_total = pv;
  return TC_OK;
}

/* Port sizes: random weights in [0.5, 1.5], at least PORT_MIN_VESSELS each. */
static void port_sizes(size_t nports, size_t total, tc_rng *rng, size_t *sizes) {
  double wsum = 0.0, wts[1000];
  for (size_t i = 0; i < nports; i++)
    wsum += (wts[i] = tc_rng_range(rng, 0.5, 1.5));
  size_t spare = total - nports * PORT_MIN_VESSELS, used = 0;
  for (size_t i = 0; i < nports; i++) {
    sizes[i] = PORT_MIN_VESSELS + (size_t)((double)spare * wts[i] / wsum);
    used += sizes[i];
  }
  for (size_t i = 0; used < total; i = (i + 1) % nports, used++)
    sizes[i]++;
}

tc_status tc_gen_create(const tc_gen_params *p, tc_gen **out, tc_err *err) {
  tc_status st = TC_OK;
  size_t *sizes = NULL, port_total = 0;
  tc_gen_sites sites = {0};
  tc_rng plan;
  *out = NULL;
  TC_TRY(check_params(p, err));
  tc_gen *g = calloc(1, sizeof *g);
  if (!g)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory");
  g->p = *p;
  g->stats.t0 = p->start;
  g->stats.t1 = p->start + (int64_t)llround(p->days * 86400.0);
  g->stats.outage_region = -1;
  if ((st = plan_counts(g, &port_total, err)) != TC_OK)
    goto cleanup;
  size_t nports = g->stats.ports;
  sizes = calloc(nports + 1, sizeof *sizes);
  g->v = calloc(g->nv, sizeof *g->v);
  g->sc_kind = calloc(g->nscen + 1, sizeof *g->sc_kind);
  g->sc_from = calloc(g->nscen + 1, sizeof *g->sc_from);
  g->sc_to = calloc(g->nscen + 1, sizeof *g->sc_to);
  g->port_first = calloc(nports + 1, sizeof *g->port_first);
  if (!sizes || !g->v || !g->sc_kind || !g->sc_from || !g->sc_to || !g->port_first) {
    st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu vessels", g->nv);
    goto cleanup;
  }
  tc_rng_seed(&plan, p->seed, STREAM_WORLD);
  port_sizes(nports, port_total, &plan, sizes);
  g->stats.regions = p->regions ? p->regions : TC_GEN_NAMED_REGIONS;
  if ((st = tc_gen_world_build(&g->world, &plan, p->antimeridian, g->stats.regions, LANES_PER_REGION,
                               nports, sizes, err)) != TC_OK)
    goto cleanup;
  tc_rng_seed(&plan, p->seed, STREAM_PLAN);
  if ((st = make_mmsis(g, &plan, err)) != TC_OK)
    goto cleanup;
  for (size_t i = 0; i < g->nv; i++) {
    tc_gen_vessel *v = &g->v[i];
    v->stream = (uint32_t)(STREAM_VESSEL0 + i);
    v->interval_s = draw_interval(p, &plan);
    v->no_heading = tc_rng_chance(&plan, 0.05);
  }
  /* Scenarios: meetings first, then decoys cycling short, convoy, idle; regions in turn
   * (region 0 straddles the antimeridian with --antimeridian). */
  for (size_t s = 0; s < g->nscen; s++) {
    tc_gen_sc_kind kind = s < g->stats.meetings ? TC_GEN_SC_MEETING
                                                : (tc_gen_sc_kind)(1 + (s - g->stats.meetings) % 3);
    /* with --events the last region is the outage's and holds no scenario */
    int region = (int)(s % (size_t)(g->world.nregions - (p->events ? 1 : 0)));
    g->sc_kind[s] = kind;
    if ((st = tc_gen_plan(&g->world, kind, region, p->antimeridian && region == 0, g->stats.t0,
                          g->stats.t1, &plan, &sites, &g->v[2 * s], &g->v[2 * s + 1], &g->sc_from[s],
                          &g->sc_to[s], err)) != TC_OK)
      goto cleanup;
  }
  size_t i = 2 * g->nscen + g->ev_vessels;
  for (size_t k = 0; k < nports; k++) {
    g->port_first[k] = i;
    for (size_t j = 0; j < sizes[k]; j++)
      init_port_vessel(g, &g->v[i++], k, &plan);
  }
  g->port_first[nports] = i;
  for (size_t j = 0; i < g->nv; i++, j++)
    init_lane_vessel(g, &g->v[i], j, &plan);
  if (p->events && (st = tc_gen_events_plan(g, &sites, err)) != TC_OK)
    goto cleanup;
  if ((st = tc_gen_compute_truth(g, err)) != TC_OK)
    goto cleanup;
  if (p->events && (st = tc_gen_events_truth(g, err)) != TC_OK)
    goto cleanup;
  tc_rng_seed(&g->noise, p->seed, STREAM_NOISE);
  if ((st = tc_gen_stream_init(g, err)) != TC_OK)
    goto cleanup;
  *out = g;
  g = NULL;
cleanup:
  tc_gen_sites_free(&sites);
  free(sizes);
  tc_gen_free(g);
  return st;
}

void tc_gen_free(tc_gen *g) {
  if (!g)
    return;
  tc_gen_stream_free(g);
  tc_gen_world_free(&g->world);
  free(g->v);
  free(g->sc_kind);
  free(g->sc_from);
  free(g->sc_to);
  free(g->port_first);
  free(g->truth);
  free(g->ev);
  free(g);
}

const tc_truth *tc_gen_truth(const tc_gen *g, size_t *n) {
  *n = g->ntruth;
  return g->truth;
}

const tc_gen_event *tc_gen_events(const tc_gen *g, size_t *n) {
  *n = g->nev;
  return g->ev;
}

const tc_gen_stats *tc_gen_get_stats(const tc_gen *g) { return &g->stats; }

uint32_t tc_gen_mmsi(const tc_gen *g, size_t i) { return i < g->nv ? g->v[i].mmsi : 0; }

tc_status tc_gen_vessel_track(const tc_gen *g, uint32_t mmsi, tc_columns *out, tc_err *err) {
  tc_status st = TC_OK;
  tc_fix *fx = NULL;
  size_t n = 0, cap = 0, i = 0;
  while (i < g->nv && g->v[i].mmsi != mmsi)
    i++;
  if (i == g->nv)
    return tc_fail(err, TC_ERR_NOT_FOUND, "generate: no vessel with MMSI %u", mmsi);
  if ((st = tc_gen_vessel_fixes(&g->v[i], g->p.seed, &g->world, &fx, &n, &cap, err)) != TC_OK)
    goto cleanup;
  out->n = 0;
  if ((st = tc_columns_reserve(out, n)) != TC_OK) {
    st = tc_fail(err, st, "generate: out of memory for %zu fixes of MMSI %u", n, mmsi);
    goto cleanup;
  }
  for (size_t k = 0; k < n; k++)
    if ((st = tc_columns_push(out, &fx[k])) != TC_OK) {
      st = tc_fail(err, st, "generate: out of memory for %zu fixes of MMSI %u", n, mmsi);
      goto cleanup;
    }
cleanup:
  free(fx);
  return st;
}
