#include "host/report/output.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/anchorage_store.h"
#include "host/report/tracks_store.h"
#include "host/report/writers.h"

#define MAX_PORT_FILES 16

struct tc_output {
  const char *format, *area_path, *watch_path, *coast_spec;
  const char *port_paths[MAX_PORT_FILES];
  int nports, tracks, sort_score, requested, loaded, prepared;
  int no_anchorages, anch_cached;
  long nanch;      /* anchorages found in the store; -1 when not looked for */
  tc_store *store; /* given with tc_output_use_store */
  size_t track_limit;
  tc_places *extra; /* owned: anchorages added by the caller */
  int64_t track_margin, gap_min;
  double port_radius, exclude_radius;
  tc_polyset *area;
  tc_watchlist *watch;
  tc_places *places;
  tc_coast *coast;
  tc_vessel_index *vessels;
  tc_store_tracks st;
  tc_track_source src;
  int have_src;
  tc_annotate_opts ao;
  tc_track_progress progress;
  void *progress_user;
  tc_candidates cand;
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
  tc_places_free(o->places);
  tc_places_free(o->extra);
  tc_coast_free(o->coast);
  tc_vessel_index_free(o->vessels);
  tc_store_tracks_free(&o->st);
  tc_candidates_free(&o->cand);
  free(o);
}

/* "600", "600s", "10m", "2h", "1d". */
static int duration(const char *s, int64_t *out) {
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (e == s || errno || !isfinite(v) || v < 0)
    return 0;
  double mul = 1;
  if (*e == 's') mul = 1, e++;
  else if (*e == 'm') mul = 60, e++;
  else if (*e == 'h') mul = 3600, e++;
  else if (*e == 'd') mul = 86400, e++;
  if (*e)
    return 0;
  *out = (int64_t)llround(v * mul);
  return 1;
}

static int metres(const char *s, double *out) {
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (e == s || errno || !isfinite(v) || v < 0)
    return 0;
  if (!strcmp(e, "km"))
    v *= 1000, e += 2;
  else if (!strcmp(e, "m"))
    e++;
  if (*e)
    return 0;
  *out = v;
  return 1;
}

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcasecmp(s + n - m, suf);
}

int tc_output_option(tc_output *o, int argc, char **argv, int *i, tc_err *err) {
  const char *a = argv[*i];
  if (!strcmp(a, "--tracks")) {
    o->tracks = o->requested = 1;
    return 1;
  }
  if (!strcmp(a, "--no-anchorages")) {
    o->no_anchorages = o->requested = 1;
    return 1;
  }
  static const char *const with_value[] = {"--format", "--track-margin", "--area", "--watchlist", "--ports",
                                           "--port-radius", "--exclude-port-radius", "--coast", "--gap-min",
                                           "--sort", NULL};
  int known = 0;
  for (const char *const *w = with_value; *w; w++)
    known |= !strcmp(a, *w);
  if (!known)
    return 0;
  if (*i + 1 >= argc) {
    tc_fail(err, TC_ERR_ARG, "%s needs a value", a);
    return -1;
  }
  const char *v = argv[++*i];
  o->requested = 1;
  if (!strcmp(a, "--format")) {
    tc_format f;
    if (tc_format_parse(v, NULL, &f, err) != TC_OK)
      return -1;
    o->format = v;
  } else if (!strcmp(a, "--track-margin") || !strcmp(a, "--gap-min")) {
    int64_t d;
    if (!duration(v, &d)) {
      tc_fail(err, TC_ERR_ARG, "%s: '%s' is not a duration (600, 10m, 2h, 1d)", a, v);
      return -1;
    }
    if (a[2] == 't')
      o->track_margin = d;
    else
      o->gap_min = d;
  } else if (!strcmp(a, "--area")) {
    o->area_path = v;
  } else if (!strcmp(a, "--watchlist")) {
    o->watch_path = v;
  } else if (!strcmp(a, "--ports")) {
    if (o->nports == MAX_PORT_FILES) {
      tc_fail(err, TC_ERR_ARG, "--ports: at most %d files", MAX_PORT_FILES);
      return -1;
    }
    o->port_paths[o->nports++] = v;
  } else if (!strcmp(a, "--port-radius") || !strcmp(a, "--exclude-port-radius")) {
    double m;
    if (!metres(v, &m)) {
      tc_fail(err, TC_ERR_ARG, "%s: '%s' is not a distance in metres (4000, 4km)", a, v);
      return -1;
    }
    if (a[2] == 'p')
      o->port_radius = m;
    else
      o->exclude_radius = m;
  } else if (!strcmp(a, "--coast")) {
    o->coast_spec = v;
  } else { /* --sort */
    if (strcmp(v, "score") && strcmp(v, "time")) {
      tc_fail(err, TC_ERR_ARG, "--sort: '%s' is not 'score' or 'time'", v);
      return -1;
    }
    o->sort_score = !strcmp(v, "score");
  }
  return 1;
}

