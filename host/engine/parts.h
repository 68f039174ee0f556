/* One run split into time parts (MPI ranks, host/mpi/, or one after the other in one
 * process): each part processes its own grid times, reading from a lead-in before
 * them, and the runs that cross part edges are stitched, so the list is the one a
 * single run gives, byte for byte.
 *
 * What crosses a part edge, and how each is handled:
 * - grid positions and slot speeds near the edge: a part reads fixes from the lead-in
 *   on and past its end until every grid time of it is final (the engine's rule:
 *   max_gap and one slot beyond);
 * - the teleport filter (spec §1 rule 3), whose state is the last kept fix, which in
 *   principle depends on the whole history: a part starts it afresh at read_from and
 *   compares, at check_at, each vessel's last kept fix with the part before's (a
 *   state that agrees there agrees from then on); a part that disagrees is run again
 *   from the first fix;
 * - runs linked across merge_gap: candidates that may continue one of the part before
 *   (heads) and those open at the part's end (tails) are kept whole and stitched. */
#ifndef TC_PARTS_H
#define TC_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/engine.h"
#include "io/store.h"

typedef struct {
  int64_t s_lo, s_hi;    /* grid times [s_lo, s_hi) (INT64_MIN / INT64_MAX: open) */
  int64_t read_from;     /* reading starts at the bucket holding it (INT64_MIN: the first) */
  int64_t check_at;      /* teleport state compared at the first slice end at or after it */
  int64_t next_check;    /* the next non-empty part's check_at (INT64_MAX: none) */
  int64_t head_until;    /* candidates starting at or before it may continue the part before */
  uint64_t rows;         /* rows of the buckets in [s_lo, s_hi) */
} tc_part;

/* The lead-in before check_at by default: room for the teleport filter, started
 * afresh, to agree with the full run's (it does at the first fix kept by both). */
#define TC_PARTS_LEAD_IN(max_gap) (4 * (max_gap))

/* Cuts the stores' time range (within p->from, p->to) into k parts of about equal
 * rows at bucket starts, aligned to the slot. The stores in time order. */
tc_status tc_parts_plan(tc_store *const *stores, size_t n, const tc_params *p, unsigned k, int64_t lead_in,
                        tc_part *parts, tc_err *err);

/* The teleport state at a slice end t_end: vessels whose last kept fix is within
 * max_gap before it (the others' next fix is kept whatever came before), hashed. */
typedef struct {
  int64_t t_end;         /* INT64_MIN: not taken */
  uint64_t vessels, hash;
} tc_part_snap;
int tc_part_snap_equal(const tc_part_snap *a, const tc_part_snap *b);

typedef struct {
  tc_encounter_list found; /* judged inside the part */
  tc_edge_runs edges;
  tc_part_snap own, next;  /* at check_at and at next_check */
  int from_start;          /* read from the first fix (exact by construction) */
  tc_engine_stats stats;
  double t_wall, t_cpu;    /* seconds */
} tc_part_result;
void tc_part_result_init(tc_part_result *r);
void tc_part_result_free(tc_part_result *r);

/* Runs one part over the stores (in time order), replacing r's contents. from_start:
 * read from the first fix instead of the lead-in. hooks: only tick and ctx are used. */
tc_status tc_part_run(tc_store *const *stores, size_t n, const tc_part *part, int from_start, const tc_params *p,
                      const tc_backend_ops *ops, const tc_backend_config *cfg, const tc_engine_hooks *hooks,
                      tc_part_result *r, tc_err *err);

/* Which parts are exact: part 0, an empty part, a part read from the start, and a part
 * whose state at check_at equals that of the exact non-empty part before it. rerun[i] =
 * 1 for the parts to run again from the start now (inexact after an exact one).
 * Returns how many parts are not exact yet. own[i], next[i], from_start[i]: of part i. */
unsigned tc_parts_check(unsigned k, const tc_part *parts, const tc_part_snap *own, const tc_part_snap *next,
                        const int *from_start, unsigned char *rerun);

/* Runs parts 0..k-1 in one process until every part is exact (tc_parts_check): each
 * once from its lead-in, then again from the first fix each part that tc_parts_check
 * names, until none is left. run(ctx, i, from_start, err) runs part i; snaps(ctx, i, ...)
 * reports its state at check_at and next_check and whether it read from the first fix.
 * *reruns: the runs from the first fix. Shared by the encounters' and the events' parts. */
typedef struct {
  tc_status (*run)(void *ctx, unsigned i, int from_start, tc_err *err);
  void (*snaps)(void *ctx, unsigned i, tc_part_snap *own, tc_part_snap *next, int *from_start);
  void *ctx;
} tc_part_runner;
tc_status tc_parts_converge(unsigned k, const tc_part *parts, const tc_part_runner *r, unsigned *reruns,
                            tc_err *err);

/* What a part runner runs over: the stores (in time order), the parts, the
 * parameters, and the index of the first part it holds a result for. first is 0 when
 * one process runs every part (results [0, k)), and the part's index when a rank runs
 * only its own (one result; host/mpi/): part i's result is res[i - first]. */
typedef struct {
  tc_store *const *stores;
  size_t n;
  const tc_part *parts;
  const tc_params *p;
  unsigned first;
} tc_parts_over;

/* The encounters' runner: part i by tc_part_run into res[i - first]. hooks: as
 * tc_part_run's. */
typedef struct {
  tc_parts_over on;
  const tc_backend_ops *ops;
  const tc_backend_config *cfg;
  const tc_engine_hooks *hooks;
  tc_part_result *res;
} tc_enc_parts;
tc_part_runner tc_enc_part_runner(tc_enc_parts *c);

/* The list from the parts' results in part order: the runs of edges[0..k) stitched
 * and judged, then everything sorted (spec order). *judged (NULL allowed): the
 * candidates judged here, which with those judged inside the parts are the single
 * run's. */
tc_status tc_parts_stitch(const tc_params *p, const tc_edge_runs *const *edges, unsigned k,
                          tc_encounter_list *out, uint64_t *judged, tc_err *err);

/* The whole split run in this process, part after part: the same list as
 * tc_encounters_run on the stores (the tests' reference for the ranks). */
tc_status tc_encounters_run_parts(tc_store *const *stores, size_t n, unsigned k, int64_t lead_in,
                                  const tc_params *p, const tc_backend_ops *ops, const tc_backend_config *cfg,
                                  tc_encounter_list *out, unsigned *reruns, tc_err *err);

#endif
