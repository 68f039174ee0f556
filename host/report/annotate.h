/* Turns an encounter list into candidates: identity (flag from the MID, static data
 * as of the start), place (distance from shore, nearest port or anchorage), evidence
 * (watchlist, AIS gaps next to the meeting), filters (area, watchlist, port
 * exclusion, flag, ship type, bbox), score, order, and optionally both vessels' tracks. */
#ifndef TC_ANNOTATE_H
#define TC_ANNOTATE_H

#include <stdint.h>

#include "host/report/candidates.h"
#include "host/report/coast.h"
#include "host/report/evlinks.h"
#include "host/report/places.h"
#include "host/report/polygons.h"
#include "host/report/select.h"
#include "host/report/tracks.h"
#include "host/report/vessels.h"
#include "host/report/watchlist.h"

typedef struct {
  const tc_vessel_index *vessels;   /* NULL: keep the static fields the candidates have */
  const tc_coast *coast;            /* NULL: distance from shore unknown */
  const tc_places *places;          /* ports and anchorages, NULL when none */
  double port_radius_m;             /* near_port within this of a place's edge */
  double port_search_m;             /* nearest place reported within this */
  double exclude_port_radius_m;     /* > 0: drop candidates this close to a place */
  const tc_polyset *area;           /* keep only mean positions inside */
  const tc_watchlist *watch;        /* tag listed vessels; keep only candidates with one … */
  int watch_flag_only;              /* … unless this is set (tags and score, nothing dropped) */
  const tc_select *select;          /* flag, ship type, bbox (select.h); NULL keeps all */
  const tc_track_source *tracks;    /* fixes, for gaps and drawn tracks; NULL when none */
  int load_tracks;                  /* fill candidates' tracks … */
  size_t track_limit;               /* … of the first this many in the final order (0 = all) */
  int64_t track_margin_s;           /* before and after the encounter */
  int64_t gap_min_s, gap_window_s;  /* gaps of at least min within window of the meeting */
  int sort_by_score;                /* else spec order */
  const tc_evlink_index *events;    /* the store's events (spec events §4): linked to each
                                       candidate and scored, gaps included; NULL: gaps
                                       read from the tracks as gap_min, gap_window say */
  const tc_event_places *ev_places; /* their ports and anchorages; NULL: none */
  tc_track_progress progress;       /* told how the one read of the tracks goes; NULL none */
  void *progress_user;
} tc_annotate_opts;

void tc_annotate_defaults(tc_annotate_opts *o);
/* The gaps of every kept candidate and the tracks of those that can end up among the
 * first track_limit are read in one batch (tc_track_gather): one pass over the data
 * they touch, however many candidates there are. */
tc_status tc_annotate(tc_candidates *c, const tc_annotate_opts *o, tc_err *err);

#endif
