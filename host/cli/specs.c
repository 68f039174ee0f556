/* The option tables of every command: the one place where an option's name, kind,
 * unit, default and help live (host/cli/opts.h; docs/cli.md). A bare number is in the
 * row's unit: metres for distances, knots for speeds, seconds for durations, except
 * where the row says otherwise (generate --days, bench --max-days: days). */
#include "host/cli/specs.h"

#include <stdint.h>
#include <string.h>

#include "bench/generate/lanes.h"
#include "bench/harness/suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define ARGS(type, member, nm) {.name = nm, .kind = TC_OPT_STRING, TC_AT(type, member)}

static const char exit_notes[] = "Exit status: 0 success, 1 failure, 2 bad usage.\n";

/* ---- the analyst output options (encounters, report) ------------------------------- */

/* The list file's format and tracks: encounters only (the report page is HTML and always
 * has tracks). */
#define OUTPUT_FILE_ROWS(T)                                                                                    \
  {.name = "format", .short_name = 'f', .kind = TC_OPT_STRING, TC_AT(T, out_opts.o.format), .metavar = "FMT", \
   .help = "output format: csv, geojson (json), kml, hdf5 (h5), gpkg, fgb or shp, or GDAL's driver name "      \
           "(GPKG, FlatGeobuf, 'ESRI Shapefile', ...)",                                                       \
   .deflt = "from the file name, else csv"},                                                                  \
  {.name = "tracks", .kind = TC_OPT_FLAG, TC_AT(T, out_opts.o.tracks),                                         \
   .help = "add both vessels' tracks (GeoJSON, KML, HDF5)"}

#define OUTPUT_ROWS(T)                                                                                         \
  {.name = "track-margin", .kind = TC_OPT_DURATION, TC_AT(T, out_opts.o.track_margin),                         \
   .help = "track time before and after each encounter"},                                                     \
  {.name = "area", .kind = TC_OPT_STRING, TC_AT(T, out_opts.o.area), .metavar = "FILE",                        \
   .help = "keep encounters inside GeoJSON (Multi)Polygons"},                                                 \
  {.name = "watchlist", .kind = TC_OPT_STRING, TC_AT(T, out_opts.o.watchlist), .metavar = "FILE",              \
   .help = "keep encounters with a listed MMSI or IMO (see --watchlist-mode)"},                               \
  {.name = "watchlist-mode", .kind = TC_OPT_ENUM, TC_AT(T, out_opts.o.watch_flag), .choices = "filter|flag",   \
   .help = "filter: keep only encounters with a listed vessel; flag: keep all, tag and score those"},         \
  {.name = "flag", .kind = TC_OPT_LIST, TC_AT(T, out_opts.flags), .metavar = "LIST",                           \
   .help = "keep encounters with a vessel of these flag states, from the MMSI's MID: ISO codes (PA), MIDs "    \
           "(538), ITU names (Panama) or unknown; comma-separated, repeatable"},                              \
  {.name = "ship-type", .kind = TC_OPT_LIST, TC_AT(T, out_opts.ship_types), .metavar = "LIST",                 \
   .help = "keep encounters with a vessel of these AIS ship types as of the start: codes (30), ranges "        \
           "(80-89), names (tanker, cargo, fishing, ...) or unknown; comma-separated, repeatable"},           \
  {.name = "match", .kind = TC_OPT_ENUM, TC_AT(T, out_opts.o.match_both), .choices = "either|both",            \
   .help = "--flag and --ship-type: either vessel of a pair must match, or both"},                            \
  {.name = "bbox", .kind = TC_OPT_STRING, TC_AT(T, out_opts.o.bbox), .metavar = "W,S,E,N",                     \
   .help = "keep encounters whose mean position is in this box: minlon,minlat,maxlon,maxlat in degrees "      \
           "(minlon > maxlon crosses the antimeridian)"},                                                     \
  {.name = "ports", .kind = TC_OPT_LIST, TC_AT(T, out_opts.ports), .metavar = "FILE",                          \
   .help = "ports or anchorages CSV (name,lat,lon); repeatable"},                                             \
  {.name = "port-radius", .kind = TC_OPT_DISTANCE, TC_AT(T, out_opts.o.port_radius), .unit = "m",              \
   .help = "flag encounters this close to a port"},                                                           \
  {.name = "exclude-port-radius", .kind = TC_OPT_DISTANCE, TC_AT(T, out_opts.o.exclude_port_radius),           \
   .unit = "m", .help = "drop encounters this close to a port", .deflt = "none"},                              \
  {.name = "coast", .kind = TC_OPT_STRING, TC_AT(T, out_opts.o.coast), .metavar = "SPEC",                      \
   .help = "auto (installed GSHHG), none, or a .nc / GeoJSON file"},                                          \
  {.name = "no-anchorages", .kind = TC_OPT_FLAG, TC_AT(T, out_opts.o.no_anchorages),                         \
   .help = "do not flag encounters at anchorages found in the store (found, and cached beside it as "         \
           "STORE.anchorages.csv, when no --ports is given; for several stores, in all of them, cached as "   \
           "FIRST.set-anchorages.csv)"},                                                                      \
  {.name = "gap-min", .kind = TC_OPT_DURATION, TC_AT(T, out_opts.o.gap_min),                                   \
   .help = "AIS gap that counts as going dark"},                                                              \
  {.name = "no-events", .kind = TC_OPT_FLAG, TC_AT(T, out_opts.o.no_events),                                   \
   .help = "rank without the store's events (gaps, loitering, dark rendezvous; docs/ranking.md)"},            \
  {.name = "sort", .kind = TC_OPT_ENUM, TC_AT(T, out_opts.o.sort_score), .choices = "time|score",              \
   .help = "order of the list: time (the spec's) or score (docs/ranking.md)"}

tc_output_opts tc_output_args_get(const tc_output_args *a) {
  tc_output_opts o = a->o;
  o.ports = a->ports.v;
  o.nports = a->ports.n;
  o.flags = a->flags.v;
  o.nflags = a->flags.n;
  o.ship_types = a->ship_types.v;
  o.nship_types = a->ship_types.n;
  return o;
}

/* ---- the spec parameters shared by encounters, events and network -------------------- */

