/* The truth list, computed from the fixes the generator writes (regenerated vessel by
 * vessel), with spec §2-4 at default parameters (pairtruth.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/generate/pairtruth.h"
#include "bench/generate/traffic_impl.h"
#include "host/engine/encounter.h"
#include "host/engine/grow.h"
#include "kernels/geo.h"

typedef struct {
  tc_fix *fx;
  size_t nfx, capfx;
  tc_gen_cand *cands;
  size_t ncand, capcand;
} work;

static tc_status push(tc_gen *g, const tc_truth *t, tc_err *err) {
  tc_truth *nv = tc_grow(g->truth, &g->cap_truth, g->ntruth + 1, sizeof *nv, 64);
  if (!nv)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu truth rows", g->ntruth + 1);
  g->truth = nv;
  g->truth[g->ntruth++] = *t;
  return TC_OK;
}

static tc_status grid_of(const tc_gen *g, size_t i, const tc_gen_spec *sp, work *w, tc_gen_grid *out,
                         tc_err *err) {
  TC_TRY(tc_gen_vessel_fixes(&g->v[i], g->p.seed, &g->world, &w->fx, &w->nfx, &w->capfx, err));
  return tc_gen_grid_build(w->fx, w->nfx, sp, out, err);
}

static void from_cand(tc_truth *t, const tc_gen_cand *c) {
  t->start = c->start;
  t->end = c->end;
  t->lat = c->lat;
  t->lon = c->lon;
  t->close_slots = c->close_slots;
  t->min_dist_m = c->min_dist_m;
  t->speed_a_kn = c->speed_a_kn;
  t->speed_b_kn = c->speed_b_kn;
  t->is_encounter = c->encounter;
}

/* One scenario pair: the candidate(s) it produced, summarised as one row. */
static tc_status scenario_row(tc_gen *g, size_t s, const tc_gen_spec *sp, work *w, tc_err *err) {
  tc_status st = TC_OK;
  tc_gen_grid ga = {0}, gb = {0};
  tc_gen_pair_info info;
  size_t ia = 2 * s, ib = 2 * s + 1;
  if (g->v[ib].mmsi < g->v[ia].mmsi) {
    ia = 2 * s + 1;
    ib = 2 * s;
  }
  if ((st = grid_of(g, ia, sp, w, &ga, err)) != TC_OK || (st = grid_of(g, ib, sp, w, &gb, err)) != TC_OK)
    goto cleanup;
  w->ncand = 0;
  if ((st = tc_gen_pair_eval(&ga, &gb, sp, &w->cands, &w->ncand, &w->capcand, &info, err)) != TC_OK)
    goto cleanup;
  static const tc_truth_kind kinds[] = {TC_TRUTH_MEETING, TC_TRUTH_DECOY_SHORT, TC_TRUTH_DECOY_CONVOY,
                                        TC_TRUTH_DECOY_IDLE};
  tc_truth t = {0};
  t.kind = kinds[g->sc_kind[s]];
  t.mmsi_a = g->v[ia].mmsi;
  t.mmsi_b = g->v[ib].mmsi;
  t.expected = t.kind == TC_TRUTH_MEETING;
  size_t best = 0, total = 0;
  for (size_t k = 0; k < w->ncand; k++) {
    total += w->cands[k].close_slots;
    if (w->cands[k].close_slots > w->cands[best].close_slots)
      best = k;
    t.is_encounter |= w->cands[k].encounter;
  }
  if (t.kind != TC_TRUTH_DECOY_IDLE && w->ncand > 0) {
    int enc = t.is_encounter;
    from_cand(&t, &w->cands[best]); /* normally the only candidate */
    if (t.kind != TC_TRUTH_MEETING) {  /* a decoy: the whole close span */
      t.start = w->cands[0].start;
      t.end = w->cands[w->ncand - 1].end;
      t.close_slots = (uint32_t)total;
      for (size_t k = 0; k < w->ncand; k++)
        if (w->cands[k].min_dist_m < t.min_dist_m)
          t.min_dist_m = w->cands[k].min_dist_m;
    }
    t.is_encounter = enc;
  } else {
    /* Never close (as an idle pair must be): the grid times of its slow window. */
    int64_t slot = sp->slot;
    t.start = (g->sc_from[s] + slot - 1) / slot * slot;
    t.end = g->sc_to[s] / slot * slot;
    t.close_slots = (uint32_t)total;
    t.min_dist_m = info.min_dist_m;
    t.lat = info.lat;
    t.lon = info.lon;
    t.speed_a_kn = tc_gen_grid_median_speed(&ga, t.start, t.end);
    t.speed_b_kn = tc_gen_grid_median_speed(&gb, t.start, t.end);
  }
  st = push(g, &t, err);
cleanup:
  tc_gen_grid_free(&ga);
  tc_gen_grid_free(&gb);
  return st;
}

