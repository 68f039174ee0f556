/* host/mpi/ranks.h with MPI. Part i runs on rank i; the ranks agree on which parts
 * must be read again from the start (tc_parts_check on every rank, from the gathered
 * teleport states); rank 0 then receives every rank's encounters and edge runs and
 * stitches them. Every MPI call is checked and named; MPI_COMM_WORLD returns errors
 * instead of aborting, so a failure becomes a tc_status like any other. */
#include "host/mpi/ranks.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* "MPI_Allgather: MPI_ERR_TRUNCATE: message truncated" */
static tc_status mpi_fail(tc_err *err, const char *call, int rc) {
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
    snprintf(msg, sizeof msg, "error code %d", rc);
  return tc_fail(err, TC_ERR_MPI, "%s: %s", call, msg);
}

#define MPI_TRY(name, call)                  \
  do {                                       \
    int rc_ = (call);                        \
    if (rc_ != MPI_SUCCESS)                  \
      return mpi_fail(err, name, rc_);       \
  } while (0)

int tc_ranks_built(void) { return 1; }

/* Started by an MPI launcher (mpirun, mpiexec, srun)? Their own variables say so. A
 * process started alone does not initialise MPI at all: no start-up cost, nothing of
 * MPI in a one-process run. */
static int launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", "SLURM_NTASKS"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
    if (getenv(vars[i]))
      return 1;
  return 0;
}

tc_status tc_ranks_init(tc_ranks *r, tc_err *err) {
  memset(r, 0, sizeof *r);
  r->size = 1;
  if (!launched())
    return TC_OK;
  int inited = 0, provided = 0;
  MPI_TRY("MPI_Initialized", MPI_Initialized(&inited));
  if (!inited) {
    /* only the main thread calls MPI; the engine's threads never do */
    MPI_TRY("MPI_Init_thread", MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided));
    r->started = 1;
  }
  MPI_TRY("MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  MPI_TRY("MPI_Comm_rank", MPI_Comm_rank(MPI_COMM_WORLD, &r->rank));
  MPI_TRY("MPI_Comm_size", MPI_Comm_size(MPI_COMM_WORLD, &r->size));
  MPI_Comm node;
  MPI_TRY("MPI_Comm_split_type", MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, r->rank,
                                                     MPI_INFO_NULL, &node));
  int rc = MPI_Comm_rank(node, &r->local_rank), rc_free = MPI_Comm_free(&node);
  if (rc != MPI_SUCCESS)
    return mpi_fail(err, "MPI_Comm_rank (node)", rc);
  if (rc_free != MPI_SUCCESS)
    return mpi_fail(err, "MPI_Comm_free (node)", rc_free);
  return TC_OK;
}

void tc_ranks_finalize(tc_ranks *r) {
  if (r && r->started) {
    (void)MPI_Finalize(); /* the last call before exit: a failure has nothing left to undo */
    r->started = 0;
  }
}

void tc_ranks_abort(const tc_ranks *r, int code) {
  if (r && r->size > 1)
    MPI_Abort(MPI_COMM_WORLD, code); /* does not return */
}

/* Sends / receives n bytes in pieces an int count can hold. */
#define PIECE ((size_t)1 << 30)
static tc_status send_bytes(const void *v, size_t n, int to, tc_err *err) {
  for (size_t o = 0; o < n; o += PIECE) {
    size_t k = n - o < PIECE ? n - o : PIECE;
    MPI_TRY("MPI_Send", MPI_Send((const char *)v + o, (int)k, MPI_BYTE, to, 1, MPI_COMM_WORLD));
  }
  return TC_OK;
}

