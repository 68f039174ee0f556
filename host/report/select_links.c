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
