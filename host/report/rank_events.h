/* The events the ranking uses (spec events §4, docs/ranking.md), computed from the
 * stores a command ranks with: spec defaults for every event parameter but min_gap,
 * which is --gap-min. Pass 1 rides along the encounter engine's read where the command
 * runs the engine (tc_events_tee: one read for both); pass 2 (the coverage of the gaps)
 * reads the stores once more. */
#ifndef TC_RANK_EVENTS_H
#define TC_RANK_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/encounter.h"
#include "host/engine/params.h"
#include "host/events/events.h"
#include "io/status.h"
#include "io/store.h"

/* The event parameters of the ranking: spec defaults, min_gap = gap_min (at least 1 s). */
void tc_rank_event_params(tc_event_params *e, int64_t gap_min);

/* Finishes ev (fed with every slice of the stores, in time order) with pass 2 over the
 * stores; enc: the encounters of the same fixes (a pair seen together is not dark). */
tc_status tc_rank_events_finish(tc_events *ev, tc_store *const *stores, size_t n, const tc_params *p,
                                const tc_encounter_list *enc, tc_event_lists *out, tc_err *err);

/* Both passes, for a command that did not run the engine (a list given). */
tc_status tc_rank_events_run(tc_store *const *stores, size_t n, const tc_params *p, const tc_event_params *e,
                             const tc_encounter_list *enc, tc_event_lists *out, tc_err *err);

#endif
