/* host/mpi/events_ranks.h with MPI. Every collective step is preceded by
 * tc_ranks_agree, so a failure on one rank stops all of them with its message instead
 * of leaving the others waiting. */
#include "host/mpi/events_ranks.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "host/events/parts_events.h"
#include "host/mpi/ranks_comm.h"
#include "io/clock.h"

static tc_status mpi_fail(tc_err *err, const char *call, int rc) { return tc_ranks_mpi_fail(err, call, rc); }

/* tc_ranks_agree as one status: TC_OK when every rank is fine. */
static tc_status all_fine(const tc_ranks *r, tc_status mine, tc_err *err) {
  int ok = 1;
  tc_status t = tc_ranks_agree(r, mine, err, &ok);
  return t != TC_OK ? t : ok ? TC_OK : TC_ERR_MPI;
}

/* Part r->rank run until every part is exact (tc_ranks_converge). */
static tc_status run_checked(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_part *parts,
                             const tc_params *p, const tc_event_params *e, tc_evp_part *res, tc_err *err) {
  tc_evp_parts c = {{stores, n, parts, p, (unsigned)r->rank}, e, res}; /* its own part only */
  tc_part_runner run = tc_evp_part_runner(&c);
  return tc_ranks_converge(r, parts, &run, err);
}

/* The arrays of a part's pass 1 that the stitch reads, sizes first. */
enum { N_ARR = 5 };

static tc_status send_part(const tc_evp_part *x, tc_err *err) {
  uint64_t sz[N_ARR] = {x->found.n_loiter, x->found.n_gaps, x->n_runs, x->n_pos, x->n_ends};
  TC_TRY(tc_ranks_send(sz, sizeof sz, 0, err));
  TC_TRY(tc_ranks_send(&x->stats, sizeof x->stats, 0, err));
  TC_TRY(tc_ranks_send(x->found.loiter, sz[0] * sizeof *x->found.loiter, 0, err));
  TC_TRY(tc_ranks_send(x->found.gaps, sz[1] * sizeof *x->found.gaps, 0, err));
  TC_TRY(tc_ranks_send(x->runs, sz[2] * sizeof *x->runs, 0, err));
  TC_TRY(tc_ranks_send(x->pos, sz[3] * sizeof *x->pos, 0, err));
  return tc_ranks_send(x->ends, sz[4] * sizeof *x->ends, 0, err);
}

static void *room(size_t n, size_t size) { return malloc((n ? n : 1) * size); }

static tc_status recv_part(int from, tc_evp_part *x, tc_err *err) {
  uint64_t sz[N_ARR];
  TC_TRY(tc_ranks_recv(sz, sizeof sz, from, err));
  TC_TRY(tc_ranks_recv(&x->stats, sizeof x->stats, from, err));
  x->found.loiter = room(sz[0], sizeof *x->found.loiter);
  x->found.gaps = room(sz[1], sizeof *x->found.gaps);
  x->runs = room(sz[2], sizeof *x->runs);
  x->pos = room(sz[3], sizeof *x->pos);
  x->ends = room(sz[4], sizeof *x->ends);
  if (!x->found.loiter || !x->found.gaps || !x->runs || !x->pos || !x->ends)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory receiving rank %d's events", from);
  x->found.n_loiter = x->found.cap_loiter = sz[0];
  x->found.n_gaps = x->found.cap_gaps = sz[1];
  x->n_runs = x->cap_runs = sz[2];
  x->n_pos = x->cap_pos = sz[3];
  x->n_ends = x->cap_ends = sz[4];
  TC_TRY(tc_ranks_recv(x->found.loiter, sz[0] * sizeof *x->found.loiter, from, err));
  TC_TRY(tc_ranks_recv(x->found.gaps, sz[1] * sizeof *x->found.gaps, from, err));
  TC_TRY(tc_ranks_recv(x->runs, sz[2] * sizeof *x->runs, from, err));
  TC_TRY(tc_ranks_recv(x->pos, sz[3] * sizeof *x->pos, from, err));
  return tc_ranks_recv(x->ends, sz[4] * sizeof *x->ends, from, err);
}

/* Rank 0's gap list to every rank. */
static tc_status bcast_gaps(const tc_ranks *r, tc_event_lists *l, tc_err *err) {
  uint64_t n = l->n_gaps;
  int rc = MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS)
    return mpi_fail(err, "MPI_Bcast", rc);
  if (r->rank != 0) {
    l->gaps = room(n, sizeof *l->gaps);
    if (!l->gaps)
      return tc_fail(err, TC_ERR_NOMEM, "out of memory receiving the gaps");
    l->n_gaps = l->cap_gaps = n;
  }
  size_t bytes = n * sizeof *l->gaps, piece = (size_t)1 << 30;
  for (size_t o = 0; o < bytes; o += piece) {
    size_t m = bytes - o < piece ? bytes - o : piece;
    if ((rc = MPI_Bcast((char *)l->gaps + o, (int)m, MPI_BYTE, 0, MPI_COMM_WORLD)) != MPI_SUCCESS)
      return mpi_fail(err, "MPI_Bcast", rc);
  }
  return TC_OK;
}

