/* Inside host/mpi/dark_ranks.h: the state both builds share (host/mpi/dark_ranks.c) and
 * the round, which talks to the other ranks (host/mpi/dark_mpi.c) or has none to talk
 * to (host/mpi/dark_none.c). */
#ifndef TC_DARK_ROUND_H
#define TC_DARK_ROUND_H

#include <stddef.h>
#include <stdint.h>

#include "host/mpi/dark_ranks.h"

struct tc_ranks_dark {
  const tc_ranks *r;
  tc_dark_maximiser own;          /* this rank's: the one given, or the host's (tc_dark_rows) */
  int threads;
  tc_rank_figures *figures;
  tc_dark_maximiser spread;       /* {tc_ranks_dark_round, this} */
  uint64_t rows_before;           /* rank 0: rows of the rounds so far (how the next is cut) */
};

/* tc_dark_maximiser's run on rank 0 (ctx: the tc_ranks_dark). */
tc_status tc_ranks_dark_round(void *ctx, const double *in, size_t n, double *out, tc_err *err);

#endif