/* spec/encounters.md: cleaning, grid and the encounter definition (P: the tc_params). */
#define ENCOUNTER_SPEC_ROWS(T, P)                                                                          \
  {.name = "slot", .kind = TC_OPT_DURATION, TC_AT(T, P.slot), .help = "grid step"},                       \
  {.name = "max-gap", .kind = TC_OPT_DURATION, TC_AT(T, P.max_gap), .help = "longest gap interpolated across"}, \
  {.name = "max-implied-speed", .kind = TC_OPT_SPEED, TC_AT(T, P.max_implied_speed_kn), .unit = "kn",       \
   .help = "teleport filter, 0 disables"},                                                                 \
  {.name = "dist", .kind = TC_OPT_DISTANCE, TC_AT(T, P.dist_m), .unit = "m", .help = "proximity threshold"}, \
  {.name = "merge-gap", .kind = TC_OPT_DURATION, TC_AT(T, P.merge_gap),                                    \
   .help = "runs this close in time are one encounter"},                                                  \
  {.name = "min-duration", .kind = TC_OPT_DURATION, TC_AT(T, P.min_duration), .help = "shortest encounter"}, \
  {.name = "max-speed", .kind = TC_OPT_SPEED, TC_AT(T, P.max_speed_kn), .unit = "kn",                      \
   .help = "both median speeds below this"}

/* spec/events.md: loitering and gaps (E: the tc_event_params). */
#define LOITER_GAP_SPEC_ROWS(T, E)                                                                         \
  {.name = "loiter-speed", .kind = TC_OPT_SPEED, TC_AT(T, E.loiter_speed_kn), .unit = "kn",                \
   .help = "slot speed below which a vessel is loitering"},                                               \
  {.name = "min-loiter", .kind = TC_OPT_DURATION, TC_AT(T, E.min_loiter), .help = "shortest loitering event"}, \
  {.name = "min-gap", .kind = TC_OPT_DURATION, TC_AT(T, E.min_gap), .help = "shortest AIS gap reported"}

/* spec/events.md: dark rendezvous and the coverage evidence. */
#define DARK_SPEC_ROWS(T, E)                                                                               \
  {.name = "dark-min-gap", .kind = TC_OPT_DURATION, TC_AT(T, E.dark_min_gap),                              \
   .help = "shortest gap that may hide a rendezvous"},                                                    \
  {.name = "dark-min-overlap", .kind = TC_OPT_DURATION, TC_AT(T, E.dark_min_overlap),                      \
   .help = "both vessels dark together at least this long"},                                              \
  {.name = "dark-max-speed", .kind = TC_OPT_SPEED, TC_AT(T, E.dark_max_speed_kn), .unit = "kn",            \
   .help = "fastest a dark vessel is assumed to move"},                                                   \
  {.name = "dark-dwell", .kind = TC_OPT_DURATION, TC_AT(T, E.dark_dwell),                                  \
   .help = "how long a hidden meeting must be able to last"},                                             \
  {.name = "coverage-radius", .kind = TC_OPT_DISTANCE, TC_AT(T, E.coverage_radius_m), .unit = "m",         \
   .help = "radius in which other vessels' fixes count as evidence of reception"},                        \
  {.name = "coverage-window", .kind = TC_OPT_DURATION, TC_AT(T, E.coverage_window),                        \
   .help = "time window of the coverage fraction"},                                                       \
  {.name = "dark-min-coverage", .kind = TC_OPT_DOUBLE, TC_AT(T, E.dark_min_coverage), .min = 0, .max = 1,  \
   .help = "least coverage fraction of each vessel of a dark rendezvous, 0 disables"}

/* Ports and anchorages of the events commands (T has ports, port_radius, no_anchorages). */
#define EVENT_PLACE_ROWS(T)                                                                                \
  {.name = "ports", .kind = TC_OPT_LIST, TC_AT(T, ports), .metavar = "FILE",                               \
   .help = "ports or anchorages CSV (name,lat,lon); repeatable"},                                         \
  {.name = "port-radius", .kind = TC_OPT_DISTANCE, TC_AT(T, port_radius), .unit = "m",                     \
   .help = "an event this close to a place's edge is at it"},                                             \
  {.name = "no-anchorages", .kind = TC_OPT_FLAG, TC_AT(T, no_anchorages),                                  \
   .help = "do not derive anchorages from STORE (with no --ports: no place columns)"}

/* The selection of events and network (host/report/select_links.h; T has flags,
 * ship_types, match_both, bbox, watchlist). */
#define LINK_SELECT_ROWS(T, WHAT, ONE)                                                                     \
  {.name = "flag", .kind = TC_OPT_LIST, TC_AT(T, flags), .metavar = "LIST",                                \
   .help = "only " WHAT " of vessels of these flag states (as encounters --flag)"},                        \
  {.name = "ship-type", .kind = TC_OPT_LIST, TC_AT(T, ship_types), .metavar = "LIST",                      \
   .help = "only " WHAT " of vessels of these AIS ship types (as encounters --ship-type)"},                \
  {.name = "match", .kind = TC_OPT_ENUM, TC_AT(T, match_both), .choices = "either|both",                   \
   .help = "--flag and --ship-type: either vessel of " ONE " must match, or both"},                        \
  {.name = "bbox", .kind = TC_OPT_STRING, TC_AT(T, bbox), .metavar = "W,S,E,N",                            \
   .help = "only " WHAT " placed in this box: minlon,minlat,maxlon,maxlat (docs/events.md)"},              \
  {.name = "watchlist", .kind = TC_OPT_STRING, TC_AT(T, watchlist), .metavar = "FILE",                     \
   .help = "only " WHAT " of listed vessels (MMSI or IMO, docs/outputs.md)"}

/* ---- import ------------------------------------------------------------------------ */

static void import_init(void *d) {
  tc_import_args *a = d;
  tc_import_opts_init(&a->o);
  a->ro.format = "auto";
  a->ro.time_base = INT64_MIN;
}

static const tc_opt import_args[] = {
    ARGS(tc_import_args, store, "STORE"),
    {.name = "FILE", .kind = TC_OPT_LIST, TC_AT(tc_import_args, files), .optional = 1},
};

