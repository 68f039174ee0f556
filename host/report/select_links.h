/* The selection (select.h) and a watchlist applied to encounters and dark rendezvous
 * as links between two vessels, for the commands that write no candidates (network):
 * a vessel's ship type and IMO are those of its static data as of the link's start
 * (an encounter's start, a dark rendezvous's earliest meeting time), the position an
 * encounter's mean position or a dark rendezvous's X*; and to the events of one vessel
 * (events). */
#ifndef TC_SELECT_LINKS_H
#define TC_SELECT_LINKS_H

#include <stddef.h>

#include "host/engine/encounter.h"
#include "host/events/events.h"
#include "host/report/select.h"
#include "host/report/vessels.h"
#include "host/report/watchlist.h"

typedef struct {
  const tc_select *select;        /* NULL: every link */
  const tc_watchlist *watch;      /* NULL: none; else only links with a listed vessel */
  const tc_vessel_index *vessels; /* NULL: no static data (type 0, no IMO) */
} tc_link_filter;

/* Whether any selection is set. */
int tc_link_filter_active(const tc_link_filter *f);
/* Keep, in place and in order, the links f keeps; return how many were dropped. */
size_t tc_link_filter_encounters(const tc_link_filter *f, tc_encounter_list *enc);
size_t tc_link_filter_dark(const tc_link_filter *f, tc_event_lists *ev);
/* The events of one vessel: loitering (at its mean position, type as of its start) and
 * gaps (either end in the box, type as of the last fix before it), the vessel matching
 * --flag and --ship-type (--match has one vessel to ask); and the dark rendezvous as
 * links. Returns how many events were dropped. */
size_t tc_link_filter_events(const tc_link_filter *f, tc_event_lists *ev);

#endif
