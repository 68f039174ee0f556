/* The encounter engine: streams buckets from a source through a backend and links
 * the close pairs into encounters (spec/encounters.md). Reads bucket k+1 on a
 * second thread while bucket k computes. */
#ifndef TC_ENGINE_H
#define TC_ENGINE_H

#include <stdint.h>

#include "host/backend.h"
#include "host/engine/encounter.h"
#include "host/engine/grid.h"
#include "host/engine/params.h"
#include "host/engine/runs.h"
#include "host/engine/source.h"
#include "io/status.h"

typedef struct {
  uint64_t reads;             /* source reads: buckets, or slices of one */
  uint64_t fixes_read;        /* rows delivered by the source */
  uint64_t teleport_dropped;  /* spec §1 rule 3 */
  uint64_t grid_positions;
  uint64_t grid_times;        /* grid times processed */
  uint64_t distance_tests;    /* pair tests made by the backend's screen */
  uint64_t candidate_pairs;   /* pairs the screen let through */
  uint64_t close_pairs;       /* pairs within dist (exact test) */
  uint64_t candidates;        /* runs judged (spec §4 candidates) */
  uint64_t encounters;
  uint64_t peak_open_pairs;
  double t_read_wait, t_positions, t_grid, t_cand, t_exact, t_speeds, t_runs; /* seconds */
  double t_read;              /* the reader thread's time, overlapped with the stages or not */
  /* t_cand is the engine thread's time in the backend's candidates op or waiting on it;
   * t_cand_op the op's own, which is more where it ran beside the host's stages */
  double t_cand_op;
  int overlapped;             /* the op ran on a thread of its own (tc_backend_ops.overlap) */
  tc_backend_stats backend;
  int has_device;             /* the backend filled `device` (a device backend) */
  tc_device_profile device;   /* its start-up, time by step and traffic (--profile) */
  const char *precision;      /* as the backend reports it */
} tc_engine_stats;

/* Appends the encounters to out, sorted by (start, mmsi_a, mmsi_b). */
tc_status tc_encounters_run(const tc_bucket_source *src, const tc_params *p,
                            const tc_backend_ops *ops, const tc_backend_config *cfg,
                            tc_encounter_list *out, tc_engine_stats *stats, tc_err *err);

/* What the engine holds between slices, for checkpoints (host/engine/ckpt.h): the
 * grid's vessels, the open runs (one tc_runs per shard), the encounters judged so far
 * (per shard, unsorted), the grid times done and the counters. */
typedef struct {
  tc_grid_cpu *grid;
  tc_runs *const *runs;
  tc_encounter_list *found;
  unsigned nshards;
  int64_t *s_done; /* grid times below this are processed (INT64_MIN: none yet) */
  tc_engine_stats *stats;
} tc_engine_view;

/* What the engine has done after a slice: for progress displays and logs. */
typedef struct {
  uint64_t reads, fixes_read;  /* so far */
  int64_t t_end;               /* every fix before it is in */
  int64_t s_done;              /* grid times before it are processed (INT64_MIN: none) */
} tc_engine_tick;

/* Hooks into a run; NULL members do nothing (head_until counts only with edges), so a
 * zeroed struct hooks nothing. restore, after_slice and after_add get ctx; tick gets its
 * own tick_ctx, so that a progress display goes with any of the others.
 *
 * Checkpoints (host/engine/ckpt.h): restore and after_slice.
 * Time parts of a split run (host/engine/parts.h): edges, head_until and after_add.
 * A part run (edges set) processes grid times [p->from, p->to), stops reading once
 * they are all processed, and leaves in edges, unjudged, the candidates that start at
 * or before head_until and those still open at p->to, which the neighbouring parts
 * may extend. A part run takes no checkpoint hooks (refused: TC_ERR_ARG). */
typedef struct {
  void *ctx;
  /* Before the first read, on the empty engine: may fill it (a resumed run). */
  tc_status (*restore)(void *ctx, const tc_engine_view *v, tc_err *err);
  /* After this run's slice number `slice` (1, 2, ...) was turned into positions and
   * every grid time it made final was processed and judged: the view then holds what
   * the slices so far give and nothing of the next one (already being read). Not
   * called for the slice that ends the run (the source's end, or --to reached).
   * TC_ERR_CANCELLED (or any error) ends the run there with that status. */
  tc_status (*after_slice)(void *ctx, const tc_engine_view *v, uint64_t slice, tc_err *err);
  tc_edge_runs *edges;
  int64_t head_until;
  /* after each slice's fixes are in the grid (teleport state checks) */
  tc_status (*after_add)(void *ctx, const tc_grid_cpu *g, int64_t t_end, tc_err *err);
  void (*tick)(void *tick_ctx, const tc_engine_tick *t);
  void *tick_ctx;
} tc_engine_hooks;

/* tc_encounters_run with hooks (NULL: none). */
tc_status tc_encounters_run_hooked(const tc_bucket_source *src, const tc_params *p, const tc_backend_ops *ops,
                                   const tc_backend_config *cfg, const tc_engine_hooks *hooks,
                                   tc_encounter_list *out, tc_engine_stats *stats, tc_err *err);

#endif
