/* Ranking evidence (spec events §4, docs/ranking.md): the AIS gaps, loitering and dark
 * rendezvous linked to each encounter, found through an index of the event lists by
 * vessel and by pair, and their short references and JSON for the outputs. */
#ifndef TC_EVLINKS_H
#define TC_EVLINKS_H

#include <stddef.h>

#include "host/events/events.h"
#include "host/report/candidates.h"
#include "host/report/events_places.h"
#include "io/json.h"
#include "io/status.h"

/* Linkage (our reading of §4, docs/ranking.md). */
#define TC_LINK_GAP_WINDOW_S 43200       /* a gap ending or starting within 12 h of the meeting */
#define TC_LINK_LOITER_WINDOW_S 43200    /* loitering "before or after": within 12 h of it … */
#define TC_LINK_LOITER_RADIUS_M 10000.0  /* … at its place: mean positions this close */
#define TC_LINK_DARK_WINDOW_S (30 * 86400) /* a dark rendezvous of the pair within 30 days */
#define TC_LINK_MIN_COVERAGE 0.5         /* a gap less covered is a reception hole: listed, not scored */

typedef struct tc_evlink_index tc_evlink_index;

/* Indexes l (which must outlive the index) by vessel and by pair. */
tc_status tc_evlink_index_create(const tc_event_lists *l, tc_evlink_index **out, tc_err *err);
void tc_evlink_index_free(tc_evlink_index *ix); /* NULL safe */

/* Fills k's counts and links (ev, evp, n_*, links) from the events of its vessels and
 * pair; evp (may be NULL) flags events at ports and anchorages. */
void tc_evlinks_find(const tc_evlink_index *ix, const tc_event_places *evp, tc_candidate *k);

/* Whether link x's event lies at a port or anchorage (any end of a gap); its name. */
const char *tc_evlink_place(const tc_candidate *k, const tc_evlink *x);

/* A link's short reference, naming the row of the events files: "gap a 366123000@2021-03-22T10:02:00Z",
 * "loitering b 366123000@2021-03-22T10:00:00Z" (the vessel's role left out when x->vessel
 * is 0), "dark 366123000+538001234@2021-03-22T10:02:00Z" (the overlap's start). */
void tc_evlink_ref(const tc_candidate *k, const tc_evlink *x, char *buf, size_t cap);
/* Every link's reference joined by "; " (with "; +N more" when more were found than kept). */
void tc_evlinks_refs(const tc_candidate *k, char *buf, size_t cap);

/* The linked events as a JSON array of objects (kind, vessel, mmsi(s), times, positions,
 * the kind's evidence, place): what GeoJSON properties and the report's data carry. NULL
 * when out of memory. */
json_t *tc_evlinks_json(const tc_candidate *k);
/* One event so (x->vessel as the link's; 0 for none). */
json_t *tc_event_json(const tc_event_lists *l, const tc_event_places *evp, const tc_evlink *x);

#endif