static const tc_opt import_opts[] = {
    {.name = "bucket", .kind = TC_OPT_DURATION, TC_AT(tc_import_args, o.bucket_s), .min = 1, .max = 366 * 86400.0,
     .help = "bucket length of a new store (e.g. 1h, 6h, 1d, 7d)", .deflt = "the store's; 1d for a new one"},
    {.name = "deflate", .kind = TC_OPT_INT, TC_AT(tc_import_args, o.deflate_level), .min = 0, .max = 9,
     .help = "compression level of a new store, 0 (none) to 9", .deflt = "the store's; 1 for a new one"},
    {.name = "codec", .kind = TC_OPT_ENUM, TC_AT(tc_import_args, o.codec), .choices = "none|deflate|delta|pack",
     .metavar = "NAME", .help = "layout of a new (or --recode) store: pack (time and positions as "
     "differences, bit-packed; docs/format.md), delta (the same differences deflated), deflate, none",
     .deflt = "the store's; pack for a new one"},
    {.name = "recode", .kind = TC_OPT_FLAG, TC_AT(tc_import_args, o.recode),
     .help = "rewrite every bucket of STORE in --codec/--deflate (FILEs optional)"},
    {.name = "memory", .kind = TC_OPT_SIZE, TC_AT(tc_import_args, o.memory_bytes), .min = 1 << 20,
     .max = (double)SIZE_MAX, .help = "memory for sorting (e.g. 256M, 1G); more spills to disk", .deflt = "1G"},
    {.name = "format", .kind = TC_OPT_CHOICE, TC_AT(tc_import_args, ro.format),
     .choices = "auto|csv|generic|dma|marinecadastre|nmea", .metavar = "FMT", .help = "input format"},
    {.name = "time-base", .kind = TC_OPT_TIME, TC_AT(tc_import_args, ro.time_base),
     .help = "NMEA without receive times (no tag block c:, trailing Unix time or $PGHP): the time given "
             "to its messages"},
    {.name = "force", .kind = TC_OPT_FLAG, TC_AT(tc_import_args, o.force),
     .help = "import files whose content the store already has"},
    {.name = "strict", .kind = TC_OPT_FLAG, TC_AT(tc_import_args, ro.strict),
     .help = "stop at the first bad row (exit 2) instead of skipping it"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(tc_import_args, quiet),
     .help = "no progress and no summary"},
    {.name = "buffer-rows", .kind = TC_OPT_INT, TC_AT(tc_import_args, o.max_buffer_rows), .min = 1024,
     .max = 1 << 30, .hidden = 1, .help = "for tests: rows buffered before a spill"},
};

static const tc_opt_group import_groups[] = {{.opts = import_opts, .nopts = N(import_opts)}};

const tc_cli_spec tc_cli_import = {
    .name = "import",
    .summary = "add AIS files (CSV, NMEA, .gz, stdin) to an HDF5 track store",
    .about = "Adds AIS positions and static data from FILEs (CSV, NMEA; .gz; '-' = standard\n"
             "input) to the HDF5 track STORE, creating it if missing. The store is replaced\n"
             "atomically: on any failure it stays as it was.",
    .args = import_args, .nargs = N(import_args),
    .groups = import_groups, .ngroups = N(import_groups),
    .notes = "Exit status: 0 success, 1 failure, 2 bad usage or a row rejected by --strict;\n"
             "stopped by a signal (the store unchanged): 128 + its number, 130 for SIGINT,\n"
             "143 for SIGTERM, 129 for SIGHUP. A second signal ends it at once.\n",
    .dest_size = sizeof(tc_import_args), .init = import_init,
};

/* ---- encounters ---------------------------------------------------------------------- */

static void encounters_init(void *d) {
  tc_encounters_args *a = d;
  tc_params_default(&a->p);
  a->cfg.platform = a->cfg.device = -1;
  a->out = "-";
  a->backend = "auto";
  tc_output_opts_default(&a->out_opts.o);
}

static const tc_opt encounters_args[] = {{.name = "STORE", .kind = TC_OPT_LIST, TC_AT(tc_encounters_args, stores)}};

#define ENC tc_encounters_args
static const tc_opt encounters_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(ENC, out), .metavar = "FILE",
     .help = "encounters ('-' = standard output), in the format its name ends in (.csv, .geojson, .kml, "
             ".h5); a JSON sidecar FILE.json holds parameters and counts"},
    {.name = "meta", .kind = TC_OPT_STRING, TC_AT(ENC, meta), .metavar = "FILE",
     .help = "write the JSON metadata here instead", .deflt = "FILE.json"},
    {.name = "with-events", .kind = TC_OPT_STRING, TC_AT(ENC, with_events), .metavar = "PREFIX",
     .help = "also the behaviour events (spec/events.md at its defaults, places as trajcorr events) "
             "from the same read: PREFIX.loitering.csv, .gaps.csv, .dark.csv, .events.json (docs/events.md); "
             "one store only"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(ENC, quiet), .help = "no summary and no closing time/memory line on stderr"},
    {.name = "log", .kind = TC_OPT_ENUM, TC_AT(ENC, log), .choices = "text|json", .metavar = "FMT",
     .help = "progress on stderr: text (a progress line on a terminal) or json (one object per bucket, then "
             "real/CPU/RSS per rank and in total; docs/cli.md)", .deflt = "text"},
};

static const tc_opt encounters_spec[] = {ENCOUNTER_SPEC_ROWS(ENC, p)};

static const tc_opt encounters_select[] = {
    {.name = "from", .kind = TC_OPT_TIME, TC_AT(ENC, p.from), .help = "only grid times at or after TIME", .deflt = "the first"},
    {.name = "to", .kind = TC_OPT_TIME, TC_AT(ENC, p.to), .help = "only grid times before TIME", .deflt = "after the last"},
    {.name = "mmsi", .kind = TC_OPT_STRING, TC_AT(ENC, mmsi_file), .metavar = "FILE",
     .help = "only pairs involving these MMSIs (one per line)"},
};

