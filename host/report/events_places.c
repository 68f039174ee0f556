#include "host/report/events_places.h"

#include <stdlib.h>
#include <string.h>

#include "host/report/anchorage.h"
#include "host/report/anchorage_store.h"

tc_status tc_store_anchorages(tc_store *const *stores, size_t n, const tc_places *ports, tc_places *out,
                              tc_err *err) {
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  tc_anchorage_finder *a = NULL;
  tc_status s = tc_anchorage_create(&p, &a, err);
  size_t i = 0; /* the store being read, named in a message */
  for (; s == TC_OK && i < n; i++)
    s = tc_anchorage_add_store(a, stores[i], NULL, NULL, err);
  if (s == TC_OK)
    s = tc_anchorage_finish(a, ports, out, err);
  else if (n > 1)
    tc_err_prefix(err, "%s: ", tc_store_path(stores[i - 1]));
  tc_anchorage_free(a);
  return s;
}

tc_status tc_event_places_load(tc_store *const *stores, size_t n, const char *const *ports, size_t nports,
                               int anchorages, tc_places **out, tc_err *err) {
  return tc_event_places_load_fed(stores, n, ports, nports, anchorages, NULL, out, err);
}

tc_status tc_event_places_load_fed(tc_store *const *stores, size_t n, const char *const *ports, size_t nports,
                                   int anchorages, tc_anchorage_feed *feed, tc_places **out, tc_err *err) {
  *out = NULL;
  if (!nports && !anchorages)
    return TC_OK;
  tc_places *all = NULL, *given = NULL;
  tc_status s = TC_OK;
  if (tc_places_create(&all) != TC_OK || tc_places_create(&given) != TC_OK) {
    s = tc_fail(err, TC_ERR_NOMEM, "places: out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < nports; i++)
    if ((s = tc_places_load(given, ports[i], err)) != TC_OK)
      goto cleanup;
  for (size_t i = 0; i < tc_places_count(given); i++)
    if (tc_places_add(all, tc_places_get(given, i)) != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "places: out of memory");
      goto cleanup;
    }
  int fed = 0;
  if (anchorages && feed && (s = tc_anchorage_feed_finish(feed, nports ? given : NULL, all, &fed, err)) != TC_OK)
    goto cleanup;
  if (anchorages && !fed && (s = tc_store_anchorages(stores, n, nports ? given : NULL, all, err)) != TC_OK)
    goto cleanup;
  *out = all;
  all = NULL;
cleanup:
  tc_places_free(all);
  tc_places_free(given);
  return s;
}

void tc_event_places_free(tc_event_places *f) {
  if (!f)
    return;
  free(f->loiter);
  free(f->gap0);
  free(f->gap1);
  free(f->dark);
  free(f->dark_rank);
  memset(f, 0, sizeof *f);
}

static int place_of(const tc_places *pl, double radius_m, double lat, double lon) {
  double d;
  const tc_place *p = pl ? tc_places_nearest(pl, lat, lon, radius_m, &d) : NULL;
  if (!p)
    return -1;
  for (size_t i = 0; i < tc_places_count(pl); i++)
    if (tc_places_get(pl, i) == p)
      return (int)i;
  return -1;
}

typedef struct {
  size_t i;
  int at_place;
  double apart;  /* max(dist_dark, dist_reappear) */
  double lstar;
} rank_key;

static int cmp_rank(const void *pa, const void *pb) {
  const rank_key *a = pa, *b = pb;
  if (a->at_place != b->at_place)
    return a->at_place - b->at_place;
  if (a->apart != b->apart)
    return a->apart < b->apart ? -1 : 1;
  if (a->lstar != b->lstar)
    return a->lstar > b->lstar ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static double dmax(double a, double b) { return a > b ? a : b; }

tc_status tc_event_places_compute(const tc_places *places, double radius_m, const tc_event_lists *l,
                                  tc_event_places *out, tc_err *err) {
  memset(out, 0, sizeof *out);
  out->places = places;
  out->loiter = malloc((l->n_loiter + 1) * sizeof *out->loiter);
  out->gap0 = malloc((l->n_gaps + 1) * sizeof *out->gap0);
  out->gap1 = malloc((l->n_gaps + 1) * sizeof *out->gap1);
  out->dark = malloc((l->n_dark + 1) * sizeof *out->dark);
  out->dark_rank = malloc((l->n_dark + 1) * sizeof *out->dark_rank);
  rank_key *k = malloc((l->n_dark + 1) * sizeof *k);
  if (!out->loiter || !out->gap0 || !out->gap1 || !out->dark || !out->dark_rank || !k) {
    free(k);
    tc_event_places_free(out);
    return tc_fail(err, TC_ERR_NOMEM, "out of memory flagging events at anchorages");
  }
  for (size_t i = 0; i < l->n_loiter; i++)
    out->loiter[i] = place_of(places, radius_m, l->loiter[i].mean_lat, l->loiter[i].mean_lon);
  for (size_t i = 0; i < l->n_gaps; i++) {
    out->gap0[i] = place_of(places, radius_m, l->gaps[i].lat0, l->gaps[i].lon0);
    out->gap1[i] = place_of(places, radius_m, l->gaps[i].lat1, l->gaps[i].lon1);
  }
  for (size_t i = 0; i < l->n_dark; i++) {
    const tc_dark *d = &l->dark[i];
    out->dark[i] = place_of(places, radius_m, d->lat, d->lon);
    k[i] = (rank_key){i, out->dark[i] >= 0, dmax(d->dist_dark_m, d->dist_reappear_m), d->l_star};
  }
  if (l->n_dark) /* the C library wants a non-NULL base even for none */
    qsort(k, l->n_dark, sizeof *k, cmp_rank);
  for (size_t r = 0; r < l->n_dark; r++)
    out->dark_rank[k[r].i] = r + 1;
  free(k);
  return TC_OK;
}
