/* Where events happen: each event's position against ports and anchorages (given, or
 * derived from the stores as `trajcorr anchorages` does), and the dark rendezvous
 * ranked so that those at an anchorage or port come after the others (issue 17: a
 * queue at anchor is a crowd of candidates nobody would look at twice). */
#ifndef TC_EVENTS_PLACES_H
#define TC_EVENTS_PLACES_H

#include <stddef.h>

#include "host/events/events.h"
#include "host/report/anchorage_store.h"
#include "host/report/places.h"
#include "io/status.h"
#include "io/store.h"

typedef struct {
  const tc_places *places; /* what the indices below refer to */
  int *loiter;             /* [n_loiter] place of the mean position, -1: none */
  int *gap0, *gap1;        /* [n_gaps] place of either end */
  int *dark;               /* [n_dark] place of X* */
  size_t *dark_rank;       /* [n_dark] 1 = first to look at */
} tc_event_places;

/* Flags every event within radius_m of a place's edge (tc_places_nearest) and ranks
 * the dark rendezvous: away from places first, then the pairs that went dark and
 * reappeared closest together (the larger of the two distances), then the larger
 * slack, then the list's order. */
tc_status tc_event_places_compute(const tc_places *places, double radius_m, const tc_event_lists *l,
                                  tc_event_places *out, tc_err *err);
void tc_event_places_free(tc_event_places *f);

/* The anchorages of the n stores together (in time order, read as one timeline:
 * those of one store holding all their fixes) with tc_anchorage_defaults, named after
 * ports (may be NULL), appended to out. */
tc_status tc_store_anchorages(tc_store *const *stores, size_t n, const tc_places *ports, tc_places *out,
                              tc_err *err);

/* The places of the events commands: every place of the port files, in order, then,
 * when anchorages, the stores' anchorages (named after those ports). *out NULL when
 * there are neither; the caller frees it. */
tc_status tc_event_places_load(tc_store *const *stores, size_t n, const char *const *ports, size_t nports,
                               int anchorages, tc_places **out, tc_err *err);
/* The same with the anchorages from feed (fed every row of the stores along another
 * read, anchorage_store.h) when it has them, else read from the stores. */
tc_status tc_event_places_load_fed(tc_store *const *stores, size_t n, const char *const *ports, size_t nports,
                                   int anchorages, tc_anchorage_feed *feed, tc_places **out, tc_err *err);

#endif