static const tc_opt encounters_exec[] = {
    {.name = "backend", .kind = TC_OPT_CHOICE, TC_AT(ENC, backend),
     .choices = "auto|openmp|allpairs|opencl|opencl-allpairs",
     .help = "pair search; auto is opencl on a GPU or accelerator for inputs of 100 M fixes a day or more, "
             "else openmp (docs/opencl.md)"},
    {.name = "threads", .short_name = 't', .kind = TC_OPT_INT, TC_AT(ENC, p.threads), .min = 1, .max = 4096,
     .help = "CPU threads", .deflt = "OMP_NUM_THREADS, else every core but one from 4 cores"},
    {.name = "precision", .kind = TC_OPT_ENUM, TC_AT(ENC, p.single_precision), .choices = "double|single",
     .help = "single screens in float, re-checks exactly"},
    {.name = "platform", .kind = TC_OPT_INT, TC_AT(ENC, cfg.platform), .min = 0, .max = 64,
     .help = "OpenCL platform (trajcorr devices)", .deflt = "auto"},
    {.name = "device", .kind = TC_OPT_STRING, TC_AT(ENC, device), .metavar = "N|N,M,...|all",
     .help = "OpenCL device of that platform; several (a list, or all of the platform and type) "
             "each take their own share of every block",
     .deflt = "auto"},
    {.name = "device-type", .kind = TC_OPT_ENUM, TC_AT(ENC, cfg.device_type), .choices = "any|gpu|cpu",
     .help = "OpenCL device type"},
    {.name = "device-memory", .kind = TC_OPT_SIZE, TC_AT(ENC, cfg.device_memory),
     .help = "device memory the OpenCL backend may use", .deflt = "auto"},
    {.name = "profile", .kind = TC_OPT_FLAG, TC_AT(ENC, cfg.profile), .help = "per-stage times on stderr"},
};

static const tc_opt encounters_output[] = {OUTPUT_FILE_ROWS(ENC), OUTPUT_ROWS(ENC)};

static const tc_opt encounters_ckpt[] = {
    {.name = "checkpoint", .kind = TC_OPT_STRING, TC_AT(ENC, checkpoint), .metavar = "FILE",
     .help = "keep the state here after each bucket, so a killed run goes on with --resume; removed when the "
             "run ends"},
    {.name = "checkpoint-every", .kind = TC_OPT_DURATION, TC_AT(ENC, checkpoint_every), .min = 0, .max = 1e9,
     .help = "at most one checkpoint per this long", .deflt = "every bucket"},
    {.name = "resume", .kind = TC_OPT_FLAG, TC_AT(ENC, resume),
     .help = "go on from the --checkpoint FILE (from the start when there is none yet)"},
    {.name = "save-state", .kind = TC_OPT_STRING, TC_AT(ENC, save_state), .metavar = "FILE",
     .help = "keep what a later --since run needs"},
    {.name = "since", .kind = TC_OPT_STRING, TC_AT(ENC, since), .metavar = "FILE",
     .help = "the nightly update: read only the buckets after this --save-state FILE (its last one too "
             "when an import added to it), write the whole list"},
};

static const tc_opt_group encounters_groups[] = {
    {.opts = encounters_opts, .nopts = N(encounters_opts)},
    {.title = "Spec parameters (spec/encounters.md)", .opts = encounters_spec, .nopts = N(encounters_spec)},
    {.title = "Selection", .opts = encounters_select, .nopts = N(encounters_select)},
    {.title = "Execution", .opts = encounters_exec, .nopts = N(encounters_exec)},
    {.title = "Analyst outputs (docs/outputs.md)",
     .opts = encounters_output, .nopts = N(encounters_output), .has_given = 1,
     .given_off = offsetof(ENC, out_opts.given)},
    {.title = "Checkpoints and the nightly update (docs/checkpoints.md)", .opts = encounters_ckpt,
     .nopts = N(encounters_ckpt)},
};
#undef ENC

static const char encounters_notes[] =
    "Exit status: 0 success, 1 failure, 2 bad usage, 75 stopped by SIGINT, SIGTERM or SIGHUP\n"
    "at a bucket edge with the --checkpoint written (run again with --resume); without\n"
    "--checkpoint a signal stops it at once with nothing written: 130 for SIGINT, 143 for\n"
    "SIGTERM, 129 for SIGHUP. A second signal ends it at once.\n";

const tc_cli_spec tc_cli_encounters = {
    .name = "encounters",
    .summary = "find vessel encounters (spec/encounters.md) in track stores",
    .about = "Finds every pair of vessels that meet (spec/encounters.md) in a track store, or in\n"
             "several (one per month, say; any order) read as one timeline: the list is the one\n"
             "a single store holding all their fixes gives. Stores whose fix times overlap are\n"
             "refused (docs/format.md).",
    .args = encounters_args, .nargs = N(encounters_args),
    .groups = encounters_groups, .ngroups = N(encounters_groups),
    .notes = encounters_notes, .dest_size = sizeof(tc_encounters_args), .init = encounters_init,
};

/* ---- events ---------------------------------------------------------------------------- */

static void events_init(void *d) {
  tc_events_args *a = d;
  tc_params_default(&a->p);
  tc_event_params_default(&a->e);
  a->kinds = "loitering,gaps,dark";
  a->backend = "auto";
  a->port_radius = 4000.0;
  a->platform = a->device = -1;
}

