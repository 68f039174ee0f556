/* The behaviour events under MPI ranks: part i on rank i (host/events/parts_events.h),
 * checked as the encounters are (host/mpi/ranks.h); rank 0 gathers the parts' pass 1
 * and stitches it, sends the complete gap list to every rank, and gathers each rank's
 * coverage evidence (its kept fixes near a gap end while the gap is open), so that
 * rank 0 finishes the events (tc_events_finish: coverage, dark rendezvous) exactly as
 * one process does, without the other fixes. */
#ifndef TC_EVENTS_RANKS_H
#define TC_EVENTS_RANKS_H

#include <stddef.h>

#include "host/engine/source.h"
#include "host/events/events.h"
#include "host/mpi/ranks.h"
#include "io/status.h"
#include "io/store.h"

/* Every rank calls it with the same stores (in time order) and parameters. Rank 0 gets
 * *ev (pass 1 done) and *pass2 (the evidence, for tc_events_finish), and every rank's
 * figures in figures[0..size) (NULL allowed); the other ranks get NULLs. A failure on
 * any rank fails every rank, with the first failed rank's message. */
tc_status tc_ranks_events(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                          const tc_event_params *e, tc_events **ev, tc_memory_source **pass2,
                          tc_rank_figures *figures, tc_err *err);

#endif
