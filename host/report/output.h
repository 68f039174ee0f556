/* Analyst output for the encounters and report commands: the options that annotate,
 * filter, rank and format an encounter list, and one call that writes it.
 *
 *   tc_output *o; tc_output_create(&o);
 *   before getopt:         tc_output_extract(o, &argc, argv, &err)   (removes its options)
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

/* Looks at argv[*i]; when it is one of the options below, consumes it and its value
 * (leaving *i on the value) and returns 1. Returns 0 for other arguments and -1 with
 * err set for a bad value. Options:
 *   --format csv|geojson|kml|hdf5   (default: from the -o extension, else CSV)
 *   --tracks  --track-margin DUR    both vessels' tracks in GeoJSON, KML, HDF5
 *   --area FILE.geojson             keep encounters inside the polygons
 *   --watchlist FILE                keep encounters with a listed MMSI or IMO
 *   --ports FILE.csv                ports or anchorages (repeatable)
 *   --port-radius M                 near_port within M of a place (default 4000)
 *   --exclude-port-radius M         drop encounters within M of a place
 *   --coast auto|none|FILE          shoreline: installed GSHHG, none, a GSHHG .nc or
 *                                   GeoJSON land polygons (default auto)
 *   --no-anchorages                 no anchorages from the store (found, and cached
 *                                   beside it, by tc_anchorages_for_store when no
 *                                   --ports is given and a store is used)
 *   --gap-min DUR                   AIS gap length that counts (default 12h)
 *   --sort score|time               (default time: spec order) */
int tc_output_option(tc_output *o, int argc, char **argv, int *i, tc_err *err);
/* Takes every output option (and its value; "--opt=value" too) out of argv, closing
 * the gaps and updating *argc, so the caller's own parser never sees them. Stops at
 * "--". TC_ERR_ARG for a bad or missing value. */
tc_status tc_output_extract(tc_output *o, int *argc, char **argv, tc_err *err);
/* The option lines for a command's --help. */
const char *tc_output_help(void);

/* Defaults a command may set before tc_output_extract (the user's options win). */
void tc_output_set_tracks(tc_output *o, int on, size_t limit);
void tc_output_set_sort_score(tc_output *o, int on);
/* Told how reading the tracks goes (rows done of total); NULL for nothing. */
void tc_output_set_progress(tc_output *o, tc_track_progress fn, void *user);
/* Adds places (anchorages found in the data); o takes ownership. */
void tc_output_add_places(tc_output *o, tc_places *owned);
/* Anchorages found in the store (after tc_output_prepare), -1 when not looked for;
 * *cached (may be NULL): whether they came from the cache. */
long tc_output_anchorages(const tc_output *o, int *cached);
/* Whether the user gave --ports. */
int tc_output_has_ports(const tc_output *o);
/* The shoreline loaded (after tc_output_prepare), NULL when none. */
const tc_coast *tc_output_coast(const tc_output *o);

/* Uses the store for static data (flag, name, type as of the encounter), AIS gaps
 * and tracks. The store must outlive o. */
tc_status tc_output_use_store(tc_output *o, tc_store *store, tc_err *err);

/* Annotates, filters, ranks and sorts list into o's candidates (loading the files the
 * options named on first use). */
tc_status tc_output_prepare(tc_output *o, const tc_encounter_list *list, tc_err *err);
/* Prepares (when not yet) and writes path atomically; "-" writes CSV, GeoJSON or KML
 * to standard output (as io/encounters_csv.h does). format NULL: --format, else the
 * extension, else CSV. */
tc_status tc_output_write(const char *path, const char *format, const tc_encounter_list *list,
                          tc_output *o, tc_err *err);

/* TC_OK when tc_output_write can write path (its --format or extension is known; "-"
 * and names without an extension are): for a check before the work. */
tc_status tc_output_check_path(const tc_output *o, const char *path, tc_err *err);

const tc_candidates *tc_output_candidates(const tc_output *o);
/* One line for the user: counts written and dropped, and degraded features. */
const char *tc_output_summary(const tc_output *o);
/* Whether any option was given (a caller may keep its plain CSV writer otherwise). */
int tc_output_requested(const tc_output *o);
/* Whether these writers should write path: an option was given, or the name ends in
 * .geojson, .json, .kml, .h5 or .hdf5. */
int tc_output_wanted(const tc_output *o, const char *path);
/* The annotation options (for callers that build candidates themselves). */
tc_annotate_opts *tc_output_annotate_opts(tc_output *o);

#endif
