/* host/mpi/dark_ranks.h with MPI. One call of the spread maximiser on rank 0 is one
 * round (one chunk of the events' pairs): a header to every rank (MPI_Bcast: work, the
 * number of rows and the rows of the rounds before, or stop), an agreement that every
 * rank has room for its run, the runs to the ranks, each rank's maximisation, an
 * agreement that every rank succeeded, and the results back. The agreements
 * (tc_ranks_agree) keep a rank that failed from leaving the others waiting. */
#include "host/mpi/dark_round.h"

#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

#include "host/mpi/ranks_comm.h"
#include "io/clock.h"
#include "kernels/geo.h"

enum { STOP = 0, WORK = 1 };

/* This rank's own maximisation of rows [0, n). */
static tc_status own(const tc_ranks_dark *d, const double *in, size_t n, double *out, tc_err *err) {
  return n ? d->own.run(d->own.ctx, in, n, out, err) : TC_OK;
}

/* Rows g of all rounds together with g mod k = r: rank r's share of the first c rows. */
static uint64_t share(uint64_t c, int r, int k) { return c > (uint64_t)r ? (c - (uint64_t)r + (uint64_t)k - 1) / (uint64_t)k : 0; }

/* Rank r's run of a round of n rows after c rows in the rounds before: [first(r),
 * first(r + 1)), of length share(c + n, r) - share(c, r), so over all the rounds the
 * ranks' totals differ by one row at most, however the events cut their pairs into
 * chunks; each run is consecutive rows, and the cut depends on (c, n, k) alone. */
static size_t first_row(uint64_t c, size_t n, int r, int k) {
  uint64_t f = 0;
  for (int q = 0; q < r; q++)
    f += share(c + n, q, k) - share(c, q, k);
  return (size_t)f;
}

static tc_status header(uint64_t h[3], tc_err *err) {
  int rc = MPI_Bcast(h, 3, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  return rc == MPI_SUCCESS ? TC_OK : tc_ranks_mpi_fail(err, "MPI_Bcast", rc);
}

/* Rank 0: rows [0, n) maximised across the ranks into out. */
tc_status tc_ranks_dark_round(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  tc_ranks_dark *d = ctx;
  int k = d->r->size;
  if (n == 0)
    return TC_OK; /* no round: the ranks wait for the next, or the stop */
  uint64_t c = d->rows_before, h[3] = {WORK, n, c};
  d->rows_before += n;
  TC_TRY(header(h, err));
  TC_TRY(tc_ranks_agree(d->r, TC_OK, err, &(int){0})); /* every rank has room for its run */
  for (int r = 1; r < k; r++) {
    size_t i0 = first_row(c, n, r, k), i1 = first_row(c, n, r + 1, k);
    TC_TRY(tc_ranks_send(in + (size_t)TC_DARK_IN * i0, (i1 - i0) * TC_DARK_IN * sizeof *in, r, err));
  }
  size_t n0 = first_row(c, n, 1, k);
  double w0 = tc_clock_wall();
  tc_status mine = own(d, in, n0, out, err);
  double secs = tc_clock_wall() - w0;
  TC_TRY(tc_ranks_agree(d->r, mine, err, &(int){0}));
  for (int r = 0; r < k; r++) {
    size_t i0 = first_row(c, n, r, k), i1 = first_row(c, n, r + 1, k);
    if (r > 0) {
      TC_TRY(tc_ranks_recv(out + (size_t)TC_DARK_OUT * i0, (i1 - i0) * TC_DARK_OUT * sizeof *out, r, err));
      TC_TRY(tc_ranks_recv(&secs, sizeof secs, r, err));
    }
    if (d->figures) {
      d->figures[r].dark_pairs += i1 - i0;
      d->figures[r].dark_s += secs;
    }
  }
  return TC_OK;
}

/* One round on a rank other than 0: its run of the n rows after c. */
static tc_status serve_round(tc_ranks_dark *d, uint64_t c, size_t n, tc_err *err) {
  int k = d->r->size, me = d->r->rank;
  size_t i0 = first_row(c, n, me, k), m = first_row(c, n, me + 1, k) - i0;
  double *in = malloc((m ? m : 1) * TC_DARK_IN * sizeof *in), *out = malloc((m ? m : 1) * TC_DARK_OUT * sizeof *out);
  tc_status s = in && out ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu dark pairs", m);
  if ((s = tc_ranks_agree(d->r, s, err, &(int){0})) == TC_OK &&
      (s = tc_ranks_recv(in, m * TC_DARK_IN * sizeof *in, 0, err)) == TC_OK) {
    double w0 = tc_clock_wall();
    tc_status mine = own(d, in, m, out, err);
    double secs = tc_clock_wall() - w0;
    if ((s = tc_ranks_agree(d->r, mine, err, &(int){0})) == TC_OK &&
        (s = tc_ranks_send(out, m * TC_DARK_OUT * sizeof *out, 0, err)) == TC_OK)
      s = tc_ranks_send(&secs, sizeof secs, 0, err);
  }
  free(in);
  free(out);
  return s;
}

tc_status tc_ranks_dark_serve(tc_ranks_dark *d, tc_err *err) {
  tc_status first = TC_OK;
  for (;;) {
    uint64_t h[3];
    TC_TRY(header(h, err)); /* the ranks cannot talk: nothing more to wait for */
    if (h[0] == STOP)
      return first;
    /* a failed round is known to every rank (the agreements): rank 0's finish fails
     * and it stops the rounds; until then, this rank answers */
    tc_status s = serve_round(d, h[2], (size_t)h[1], err);
    if (first == TC_OK)
      first = s;
  }
}

tc_status tc_ranks_dark_stop(tc_ranks_dark *d, tc_err *err) {
  (void)d;
  uint64_t h[3] = {STOP, 0, 0};
  return header(h, err);
}