static tc_status recv_bytes(void *v, size_t n, int from, tc_err *err) {
  for (size_t o = 0; o < n; o += PIECE) {
    size_t k = n - o < PIECE ? n - o : PIECE;
    MPI_TRY("MPI_Recv", MPI_Recv((char *)v + o, (int)k, MPI_BYTE, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  }
  return TC_OK;
}

/* What every rank tells every other after computing its part. */
typedef struct {
  tc_part_snap own, next;
  int32_t from_start, failed;
} check_msg;

/* Every rank learns whether any failed; a failed rank's message goes to all, so each
 * stops with the same reason. 1 when all are fine. */
static tc_status agree(const tc_ranks *r, tc_status mine, tc_err *err, int *all_ok) {
  int bad = mine != TC_OK, any = 0;
  MPI_TRY("MPI_Allreduce", MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
  *all_ok = !any;
  if (!any)
    return TC_OK;
  int first = bad ? r->rank : r->size, who = 0;
  MPI_TRY("MPI_Allreduce", MPI_Allreduce(&first, &who, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
  char msg[TC_ERR_MSG_MAX];
  memset(msg, 0, sizeof msg);
  if (r->rank == who)
    snprintf(msg, sizeof msg, "%s", err && err->msg[0] ? err->msg : tc_status_name(mine));
  MPI_TRY("MPI_Bcast", MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, who, MPI_COMM_WORLD));
  tc_status code = mine != TC_OK ? mine : TC_ERR_MPI;
  return tc_fail(err, code, "rank %d of %d: %s", who, r->size, msg);
}

static void stats_add(tc_engine_stats *a, const tc_engine_stats *b) {
  a->reads += b->reads;
  a->fixes_read += b->fixes_read;
  a->teleport_dropped += b->teleport_dropped;
  a->grid_positions += b->grid_positions;
  a->grid_times += b->grid_times;
  a->distance_tests += b->distance_tests;
  a->candidate_pairs += b->candidate_pairs;
  a->close_pairs += b->close_pairs;
  a->candidates += b->candidates;
  a->encounters += b->encounters;
  if (b->peak_open_pairs > a->peak_open_pairs)
    a->peak_open_pairs = b->peak_open_pairs;
}

/* Rank 0: rank `from`'s encounters and edge runs (sizes first). */
static tc_status gather_one(int from, tc_encounter_list *found, tc_edge_runs *e, tc_err *err) {
  uint64_t sz[3];
  MPI_TRY("MPI_Recv", MPI_Recv(sz, 3, MPI_UINT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  found->n = 0;
  for (uint64_t i = 0; i < sz[0]; i++) { /* room, then the bytes over it */
    tc_encounter z;
    memset(&z, 0, sizeof z);
    if (tc_encounter_list_push(found, &z) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "out of memory receiving rank %d's encounters", from);
  }
  TC_TRY(recv_bytes(found->v, sz[0] * sizeof *found->v, from, err));
  size_t n = sz[1], nt = sz[2];
  tc_edge_runs_free(e);
  e->key = malloc((n ? n : 1) * sizeof *e->key);
  e->flags = malloc((n ? n : 1) * sizeof *e->flags);
  e->off = malloc((n + 1) * sizeof *e->off);
  e->t = malloc((nt ? nt : 1) * sizeof *e->t);
  if (!e->key || !e->flags || !e->off || !e->t)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory receiving rank %d's edge runs", from);
  e->n = e->cap = n;
  e->nt = e->capt = nt;
  e->off[0] = 0;
  TC_TRY(recv_bytes(e->key, n * sizeof *e->key, from, err));
  TC_TRY(recv_bytes(e->flags, n * sizeof *e->flags, from, err));
  TC_TRY(recv_bytes(e->off, (n + 1) * sizeof *e->off, from, err));
  TC_TRY(recv_bytes(e->t, nt * sizeof *e->t, from, err));
  return TC_OK;
}

static tc_status send_mine(const tc_part_result *res, tc_err *err) {
  const tc_edge_runs *e = &res->edges;
  uint64_t sz[3] = {res->found.n, e->n, e->nt};
  uint64_t zero = 0;
  MPI_TRY("MPI_Send", MPI_Send(sz, 3, MPI_UINT64_T, 0, 0, MPI_COMM_WORLD));
  TC_TRY(send_bytes(res->found.v, res->found.n * sizeof *res->found.v, 0, err));
  TC_TRY(send_bytes(e->key, e->n * sizeof *e->key, 0, err));
  TC_TRY(send_bytes(e->flags, e->n * sizeof *e->flags, 0, err));
  TC_TRY(send_bytes(e->n ? (const void *)e->off : (const void *)&zero, (e->n + 1) * sizeof *e->off, 0, err));
  TC_TRY(send_bytes(e->t, e->nt * sizeof *e->t, 0, err));
  return TC_OK;
}

/* Part r->rank run until every part is exact (tc_parts_check on every rank alike): the
 * ranks' form of tc_parts_converge, each rank running only its own part. */
static tc_status converge(const tc_ranks *r, const tc_part *parts, const tc_part_runner *run, tc_err *err) {
  unsigned k = (unsigned)r->size, me = (unsigned)r->rank;
  check_msg *all = calloc(k, sizeof *all);
  tc_part_snap *own = calloc(k, sizeof *own), *next = calloc(k, sizeof *next);
  int *fs = calloc(k, sizeof *fs);
  unsigned char *rerun = calloc(k, 1);
  tc_status s = all && own && next && fs && rerun ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  int ok = 1;
  tc_status t;
  if (s == TC_OK)
    s = run->run(run->ctx, me, 0, err);
  for (;;) {
    if ((t = agree(r, s, err, &ok)) != TC_OK || !ok) {
      s = t != TC_OK ? t : TC_ERR_MPI;
      break;
    }
    check_msg mine;
    memset(&mine, 0, sizeof mine);
    int from_start = 0;
    run->snaps(run->ctx, me, &mine.own, &mine.next, &from_start);
    mine.from_start = from_start;
    int rc = MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
      s = mpi_fail(err, "MPI_Allgather", rc);
      break;
    }
    for (unsigned i = 0; i < k; i++) {
      own[i] = all[i].own;
      next[i] = all[i].next;
      fs[i] = all[i].from_start;
    }
    if (tc_parts_check(k, parts, own, next, fs, rerun) == 0)
      break;
    if (rerun[me]) /* the others wait at the next agree */
      s = run->run(run->ctx, me, 1, err);
  }
  free(all);
  free(own);
  free(next);
  free(fs);
  free(rerun);
  return s;
}

tc_status tc_ranks_encounters(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                              const tc_backend_ops *ops, const tc_backend_config *cfg,
                              const tc_engine_hooks *hooks, tc_encounter_list *out, tc_rank_figures *figures,
                              tc_engine_stats *stats, tc_err *err) {
  unsigned k = (unsigned)r->size;
  tc_part *parts = calloc(k, sizeof *parts);
  tc_part_result res, other;
  tc_part_result_init(&res);
  tc_part_result_init(&other);
  const tc_edge_runs **edges = calloc(k, sizeof *edges);
  tc_edge_runs *got = calloc(k, sizeof *got);
  tc_status s = parts && edges && got ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  if (s == TC_OK) /* every rank plans alike from the same stores, and fails alike */
    s = tc_parts_plan(stores, n, p, k, TC_PARTS_LEAD_IN(p->max_gap), parts, err);
  tc_enc_parts c = {{stores, n, parts, p, (unsigned)r->rank}, ops, cfg, hooks, &res}; /* its own part only */
  tc_part_runner run = tc_enc_part_runner(&c);
  if (s == TC_OK)
    s = converge(r, parts, &run, err);
  if (s != TC_OK)
    goto cleanup;

  /* figures and counts */
  struct rusage ru;
  tc_rank_figures mine;
  memset(&mine, 0, sizeof mine);
  mine.s_lo = parts[r->rank].s_lo;
  mine.s_hi = parts[r->rank].s_hi;
  mine.rows = parts[r->rank].rows;
  mine.fixes_read = res.stats.fixes_read;
  mine.encounters = res.found.n;
  mine.edge_runs = res.edges.n;
  mine.from_start = res.from_start;
  mine.t_wall = res.t_wall;
  mine.t_cpu = res.t_cpu;
  mine.rss_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
  tc_rank_figures *allf = r->rank == 0 ? calloc(k, sizeof *allf) : NULL;
  tc_engine_stats *alls = r->rank == 0 ? calloc(k, sizeof *alls) : NULL;
  if (r->rank == 0 && (!allf || !alls)) {
    free(allf);
    free(alls);
    s = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto cleanup; /* the others wait in the gather: the caller aborts (tc_ranks_abort) */
  }
  int rc = MPI_Gather(&mine, (int)sizeof mine, MPI_BYTE, allf, (int)sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD);
  if (rc == MPI_SUCCESS)
    rc = MPI_Gather(&res.stats, (int)sizeof res.stats, MPI_BYTE, alls, (int)sizeof res.stats, MPI_BYTE, 0,
                    MPI_COMM_WORLD);
  *stats = res.stats;
  if (rc != MPI_SUCCESS) {
    s = mpi_fail(err, "MPI_Gather", rc);
  } else if (r->rank == 0) {
    for (unsigned i = 1; i < k; i++)
      stats_add(stats, &alls[i]);
    stats->encounters = 0;
    if (figures)
      memcpy(figures, allf, k * sizeof *figures);
  }
  free(allf);
  free(alls);
  if (s != TC_OK)
    goto cleanup;

  /* rank 0 stitches */
  if (r->rank != 0) {
    s = send_mine(&res, err);
    goto cleanup;
  }
  for (size_t i = 0; s == TC_OK && i < res.found.n; i++)
    if (tc_encounter_list_push(out, &res.found.v[i]) != TC_OK)
      s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting encounters");
  edges[0] = &res.edges;
  for (unsigned i = 1; s == TC_OK && i < k; i++) {
    if ((s = gather_one((int)i, &other.found, &got[i], err)) != TC_OK)
      break;
    for (size_t j = 0; s == TC_OK && j < other.found.n; j++)
      if (tc_encounter_list_push(out, &other.found.v[j]) != TC_OK)
        s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting encounters");
    edges[i] = &got[i];
  }
  uint64_t stitched = 0;
  if (s == TC_OK)
    s = tc_parts_stitch(p, edges, k, out, &stitched, err);
  stats->candidates += stitched;
  stats->encounters = out->n;

cleanup:
  tc_part_result_free(&res);
  tc_part_result_free(&other);
  for (unsigned i = 0; got && i < k; i++)
    tc_edge_runs_free(&got[i]);
  free(got);
  free(edges);
  free(parts);
  return s;
}

/* For the other split commands (host/mpi/ranks_comm.h). */
tc_status tc_ranks_mpi_fail(tc_err *err, const char *call, int rc) { return mpi_fail(err, call, rc); }
tc_status tc_ranks_converge(const tc_ranks *r, const tc_part *parts, const tc_part_runner *run, tc_err *err) {
  return converge(r, parts, run, err);
}
tc_status tc_ranks_agree(const tc_ranks *r, tc_status mine, tc_err *err, int *all_ok) {
  return agree(r, mine, err, all_ok);
}
tc_status tc_ranks_send(const void *v, size_t n, int to, tc_err *err) { return send_bytes(v, n, to, err); }
tc_status tc_ranks_recv(void *v, size_t n, int from, tc_err *err) { return recv_bytes(v, n, from, err); }
