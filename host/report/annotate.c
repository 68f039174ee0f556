#include "host/report/annotate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/mid.h"
#include "host/report/rank.h"
#include "kernels/geo.h"

void tc_annotate_defaults(tc_annotate_opts *o) {
  memset(o, 0, sizeof *o);
  o->port_radius_m = 4000;
  o->port_search_m = 50000;
  o->track_margin_s = 3 * 3600;
  o->gap_min_s = 43200;    /* spec events: min_gap */
  o->gap_window_s = 43200; /* spec events §4: within 12 h of the encounter */
}

static void flag(char out[3], uint32_t mmsi) {
  const tc_mid_entry *m = tc_mmsi_flag(mmsi);
  snprintf(out, 3, "%s", m ? m->iso2 : "");
}

static void watch(tc_candidate *k, const tc_annotate_opts *o) {
  if (!o->watch)
    return;
  if (tc_watchlist_mmsi(o->watch, k->e.mmsi_a) || tc_watchlist_imo(o->watch, k->va.imo))
    k->tags |= TC_TAG_WATCH_A;
  if (tc_watchlist_mmsi(o->watch, k->e.mmsi_b) || tc_watchlist_imo(o->watch, k->vb.imo))
    k->tags |= TC_TAG_WATCH_B;
}

static int cmp_score_desc(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a > b ? -1 : a < b ? 1 : 0;
}

static int cmp_spec(const void *x, const void *y, void *ctx) {
  const tc_candidate *v = ctx;
  const tc_encounter *a = &v[*(const size_t *)x].e, *b = &v[*(const size_t *)y].e;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  if (a->mmsi_b != b->mmsi_b)
    return a->mmsi_b < b->mmsi_b ? -1 : 1;
  return 0;
}

/* want[i] = 1 for the kept candidates that can be among the first lim once gaps are
 * scored: in spec order exactly those; by score every one whose score without gaps,
 * plus the most gaps can add, reaches the lim-th best score without gaps (gaps only
 * add, so lim others already beat the rest). Returns how many. */
static tc_status may_lead(const tc_candidates *c, const unsigned char *keep, size_t lim, int by_score,
                          double gaps_max, unsigned char *want, size_t *nwant) {
  size_t nk = 0;
  for (size_t i = 0; i < c->n; i++)
    nk += keep[i];
  memcpy(want, keep, c->n);
  *nwant = nk;
  if (lim == 0 || lim >= nk)
    return TC_OK;
  *nwant = 0;
  if (by_score) {
    double *sc = malloc(nk * sizeof *sc);
    if (!sc)
      return TC_ERR_NOMEM;
    for (size_t i = 0, j = 0; i < c->n; i++)
      if (keep[i])
        sc[j++] = c->v[i].score;
    qsort(sc, nk, sizeof *sc, cmp_score_desc);
    double thr = sc[lim - 1];
    free(sc);
    for (size_t i = 0; i < c->n; i++)
      *nwant += want[i] = keep[i] && c->v[i].score + gaps_max + 0.1 >= thr;
    return TC_OK;
  }
  size_t *ix = malloc(nk * sizeof *ix);
  if (!ix)
    return TC_ERR_NOMEM;
  for (size_t i = 0, j = 0; i < c->n; i++)
    if (keep[i])
      ix[j++] = i;
  qsort_r(ix, nk, sizeof *ix, cmp_spec, c->v);
  for (size_t j = lim; j < nk; j++)
    want[ix[j]] = 0;
  *nwant = lim;
  free(ix);
  return TC_OK;
}