#define EVA tc_events_args
static const tc_opt events_args[] = {{.name = "STORE", .kind = TC_OPT_LIST, TC_AT(EVA, stores)}};
static const tc_opt events_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(EVA, out), .metavar = "PREFIX",
     .help = "output prefix (required): PREFIX.KIND.csv (.geojson, .kml, .h5, .fgb, .shp; PREFIX.events.gpkg) and "
             "PREFIX.events.json", .deflt = ""},
    {.name = "kinds", .kind = TC_OPT_STRING, TC_AT(EVA, kinds), .metavar = "LIST",
     .help = "comma-separated: loitering, gaps, dark"},
    {.name = "format", .kind = TC_OPT_ENUM, TC_AT(EVA, format),
     .choices = "csv|geojson|kml|hdf5|gpkg|fgb|shp|GPKG|FlatGeobuf|ESRI Shapefile",
     .help = "format of the lists (hdf5: PREFIX.KIND.h5, one table each; gpkg: PREFIX.events.gpkg, one layer "
             "each; fgb, shp: PREFIX.KIND.fgb, .shp; the last three through GDAL, also by its driver names)"},
    {.name = "encounters", .kind = TC_OPT_STRING, TC_AT(EVA, encounters), .metavar = "FILE",
     .help = "also write the encounters CSV (spec/encounters.md), found in the same read"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(EVA, quiet),
     .help = "no summary and no closing time/memory line on stderr"},
};
static const tc_opt events_spec[] = {LOITER_GAP_SPEC_ROWS(EVA, e), DARK_SPEC_ROWS(EVA, e)};
static const tc_opt events_enc[] = {ENCOUNTER_SPEC_ROWS(EVA, p)};
static const tc_opt events_places[] = {EVENT_PLACE_ROWS(EVA)};
static const tc_opt events_select[] = {LINK_SELECT_ROWS(EVA, "events", "a dark rendezvous")};
static const tc_opt events_exec[] = {
    {.name = "threads", .short_name = 't', .kind = TC_OPT_INT, TC_AT(EVA, p.threads), .min = 1, .max = 4096,
     .help = "CPU threads", .deflt = "OMP_NUM_THREADS, else every core but one from 4 cores"},
    {.name = "backend", .kind = TC_OPT_CHOICE, TC_AT(EVA, backend), .choices = "auto|openmp|opencl",
     .help = "where L* of the dark pairs is maximised; auto is openmp"},
    {.name = "platform", .kind = TC_OPT_INT, TC_AT(EVA, platform), .min = 0, .max = 64,
     .help = "OpenCL platform (trajcorr devices)", .deflt = "auto"},
    {.name = "device", .kind = TC_OPT_INT, TC_AT(EVA, device), .min = 0, .max = 64,
     .help = "OpenCL device of that platform", .deflt = "auto"},
    {.name = "device-type", .kind = TC_OPT_ENUM, TC_AT(EVA, device_type), .choices = "any|gpu|cpu",
     .help = "OpenCL device type"},
};
static const tc_opt_group events_groups[] = {
    {.opts = events_opts, .nopts = N(events_opts)},
    {.title = "Spec parameters (spec/events.md)", .opts = events_spec, .nopts = N(events_spec)},
    {.title = "Cleaning, grid and encounters (spec/encounters.md; an encounter is not dark)",
     .opts = events_enc, .nopts = N(events_enc)},
    {.title = "Places (a place column; dark rendezvous at a place ranked last)",
     .opts = events_places, .nopts = N(events_places)},
    {.title = "Execution", .opts = events_exec, .nopts = N(events_exec)},
    {.title = "Selection (docs/events.md)", .opts = events_select, .nopts = N(events_select)},
};
#undef EVA

const tc_cli_spec tc_cli_events = {
    .name = "events",
    .summary = "loitering, AIS gaps and dark rendezvous (spec/events.md) in track stores",
    .about = "Finds the behaviour events of spec/events.md in track stores (several read as one\n"
             "timeline, as trajcorr encounters reads them) and writes\n"
             "PREFIX.loitering.csv, PREFIX.gaps.csv, PREFIX.dark.csv (those of --kinds) and\n"
             "PREFIX.events.json (parameters, counts). docs/events.md has the columns.",
    .args = events_args, .nargs = N(events_args), .groups = events_groups, .ngroups = N(events_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_events_args), .init = events_init,
};

/* ---- network ---------------------------------------------------------------------------- */

static void network_init(void *d) {
  tc_network_args *a = d;
  tc_params_default(&a->p);
  tc_event_params_default(&a->e);
  a->e.kinds = TC_EV_DARK;
  a->from = INT64_MIN;
  a->to = INT64_MAX;
  a->chain_window = 30 * 86400;
  a->max_chains = 10000;
  a->port_radius = 4000.0;
}

#define NA tc_network_args
static const tc_opt network_args[] = {ARGS(NA, store, "STORE")};
static const tc_opt network_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(NA, out), .metavar = "FILE",
     .help = "the graph (required), by its name: .graphml, .gexf or .csv (edge list); beside it "
             "STEM.chains.csv and STEM.pairs.csv", .deflt = ""},
    {.name = "from", .kind = TC_OPT_TIME, TC_AT(NA, from), .help = "only links starting at or after TIME",
     .deflt = "the first"},
    {.name = "to", .kind = TC_OPT_TIME, TC_AT(NA, to), .help = "only links starting before TIME", .deflt = "after the last"},
    {.name = "chain-window", .kind = TC_OPT_DURATION, TC_AT(NA, chain_window),
     .help = "longest hand-over of a chain (A meets B, then B meets C)"},
    {.name = "max-chains", .kind = TC_OPT_INT, TC_AT(NA, max_chains), .min = 0, .max = 100000000,
     .help = "chains listed, best ranked"},
    {.name = "no-dark", .kind = TC_OPT_FLAG, TC_AT(NA, no_dark), .help = "encounters only, no dark rendezvous"},
    {.name = "threads", .short_name = 't', .kind = TC_OPT_INT, TC_AT(NA, p.threads), .min = 1, .max = 4096,
     .help = "CPU threads", .deflt = "OMP_NUM_THREADS, else every core but one from 4 cores"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(NA, quiet),
     .help = "no summary and no closing time/memory line on stderr"},
};
static const tc_opt network_enc[] = {ENCOUNTER_SPEC_ROWS(NA, p)};
static const tc_opt network_dark[] = {DARK_SPEC_ROWS(NA, e)};
static const tc_opt network_places[] = {EVENT_PLACE_ROWS(NA)};
static const tc_opt network_select[] = {LINK_SELECT_ROWS(NA, "links", "a link")};
static const tc_opt_group network_groups[] = {
    {.opts = network_opts, .nopts = N(network_opts)},
    {.title = "Encounter edges (spec/encounters.md)", .opts = network_enc, .nopts = N(network_enc)},
    {.title = "Dark rendezvous edges (spec/events.md)", .opts = network_dark, .nopts = N(network_dark)},
    {.title = "Places (links at a port or anchorage)", .opts = network_places, .nopts = N(network_places)},
    {.title = "Selection (docs/events.md)", .opts = network_select,
     .nopts = N(network_select)},
};
#undef NA

const tc_cli_spec tc_cli_network = {
    .name = "network",
    .summary = "who meets whom: encounters and dark rendezvous as a graph (GraphML, GEXF, CSV)",
    .about = "Vessels as nodes (MMSI, flag, name and ship type where known), encounters and dark\n"
             "rendezvous as edges: counts, first and last time, total time together, links at a\n"
             "port or anchorage. Beside the graph: STEM.chains.csv (A meets B, then B meets C\n"
             "within --chain-window; away from ports first, shortest hand-over first) and\n"
             "STEM.pairs.csv (pairs linked twice or more, most links first).",
    .args = network_args, .nargs = N(network_args), .groups = network_groups, .ngroups = N(network_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_network_args), .init = network_init,
};

