/* The JSON sidecar of the events files (PREFIX.events.json): program, version, build,
 * command line, every input store (in time order), every parameter, where L* was
 * maximised, the places used and the counts and seconds of each stage, so the lists
 * can be traced to what made them. Built with jansson, as the encounters sidecar (host/report/sidecar.h). */
#ifndef TC_EVENTS_SIDECAR_H
#define TC_EVENTS_SIDECAR_H

#include <stddef.h>

#include "host/engine/params.h"
#include "host/events/events.h"
#include "io/status.h"
#include "io/store.h"

typedef struct {
  int argc;
  char **argv;                 /* the command line (argv[0] = the command) */
  const char *const *store_paths; /* every store read, in time order */
  const tc_store_info *const *infos;
  size_t nstores;
  const tc_params *p;          /* cleaning, grid, and the encounters that rule dark pairs out */
  const tc_event_params *e;
  const char *dark_backend;    /* "openmp" or "opencl" */
  const char *const *ports;    /* --ports files */
  size_t nports;
  int anchorages;              /* anchorages derived from the store */
  size_t nplaces;              /* ports and anchorages in all */
  double port_radius_m;
  const tc_event_lists *l;
  const tc_event_stats *st;
  size_t encounters;
} tc_events_sidecar;

/* The sidecar as text (malloc'd, NUL-terminated, ending in a newline, *len bytes).
 * Members in this order: program, version, build, command, input (as the encounters
 * sidecar's: totals, then "stores", each store's path and identity), parameters,
 * dark_backend, places, counts, seconds. */
tc_status tc_events_sidecar_text(const tc_events_sidecar *in, char **text, size_t *len, tc_err *err);

#endif
