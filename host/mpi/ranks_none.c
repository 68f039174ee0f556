/* host/mpi/ranks.h in a build without MPI: one rank. */
#include "host/mpi/ranks.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* The launchers' own variables for the number of ranks: Open MPI, MPICH/Hydra, Slurm. */
static long launched_ranks(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
    const char *v = getenv(vars[i]);
    if (v && atol(v) > 1)
      return atol(v);
  }
  return 1;
}

tc_status tc_ranks_init(tc_ranks *r, tc_err *err) {
  memset(r, 0, sizeof *r);
  r->size = 1;
  long k = launched_ranks();
  if (k > 1)
    return tc_fail(err, TC_ERR_UNSUPPORTED,
                   "started as one of %ld ranks, but this trajcorr was built without MPI: every rank would "
                   "compute and write the whole list (rebuild with MPI: apt-get install libopenmpi-dev, or "
                   "run one process)", k);
  return TC_OK;
}

void tc_ranks_finalize(tc_ranks *r) { (void)r; }
void tc_ranks_abort(const tc_ranks *r, int code) { (void)r, (void)code; }
int tc_ranks_built(void) { return 0; }

tc_status tc_ranks_encounters(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                              const tc_backend_ops *ops, const tc_backend_config *cfg,
                              const tc_engine_hooks *hooks, tc_encounter_list *out, tc_rank_figures *figures,
                              tc_engine_stats *stats, tc_err *err) {
  (void)r;
  tc_part part;
  TC_TRY(tc_parts_plan(stores, n, p, 1, 0, &part, err));
  tc_part_result res;
  tc_part_result_init(&res);
  tc_status s = tc_part_run(stores, n, &part, 1, p, ops, cfg, hooks, &res, err);
  for (size_t i = 0; s == TC_OK && i < res.found.n; i++)
    if (tc_encounter_list_push(out, &res.found.v[i]) != TC_OK)
      s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting encounters");
  const tc_edge_runs *e = &res.edges;
  if (s == TC_OK)
    s = tc_parts_stitch(p, &e, 1, out, NULL, err);
  if (s == TC_OK && figures) {
    struct rusage ru;
    memset(figures, 0, sizeof *figures);
    figures->s_lo = part.s_lo;
    figures->s_hi = part.s_hi;
    figures->rows = part.rows;
    figures->fixes_read = res.stats.fixes_read;
    figures->encounters = res.found.n;
    figures->from_start = 1;
    figures->t_wall = res.t_wall;
    figures->t_cpu = res.t_cpu;
    figures->rss_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
  }
  *stats = res.stats;
  tc_part_result_free(&res);
  return s;
}