static int cmp_lat(const void *x, const void *y, void *ctx) {
  const tc_candidate *v = ctx;
  double a = v[*(const size_t *)x].e.mean_lat, b = v[*(const size_t *)y].e.mean_lat;
  if (a != b)
    return a < b ? -1 : 1;
  return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

/* For each candidate, the other candidates whose times overlap and whose mean
 * positions lie within TC_CROWD_RADIUS_M: ships at an anchorage meet many others,
 * a transfer at sea is one pair. Counted over the whole list, before any filter. */
static tc_status crowd(tc_candidates *c) {
  size_t *ix = malloc((c->n ? c->n : 1) * sizeof *ix);
  if (!ix)
    return TC_ERR_NOMEM;
  for (size_t i = 0; i < c->n; i++)
    ix[i] = i;
  qsort_r(ix, c->n, sizeof *ix, cmp_lat, c->v);
  double dlat = TC_CROWD_RADIUS_M / TC_EARTH_R_M / TC_DEG2RAD;
  for (size_t i = 0; i < c->n; i++)
    c->v[i].crowd = 0;
  for (size_t p = 0; p < c->n; p++) {
    tc_candidate *a = &c->v[ix[p]];
    for (size_t q = p + 1; q < c->n && c->v[ix[q]].e.mean_lat - a->e.mean_lat <= dlat; q++) {
      tc_candidate *b = &c->v[ix[q]];
      if (a->e.start <= b->e.end && b->e.start <= a->e.end &&
          tc_haversine_m(a->e.mean_lat, a->e.mean_lon, b->e.mean_lat, b->e.mean_lon) <= TC_CROWD_RADIUS_M) {
        a->crowd++;
        b->crowd++;
      }
    }
  }
  free(ix);
  return TC_OK;
}

/* The tracks of the first track_limit candidates in their final order, in one batch. */
static tc_status read_leaders(tc_candidates *c, const tc_annotate_opts *o, tc_err *err) {
  size_t lim = o->track_limit && o->track_limit < c->n ? o->track_limit : c->n;
  tc_track_req *req = malloc(2 * (lim ? lim : 1) * sizeof *req);
  if (!req)
    return tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory for tracks");
  for (size_t i = 0; i < lim; i++)
    for (int v = 0; v < 2; v++) {
      tc_track_req *r = &req[2 * i + v];
      r->mmsi = v ? c->v[i].e.mmsi_b : c->v[i].e.mmsi_a;
      r->t0 = c->v[i].e.start - o->track_margin_s;
      r->t1 = c->v[i].e.end + o->track_margin_s;
      r->out = v ? &c->track_b[i] : &c->track_a[i];
      r->gap = NULL;
    }
  tc_status s = tc_track_gather(o->tracks, req, 2 * lim, o->progress, o->progress_user, err);
  if (s != TC_OK)
    tc_err_prefix(err, "tracks: ");
  free(req);
  return s;
}

static void set_gaps(tc_candidate *k, const tc_gaps *ga, const tc_gaps *gb) {
  k->gap_before_a = ga->before_s;
  k->gap_after_a = ga->after_s;
  k->gap_before_b = gb->before_s;
  k->gap_after_b = gb->after_s;
  k->tags &= ~(unsigned)(TC_TAG_GAP_BEFORE_A | TC_TAG_GAP_AFTER_A | TC_TAG_GAP_BEFORE_B | TC_TAG_GAP_AFTER_B);
  k->tags |= (ga->before_s ? TC_TAG_GAP_BEFORE_A : 0) | (ga->after_s ? TC_TAG_GAP_AFTER_A : 0) |
             (gb->before_s ? TC_TAG_GAP_BEFORE_B : 0) | (gb->after_s ? TC_TAG_GAP_AFTER_B : 0);
}

/* Tracks read with the gaps at most for this many times the candidates that get one
 * (plus a few): beyond, holding the tracks of every candidate that might lead costs more
 * memory than a second pass over the buckets of those that do costs time. */
#define TC_TRACK_SPARE 4

/* Gaps of every kept candidate and, when asked, the tracks of those that may lead,
 * in one batch; then the final scores. *loaded: whether the tracks were read. */
static tc_status read_fixes(tc_candidates *c, const tc_annotate_opts *o, const unsigned char *keep,
                            const tc_rank_ctx *rc, int *loaded, tc_err *err) {
  tc_status s = TC_OK;
  size_t n = c->n;
  unsigned char *want = malloc(n ? n : 1);
  tc_gap_scan *scan = calloc(2 * (n ? n : 1), sizeof *scan);
  tc_track_req *req = malloc(4 * (n ? n : 1) * sizeof *req);
  if (!want || !scan || !req) {
    s = tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory");
    goto cleanup;
  }
  memset(want, 0, n ? n : 1);
  *loaded = 0;
  if (o->load_tracks) {
    size_t nwant;
    /* with the events every score is final already */
    if (may_lead(c, keep, o->track_limit, o->sort_by_score, o->events ? 0 : TC_W_GAPS_MAX, want, &nwant) != TC_OK ||
        tc_candidates_alloc_tracks(c) != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory for tracks");
      goto cleanup;
    }
    if (o->track_limit && nwant > TC_TRACK_SPARE * o->track_limit + 64)
      memset(want, 0, n ? n : 1);
    else
      *loaded = 1;
  }
  size_t nr = 0;
  for (size_t i = 0; i < n; i++) {
    if (!keep[i])
      continue;
    const tc_encounter *e = &c->v[i].e;
    for (int v = 0; v < 2; v++) {
      tc_gap_scan *g = &scan[2 * i + v];
      tc_gap_scan_init(g, e->start, e->end, o->gap_min_s, o->gap_window_s);
      tc_track_req *r;
      if (!o->events) {
        r = &req[nr++];
        r->mmsi = v ? e->mmsi_b : e->mmsi_a;
        tc_gap_scan_window(g, &r->t0, &r->t1);
        r->out = NULL;
        r->gap = g;
      }
      if (want[i]) {
        r = &req[nr++];
        r->mmsi = v ? e->mmsi_b : e->mmsi_a;
        r->t0 = e->start - o->track_margin_s;
        r->t1 = e->end + o->track_margin_s;
        r->out = v ? &c->track_b[i] : &c->track_a[i];
        r->gap = NULL;
      }
    }
  }
  if ((s = tc_track_gather(o->tracks, req, nr, o->progress, o->progress_user, err)) != TC_OK) {
    tc_err_prefix(err, "tracks: ");
    goto cleanup;
  }
  for (size_t i = 0; i < n && !o->events; i++) {
    if (!keep[i])
      continue;
    tc_gaps ga, gb;
    if ((s = tc_gap_scan_finish(&scan[2 * i], o->tracks, &ga, err)) != TC_OK ||
        (s = tc_gap_scan_finish(&scan[2 * i + 1], o->tracks, &gb, err)) != TC_OK)
      goto cleanup;
    set_gaps(&c->v[i], &ga, &gb);
    tc_rank(&c->v[i], rc);
  }
cleanup:
  for (size_t i = 0; scan && i < 2 * n; i++)
    tc_gap_scan_free(&scan[i]);
  free(scan);
  free(req);
  free(want);
  return s;
}

tc_status tc_annotate(tc_candidates *c, const tc_annotate_opts *o, tc_err *err) {
  tc_status s = TC_OK;
  unsigned char *keep = malloc(c->n ? c->n : 1);
  if (!keep)
    return tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory");
  if (crowd(c) != TC_OK) {
    free(keep);
    return tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory");
  }
  tc_rank_ctx rc = {o->port_radius_m, o->vessels && tc_vessel_index_size(o->vessels) > 0, o->tracks != NULL};
  for (size_t i = 0; i < c->n; i++) {
    tc_candidate *k = &c->v[i];
    const tc_encounter *e = &k->e;
    keep[i] = 1;
    flag(k->flag_a, e->mmsi_a);
    flag(k->flag_b, e->mmsi_b);
    if (o->vessels) {
      tc_vessel_at(o->vessels, e->mmsi_a, e->start, &k->va);
      tc_vessel_at(o->vessels, e->mmsi_b, e->start, &k->vb);
    }
    if (!tc_select_keep(o->select, k)) {
      keep[i] = 0;
      continue;
    }
    if (o->area) {
      if (!tc_polyset_contains(o->area, e->mean_lat, e->mean_lon)) {
        keep[i] = 0;
        continue;
      }
      k->tags |= TC_TAG_IN_AREA;
    }
    k->tags &= ~(unsigned)(TC_TAG_WATCH_A | TC_TAG_WATCH_B);
    watch(k, o);
    if (o->watch && !o->watch_flag_only && !(k->tags & (TC_TAG_WATCH_A | TC_TAG_WATCH_B))) {
      keep[i] = 0;
      continue;
    }
    if (o->coast)
      k->shore_m = tc_coast_distance_m(o->coast, e->mean_lat, e->mean_lon);
    if (o->places) {
      double d, lim = fmax(o->port_search_m, o->exclude_port_radius_m);
      const tc_place *p = tc_places_nearest(o->places, e->mean_lat, e->mean_lon, lim, &d);
      k->port[0] = '\0';
      k->port_m = NAN;
      k->tags &= ~(unsigned)TC_TAG_NEAR_PORT;
      if (p) {
        snprintf(k->port, sizeof k->port, "%s", p->name);
        k->port_m = d;
        if (d <= o->port_radius_m)
          k->tags |= TC_TAG_NEAR_PORT;
        if (o->exclude_port_radius_m > 0 && d <= o->exclude_port_radius_m) {
          keep[i] = 0;
          continue;
        }
      }
    }
    if (o->events)
      tc_evlinks_find(o->events, o->ev_places, k);
    tc_rank(k, &rc);
  }
  /* The score so far bounds the final one (gaps only add), which picks the tracks to read. */
  int loaded = 0;
  if (o->tracks && (!o->events || o->load_tracks) && (s = read_fixes(c, o, keep, &rc, &loaded, err)) != TC_OK)
    goto cleanup;
  tc_candidates_keep(c, keep);
  tc_candidates_sort(c, o->sort_by_score);
  /* Tracks were read for every candidate that might lead; the rest keep none. */
  for (size_t i = o->track_limit; c->track_a && o->track_limit && i < c->n; i++) {
    tc_columns_free(&c->track_a[i]);
    tc_columns_free(&c->track_b[i]);
  }
  if (o->tracks && o->load_tracks && !loaded && (s = read_leaders(c, o, err)) != TC_OK)
    goto cleanup;
  size_t used = strlen(c->note);
  snprintf(c->note + used, sizeof c->note - used, "%sdistance from shore: %s", used ? "; " : "",
           o->coast ? tc_coast_describe(o->coast) : "no coastline data (install gmt-gshhg-low)");
cleanup:
  free(keep);
  return s;
}
