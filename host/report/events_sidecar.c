#include "host/report/events_sidecar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/sidecar.h"
#include "io/json.h"

#define I(v) json_integer((json_int_t)(v))

static json_t *params_json(const tc_params *p, const tc_event_params *e, int *bad) {
  json_t *o = json_object(), *kinds = json_array();
  if (!o || !kinds) {
    json_decref(o);
    json_decref(kinds);
    return NULL;
  }
  tc_sidecar_engine_params(o, p, bad);
  tc_json_set(o, "loiter_speed_kn", tc_json_real(e->loiter_speed_kn), bad);
  tc_json_set(o, "min_loiter", I(e->min_loiter), bad);
  tc_json_set(o, "min_gap", I(e->min_gap), bad);
  tc_json_set(o, "dark_min_gap", I(e->dark_min_gap), bad);
  tc_json_set(o, "dark_min_overlap", I(e->dark_min_overlap), bad);
  tc_json_set(o, "dark_max_speed_kn", tc_json_real(e->dark_max_speed_kn), bad);
  tc_json_set(o, "dark_dwell", I(e->dark_dwell), bad);
  tc_json_set(o, "coverage_radius_m", tc_json_real(e->coverage_radius_m), bad);
  tc_json_set(o, "coverage_window", I(e->coverage_window), bad);
  tc_json_set(o, "dark_min_coverage", tc_json_real(e->dark_min_coverage), bad);
  if (e->kinds & TC_EV_LOITER)
    tc_json_push(kinds, json_string("loitering"), bad);
  if (e->kinds & TC_EV_GAPS)
    tc_json_push(kinds, json_string("gaps"), bad);
  if (e->kinds & TC_EV_DARK)
    tc_json_push(kinds, json_string("dark"), bad);
  tc_json_set(o, "kinds", kinds, bad);
  return o;
}

static json_t *places_json(const tc_events_sidecar *in, int *bad) {
  json_t *o = json_object(), *ports = json_array();
  if (!o || !ports) {
    json_decref(o);
    json_decref(ports);
    return NULL;
  }
  for (size_t i = 0; i < in->nports; i++)
    tc_json_push(ports, tc_json_string(in->ports[i]), bad);
  tc_json_set(o, "ports", ports, bad);
  tc_json_set(o, "anchorages_from_store", json_boolean(in->anchorages), bad);
  tc_json_set(o, "count", I(in->nplaces), bad);
  tc_json_set(o, "port_radius_m", tc_json_real(in->port_radius_m), bad);
  return o;
}

static json_t *counts_json(const tc_events_sidecar *in, int *bad) {
  const tc_event_stats *st = in->st;
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_json_set(o, "fixes_read", I(st->fixes_read), bad);
  tc_json_set(o, "teleport_dropped", I(st->teleport_dropped), bad);
  tc_json_set(o, "grid_positions", I(st->grid_positions), bad);
  tc_json_set(o, "loitering", I(in->l->n_loiter), bad);
  tc_json_set(o, "gaps", I(in->l->n_gaps), bad);
  tc_json_set(o, "dark_gaps", I(st->dark_gaps), bad);
  tc_json_set(o, "dark_overlapping_pairs", I(st->dark_overlaps), bad);
  tc_json_set(o, "dark_reach_pairs", I(st->dark_boxes), bad);
  tc_json_set(o, "dark_covered_pairs", I(st->dark_covered), bad);
  tc_json_set(o, "dark_maximised_pairs", I(st->dark_maximised), bad);
  tc_json_set(o, "encounters", I(in->encounters), bad);
  tc_json_set(o, "dark_left_as_encounters", I(st->dark_encounters), bad);
  tc_json_set(o, "dark", I(in->l->n_dark), bad);
  return o;
}

static json_t *seconds_json(const tc_event_stats *st, int *bad) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_json_set(o, "pass1", tc_json_fixed(st->t_pass1, 3), bad);
  tc_json_set(o, "pass2", tc_json_fixed(st->t_pass2, 3), bad);
  tc_json_set(o, "dark", tc_json_fixed(st->t_dark, 3), bad);
  return o;
}

tc_status tc_events_sidecar_text(const tc_events_sidecar *in, char **text, size_t *len, tc_err *err) {
  *text = NULL;
  *len = 0;
  int bad = 0;
  json_t *o = tc_sidecar_head(in->argc, in->argv, &bad);
  if (!o)
    return tc_fail(err, TC_ERR_NOMEM, "events sidecar: out of memory");
  tc_json_set(o, "input", tc_sidecar_input(in->store_paths, in->infos, in->nstores, &bad), &bad);
  tc_json_set(o, "parameters", params_json(in->p, in->e, &bad), &bad);
  tc_json_set(o, "dark_backend", tc_json_string(in->dark_backend), &bad);
  tc_json_set(o, "places", places_json(in, &bad), &bad);
  tc_json_set(o, "counts", counts_json(in, &bad), &bad);
  tc_json_set(o, "seconds", seconds_json(in->st, &bad), &bad);
  return tc_sidecar_dump(o, bad, "events sidecar", text, len, err);
}
