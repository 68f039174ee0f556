/* MPI ranks: one run split into time parts (host/engine/parts.h), part i on rank i,
 * the edge runs and encounters gathered and stitched on rank 0, so that rank 0's list
 * is byte for byte the one a single process gives. Only host/mpi/ includes mpi.h; a
 * build without MPI (TRAJCORR_HAVE_MPI unset) has the same functions, for one rank. */
#ifndef TC_RANKS_H
#define TC_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/engine.h"
#include "host/engine/parts.h"
#include "io/status.h"
#include "io/store.h"

typedef struct {
  int rank, size;       /* 0 and 1 when not under MPI */
  int local_rank;       /* among the ranks on this node (MPI_COMM_TYPE_SHARED) */
  int started;          /* MPI was initialised by tc_ranks_init */
} tc_ranks;

/* Initialises MPI (once per process) when built with it, and fills r. A build without
 * MPI started by a launcher with more than one rank (mpirun, srun: their environment
 * says so) gets TC_ERR_UNSUPPORTED: each rank would compute and write the whole list. */
tc_status tc_ranks_init(tc_ranks *r, tc_err *err);
void tc_ranks_finalize(tc_ranks *r); /* after the last MPI use; safe when not started */
int tc_ranks_built(void);             /* 1 when built with MPI */
/* A failure on one rank after the others moved on (they would wait for it for ever):
 * ends every rank with exit status code. Returns only with one rank. */
void tc_ranks_abort(const tc_ranks *r, int code);

/* One rank's share, for the sidecar and the closing lines. */
typedef struct {
  int64_t s_lo, s_hi;   /* its grid times (INT64_MIN / INT64_MAX: open) */
  uint64_t rows;        /* rows of the buckets in its part (the balance) */
  uint64_t fixes_read;  /* rows it read, lead-in and lead-out included */
  uint64_t encounters;  /* judged inside its part */
  uint64_t edge_runs;   /* runs it left for the stitch */
  int from_start;       /* read from the first fix (rank 0, or its teleport check failed) */
  double t_wall, t_cpu; /* seconds in the engine */
  double rss_mb;        /* peak resident memory of the process */
  uint64_t dark_pairs;  /* dark rendezvous candidate pairs it maximised (host/mpi/dark_ranks.h) */
  double dark_s;        /* seconds it spent on them */
} tc_rank_figures;

/* Every rank calls it with the same stores (in time order) and parameters. Rank 0
 * gets the list in out and every rank's figures in figures[0..size) (NULL allowed);
 * the other ranks get nothing in out. stats: this rank's engine counts, summed over
 * every rank on rank 0. A failure on any rank fails every rank, each with the message
 * of the first rank that failed. hooks: tick and ctx only. */
tc_status tc_ranks_encounters(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                              const tc_backend_ops *ops, const tc_backend_config *cfg,
                              const tc_engine_hooks *hooks, tc_encounter_list *out, tc_rank_figures *figures,
                              tc_engine_stats *stats, tc_err *err);

#endif
