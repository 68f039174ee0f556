/* What host/mpi/ranks_mpi.c lends the other split commands (host/mpi/events_mpi.c);
 * MPI builds only. */
#ifndef TC_RANKS_COMM_H
#define TC_RANKS_COMM_H

#include <stddef.h>

#include "host/mpi/ranks.h"

/* Every rank says how it fared: TC_OK with *all_ok = 1 when every rank did; else every
 * rank gets the first failed rank's message (and a status != TC_OK, or *all_ok = 0). */
tc_status tc_ranks_agree(const tc_ranks *r, tc_status mine, tc_err *err, int *all_ok);
/* tc_parts_converge across the ranks: run->run and run->snaps are called for part
 * r->rank only; on return every rank's own part is exact. */
tc_status tc_ranks_converge(const tc_ranks *r, const tc_part *parts, const tc_part_runner *run, tc_err *err);
/* The failure of MPI call `call` with its return code rc, named with MPI's message. */
tc_status tc_ranks_mpi_fail(tc_err *err, const char *call, int rc);
/* n bytes to / from one rank, in pieces an int count holds. */
tc_status tc_ranks_send(const void *v, size_t n, int to, tc_err *err);
tc_status tc_ranks_recv(void *v, size_t n, int from, tc_err *err);

#endif
