/* host/mpi/dark_ranks.h in a build without MPI: one rank, which maximises every row
 * itself (the serve and the stop have no other rank to talk to). */
#include "host/mpi/dark_ranks.h"

#include <stdlib.h>

#include "host/events/parts_events.h"

struct tc_ranks_dark {
  const tc_dark_maximiser *local;
  int threads;
  tc_dark_maximiser spread;
};

static tc_status own_run(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  tc_ranks_dark *d = ctx;
  if (d->local && d->local->run)
    return d->local->run(d->local->ctx, in, n, out, err);
  tc_evp_dark_rows(in, n, out, d->threads);
  return TC_OK;
}

tc_status tc_ranks_dark_create(const tc_ranks *r, const tc_dark_maximiser *local, int threads,
                               tc_rank_figures *figures, tc_ranks_dark **out, tc_err *err) {
  (void)r;
  (void)figures;
  tc_ranks_dark *d = calloc(1, sizeof *d);
  if (!d)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  *d = (tc_ranks_dark){local, threads, {own_run, NULL}};
  d->spread.ctx = d;
  *out = d;
  return TC_OK;
}

void tc_ranks_dark_free(tc_ranks_dark *d) { free(d); }
const tc_dark_maximiser *tc_ranks_dark_spread(tc_ranks_dark *d) { return &d->spread; }

tc_status tc_ranks_dark_serve(tc_ranks_dark *d, tc_err *err) {
  (void)d;
  (void)err;
  return TC_OK;
}

tc_status tc_ranks_dark_stop(tc_ranks_dark *d, tc_err *err) {
  (void)d;
  (void)err;
  return TC_OK;
}
