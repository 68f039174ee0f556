/* host/mpi/dark_ranks.h: what both builds share; the rounds are host/mpi/dark_mpi.c's
 * (or host/mpi/dark_none.c's, one rank). */
#include <stdlib.h>

#include "host/events/parts_events.h"
#include "host/mpi/dark_round.h"

static tc_status host_run(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  (void)err;
  tc_dark_rows(in, n, out, ((const tc_ranks_dark *)ctx)->threads);
  return TC_OK;
}

tc_status tc_ranks_dark_create(const tc_ranks *r, const tc_dark_maximiser *local, int threads,
                               tc_rank_figures *figures, tc_ranks_dark **out, tc_err *err) {
  tc_ranks_dark *d = calloc(1, sizeof *d);
  if (!d)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  *d = (tc_ranks_dark){r, local ? *local : (tc_dark_maximiser){host_run, NULL}, threads, figures,
                       {tc_ranks_dark_round, NULL}, 0};
  if (!local)
    d->own.ctx = d;
  d->spread.ctx = d;
  *out = d;
  return TC_OK;
}

void tc_ranks_dark_free(tc_ranks_dark *d) { free(d); }

const tc_dark_maximiser *tc_ranks_dark_spread(tc_ranks_dark *d) { return &d->spread; }
