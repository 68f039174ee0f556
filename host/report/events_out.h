/* The end of an events run, shared by `trajcorr events` and `trajcorr encounters
 * --with-events`: once the first pass has been fed (tc_events_feed, or a tee under the
 * encounter engine's read), the second pass over the stores, the places, the sidecar
 * and the files PREFIX.* (host/report/events_csv.h). */
#ifndef TC_EVENTS_OUT_H
#define TC_EVENTS_OUT_H

#include <stddef.h>

#include "host/engine/encounter.h"
#include "host/engine/params.h"
#include "host/engine/source.h"
#include "host/engine/source_multi.h"
#include "host/events/events.h"
#include "host/report/anchorage_store.h"
#include "host/report/select_links.h"
#include "io/status.h"
#include "io/store.h"

typedef struct {
  const char *prefix;
  int format;                  /* TC_EV_FORMAT_* */
  const char *const *ports;    /* port files (name,lat,lon CSV) */
  size_t nports;
  int anchorages;              /* also the stores' anchorages */
  double port_radius_m;
  const char *dark_backend;    /* for the sidecar: "openmp" or "opencl" */
  int argc;                    /* the command line, for the sidecar */
  char **argv;
  const tc_link_filter *filter; /* keeps some events (select_links.h); NULL: all */
  /* A run split into ranks (host/mpi/events_ranks.h): pass 2 reads this source (the
   * evidence the ranks gathered) instead of the stores, and amend adds the ranks'
   * figures to the sidecar text (0 when out of memory). NULL: neither. */
  const tc_bucket_source *pass2;
  int (*amend)(void *ctx, char **text, size_t *len);
  void *amend_ctx;
  tc_anchorage_feed *feed;     /* the anchorages found along the first pass; NULL: read the stores */
} tc_events_out;

/* When o->anchorages will be wanted: has the first pass's read m also deliver sog and
 * feed every slice ev sees to a new *feed (host/report/anchorage_store.h), to be put
 * in tc_events_out.feed, so the anchorages need no read of their own. Free it after. */
tc_status tc_events_anchorages_along(tc_events *ev, tc_multi_source *m, tc_store *const *stores, size_t n,
                                     tc_anchorage_feed **feed, tc_err *err);

/* Finishes ev (fed with every slice of the n stores, in time order and read as one
 * timeline: host/engine/source_multi.h) against enc, the encounters of the same
 * fixes (spec §3: a pair seen together is not dark), and writes the files; l and st
 * receive the lists and the counts (l freed by the caller). *nplaces: places used. */
tc_status tc_events_complete(tc_events *ev, tc_store *const *stores, size_t n, const tc_params *p,
                             const tc_event_params *e, const tc_encounter_list *enc, const tc_events_out *o, tc_event_lists *l,
                             tc_event_stats *st, size_t *nplaces, tc_err *err);

#endif
