/* What each command takes on its command line: one argument struct per command, filled
 * by tc_cli_parse from the command's table in host/cli/specs.c. The cmd_*.c files run
 * the command from these; the tables also give --help, the man pages and the CLI fuzz
 * target (tests/fuzz/fuzz_cli.c). */
#ifndef TC_CLI_SPECS_H
#define TC_CLI_SPECS_H

#include "host/backend.h"
#include "host/cli/opts.h"
#include "host/engine/params.h"
#include "host/events/events.h"
#include "host/report/anchorage.h"
#include "host/report/output.h"
#include "host/report/report.h"
#include "io/import.h"
#include "io/reader.h"
#include "bench/generate/traffic.h"

typedef struct {
  const char *store;
  tc_strlist files;
  tc_import_opts o;
  tc_reader_opts ro;
  int quiet;
} tc_import_args;

/* The analyst output options shared by encounters and report. */
typedef struct {
  tc_output_opts o;
  tc_strlist ports;
  tc_strlist flags, ship_types; /* --flag, --ship-type (host/report/select.h) */
  int given; /* any of them was given */
} tc_output_args;

typedef struct {
  tc_strlist stores; /* one or more, any order: read as one timeline */
  const char *out, *meta, *backend, *mmsi_file;
  const char *with_events; /* also the events (spec/events.md) under this prefix */
  const char *device;      /* --device: N, a list N,M,... or all */
  tc_params p;
  tc_backend_config cfg;
  int quiet;
  int log; /* --log: 0 text, 1 json (host/cli/runlog.h) */
  tc_output_args out_opts;
  /* checkpoints and the nightly update (docs/checkpoints.md) */
  const char *checkpoint, *since, *save_state;
  int64_t checkpoint_every; /* s; 0: after every bucket */
  int resume;
} tc_encounters_args;

typedef struct {
  tc_strlist stores; /* one or more, any order: read as one timeline */
  const char *out, *kinds, *encounters, *backend;
  int format; /* TC_EV_FORMAT_*: csv, geojson, kml */
  tc_params p;
  tc_event_params e;
  tc_strlist ports;
  double port_radius;
  int no_anchorages, quiet;
  int platform, device, device_type; /* device_type: 0 any, 1 gpu, 2 cpu */
  tc_strlist flags, ship_types;      /* the events kept (host/report/select_links.h) */
  const char *bbox, *watchlist;
  int match_both;
} tc_events_args;

typedef struct {
  const char *store, *out;
  int64_t from, to, chain_window;
  size_t max_chains;
  int no_dark, no_anchorages, quiet;
  tc_strlist ports;
  double port_radius;
  tc_params p;
  tc_event_params e;
  tc_strlist flags, ship_types;      /* the links kept (host/report/select_links.h) */
  const char *bbox, *watchlist;
  int match_both;
} tc_network_args;

typedef struct {
  const char *store;
  int json, quiet;
} tc_info_args;

typedef struct {
  tc_strlist stores;
  int quiet;
} tc_check_args;

typedef struct {
  int json, build, quiet;
  int platform, device; /* -1 = every device (--build) */
} tc_devices_args;

typedef struct {
  tc_strlist suites;
  const char *json_path, *md_path, *data, *peers, *python, *work;
  int quick, keep, list;
  double budget_s, max_days;
  long max_vessels, load_procs;
} tc_bench_args;

typedef struct {
  const char *out, *truth, *store;
  int gz_level, quiet, force, clean;
  tc_gen_params p;
} tc_generate_args;

typedef struct {
  const char *store, *out, *ports;
  tc_anchorage_params p;
  int quiet;
} tc_anchorages_args;

typedef struct {
  tc_strlist inputs; /* STORE... [ENCOUNTERS.csv]: cmd_report tells the list from a store */
  const char *list, *out;
  tc_report_opts ro;
  size_t panels;
  int quiet, threads;
  tc_output_args out_opts;
} tc_report_args;

extern const tc_cli_spec tc_cli_import, tc_cli_encounters, tc_cli_events, tc_cli_network, tc_cli_info,
    tc_cli_check, tc_cli_devices, tc_cli_bench, tc_cli_generate, tc_cli_anchorages, tc_cli_report;

/* Every command's spec, in the order of `trajcorr --help`. */
extern const tc_cli_spec *const tc_cli_specs[];
extern const size_t tc_cli_nspecs;

/* The output options' struct for tc_output_configure (ports from the list). */
tc_output_opts tc_output_args_get(const tc_output_args *a);

#endif
