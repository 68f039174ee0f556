#include "host/report/select_links.h"

#include <math.h>

int tc_link_filter_active(const tc_link_filter *f) { return tc_select_active(f->select) || f->watch; }

static int listed(const tc_link_filter *f, uint32_t mmsi, const tc_vessel_static *v) {
  return tc_watchlist_mmsi(f->watch, mmsi) || tc_watchlist_imo(f->watch, v->imo);
}

static int keep(const tc_link_filter *f, uint32_t a, uint32_t b, int64_t t, double lat, double lon) {
  tc_vessel_static va = {0}, vb = {0};
  if (f->vessels) {
    tc_vessel_at(f->vessels, a, t, &va);
    tc_vessel_at(f->vessels, b, t, &vb);
  }
  if (!tc_select_pair(f->select, a, va.ship_type, b, vb.ship_type, lat, lon))
    return 0;
  return !f->watch || listed(f, a, &va) || listed(f, b, &vb);
}

size_t tc_link_filter_encounters(const tc_link_filter *f, tc_encounter_list *enc) {
  size_t k = 0, n = enc->n;
  for (size_t i = 0; i < n; i++) {
    const tc_encounter *e = &enc->v[i];
    if (keep(f, e->mmsi_a, e->mmsi_b, e->start, e->mean_lat, e->mean_lon))
      enc->v[k++] = *e;
  }
  enc->n = k;
  return n - k;
}

size_t tc_link_filter_dark(const tc_link_filter *f, tc_event_lists *ev) {
  size_t k = 0, n = ev->n_dark;
  for (size_t i = 0; i < n; i++) {
    const tc_dark *d = &ev->dark[i];
    if (keep(f, d->mmsi_a, d->mmsi_b, llround(d->w_start), d->lat, d->lon)) /* as network.c dates it */
      ev->dark[k++] = *d;
  }
  ev->n_dark = k;
  return n - k;
}

/* One vessel's event: the vessel asked as both of a pair, so --match either or both
 * mean the same. */
static int keep_one(const tc_link_filter *f, uint32_t m, int64_t t, double lat, double lon, double lat2,
                    double lon2) {
  tc_vessel_static v = {0};
  if (f->vessels)
    tc_vessel_at(f->vessels, m, t, &v);
  if (!tc_select_vessel(f->select, m, v.ship_type))
    return 0;
  if (!tc_select_in_bbox(f->select, lat, lon) && !tc_select_in_bbox(f->select, lat2, lon2))
    return 0;
  return !f->watch || listed(f, m, &v);
}

size_t tc_link_filter_events(const tc_link_filter *f, tc_event_lists *ev) {
  size_t dropped = 0, k = 0;
  for (size_t i = 0; i < ev->n_loiter; i++) {
    const tc_loiter *x = &ev->loiter[i];
    if (keep_one(f, x->mmsi, x->start, x->mean_lat, x->mean_lon, x->mean_lat, x->mean_lon))
      ev->loiter[k++] = *x;
  }
  dropped += ev->n_loiter - k;
  ev->n_loiter = k;
  k = 0;
  for (size_t i = 0; i < ev->n_gaps; i++) {
    const tc_gap *x = &ev->gaps[i];
    if (keep_one(f, x->mmsi, x->t0, x->lat0, x->lon0, x->lat1, x->lon1))
      ev->gaps[k++] = *x;
  }
  dropped += ev->n_gaps - k;
  ev->n_gaps = k;
  return dropped + tc_link_filter_dark(f, ev);
}