/* ---- info ------------------------------------------------------------------------------ */

static const tc_opt info_args[] = {ARGS(tc_info_args, store, "STORE")};
static const tc_opt info_opts[] = {
    {.name = "json", .kind = TC_OPT_FLAG, TC_AT(tc_info_args, json), .help = "one JSON object on stdout"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(tc_info_args, quiet),
     .help = "no closing time/memory line on stderr"},
};
static const tc_opt_group info_groups[] = {{.opts = info_opts, .nopts = N(info_opts)}};

const tc_cli_spec tc_cli_info = {
    .name = "info",
    .summary = "rows, vessels, time range, buckets and sources of a track store",
    .about = "Rows, vessels, time range, buckets, cleaning counts and imported sources of a store.",
    .args = info_args, .nargs = N(info_args), .groups = info_groups, .ngroups = N(info_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_info_args),
};

/* ---- check ------------------------------------------------------------------------------ */

static const tc_opt check_args[] = {{.name = "STORE", .kind = TC_OPT_LIST, TC_AT(tc_check_args, stores)}};
static const tc_opt check_opts[] = {
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(tc_check_args, quiet),
     .help = "only the verdict line of each store"},
};
static const tc_opt_group check_groups[] = {{.opts = check_opts, .nopts = N(check_opts)}};

const tc_cli_spec tc_cli_check = {
    .name = "check",
    .summary = "verify every bucket, index, count and checksum of track stores",
    .about = "Reads every bucket of each track store and verifies it: rows sorted by (mmsi, t)\n"
             "and inside their bucket, positions in range, the vessel index, counts against the\n"
             "bucket table, every chunk's Fletcher-32 checksum, datatypes, the vessel and source\n"
             "tables. Prints each problem with where it is.",
    .args = check_args, .nargs = N(check_args), .groups = check_groups, .ngroups = N(check_groups),
    .notes = "Exit status: 0 every store sound, 1 a store damaged or unreadable, 2 bad usage.\n",
    .dest_size = sizeof(tc_check_args),
};

/* ---- devices ----------------------------------------------------------------------------- */

static const tc_opt devices_opts[] = {
    {.name = "json", .kind = TC_OPT_FLAG, TC_AT(tc_devices_args, json), .help = "one JSON object on stdout"},
    {.name = "build", .kind = TC_OPT_FLAG, TC_AT(tc_devices_args, build),
     .help = "also build the kernels (double and single precision) and store them in the "
             "program cache (docs/opencl.md)"},
    {.name = "platform", .kind = TC_OPT_INT, TC_AT(tc_devices_args, platform), .min = 0, .max = 64,
     .help = "--build: only on this platform", .deflt = "all"},
    {.name = "device", .kind = TC_OPT_INT, TC_AT(tc_devices_args, device), .min = 0, .max = 64,
     .help = "--build: only this device (of --platform, else the [N] listing index)", .deflt = "all"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(tc_devices_args, quiet),
     .help = "no closing time/memory line on stderr"},
};
static const tc_opt_group devices_groups[] = {{.opts = devices_opts, .nopts = N(devices_opts)}};

static void devices_init(void *d) {
  tc_devices_args *a = d;
  a->platform = a->device = -1;
}

const tc_cli_spec tc_cli_devices = {
    .name = "devices",
    .summary = "list OpenCL platforms and devices (--json, --build)",
    .about = "Lists the OpenCL devices; '*' marks the one --backend opencl uses when no\n"
             "--platform/--device/--device-type is given.",
    .groups = devices_groups, .ngroups = N(devices_groups),
    .notes = "Exit status: 0 success, 1 no OpenCL or a kernel build failed, 2 bad usage.\n",
    .dest_size = sizeof(tc_devices_args), .init = devices_init,
};

/* ---- bench -------------------------------------------------------------------------------- */

static void bench_init(void *d) {
  tc_bench_args *a = d;
  a->python = "/usr/bin/python3";
}

static void bench_suites_help(FILE *f) {
  size_t n;
  const tc_bench_suite *s = tc_bench_suites(&n);
  fprintf(f, "\nSuites (default: all but those marked *, in this order):\n");
  for (size_t i = 0; i < n; i++)
    fprintf(f, "  %-9s%s%s\n", s[i].name, s[i].on_request ? "* " : "  ", s[i].summary);
}

static const tc_opt bench_args[] = {
    {.name = "SUITE", .kind = TC_OPT_LIST, TC_AT(tc_bench_args, suites), .optional = 1}};
#define BA tc_bench_args
static const tc_opt bench_opts[] = {
    {.name = "quick", .kind = TC_OPT_FLAG, TC_AT(BA, quick),
     .help = "small sizes and short budgets (a smoke run: under 2 minutes)"},
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(BA, json_path), .metavar = "FILE",
     .help = "results as JSON (schema trajcorr-bench/1)"},
    {.name = "md", .kind = TC_OPT_STRING, TC_AT(BA, md_path), .metavar = "FILE", .help = "results as Markdown tables"},
    {.name = "budget", .kind = TC_OPT_DURATION_F, TC_AT(BA, budget_s), .unit = "s", .min = 1e-6, .max = 1e9,
     .help = "time budget per measurement", .deflt = "2 s; quick 0.2 s"},
    {.name = "data", .kind = TC_OPT_STRING, TC_AT(BA, data), .metavar = "DIR",
     .help = "shared sample data (real-tracks/ inside)", .deflt = "beside the sources"},
    {.name = "peers", .kind = TC_OPT_STRING, TC_AT(BA, peers), .metavar = "DIR",
     .help = "folder of encounters_numpy.py", .deflt = "the installed share/trajcorr/peers, else bench/peers of the sources"},
    {.name = "python", .kind = TC_OPT_STRING, TC_AT(BA, python), .metavar = "PATH",
     .help = "interpreter with numpy, scipy and h5py"},
    {.name = "max-vessels", .kind = TC_OPT_INT, TC_AT(BA, max_vessels), .min = 1, .max = 100000000,
     .help = "pipeline: leave out fleets above N (full run: 1k..300k)", .deflt = ""},
    {.name = "max-days", .kind = TC_OPT_DURATION_F, TC_AT(BA, max_days), .unit = "d", .min = 1e-6, .max = 1e6,
     .help = "pipeline: leave out periods above this many days (full run: 1..30)", .deflt = ""},
    {.name = "load", .kind = TC_OPT_INT, TC_AT(BA, load_procs), .min = 1, .max = 256,
     .help = "the load suite's busy processes in its loaded runs", .deflt = "one per core"},
    {.name = "work-dir", .kind = TC_OPT_STRING, TC_AT(BA, work), .metavar = "DIR",
     .help = "scratch folder", .deflt = "a new one under $TMPDIR, removed after"},
    {.name = "keep", .kind = TC_OPT_FLAG, TC_AT(BA, keep), .help = "keep the scratch folder"},
    {.name = "list", .kind = TC_OPT_FLAG, TC_AT(BA, list), .help = "list the suites and exit"},
};
#undef BA
static const tc_opt_group bench_groups[] = {{.opts = bench_opts, .nopts = N(bench_opts)}};

