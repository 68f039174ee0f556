/* Analyst output for the encounters and report commands: the options that annotate,
 * filter, rank and format an encounter list, and one call that writes it.
 *
 *   tc_output *o; tc_output_create(&o);
 *   after parsing:          tc_output_configure(o, &opts, requested, &err)
 *   once the store is open: tc_output_use_store(o, store, &err)
 *   after the engine:      if (tc_output_wanted(o, path)) tc_output_write(path, NULL, &list, o, &err);
 *                          fprintf(stderr, "%s\n", tc_output_summary(o));
 *   tc_output_free(o);
 *
 * tc_output_write opens nothing that the options did not ask for except the store
 * (given with tc_output_use_store, for static data, gaps and tracks) and the
 * installed coastline. docs/outputs.md, docs/ranking.md. */
#ifndef TC_OUTPUT_H
#define TC_OUTPUT_H

#include "host/engine/encounter.h"
#include "host/report/annotate.h"
#include "host/report/candidates.h"
#include "io/status.h"
#include "io/store.h"

typedef struct tc_output tc_output;

tc_status tc_output_create(tc_output **out);
void tc_output_free(tc_output *o);

/* What the analyst outputs are asked for (host/cli/specs.c fills it from the command
 * line; docs/outputs.md):
 *   format      csv|geojson|kml|hdf5|gpkg|fgb|shp (or GDAL's driver names, writers.h);
 *               NULL: from the file name, else CSV
 *   tracks      both vessels' tracks in GeoJSON, KML, HDF5; track_margin around them
 *   area        GeoJSON polygons to keep encounters inside
 *   watchlist   keep encounters with a listed MMSI or IMO (watch_flag: keep all, tag them)
 *   flags, ship_types  lists (each item comma-separated too) for --flag, --ship-type
 *   bbox        minlon,minlat,maxlon,maxlat; match_both: both vessels must match
 *               (host/report/select.h)
 *   ports       ports or anchorages CSV files (name,lat,lon); the array must outlive o
 *   port_radius near_port within this many metres of a place (default 4000)
 *   exclude_port_radius  drop encounters within this many metres of a place (0: none)
 *   coast       auto (installed GSHHG), none, a GSHHG .nc or GeoJSON land polygons
 *   no_anchorages  no anchorages from the store (without it and without ports, they
 *               are found, and cached beside the store, by tc_anchorages_for_store)
 *   gap_min     AIS gap length that counts, seconds (default 12h)
 *   sort_score  rank by score instead of the spec's time order
 *   no_events   the commands compute no events for the ranking (tc_output_events_wanted) */
typedef struct {
  const char *format, *area, *watchlist, *coast;
  const char *const *ports;
  size_t nports;
  const char *const *flags, *const *ship_types, *bbox;
  size_t nflags, nship_types;
  int match_both, watch_flag;
  int tracks, sort_score, no_anchorages, no_events;
  int64_t track_margin, gap_min;
  double port_radius, exclude_port_radius;
} tc_output_opts;

void tc_output_opts_default(tc_output_opts *p);
/* Takes the options (checking the format name and the selection's values: TC_ERR_ARG
 * naming the option and the rule broken); requested: the user asked for an
 * analyst output (any of these options given), so tc_output_wanted holds for any path. */
tc_status tc_output_configure(tc_output *o, const tc_output_opts *p, int requested, tc_err *err);

/* Settings a command may change after tc_output_configure. */
void tc_output_set_tracks(tc_output *o, int on, size_t limit);
/* Told how reading the tracks goes (rows done of total); NULL for nothing. */
void tc_output_set_progress(tc_output *o, tc_track_progress fn, void *user);
/* Whether the command should compute the store's events for the ranking (no
 * --no-events), and the least gap they report (--gap-min). */
int tc_output_events_wanted(const tc_output *o);
int64_t tc_output_gap_min(const tc_output *o);
/* The store's events (spec events §4; the list must outlive o): tc_output_prepare links
 * them to the candidates, flags those at the places, and scores them (docs/ranking.md). */
void tc_output_set_events(tc_output *o, const tc_event_lists *events);
/* Adds places (anchorages found in the data); o takes ownership. */
void tc_output_add_places(tc_output *o, tc_places *owned);
/* Anchorages found in the store (after tc_output_prepare), -1 when not looked for;
 * *cached (may be NULL): whether they came from the cache. */
long tc_output_anchorages(const tc_output *o, int *cached);
/* The files the options name for reading (--area, --watchlist, --ports, --coast FILE),
 * at most cap of them into v; returns how many (so outputs can be checked against
 * them, io/outpath.h). */
size_t tc_output_inputs(const tc_output *o, const char **v, size_t cap);
/* 1 with its name in buf when writing path would also write a tracks file beside it
 * (NAME.tracks.geojson, .fgb or .shp: GeoJSON, FlatGeobuf or Shapefile with tracks
 * asked for), so it can be checked against the inputs too; 0 otherwise. */
int tc_output_tracks_path(const tc_output *o, const char *path, char *buf, size_t cap);
/* Whether the user gave --ports. */
int tc_output_has_ports(const tc_output *o);
/* The shoreline loaded (after tc_output_prepare), NULL when none. */
const tc_coast *tc_output_coast(const tc_output *o);

/* Uses the store for static data (flag, name, type as of the encounter), AIS gaps
 * and tracks. The store must outlive o. */
tc_status tc_output_use_store(tc_output *o, tc_store *store, tc_err *err);
/* The same from several stores read as one timeline, in time order (tracks_multi.h);
 * the anchorages are those of all their fixes together (anchorage_store.h). */
tc_status tc_output_use_stores(tc_output *o, tc_store *const *stores, size_t n, tc_err *err);

/* Annotates, filters, ranks and sorts list into o's candidates (loading the files the
 * options named on first use). */
tc_status tc_output_prepare(tc_output *o, const tc_encounter_list *list, tc_err *err);
/* Prepares (when not yet) and writes path atomically; "-" writes CSV, GeoJSON or KML
 * to standard output (as io/encounters_csv.h does). format NULL: --format, else the
 * extension, else CSV. */
tc_status tc_output_write(const char *path, const char *format, const tc_encounter_list *list,
                          tc_output *o, tc_err *err);

/* TC_OK when tc_output_write can write path (its --format or extension is known, and
 * GDAL loads when the format needs it; names without an extension are CSV; "-" takes
 * CSV, GeoJSON and KML): for a check before the work. */
tc_status tc_output_check_path(const tc_output *o, const char *path, tc_err *err);

const tc_candidates *tc_output_candidates(const tc_output *o);
/* One line for the user: counts written and dropped, and degraded features. */
const char *tc_output_summary(const tc_output *o);
/* Whether any option was given (a caller may keep its plain CSV writer otherwise). */
int tc_output_requested(const tc_output *o);
/* Whether these writers should write path: an option was given, or the name ends in
 * .geojson, .json, .kml, .h5, .hdf5, .gpkg, .fgb or .shp. */
int tc_output_wanted(const tc_output *o, const char *path);
/* The annotation options (for callers that build candidates themselves). */
tc_annotate_opts *tc_output_annotate_opts(tc_output *o);

#endif
