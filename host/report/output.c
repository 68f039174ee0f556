#include "host/report/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/anchorage_store.h"
#include "host/report/evlinks.h"
#include "host/report/select.h"
#include "host/report/tracks_multi.h"
#include "host/report/tracks_store.h"
#include "host/report/writers.h"

struct tc_output {
  const char *format, *area_path, *watch_path, *coast_spec;
  const char *const *port_paths;
  size_t nports;
  int tracks, sort_score, requested, loaded, prepared;
  int no_anchorages, anch_cached, no_events;
  long nanch;      /* anchorages found in the store(s); -1 when not looked for */
  tc_store *store; /* given with tc_output_use_store */
  tc_store *const *stores; /* or these, with tc_output_use_stores (nstores >= 2) */
  size_t nstores;
  size_t track_limit;
  tc_places *extra; /* owned: anchorages added by the caller */
  int64_t track_margin, gap_min;
  double port_radius, exclude_radius;
  tc_polyset *area;
  tc_watchlist *watch;
  int watch_flag;     /* --watchlist-mode flag: tag and score, drop nothing */
  tc_select *select;  /* --flag, --ship-type, --bbox; NULL when none */
  tc_places *places;
  tc_coast *coast;
  tc_vessel_index *vessels;
  tc_store_tracks st;
  tc_stores_tracks *mst; /* several stores (tracks_multi.h) */
  tc_track_source src;
  int have_src;
  tc_annotate_opts ao;
  tc_track_progress progress;
  void *progress_user;
  tc_candidates cand;
  const tc_event_lists *events; /* tc_output_set_events */
  tc_evlink_index *evix;
  tc_event_places evp;
  size_t n_in;
  char coast_note[256];
  char summary[1024];
};

tc_status tc_output_create(tc_output **out) {
  tc_output *o = calloc(1, sizeof *o);
  *out = o;
  if (!o)
    return TC_ERR_NOMEM;
  o->coast_spec = "auto";
  o->track_margin = 3 * 3600;
  o->gap_min = 43200;
  o->port_radius = 4000;
  o->nanch = -1;
  tc_columns_init(&o->st.tmp);
  tc_candidates_init(&o->cand);
  return TC_OK;
}

void tc_output_free(tc_output *o) {
  if (!o)
    return;
  tc_polyset_free(o->area);
  tc_watchlist_free(o->watch);
  tc_select_free(o->select);
  tc_places_free(o->places);
  tc_places_free(o->extra);
  tc_coast_free(o->coast);
  tc_vessel_index_free(o->vessels);
  tc_store_tracks_free(&o->st);
  tc_stores_tracks_free(o->mst);
  tc_candidates_free(&o->cand);
  tc_evlink_index_free(o->evix);
  tc_event_places_free(&o->evp);
  free(o);
}

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcasecmp(s + n - m, suf);
}

void tc_output_opts_default(tc_output_opts *p) {
  memset(p, 0, sizeof *p);
  p->coast = "auto";
  p->track_margin = 3 * 3600;
  p->gap_min = 43200;
  p->port_radius = 4000;
}

/* --flag, --ship-type, --bbox, --match into o->select, checked now, before any work. */
static tc_status configure_select(tc_output *o, const tc_output_opts *p, tc_err *err) {
  tc_select_free(o->select);
  o->select = NULL;
  /* an option that would change nothing is refused rather than ignored */
  if (p->watch_flag && !p->watchlist)
    return tc_fail(err, TC_ERR_ARG, "--watchlist-mode flag: no --watchlist given to flag with");
  return tc_select_from_options(p->flags, p->nflags, p->ship_types, p->nship_types, p->bbox, p->match_both,
                                &o->select, err);
}

