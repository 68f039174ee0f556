#include "bench/generate/pairtruth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/encounter.h"
#include "host/engine/grow.h"
#include "host/engine/params.h"
#include "kernels/geo.h"

void tc_gen_spec_default(tc_gen_spec *p) {
  tc_params d; /* the engine's defaults are the spec's */
  tc_params_default(&d);
  p->slot = d.slot;
  p->max_gap = d.max_gap;
  p->max_implied_speed_kn = d.max_implied_speed_kn;
  p->dist_m = d.dist_m;
  p->merge_gap = d.merge_gap;
  p->min_duration = d.min_duration;
  p->max_speed_kn = d.max_speed_kn;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void tc_gen_grid_free(tc_gen_grid *g) {
  if (!g)
    return;
  free(g->lat);
  free(g->lon);
  free(g->speed_kn);
  free(g->ok);
  memset(g, 0, sizeof *g);
}

tc_status tc_gen_grid_build(const tc_fix *fx, size_t n, const tc_gen_spec *p, tc_gen_grid *g,
                            tc_err *err) {
  tc_status st = TC_OK;
  size_t *kept = NULL, nk = 0;
  memset(g, 0, sizeof *g);
  g->slot = p->slot;
  if (n == 0)
    return TC_OK;
  kept = malloc(n * sizeof *kept);
  if (!kept) {
    st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu fixes of MMSI %u", n, fx[0].mmsi);
    goto cleanup;
  }
  /* Spec §1 rules 2 and 3 (the fixes are already valid and in time order). */
  for (size_t i = 0; i < n; i++) {
    if (nk == 0) {
      kept[nk++] = i;
      continue;
    }
    const tc_fix *r = &fx[kept[nk - 1]];
    if (fx[i].t == r->t)
      continue;
    int64_t dt = fx[i].t - r->t;
    if (p->max_implied_speed_kn > 0.0 && dt < p->max_gap &&
        tc_haversine_m(r->lat, r->lon, fx[i].lat, fx[i].lon) >
            p->max_implied_speed_kn * TC_KNOT_MPS * (double)dt)
      continue;
    kept[nk++] = i;
  }
  int64_t t0 = fx[kept[0]].t, t1 = fx[kept[nk - 1]].t;
  int64_t s_first = -floor_div(-t0, p->slot) * p->slot, s_last = floor_div(t1, p->slot) * p->slot;
  if (s_first > s_last)
    goto cleanup;
  g->s0 = s_first;
  g->n = (size_t)((s_last - s_first) / p->slot) + 1;
  g->lat = malloc(g->n * sizeof *g->lat);
  g->lon = malloc(g->n * sizeof *g->lon);
  g->speed_kn = malloc(g->n * sizeof *g->speed_kn);
  g->ok = calloc(g->n, 1);
  if (!g->lat || !g->lon || !g->speed_kn || !g->ok) {
    st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu grid times", g->n);
    goto cleanup;
  }
  size_t i = 0;
  for (size_t k = 0; k < g->n; k++) {
    int64_t s = g->s0 + (int64_t)k * p->slot;
    while (i + 1 < nk && fx[kept[i + 1]].t <= s)
      i++;
    const tc_fix *a = &fx[kept[i]];
    if (a->t == s) {
      g->lat[k] = a->lat;
      g->lon[k] = a->lon;
      g->ok[k] = 1;
    } else if (i + 1 < nk && fx[kept[i + 1]].t - a->t <= p->max_gap) {
      const tc_fix *b = &fx[kept[i + 1]];
      double f = (double)(s - a->t) / (double)(b->t - a->t);
      tc_interp(a->lat, a->lon, b->lat, b->lon, f, &g->lat[k], &g->lon[k]);
      g->ok[k] = 1;
    }
  }
  for (size_t k = 0; k < g->n; k++) {
    g->speed_kn[k] = NAN;
    if (!g->ok[k])
      continue;
    if (k + 1 < g->n && g->ok[k + 1])
      g->speed_kn[k] = tc_haversine_m(g->lat[k], g->lon[k], g->lat[k + 1], g->lon[k + 1]) /
                       (double)p->slot / TC_KNOT_MPS;
    else if (k > 0 && g->ok[k - 1])
      g->speed_kn[k] = tc_haversine_m(g->lat[k - 1], g->lon[k - 1], g->lat[k], g->lon[k]) /
                       (double)p->slot / TC_KNOT_MPS;
  }
cleanup:
  free(kept);
  if (st != TC_OK)
    tc_gen_grid_free(g);
  return st;
}

static int grid_index(const tc_gen_grid *g, int64_t s, size_t *k) {
  if (g->n == 0 || s < g->s0 || (s - g->s0) % g->slot != 0)
    return 0;
  int64_t q = (s - g->s0) / g->slot;
  if ((uint64_t)q >= g->n)
    return 0;
  *k = (size_t)q;
  return g->ok[*k];
}

int tc_gen_grid_at(const tc_gen_grid *g, int64_t s, double *lat, double *lon, double *speed_kn) {
  size_t k;
  if (!grid_index(g, s, &k))
    return 0;
  *lat = g->lat[k];
  *lon = g->lon[k];
  if (speed_kn)
    *speed_kn = g->speed_kn[k];
  return 1;
}

double tc_gen_grid_median_speed(const tc_gen_grid *g, int64_t t0, int64_t t1) {
  if (g->n == 0)
    return NAN;
  double *v = malloc(g->n * sizeof *v);
  if (!v)
    return NAN;
  size_t m = 0;
  for (size_t k = 0; k < g->n; k++) {
    int64_t s = g->s0 + (int64_t)k * g->slot;
    if (s >= t0 && s <= t1 && g->ok[k] && !isnan(g->speed_kn[k]))
      v[m++] = g->speed_kn[k];
  }
  double r = tc_median(v, m);
  free(v);
  return r;
}

/* Candidate from the close grid times s[0..m) of the pair. */
static void finish_cand(const tc_gen_grid *a, const tc_gen_grid *b, const tc_gen_spec *p,
                        const int64_t *s, const double *d, size_t m, double *work, tc_gen_cand *c) {
  memset(c, 0, sizeof *c);
  c->start = s[0];
  c->end = s[m - 1];
  c->close_slots = (uint32_t)m;
  double sum_lat = 0.0, sum_sin = 0.0, sum_cos = 0.0;
  c->min_dist_m = INFINITY;
  for (size_t j = 0; j < m; j++) {
    double la = 0.0, loa = 0.0, lb = 0.0, lob = 0.0, mla, mlo;
    tc_gen_grid_at(a, s[j], &la, &loa, NULL);
    tc_gen_grid_at(b, s[j], &lb, &lob, NULL);
    tc_midpoint(la, loa, lb, lob, &mla, &mlo);
    sum_lat += mla;
    sum_sin += sin(mlo * TC_DEG2RAD);
    sum_cos += cos(mlo * TC_DEG2RAD);
    if (d[j] < c->min_dist_m)
      c->min_dist_m = d[j];
    work[j] = d[j];
  }
  c->median_dist_m = tc_median(work, m);
  c->lat = sum_lat / (double)m;
  c->lon = atan2(sum_sin, sum_cos) / TC_DEG2RAD;
  for (int side = 0; side < 2; side++) {
    const tc_gen_grid *g = side ? b : a;
    size_t q = 0;
    for (size_t j = 0; j < m; j++) {
      double la, lo, sp;
      if (tc_gen_grid_at(g, s[j], &la, &lo, &sp) && !isnan(sp))
        work[q++] = sp;
    }
    double med = tc_median(work, q);
    if (side)
      c->speed_b_kn = med;
    else
      c->speed_a_kn = med;
  }
  c->encounter = c->end - c->start >= p->min_duration && c->speed_a_kn < p->max_speed_kn &&
                 c->speed_b_kn < p->max_speed_kn; /* NAN compares false: fails */
}

tc_status tc_gen_pair_eval(const tc_gen_grid *a, const tc_gen_grid *b, const tc_gen_spec *p,
                           tc_gen_cand **cands, size_t *n, size_t *cap, tc_gen_pair_info *info,
                           tc_err *err) {
  tc_status st = TC_OK;
  int64_t *s = NULL;
  double *d = NULL, *work = NULL;
  if (info) {
    memset(info, 0, sizeof *info);
    info->min_dist_m = INFINITY;
  }
  if (a->n == 0 || b->n == 0)
    return TC_OK;
  int64_t lo = a->s0 > b->s0 ? a->s0 : b->s0;
  int64_t ea = a->s0 + (int64_t)(a->n - 1) * p->slot, eb = b->s0 + (int64_t)(b->n - 1) * p->slot;
  int64_t hi = ea < eb ? ea : eb;
  if (lo > hi)
    return TC_OK;
  size_t span = (size_t)((hi - lo) / p->slot) + 1, m = 0;
  s = malloc(span * sizeof *s);
  d = malloc(span * sizeof *d);
  work = malloc(span * sizeof *work);
  if (!s || !d || !work) {
    st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for a pair over %zu grid times", span);
    goto cleanup;
  }
  for (int64_t t = lo; t <= hi; t += p->slot) {
    double la, loa, lb, lob;
    if (!tc_gen_grid_at(a, t, &la, &loa, NULL) || !tc_gen_grid_at(b, t, &lb, &lob, NULL))
      continue;
    /* d >= R |dlat|: most far pairs need no trigonometry (1 m spares rounding). */
    if (!info && fabs(la - lb) * TC_DEG2RAD * TC_EARTH_R_M > p->dist_m + 1.0)
      continue;
    double dist = tc_haversine_m(la, loa, lb, lob);
    if (info) {
      info->common++;
      if (dist < info->min_dist_m) {
        info->min_dist_m = dist;
        tc_midpoint(la, loa, lb, lob, &info->lat, &info->lon);
      }
    }
    if (dist <= p->dist_m) {
      s[m] = t;
      d[m++] = dist;
    }
  }
  size_t j0 = 0;
  for (size_t j = 1; j <= m; j++) {
    if (j < m && s[j] - s[j - 1] <= p->merge_gap)
      continue;
    tc_gen_cand *nv = tc_grow(*cands, cap, *n + 1, sizeof *nv, 16);
    if (!nv) {
      st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu candidates", *n + 1);
      goto cleanup;
    }
    *cands = nv;
    finish_cand(a, b, p, s + j0, d + j0, j - j0, work, &(*cands)[(*n)++]);
    j0 = j;
  }
cleanup:
  free(s);
  free(d);
  free(work);
  return st;
}