const tc_cli_spec tc_cli_bench = {
    .name = "bench",
    .summary = "time the pipeline, backends, store reads and the numpy peer",
    .about = "Times trajcorr and writes one JSON record per measurement (machine, parameters,\n"
             "min/median/max time, throughput, peak memory, whether the result checked out).\n"
             "Every measured result is checked after timing.",
    .args = bench_args, .nargs = N(bench_args), .groups = bench_groups, .ngroups = N(bench_groups),
    .notes = "Exit status: 0 success, 1 when any check or run failed, 2 bad usage.\n",
    .extra_help = bench_suites_help, .dest_size = sizeof(tc_bench_args), .init = bench_init,
};

/* ---- generate ------------------------------------------------------------------------------ */

static void generate_init(void *d) {
  tc_generate_args *a = d;
  a->gz_level = 1;
  tc_gen_params_default(&a->p);
}

#define GA tc_generate_args
static const tc_opt generate_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(GA, out), .metavar = "FILE",
     .help = "fixes CSV; '-' for standard output; gzip when FILE ends in .gz"},
    {.name = "truth", .kind = TC_OPT_STRING, TC_AT(GA, truth), .metavar = "FILE",
     .help = "truth CSV: kind,mmsi_a,mmsi_b,start,end,expected,lat,lon,..."},
    {.name = "store", .kind = TC_OPT_STRING, TC_AT(GA, store), .metavar = "STORE",
     .help = "also import the fixes into a track store (created if absent)"},
    {.name = "force", .kind = TC_OPT_FLAG, TC_AT(GA, force), .help = "import even if the store has this content already"},
    {.name = "vessels", .kind = TC_OPT_INT, TC_AT(GA, p.vessels), .min = 1, .max = 10000000,
     .help = "vessels of every kind"},
    {.name = "days", .kind = TC_OPT_DURATION_F, TC_AT(GA, p.days), .unit = "d", .min = 0.5, .max = 3660,
     .help = "length of the period in days (at least 0.5)"},
    {.name = "start", .kind = TC_OPT_TIME, TC_AT(GA, p.start), .help = "first time"},
    {.name = "seed", .kind = TC_OPT_INT, TC_AT(GA, p.seed), .help = "PRNG seed"},
    {.name = "meetings", .kind = TC_OPT_INT, TC_AT(GA, p.meetings), .min = 0, .max = 1000000,
     .help = "planted meetings", .deflt = "vessels/100 a day, 2..200 a day, at most vessels/40"},
    {.name = "decoys", .kind = TC_OPT_INT, TC_AT(GA, p.decoys), .min = 0, .max = 1000000,
     .help = "decoys, cycling short / convoy / idle", .deflt = "as meetings"},
    {.name = "ports", .kind = TC_OPT_INT, TC_AT(GA, p.ports), .min = 0, .max = 1000,
     .help = "port anchorages (a fifth of the vessels wait at them, at least 10 a port)", .deflt = "4"},
    {.name = "regions", .kind = TC_OPT_INT, TC_AT(GA, p.regions), .min = 1, .max = TC_GEN_MAX_REGIONS,
     .help = "300 km sea regions with 4 shipping lanes each (more keep lane traffic sparse in a large fleet)",
     .deflt = "3"},
    {.name = "antimeridian", .kind = TC_OPT_FLAG, TC_AT(GA, p.antimeridian),
     .help = "one region, its lanes and its scenarios straddle 180 degrees"},
    {.name = "events", .kind = TC_OPT_FLAG, TC_AT(GA, p.events),
     .help = "plant loitering, switch-offs, a receiver outage (the last region dark) and dark rendezvous; "
             "needs 2 regions and a day"},
    {.name = "clean", .kind = TC_OPT_FLAG, TC_AT(GA, clean),
     .help = "no duplicates, out-of-order or invalid rows (the rates below are 0)"},
    {.name = "dup-rate", .kind = TC_OPT_DOUBLE, TC_AT(GA, p.dup_rate), .min = 0, .max = 1,
     .help = "duplicate rows per row"},
    {.name = "ooo-rate", .kind = TC_OPT_DOUBLE, TC_AT(GA, p.ooo_rate), .min = 0, .max = 1,
     .help = "out-of-order rows per row"},
    {.name = "bad-rate", .kind = TC_OPT_DOUBLE, TC_AT(GA, p.bad_rate), .min = 0, .max = 1,
     .help = "invalid rows per row"},
    {.name = "min-interval", .kind = TC_OPT_DURATION_F, TC_AT(GA, p.min_interval_s), .unit = "s",
     .help = "shortest moving report interval"},
    {.name = "max-interval", .kind = TC_OPT_DURATION_F, TC_AT(GA, p.max_interval_s), .unit = "s",
     .help = "longest moving report interval"},
    {.name = "gz-level", .kind = TC_OPT_INT, TC_AT(GA, gz_level), .min = 1, .max = 9,
     .help = "gzip level 1-9 (1: fast)"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(GA, quiet), .help = "no summary and no closing time/memory line on stderr"},
};
#undef GA
static const tc_opt_group generate_groups[] = {{.opts = generate_opts, .nopts = N(generate_opts)}};