tc_status tc_output_configure(tc_output *o, const tc_output_opts *p, int requested, tc_err *err) {
  if (p->format) {
    tc_format f;
    TC_TRY(tc_format_parse(p->format, NULL, &f, err));
  }
  if (p->track_margin < 0 || p->gap_min < 0 || !(p->port_radius >= 0) || !(p->exclude_port_radius >= 0))
    return tc_fail(err, TC_ERR_ARG, "output options: durations and radii must not be negative");
  TC_TRY(configure_select(o, p, err));
  o->watch_flag = p->watch_flag;
  o->format = p->format;
  o->area_path = p->area;
  o->watch_path = p->watchlist;
  o->coast_spec = p->coast ? p->coast : "auto";
  o->port_paths = p->ports;
  o->nports = p->nports;
  o->tracks = p->tracks;
  o->sort_score = p->sort_score;
  o->no_anchorages = p->no_anchorages;
  o->no_events = p->no_events;
  o->track_margin = p->track_margin;
  o->gap_min = p->gap_min;
  o->port_radius = p->port_radius;
  o->exclude_radius = p->exclude_port_radius;
  o->requested = requested;
  return TC_OK;
}

size_t tc_output_inputs(const tc_output *o, const char **v, size_t cap) {
  size_t n = 0;
  if (o->area_path && n < cap)
    v[n++] = o->area_path;
  if (o->watch_path && n < cap)
    v[n++] = o->watch_path;
  for (size_t i = 0; i < o->nports && n < cap; i++)
    v[n++] = o->port_paths[i];
  if (strcmp(o->coast_spec, "auto") && strcmp(o->coast_spec, "none") && n < cap)
    v[n++] = o->coast_spec;
  return n;
}

int tc_output_tracks_path(const tc_output *o, const char *path, char *buf, size_t cap) {
  tc_format fmt;
  tc_err err = {0};
  if (!o->tracks || !strcmp(path, "-") || tc_format_parse(o->format, path, &fmt, &err) != TC_OK)
    return 0;
  return fmt == TC_FMT_GEOJSON ? tc_geojson_tracks_path(path, buf, cap) : tc_gdal_tracks_path(path, fmt, buf, cap);
}

int tc_output_wanted(const tc_output *o, const char *path) {
  static const char *const ext[] = {".geojson", ".json", ".kml", ".h5", ".hdf5", ".gpkg", ".fgb", ".shp", NULL};
  if (o->requested)
    return 1;
  for (const char *const *e = ext; path && *e; e++)
    if (ends_with(path, *e))
      return 1;
  return 0;
}

int tc_output_requested(const tc_output *o) { return o->requested; }
const tc_candidates *tc_output_candidates(const tc_output *o) { return &o->cand; }
const char *tc_output_summary(const tc_output *o) { return o->summary; }
tc_annotate_opts *tc_output_annotate_opts(tc_output *o) { return &o->ao; }

void tc_output_set_tracks(tc_output *o, int on, size_t limit) {
  o->tracks = on;
  o->track_limit = limit;
}
void tc_output_set_progress(tc_output *o, tc_track_progress fn, void *user) {
  o->progress = fn;
  o->progress_user = user;
}
int tc_output_has_ports(const tc_output *o) { return o->nports > 0; }
const tc_coast *tc_output_coast(const tc_output *o) { return o->coast; }
void tc_output_set_events(tc_output *o, const tc_event_lists *events) { o->events = events; }
int tc_output_events_wanted(const tc_output *o) { return !o->no_events; }
int64_t tc_output_gap_min(const tc_output *o) { return o->gap_min; }
void tc_output_add_places(tc_output *o, tc_places *owned) {
  tc_places_free(o->extra);
  o->extra = owned;
}

tc_status tc_output_use_store(tc_output *o, tc_store *store, tc_err *err) {
  tc_vessel_index_free(o->vessels);
  o->vessels = NULL;
  TC_TRY(tc_vessel_index_from_store(store, &o->vessels, err));
  o->store = store;
  o->stores = NULL;
  o->nstores = 0;
  o->src = tc_track_source_store(&o->st, store);
  o->have_src = 1;
  return TC_OK;
}

