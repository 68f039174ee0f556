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

static tc_status load_track(const tc_annotate_opts *o, uint32_t mmsi, const tc_encounter *e,
                            tc_columns *out, tc_err *err) {
  tc_status s = o->tracks->read(o->tracks->ctx, mmsi, e->start - o->track_margin_s,
                                e->end + o->track_margin_s, out, err);
  if (s != TC_OK)
    tc_err_prefix(err, "track of %u: ", mmsi);
  return s;
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

tc_status tc_annotate(tc_candidates *c, const tc_annotate_opts *o, tc_err *err) {
  tc_status s = TC_OK;
  unsigned char *keep = malloc(c->n ? c->n : 1);
  tc_columns scratch;
  tc_columns_init(&scratch);
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
    if (o->area) {
      if (!tc_polyset_contains(o->area, e->mean_lat, e->mean_lon)) {
        keep[i] = 0;
        continue;
      }
      k->tags |= TC_TAG_IN_AREA;
    }
    k->tags &= ~(unsigned)(TC_TAG_WATCH_A | TC_TAG_WATCH_B);
    watch(k, o);
    if (o->watch && !(k->tags & (TC_TAG_WATCH_A | TC_TAG_WATCH_B))) {
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
    if (o->tracks) {
      tc_gaps ga, gb;
      s = tc_track_gaps(o->tracks, e->mmsi_a, e->start, e->end, o->gap_min_s, o->gap_window_s, &scratch, &ga, err);
      if (s == TC_OK)
        s = tc_track_gaps(o->tracks, e->mmsi_b, e->start, e->end, o->gap_min_s, o->gap_window_s, &scratch, &gb, err);
      if (s != TC_OK)
        goto cleanup;
      k->gap_before_a = ga.before_s;
      k->gap_after_a = ga.after_s;
      k->gap_before_b = gb.before_s;
      k->gap_after_b = gb.after_s;
      k->tags &= ~(unsigned)(TC_TAG_GAP_BEFORE_A | TC_TAG_GAP_AFTER_A | TC_TAG_GAP_BEFORE_B | TC_TAG_GAP_AFTER_B);
      k->tags |= (ga.before_s ? TC_TAG_GAP_BEFORE_A : 0) | (ga.after_s ? TC_TAG_GAP_AFTER_A : 0) |
                 (gb.before_s ? TC_TAG_GAP_BEFORE_B : 0) | (gb.after_s ? TC_TAG_GAP_AFTER_B : 0);
    }
    tc_rank(k, &rc);
  }
  tc_candidates_keep(c, keep);
  tc_candidates_sort(c, o->sort_by_score);
  if (o->tracks && o->load_tracks) {
    if (tc_candidates_alloc_tracks(c) != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "annotate: out of memory for tracks");
      goto cleanup;
    }
    size_t lim = o->track_limit && o->track_limit < c->n ? o->track_limit : c->n;
    for (size_t i = 0; i < lim; i++) {
      s = load_track(o, c->v[i].e.mmsi_a, &c->v[i].e, &c->track_a[i], err);
      if (s == TC_OK)
        s = load_track(o, c->v[i].e.mmsi_b, &c->v[i].e, &c->track_b[i], err);
      if (s != TC_OK)
        goto cleanup;
    }
  }
  size_t used = strlen(c->note);
  snprintf(c->note + used, sizeof c->note - used, "%sdistance from shore: %s", used ? "; " : "",
           o->coast ? tc_coast_describe(o->coast) : "no coastline data (install gmt-gshhg-low)");
cleanup:
  free(keep);
  tc_columns_free(&scratch);
  return s;
}
