#include "host/report/events_out.h"

#include <stdlib.h>
#include <string.h>

#include "host/engine/source_multi.h"
#include "host/report/events_csv.h"
#include "host/report/events_places.h"
#include "host/report/events_sidecar.h"
#include "io/store_chunks.h"

tc_status tc_events_complete(tc_events *ev, tc_store *const *stores, size_t n, const tc_params *p,
                             const tc_event_params *e, const tc_encounter_list *enc, const tc_events_out *o,
                             tc_event_lists *l, tc_event_stats *st, size_t *nplaces, tc_err *err) {
  tc_places *places = NULL;
  tc_event_places ep;
  memset(&ep, 0, sizeof ep);
  char *json = NULL;
  size_t jlen = 0;
  *nplaces = 0;
  tc_multi_source *m = NULL;
  const char **paths = malloc((n ? n : 1) * sizeof *paths);
  const tc_store_info **infos = malloc((n ? n : 1) * sizeof *infos);
  tc_status s = paths && infos ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "events: out of memory");
  if (s != TC_OK)
    goto cleanup;
  for (size_t i = 0; i < n; i++) {
    paths[i] = tc_store_path(stores[i]);
    infos[i] = tc_store_get_info(stores[i]);
  }
  /* pass 2 (the coverage) reads the stores as pass 1 did, through one timeline */
  if ((s = tc_multi_source_create(stores, n, tc_params_threads(p), &m, err)) != TC_OK)
    goto cleanup;
  tc_bucket_source s2 = tc_multi_source_get(m);
  if ((s = tc_events_finish(ev, o->pass2 ? o->pass2 : &s2, enc, l, st, err)) != TC_OK)
    goto cleanup;
  if (o->filter) /* after the dark rule has seen every encounter */
    tc_link_filter_events(o->filter, l);
  if ((s = tc_event_places_load_fed(stores, n, o->ports, o->nports, o->anchorages, o->feed, &places, err)) != TC_OK)
    goto cleanup;
  if (places && (s = tc_event_places_compute(places, o->port_radius_m, l, &ep, err)) != TC_OK)
    goto cleanup;
  *nplaces = places ? tc_places_count(places) : 0;
  tc_events_sidecar side = {o->argc, o->argv, paths, infos, n, p, e, o->dark_backend,
                            o->ports, o->nports, o->anchorages, *nplaces, o->port_radius_m, l, st,
                            enc ? enc->n : 0};
  if ((s = tc_events_sidecar_text(&side, &json, &jlen, err)) != TC_OK)
    goto cleanup;
  if (o->amend && !o->amend(o->amend_ctx, &json, &jlen)) {
    s = tc_fail(err, TC_ERR_NOMEM, "events sidecar: out of memory");
    goto cleanup;
  }
  s = tc_events_write(o->prefix, e->kinds, o->format, l, e->dark_dwell, places ? &ep : NULL, json, jlen, err);
cleanup:
  tc_multi_source_free(m);
  free(paths);
  free(infos);
  free(json);
  tc_event_places_free(&ep);
  tc_places_free(places);
  return s;
}

static tc_status feed_slice(void *ctx, const tc_columns *slice, tc_err *err) {
  return tc_anchorage_feed_slice(ctx, slice, err);
}

tc_status tc_events_anchorages_along(tc_events *ev, tc_multi_source *m, tc_store *const *stores, size_t n,
                                     tc_anchorage_feed **feed, tc_err *err) {
  TC_TRY(tc_anchorage_feed_create(stores, n, feed, err));
  tc_multi_source_also_read(m, TC_COL_SOG);
  tc_events_also(ev, feed_slice, *feed);
  return TC_OK;
}