tc_status tc_output_use_stores(tc_output *o, tc_store *const *stores, size_t n, tc_err *err) {
  if (n == 1)
    return tc_output_use_store(o, stores[0], err);
  tc_vessel_index_free(o->vessels);
  o->vessels = NULL;
  tc_stores_tracks_free(o->mst);
  o->mst = NULL;
  o->have_src = 0;
  o->store = NULL;
  o->stores = stores;
  o->nstores = n;
  TC_TRY(tc_vessel_index_from_stores(stores, n, &o->vessels, err));
  TC_TRY(tc_stores_tracks_create(stores, n, &o->mst, err));
  o->src = tc_stores_tracks_source(o->mst);
  o->have_src = 1;
  return TC_OK;
}

long tc_output_anchorages(const tc_output *o, int *cached) {
  if (cached)
    *cached = o->anch_cached;
  return o->nanch;
}

static tc_status load(tc_output *o, tc_err *err) {
  if (o->loaded)
    return TC_OK;
  /* Every command that ranks finds the same anchorages in the same stores, so it gives
   * the same scores: from the cache beside the store (the first of several) when
   * current. Several stores' anchorages are those of all their fixes together, as one
   * store holding them all would give. */
  if ((o->store || o->nstores) && !o->nports && !o->extra && !o->no_anchorages) {
    tc_places *found;
    tc_store *const *set = o->store ? &o->store : o->stores;
    size_t nset = o->store ? 1 : o->nstores;
    TC_TRY(tc_anchorages_for_stores(set, nset, &found, &o->anch_cached, o->progress, o->progress_user, err));
    o->extra = found;
    o->nanch = (long)tc_places_count(found);
  }
  if (o->area_path)
    TC_TRY(tc_polyset_load(o->area_path, &o->area, err));
  if (o->watch_path)
    TC_TRY(tc_watchlist_load(o->watch_path, &o->watch, err));
  if (o->nports || o->extra) {
    if (tc_places_create(&o->places) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < o->nports; i++)
      TC_TRY(tc_places_load(o->places, o->port_paths[i], err));
    for (size_t i = 0; o->extra && i < tc_places_count(o->extra); i++)
      if (tc_places_add(o->places, tc_places_get(o->extra, i)) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  }
  if (!strcmp(o->coast_spec, "auto")) {
    char path[1024];
    if (tc_coast_find_gshhg('i', path, sizeof path) == TC_OK)
      TC_TRY(tc_coast_load_gshhg(path, &o->coast, err));
    else
      snprintf(o->coast_note, sizeof o->coast_note,
               "no coastline data installed: shore distances left empty (apt-get install gmt-gshhg-low)");
  } else if (strcmp(o->coast_spec, "none")) {
    if (ends_with(o->coast_spec, ".nc"))
      TC_TRY(tc_coast_load_gshhg(o->coast_spec, &o->coast, err));
    else
      TC_TRY(tc_coast_load_geojson(o->coast_spec, &o->coast, err));
  }
  o->loaded = 1;
  return TC_OK;
}

tc_status tc_output_prepare(tc_output *o, const tc_encounter_list *list, tc_err *err) {
  TC_TRY(load(o, err));
  tc_candidates_free(&o->cand);
  TC_TRY(tc_candidates_from_list(&o->cand, list) == TC_OK ? TC_OK
                                                            : tc_fail(err, TC_ERR_NOMEM, "out of memory"));
  o->n_in = list->n;
  tc_annotate_opts *a = &o->ao;
  tc_annotate_defaults(a);
  a->vessels = o->vessels;
  a->coast = o->coast;
  a->places = o->places;
  a->port_radius_m = o->port_radius;
  a->exclude_port_radius_m = o->exclude_radius;
  a->area = o->area;
  a->watch = o->watch;
  a->watch_flag_only = o->watch_flag;
  a->select = o->select;
  a->tracks = o->have_src ? &o->src : NULL;
  a->load_tracks = o->tracks;
  a->track_limit = o->track_limit;
  a->track_margin_s = o->track_margin;
  a->gap_min_s = o->gap_min;
  a->sort_by_score = o->sort_score;
  a->progress = o->progress;
  a->progress_user = o->progress_user;
  if (o->events) { /* flagged at the same places as the encounters, within the same radius */
    tc_evlink_index_free(o->evix);
    o->evix = NULL;
    tc_event_places_free(&o->evp);
    TC_TRY(tc_evlink_index_create(o->events, &o->evix, err));
    if (o->places)
      TC_TRY(tc_event_places_compute(o->places, o->port_radius, o->events, &o->evp, err));
    a->events = o->evix;
    a->ev_places = o->places ? &o->evp : NULL;
  }
  if (o->coast_note[0])
    snprintf(o->cand.note, sizeof o->cand.note, "%s", o->coast_note);
  TC_TRY(tc_annotate(&o->cand, a, err));
  if (o->tracks && !o->have_src)
    snprintf(o->cand.note + strlen(o->cand.note), sizeof o->cand.note - strlen(o->cand.note),
             "; no store given: tracks omitted");
  o->prepared = 1;
  char anch[96] = "";
  if (o->nanch >= 0)
    snprintf(anch, sizeof anch, "; %ld anchorages found in the store%s%s", o->nanch, o->nstores ? "s" : "",
             o->anch_cached ? " (cached)" : "");
  char evs[160] = "";
  if (o->events) {
    size_t lg = 0, ll = 0, ld = 0;
    for (size_t i = 0; i < o->cand.n; i++) {
      lg += o->cand.v[i].n_gaps;
      ll += o->cand.v[i].n_loiter;
      ld += o->cand.v[i].n_dark;
    }
    snprintf(evs, sizeof evs, "; events linked: %zu gaps, %zu loitering, %zu dark rendezvous", lg, ll, ld);
  }
  snprintf(o->summary, sizeof o->summary, "%zu of %zu encounters kept%s%s%s%s", o->cand.n, o->n_in, anch, evs,
           o->coast_note[0] ? "; " : "", o->coast_note);
  return TC_OK;
}

tc_status tc_output_check_path(const tc_output *o, const char *path, tc_err *err) {
  tc_format fmt;
  int out = !strcmp(path, "-");
  TC_TRY(tc_format_parse(o->format, out ? NULL : path, &fmt, err));
  if (out && (fmt == TC_FMT_HDF5 || tc_format_is_gdal(fmt)))
    return tc_fail(err, TC_ERR_ARG, "%s output needs a file name, not '-'", tc_format_title(fmt));
  return TC_OK;
}

tc_status tc_output_write(const char *path, const char *format, const tc_encounter_list *list, tc_output *o,
                          tc_err *err) {
  tc_format fmt;
  int out = !strcmp(path, "-");
  TC_TRY(tc_format_parse(format ? format : o->format, out ? NULL : path, &fmt, err));
  if (!o->prepared)
    TC_TRY(tc_output_prepare(o, list, err));
  if (out) {
    if (fmt == TC_FMT_HDF5 || tc_format_is_gdal(fmt))
      return tc_fail(err, TC_ERR_ARG, "%s output needs a file name, not '-'", tc_format_title(fmt));
    if (fmt == TC_FMT_GEOJSON && o->cand.track_a)
      return tc_fail(err, TC_ERR_ARG, "GeoJSON tracks go to NAME.tracks.geojson beside the encounters: "
                                      "give a file name, not '-'");
    TC_TRY(fmt == TC_FMT_GEOJSON ? tc_write_geojson(stdout, &o->cand, err)
           : fmt == TC_FMT_KML   ? tc_write_kml(stdout, &o->cand, err)
                                 : tc_write_csv(stdout, &o->cand, err));
    path = "standard output";
  } else {
    TC_TRY(tc_candidates_write(path, fmt, &o->cand, err));
    char tp[4096];
    if (o->cand.track_a && (fmt == TC_FMT_GEOJSON ? tc_geojson_tracks_path(path, tp, sizeof tp)
                                                  : tc_gdal_tracks_path(path, fmt, tp, sizeof tp))) {
      size_t n = strlen(o->summary);
      snprintf(o->summary + n, sizeof o->summary - n, "; tracks written to %s", tp);
    }
  }
  size_t n = strlen(o->summary);
  snprintf(o->summary + n, sizeof o->summary - n, "; %s written to %s", tc_format_name(fmt), path);
  return TC_OK;
}