static tc_status send_evidence(const tc_columns *c, tc_err *err) {
  uint64_t n = c->n;
  tc_fix *v = room(c->n, sizeof *v);
  tc_status s = v ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory sending the evidence");
  for (size_t i = 0; v && i < c->n; i++)
    tc_columns_get(c, i, &v[i]);
  /* the size goes even when out of memory (as none), so that rank 0 is not left waiting */
  if (!v)
    n = 0;
  tc_status t = tc_ranks_send(&n, sizeof n, 0, err);
  if (s == TC_OK && t == TC_OK)
    s = tc_ranks_send(v, c->n * sizeof *v, 0, err);
  free(v);
  return s != TC_OK ? s : t;
}

static tc_status recv_evidence(int from, tc_columns *c, tc_err *err) {
  uint64_t n;
  TC_TRY(tc_ranks_recv(&n, sizeof n, from, err));
  tc_fix *v = room(n, sizeof *v);
  if (!v)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory receiving rank %d's evidence", from);
  tc_status s = tc_ranks_recv(v, n * sizeof *v, from, err);
  for (uint64_t i = 0; s == TC_OK && i < n; i++)
    if (tc_columns_push(c, &v[i]) != TC_OK)
      s = tc_fail(err, TC_ERR_NOMEM, "out of memory receiving rank %d's evidence", from);
  free(v);
  return s;
}

tc_status tc_ranks_events(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                          const tc_event_params *e, tc_events **ev, tc_memory_source **pass2,
                          tc_rank_figures *figures, tc_err *err) {
  *ev = NULL;
  *pass2 = NULL;
  double w0 = tc_clock_wall(), c0 = tc_clock_cpu();
  unsigned k = (unsigned)r->size;
  tc_part *parts = calloc(k, sizeof *parts);
  tc_evp_part *res = calloc(r->rank == 0 ? k : 1, sizeof *res); /* rank 0: every part's */
  const tc_evp_part **rp = calloc(k, sizeof *rp);
  tc_event_lists l;
  tc_event_lists_init(&l);
  tc_event_stats st;
  memset(&st, 0, sizeof st);
  tc_columns evid;
  tc_columns_init(&evid);
  tc_rank_figures *allf = NULL;
  uint64_t rows2 = 0;
  tc_status s = parts && res && rp ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  for (unsigned i = 0; res && i < (r->rank == 0 ? k : 1); i++)
    tc_evp_part_init(&res[i]);
  if (s == TC_OK) /* every rank plans alike from the same stores, and fails alike */
    s = tc_evp_plan(stores, n, p, k, parts, err);
  if (s == TC_OK)
    s = run_checked(r, stores, n, parts, p, e, &res[0], err);
  if (s != TC_OK)
    goto cleanup;

  /* pass 1 to rank 0, stitched there; the gaps back to every rank */
  if (r->rank != 0) {
    s = send_part(&res[0], err);
  } else {
    rp[0] = &res[0];
    for (unsigned i = 1; s == TC_OK && i < k; i++) {
      s = recv_part((int)i, &res[i], err);
      rp[i] = &res[i];
    }
    if (s == TC_OK)
      s = tc_evp_stitch(p, e, rp, k, &l, &st, err);
  }
  if ((s = all_fine(r, s, err)) != TC_OK || (s = bcast_gaps(r, &l, err)) != TC_OK)
    goto cleanup;

  /* pass 2: each rank's evidence to rank 0 */
  s = tc_evp_evidence(stores, n, &parts[r->rank], p, e, l.gaps, l.n_gaps, &res[0], &evid, &rows2, err);
  if ((s = all_fine(r, s, err)) != TC_OK)
    goto cleanup;
  if (r->rank != 0) {
    s = send_evidence(&evid, err);
  } else {
    for (unsigned i = 1; s == TC_OK && i < k; i++)
      s = recv_evidence((int)i, &evid, err);
  }
  if ((s = all_fine(r, s, err)) != TC_OK)
    goto cleanup;

  /* the figures, then rank 0's events object */
  struct rusage ru;
  tc_rank_figures mine;
  memset(&mine, 0, sizeof mine);
  mine.s_lo = parts[r->rank].s_lo;
  mine.s_hi = parts[r->rank].s_hi;
  mine.rows = parts[r->rank].rows;
  mine.fixes_read = res[0].rows_read + rows2;
  mine.edge_runs = res[0].n_runs;
  mine.from_start = res[0].from_start;
  mine.t_wall = tc_clock_wall() - w0;
  mine.t_cpu = tc_clock_cpu() - c0;
  mine.rss_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
  if (r->rank == 0 && !(allf = calloc(k, sizeof *allf)))
    s = tc_fail(err, TC_ERR_NOMEM, "out of memory");
  if ((s = all_fine(r, s, err)) != TC_OK)
    goto cleanup;
  int rc = MPI_Gather(&mine, (int)sizeof mine, MPI_BYTE, allf, (int)sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) {
    s = mpi_fail(err, "MPI_Gather", rc);
    goto cleanup;
  }
  if (r->rank == 0) {
    if (figures)
      memcpy(figures, allf, k * sizeof *figures);
    s = tc_evp_adopt(p, e, &l, &st, &evid, ev, pass2, err);
  }

cleanup:
  for (unsigned i = 0; res && i < (r->rank == 0 ? k : 1); i++)
    tc_evp_part_free(&res[i]);
  free(res);
  free(rp);
  free(parts);
  free(allf);
  tc_event_lists_free(&l);
  tc_columns_free(&evid);
  return s;
}
