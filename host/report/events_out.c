#include "host/report/events_out.h"

#include <stdlib.h>
#include <string.h>

#include "host/engine/source.h"
#include "host/report/events_csv.h"
#include "host/report/events_places.h"
#include "host/report/events_sidecar.h"

tc_status tc_events_complete(tc_events *ev, tc_store *store, const tc_params *p, const tc_event_params *e,
                             const tc_encounter_list *enc, const tc_events_out *o, tc_event_lists *l,
                             tc_event_stats *st, size_t *nplaces, tc_err *err) {
  tc_places *places = NULL;
  tc_event_places ep;
  memset(&ep, 0, sizeof ep);
  char *json = NULL;
  size_t jlen = 0;
  *nplaces = 0;
  tc_store_source_ctx c2;
  tc_bucket_source s2 = tc_store_source(&c2, store);
  c2.threads = tc_params_threads(p);
  tc_status s = tc_events_finish(ev, &s2, enc, l, st, err);
  if (s != TC_OK)
    goto cleanup;
  if (o->filter) /* after the dark rule has seen every encounter */
    tc_link_filter_events(o->filter, l);
  if ((s = tc_event_places_load(store, o->ports, o->nports, o->anchorages, &places, err)) != TC_OK)
    goto cleanup;
  if (places && (s = tc_event_places_compute(places, o->port_radius_m, l, &ep, err)) != TC_OK)
    goto cleanup;
  *nplaces = places ? tc_places_count(places) : 0;
  tc_events_sidecar side = {o->argc, o->argv, o->store_path, tc_store_get_info(store), p, e, o->dark_backend,
                            o->ports, o->nports, o->anchorages, *nplaces, o->port_radius_m, l, st,
                            enc ? enc->n : 0};
  if ((s = tc_events_sidecar_text(&side, &json, &jlen, err)) != TC_OK)
    goto cleanup;
  s = tc_events_write(o->prefix, e->kinds, o->format, l, e->dark_dwell, places ? &ep : NULL, json, jlen, err);
cleanup:
  free(json);
  tc_event_places_free(&ep);
  tc_places_free(places);
  return s;
}
