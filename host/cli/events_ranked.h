/* The behaviour events under MPI ranks for the commands that give them (`events`,
 * `encounters --with-events`, the encounters' ranking): host/mpi/events_ranks.h, with
 * the encounters the dark rule needs, and the ranks' figures for the sidecars. */
#ifndef TC_CLI_EVENTS_RANKED_H
#define TC_CLI_EVENTS_RANKED_H

#include <stddef.h>

#include "host/engine/encounter.h"
#include "host/engine/source.h"
#include "host/events/events.h"
#include "host/mpi/dark_ranks.h"
#include "host/mpi/ranks.h"
#include "io/status.h"
#include "io/store.h"

/* Every rank calls it. enc (NULL: not wanted): the encounters of the same fixes (the
 * OpenMP engine split as host/mpi/ranks.h splits it), on rank 0. Rank 0 gets *ev and
 * *pass2 (host/mpi/events_ranks.h). figures[0..size) (NULL allowed): each rank's
 * figures, to which the events' reading and time are added. */
tc_status tc_cli_events_ranked(const tc_ranks *rk, tc_store *const *stores, size_t n, const tc_params *p,
                               const tc_event_params *e, tc_encounter_list *enc, tc_events **ev,
                               tc_memory_source **pass2, tc_rank_figures *figures, tc_err *err);

/* The dark rendezvous' maximisation shared by the ranks (host/mpi/dark_ranks.h), dk
 * made on every rank before tc_cli_events_ranked. Rank 0: tc_cli_dark_spread puts the
 * spreading maximiser in e->dark_device before tc_cli_events_ranked (which makes the
 * events object from e); after finishing the events it calls tc_cli_dark_done with how
 * that went (returned, or the stop's failure). The other ranks, after
 * tc_cli_events_ranked succeeded, call tc_cli_dark_serve: it maximises their runs of
 * the pairs until rank 0 is done, and returns 1 with *s their outcome (they are done).
 * With dk NULL: nothing shared, tc_cli_dark_serve returns 0. */
void tc_cli_dark_spread(const tc_ranks *rk, tc_ranks_dark *dk, tc_event_params *e);
int tc_cli_dark_serve(const tc_ranks *rk, tc_ranks_dark *dk, tc_status *s, tc_err *err);
tc_status tc_cli_dark_done(const tc_ranks *rk, tc_ranks_dark *dk, tc_status s, tc_err *err);

/* host/report/events_out.h's amend: "ranks" and "rank_figures" into the sidecar, each
 * rank's with the dark pairs it maximised and its seconds on them. */
typedef struct {
  const tc_rank_figures *figures;
  int k;
} tc_cli_ranks_sidecar;
int tc_cli_ranks_amend(void *ctx, char **text, size_t *len);

#endif
