/* host/mpi/dark_ranks.h's rounds in a build without MPI: one rank, which maximises
 * every row itself; no other rank to serve or to stop. */
#include "host/mpi/dark_round.h"

tc_status tc_ranks_dark_round(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  tc_ranks_dark *d = ctx;
  return n ? d->own.run(d->own.ctx, in, n, out, err) : TC_OK;
}

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