tc_status tc_output_extract(tc_output *o, int *argc, char **argv, tc_err *err) {
  int w = 1;
  for (int i = 1; i < *argc; i++) {
    if (!strcmp(argv[i], "--")) { /* the rest is positional */
      while (i < *argc)
        argv[w++] = argv[i++];
      break;
    }
    char *eq = !strncmp(argv[i], "--", 2) ? strchr(argv[i], '=') : NULL;
    if (eq) { /* "--opt=value": try it as two arguments */
      char name[64];
      size_t n = (size_t)(eq - argv[i]);
      if (n < sizeof name) {
        memcpy(name, argv[i], n);
        name[n] = '\0';
        char *pair[2] = {name, eq + 1};
        int j = 0, r = tc_output_option(o, 2, pair, &j, err);
        if (r < 0)
          return TC_ERR_ARG;
        if (r > 0 && j == 1)
          continue;
        if (r > 0)
          return tc_fail(err, TC_ERR_ARG, "%s takes no value", name);
      }
      argv[w++] = argv[i];
      continue;
    }
    int r = tc_output_option(o, *argc, argv, &i, err);
    if (r < 0)
      return TC_ERR_ARG;
    if (r == 0)
      argv[w++] = argv[i];
  }
  *argc = w;
  argv[w] = NULL;
  return TC_OK;
}

int tc_output_wanted(const tc_output *o, const char *path) {
  static const char *const ext[] = {".geojson", ".json", ".kml", ".h5", ".hdf5", NULL};
  if (o->requested)
    return 1;
  for (const char *const *e = ext; path && *e; e++)
    if (ends_with(path, *e))
      return 1;
  return 0;
}

const char *tc_output_help(void) {
  return "  --format FMT            csv, geojson, kml or hdf5 (default: from the file name)\n"
         "  --tracks                add both vessels' tracks (GeoJSON, KML, HDF5)\n"
         "  --track-margin DUR      track time before and after each encounter (default 3h)\n"
         "  --area FILE             keep encounters inside GeoJSON (Multi)Polygons\n"
         "  --watchlist FILE        keep encounters with a listed MMSI or IMO\n"
         "  --ports FILE            ports or anchorages CSV (name,lat,lon); repeatable\n"
         "  --port-radius M         flag encounters this close to a port (default 4000)\n"
         "  --exclude-port-radius M drop encounters this close to a port\n"
         "  --coast SPEC            auto (installed GSHHG), none, or a .nc / GeoJSON file\n"
         "  --no-anchorages         do not flag encounters at anchorages found in the store\n"
         "                          (found, and cached beside it, when no --ports is given)\n"
         "  --gap-min DUR           AIS gap that counts as going dark (default 12h)\n"
         "  --sort score|time       order of the list (default time)\n";
}

int tc_output_requested(const tc_output *o) { return o->requested; }
const tc_candidates *tc_output_candidates(const tc_output *o) { return &o->cand; }
const char *tc_output_summary(const tc_output *o) { return o->summary; }
tc_annotate_opts *tc_output_annotate_opts(tc_output *o) { return &o->ao; }

void tc_output_set_tracks(tc_output *o, int on, size_t limit) {
  o->tracks = on;
  o->track_limit = limit;
}
void tc_output_set_sort_score(tc_output *o, int on) { o->sort_score = on; }
void tc_output_set_progress(tc_output *o, tc_track_progress fn, void *user) {
  o->progress = fn;
  o->progress_user = user;
}
int tc_output_has_ports(const tc_output *o) { return o->nports > 0; }
const tc_coast *tc_output_coast(const tc_output *o) { return o->coast; }
void tc_output_add_places(tc_output *o, tc_places *owned) {
  tc_places_free(o->extra);
  o->extra = owned;
}