/* A vessel's grid, a reference point and the radius around it that holds every grid
 * position: pairs whose discs are further apart than dist can be skipped (the
 * triangle inequality holds for great-circle distance). */
typedef struct {
  tc_gen_grid g;
  uint32_t mmsi;
  double clat, clon, radius;
} port_grid;

static void disc(port_grid *p) {
  p->radius = -1.0;
  for (size_t k = 0; k < p->g.n; k++) {
    if (!p->g.ok[k])
      continue;
    if (p->radius < 0.0) {
      p->clat = p->g.lat[k];
      p->clon = p->g.lon[k];
      p->radius = 0.0;
    }
    double d = tc_haversine_m(p->clat, p->clon, p->g.lat[k], p->g.lon[k]);
    if (d > p->radius)
      p->radius = d;
  }
}

static tc_status port_rows(tc_gen *g, size_t port, const tc_gen_spec *sp, work *w, tc_err *err) {
  tc_status st = TC_OK;
  size_t first = g->port_first[port], n = g->port_first[port + 1] - first, built = 0;
  port_grid *pg = calloc(n ? n : 1, sizeof *pg);
  if (!pg)
    return tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for port %zu (%zu vessels)", port, n);
  for (; built < n; built++) {
    pg[built].mmsi = g->v[first + built].mmsi;
    if ((st = grid_of(g, first + built, sp, w, &pg[built].g, err)) != TC_OK)
      goto cleanup;
    disc(&pg[built]);
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = i + 1; j < n; j++) {
      if (pg[i].radius < 0.0 || pg[j].radius < 0.0 ||
          tc_haversine_m(pg[i].clat, pg[i].clon, pg[j].clat, pg[j].clon) - pg[i].radius - pg[j].radius >
              sp->dist_m + 1.0)
        continue;
      const port_grid *a = &pg[i], *b = &pg[j];
      if (b->mmsi < a->mmsi) {
        a = &pg[j];
        b = &pg[i];
      }
      w->ncand = 0;
      if ((st = tc_gen_pair_eval(&a->g, &b->g, sp, &w->cands, &w->ncand, &w->capcand, NULL, err)) != TC_OK)
        goto cleanup;
      for (size_t k = 0; k < w->ncand; k++) {
        if (!w->cands[k].encounter)
          continue;
        tc_truth t = {0};
        t.kind = TC_TRUTH_PORT;
        t.mmsi_a = a->mmsi;
        t.mmsi_b = b->mmsi;
        t.expected = -1;
        from_cand(&t, &w->cands[k]);
        if ((st = push(g, &t, err)) != TC_OK)
          goto cleanup;
      }
    }
  }
cleanup:
  for (size_t k = 0; k < built; k++)
    tc_gen_grid_free(&pg[k].g);
  free(pg);
  return st;
}

static int cmp_truth(const void *x, const void *y) {
  const tc_truth *a = x, *b = y;
  int c = tc_encounter_key_cmp(a->start, a->mmsi_a, a->mmsi_b, b->start, b->mmsi_a, b->mmsi_b);
  return c ? c : (a->end > b->end) - (a->end < b->end);
}

tc_status tc_gen_compute_truth(tc_gen *g, tc_err *err) {
  tc_status st = TC_OK;
  tc_gen_spec sp;
  work w = {0};
  tc_gen_spec_default(&sp);
  for (size_t s = 0; s < g->nscen && st == TC_OK; s++)
    st = scenario_row(g, s, &sp, &w, err);
  for (size_t k = 0; k < g->stats.ports && st == TC_OK; k++)
    st = port_rows(g, k, &sp, &w, err);
  if (st == TC_OK && g->ntruth > 1)
    qsort(g->truth, g->ntruth, sizeof *g->truth, cmp_truth);
  free(w.fx);
  free(w.cands);
  return st;
}
