/* The dark rendezvous' maximisation (spec/events.md §3: L* over each candidate pair)
 * shared by the MPI ranks. Rank 0 finishes the events (tc_events_finish) with
 * tc_ranks_dark_spread as its tc_event_params.dark_device: each time the events hand it
 * the pairs' rows (in candidate order), it cuts them into K runs of consecutive rows of
 * about equal length, keeps the first and sends run r to rank r, which maximises it
 * (tc_ranks_dark_serve) and sends the results back; they land in the rows' own places,
 * so the list is one process's. Each row's result depends on that row alone, so the cut
 * changes no byte, provided every rank maximises as one process would (the host's
 * OpenMP loop, or the same kind of OpenCL device on every rank). */
#ifndef TC_DARK_RANKS_H
#define TC_DARK_RANKS_H

#include "host/events/events.h"
#include "host/mpi/ranks.h"
#include "io/status.h"

typedef struct tc_ranks_dark tc_ranks_dark;

/* local: how this rank maximises its run (NULL: on the host with threads OpenMP
 * threads, tc_dark_rows). figures (rank 0, NULL allowed): each rank's dark_pairs
 * and dark_s are added to figures[r]. */
tc_status tc_ranks_dark_create(const tc_ranks *r, const tc_dark_maximiser *local, int threads,
                               tc_rank_figures *figures, tc_ranks_dark **out, tc_err *err);
void tc_ranks_dark_free(tc_ranks_dark *d); /* NULL safe */

/* Rank 0: the maximiser to put in tc_event_params.dark_device while it finishes the
 * events; the other ranks must be in tc_ranks_dark_serve meanwhile. A rank's failure
 * fails the call on rank 0 with that rank's message. */
const tc_dark_maximiser *tc_ranks_dark_spread(tc_ranks_dark *d);

/* The other ranks: maximise the runs rank 0 sends until tc_ranks_dark_stop. TC_OK, or
 * the first failure of this rank's own maximisation (already told to rank 0). */
tc_status tc_ranks_dark_serve(tc_ranks_dark *d, tc_err *err);

/* Rank 0, once it is done with the events (whether they succeeded or not): releases
 * the ranks from tc_ranks_dark_serve. */
tc_status tc_ranks_dark_stop(tc_ranks_dark *d, tc_err *err);

#endif