const tc_cli_spec tc_cli_generate = {
    .name = "generate",
    .summary = "deterministic synthetic AIS traffic with planted meetings and truth",
    .about = "Writes synthetic AIS traffic (mmsi,timestamp,lat,lon,sog,cog,heading), the same bytes\n"
             "for the same options: vessels on shipping lanes (8-20 kn, reports every 20-120 s),\n"
             "port anchorages (reports every 3 min), planted ship-to-ship meetings that must be\n"
             "found, decoys that must not, outages and real-feed noise. About 1 200 rows per\n"
             "vessel and day: --vessels 4100 gives 5 M rows a day. Give -o FILE, --store STORE\n"
             "or both.",
    .groups = generate_groups, .ngroups = N(generate_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_generate_args), .init = generate_init,
};

/* ---- anchorages ------------------------------------------------------------------------------- */

static void anchorages_init(void *d) {
  tc_anchorages_args *a = d;
  tc_anchorage_defaults(&a->p);
  a->out = "-";
}

static const tc_opt anchorages_args[] = {ARGS(tc_anchorages_args, store, "STORE")};
#define AA tc_anchorages_args
static const tc_opt anchorages_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(AA, out), .metavar = "FILE",
     .help = "CSV to write ('-' = standard output)"},
    {.name = "ports", .kind = TC_OPT_STRING, TC_AT(AA, ports), .metavar = "FILE",
     .help = "port list (name,lat,lon CSV) to name anchorages after"},
    {.name = "cell", .kind = TC_OPT_DISTANCE, TC_AT(AA, p.cell_m), .unit = "m", .min = 1, .max = 1e6,
     .help = "grid cell size"},
    {.name = "min-vessels", .kind = TC_OPT_INT, TC_AT(AA, p.min_vessels), .min = 1, .max = 1000000,
     .help = "distinct stationary vessels for an anchorage cell"},
    {.name = "max-speed", .kind = TC_OPT_SPEED, TC_AT(AA, p.max_speed_kn), .unit = "kn",
     .help = "stationary below this speed"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(AA, quiet), .help = "no summary and no closing time/memory line on stderr"},
};
#undef AA
static const tc_opt_group anchorages_groups[] = {{.opts = anchorages_opts, .nopts = N(anchorages_opts)}};

const tc_cli_spec tc_cli_anchorages = {
    .name = "anchorages",
    .summary = "places where many vessels stay stationary (CSV for --ports)",
    .about = "Finds anchorages: grid cells where at least N distinct vessels were stationary,\n"
             "touching cells merged. Writes name,lat,lon,vessels,radius_m (use with --ports).",
    .args = anchorages_args, .nargs = N(anchorages_args),
    .groups = anchorages_groups, .ngroups = N(anchorages_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_anchorages_args), .init = anchorages_init,
};

/* ---- report ------------------------------------------------------------------------------------ */

static void report_init(void *d) {
  tc_report_args *a = d;
  tc_report_defaults(&a->ro);
  a->out = "report.html";
  a->panels = a->ro.max_panels;
  tc_output_opts_default(&a->out_opts.o);
  a->out_opts.o.sort_score = 1; /* analysts read the page best first */
}

#define RA tc_report_args
/* One list: the stores, then perhaps the encounters list, which cmd_report tells from a
 * store (the last argument, not an HDF5 file, not named .h5 or .hdf5). The second row
 * is for the usage line only: the list row takes every argument. */
static const tc_opt report_args[] = {{.name = "STORE", .kind = TC_OPT_LIST, TC_AT(RA, inputs)},
                                     {.name = "ENCOUNTERS.csv", .kind = TC_OPT_STRING, TC_AT(RA, list),
                                      .optional = 1}};
static const tc_opt report_opts[] = {
    {.name = "output", .short_name = 'o', .kind = TC_OPT_STRING, TC_AT(RA, out), .metavar = "FILE",
     .help = "page to write"},
    {.name = "title", .kind = TC_OPT_STRING, TC_AT(RA, ro.title), .metavar = "TEXT", .help = "page title"},
    {.name = "panels", .kind = TC_OPT_INT, TC_AT(RA, panels), .min = 0, .max = 100000,
     .help = "candidates (best first) with a panel"},
    {.name = "threads", .short_name = 't', .kind = TC_OPT_INT, TC_AT(RA, threads), .min = 1, .max = 4096,
     .help = "CPU threads when computing the encounters", .deflt = "as encounters"},
    {.name = "quiet", .short_name = 'q', .kind = TC_OPT_FLAG, TC_AT(RA, quiet), .help = "no summary and no closing time/memory line on stderr"},
};
static const tc_opt report_output[] = {OUTPUT_ROWS(RA)};
static const tc_opt_group report_groups[] = {
    {.opts = report_opts, .nopts = N(report_opts)},
    {.title = "Candidate options (docs/outputs.md)", .opts = report_output, .nopts = N(report_output),
     .has_given = 1, .given_off = offsetof(RA, out_opts.given)},
};
#undef RA

const tc_cli_spec tc_cli_report = {
    .name = "report",
    .summary = "one self-contained HTML page of ranked encounters for analysts",
    .about = "Writes one HTML page that opens with no network: a map of the encounters over the\n"
             "shoreline, a sortable table, counts per day and per flag pair, and per encounter a\n"
             "panel with both tracks and plots of distance and speeds. Without ENCOUNTERS.csv the\n"
             "encounters are computed from STORE with the spec's defaults. Several stores are\n"
             "read as one timeline, as by encounters. The last argument is ENCOUNTERS.csv when\n"
             "there are two or more and it is neither an HDF5 file nor named .h5 or .hdf5.",
    .args = report_args, .nargs = N(report_args), .groups = report_groups, .ngroups = N(report_groups),
    .notes = exit_notes, .dest_size = sizeof(tc_report_args), .init = report_init,
};

const tc_cli_spec *const tc_cli_specs[] = {&tc_cli_import,  &tc_cli_encounters, &tc_cli_events,   &tc_cli_network,
                                           &tc_cli_info,    &tc_cli_check,      &tc_cli_devices,  &tc_cli_bench,
                                           &tc_cli_generate, &tc_cli_anchorages, &tc_cli_report};
const size_t tc_cli_nspecs = N(tc_cli_specs);
