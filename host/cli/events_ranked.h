/* The behaviour events under MPI ranks for the commands that give them (`events`,
 * `encounters --with-events`, the encounters' ranking): host/mpi/events_ranks.h, with
 * the encounters the dark rule needs, and the ranks' figures for the sidecars. */
#ifndef TC_CLI_EVENTS_RANKED_H
#define TC_CLI_EVENTS_RANKED_H

#include <stddef.h>

#include "host/engine/encounter.h"
#include "host/engine/source.h"
#include "host/events/events.h"
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

/* host/report/events_out.h's amend: "ranks" and "rank_figures" into the sidecar. */
typedef struct {
  const tc_rank_figures *figures;
  int k;
} tc_cli_ranks_sidecar;
int tc_cli_ranks_amend(void *ctx, char **text, size_t *len);

#endif