tc_status tc_output_use_store(tc_output *o, tc_store *store, tc_err *err) {
  tc_vessel_index_free(o->vessels);
  o->vessels = NULL;
  TC_TRY(tc_vessel_index_from_store(store, &o->vessels, err));
  o->store = store;
  o->src = tc_track_source_store(&o->st, store);
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
  /* Every command that ranks finds the same anchorages in the same store, so it gives
   * the same scores: from the cache beside the store when current. */
  if (o->store && !o->nports && !o->extra && !o->no_anchorages) {
    tc_places *found;
    TC_TRY(tc_anchorages_for_store(o->store, &found, &o->anch_cached, o->progress, o->progress_user, err));
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
    for (int i = 0; i < o->nports; i++)
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
  a->tracks = o->have_src ? &o->src : NULL;
  a->load_tracks = o->tracks;
  a->track_limit = o->track_limit;
  a->track_margin_s = o->track_margin;
  a->gap_min_s = o->gap_min;
  a->sort_by_score = o->sort_score;
  a->progress = o->progress;
  a->progress_user = o->progress_user;
  if (o->coast_note[0])
    snprintf(o->cand.note, sizeof o->cand.note, "%s", o->coast_note);
  TC_TRY(tc_annotate(&o->cand, a, err));
  if (o->tracks && !o->have_src)
    snprintf(o->cand.note + strlen(o->cand.note), sizeof o->cand.note - strlen(o->cand.note),
             "; no store given: tracks omitted");
  o->prepared = 1;
  char anch[96] = "";
  if (o->nanch >= 0)
    snprintf(anch, sizeof anch, "; %ld anchorages found in the store%s", o->nanch,
             o->anch_cached ? " (cached)" : "");
  snprintf(o->summary, sizeof o->summary, "%zu of %zu encounters kept%s%s%s", o->cand.n, o->n_in, anch,
           o->coast_note[0] ? "; " : "", o->coast_note);
  return TC_OK;
}

tc_status tc_output_check_path(const tc_output *o, const char *path, tc_err *err) {
  tc_format fmt;
  return tc_format_parse(o->format, strcmp(path, "-") ? path : NULL, &fmt, err);
}

tc_status tc_output_write(const char *path, const char *format, const tc_encounter_list *list, tc_output *o,
                          tc_err *err) {
  tc_format fmt;
  int out = !strcmp(path, "-");
  TC_TRY(tc_format_parse(format ? format : o->format, out ? NULL : path, &fmt, err));
  if (!o->prepared)
    TC_TRY(tc_output_prepare(o, list, err));
  if (out) {
    if (fmt == TC_FMT_HDF5)
      return tc_fail(err, TC_ERR_ARG, "HDF5 output needs a file name, not '-'");
    if (fmt == TC_FMT_GEOJSON && o->cand.track_a)
      return tc_fail(err, TC_ERR_ARG, "GeoJSON tracks go to NAME.tracks.geojson beside the encounters: "
                                      "give a file name, not '-'");
    TC_TRY(fmt == TC_FMT_GEOJSON ? tc_write_geojson(stdout, &o->cand, err)
           : fmt == TC_FMT_KML   ? tc_write_kml(stdout, &o->cand, err)
                                 : tc_write_csv(stdout, &o->cand, err));
    path = "standard output";
  } else {
    TC_TRY(tc_candidates_write(path, fmt, &o->cand, err));
    if (fmt == TC_FMT_GEOJSON && o->cand.track_a) {
      char tp[4096];
      tc_geojson_tracks_path(path, tp, sizeof tp);
      size_t n = strlen(o->summary);
      snprintf(o->summary + n, sizeof o->summary - n, "; tracks written to %s", tp);
    }
  }
  size_t n = strlen(o->summary);
  snprintf(o->summary + n, sizeof o->summary - n, "; %s written to %s", tc_format_name(fmt), path);
  return TC_OK;
}
