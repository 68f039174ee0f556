/* The behaviour events (spec/events.md) of one run split into time parts (MPI ranks,
 * host/mpi/events_ranks.h, or one after the other in one process), exactly those of a
 * single run. The parts are host/engine/parts.h's, planned over the whole timeline.
 *
 * Pass 1, part by part: a part owns the fixes with s_lo <= t < s_hi and the grid times
 * in that range. It reads from its lead-in with the teleport filter started afresh and
 * takes, per vessel, the filter's state just before check_at (and before the next
 * part's check_at); tc_parts_check compares them as for the encounters and a part that
 * disagrees is read again from the first fix. From check_at on its kept fixes, grid
 * positions and slot speeds are the single run's; it reads on past s_hi until every
 * owned grid time's slot speed is decided (max_gap and one slot). It gives:
 * - the loitering runs inside it, judged; the runs that start at its first grid time
 *   (heads) or are open at its last (tails) whole, position by position;
 * - the gaps between two of its own kept fixes; each vessel's first and last own kept
 *   fix, so that the gaps across part edges are found by the stitch.
 * The stitch joins heads to the tails before them and the last fix of one part to the
 * first of the next, in part order, which is the single run's order.
 *
 * Pass 2, the coverage: every part reads its own kept fixes again and keeps those
 * within coverage_radius of an end of a gap open then (of another vessel): the
 * evidence. Pass 2 of the events (tc_events_finish) over the gathered evidence, with
 * the stitched gaps adopted (tc_events_adopt), gives the single run's coverage, and
 * then the dark rendezvous from the complete gap list. Nothing else of the fixes moves. */
#ifndef TC_PARTS_EVENTS_H
#define TC_PARTS_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/parts.h"
#include "host/engine/source.h"
#include "host/events/events.h"
#include "io/columns.h"
#include "io/status.h"
#include "io/store.h"

/* A loitering run at a part edge: positions [off, off + n) of the part's pos array. */
enum { TC_EVP_HEAD = 1, TC_EVP_TAIL = 2 };
typedef struct {
  uint32_t mmsi, flags; /* TC_EVP_* */
  uint64_t off, n;
} tc_evp_run;

typedef struct {
  int64_t t;
  double lat, lon;
} tc_evp_fix;

/* A vessel's first and last kept fix inside the part. */
typedef struct {
  uint32_t mmsi;
  tc_evp_fix first, last;
} tc_evp_ends;

typedef struct {
  int64_t g;
  double lat, lon, speed;
} tc_evp_pos; /* the layout of host/events/internal.h's tc_loiter_pos */

typedef struct {
  int64_t t;
  uint64_t mmsi;
} tc_evp_drop;

/* One part's pass 1. Plain arrays, so that a rank can send them as bytes. */
typedef struct {
  tc_event_lists found; /* loitering judged inside the part; gaps between two of its kept
                           fixes (coverage not yet known) */
  tc_evp_run *runs;     /* edge runs */
  tc_evp_pos *pos;      /* their positions */
  tc_evp_ends *ends;    /* in order of first appearance */
  size_t n_runs, n_pos, n_ends, cap_runs, cap_pos, cap_ends;
  tc_evp_drop *drops;   /* the teleport filter's drops inside the part, by (mmsi, t): pass 2 skips them */
  size_t n_drops, cap_drops;
  tc_part_snap own, next;  /* at check_at and next_check (tc_parts_check) */
  int from_start;
  uint64_t rows_read;      /* pass 1's rows, lead-in and lead-out included */
  tc_event_stats stats;    /* fixes_read, teleport_dropped, grid_positions: the part's own */
  double t_wall, t_cpu;
} tc_evp_part;
void tc_evp_part_init(tc_evp_part *r);
void tc_evp_part_free(tc_evp_part *r); /* and init */

/* Pass 1 of one part (the stores in time order), replacing r's contents. from_start:
 * read from the first fix instead of the lead-in. */
tc_status tc_evp_part_run(tc_store *const *stores, size_t n, const tc_part *part, int from_start,
                          const tc_params *p, const tc_event_params *e, tc_evp_part *r, tc_err *err);

/* The events' runner (host/engine/parts.h's tc_part_runner): part i's pass 1 by
 * tc_evp_part_run into res[i - on.first]. */
typedef struct {
  tc_parts_over on;
  const tc_event_params *e;
  tc_evp_part *res;
} tc_evp_parts;
tc_part_runner tc_evp_part_runner(tc_evp_parts *c);

/* The stitch, of the parts' pass 1 in part order: every loitering event and every gap
 * pass 1 keeps (coverage not yet known) into loiter / gaps (appended), and pass 1's
 * counts summed into st. */
tc_status tc_evp_stitch(const tc_params *p, const tc_event_params *e, const tc_evp_part *const *parts,
                        unsigned k, tc_event_lists *out, tc_event_stats *st, tc_err *err);

/* Pass 2 of one part: its kept fixes within coverage_radius of an end of one of gaps
 * (of another vessel) during that gap, appended to evidence. drops: r's. *rows: the
 * rows read. */
tc_status tc_evp_evidence(tc_store *const *stores, size_t n, const tc_part *part, const tc_params *p,
                          const tc_event_params *e, const tc_gap *gaps, size_t n_gaps, const tc_evp_part *r,
                          tc_columns *evidence, uint64_t *rows, tc_err *err);

/* The end of a split run, on the process that writes: a new events object holding the
 * stitched pass 1 (tc_events_adopt) and a source over the evidence for its pass 2
 * (tc_events_finish, or host/report/events_out.h's pass2). */
tc_status tc_evp_adopt(const tc_params *p, const tc_event_params *e, const tc_event_lists *stitched,
                       const tc_event_stats *st, const tc_columns *evidence, tc_events **ev,
                       tc_memory_source **pass2, tc_err *err);

/* The whole split run in this process, part after part (the reference of the ranks'
 * tests): *ev and *pass2 as tc_evp_adopt gives them; *reruns: parts read again. */
tc_status tc_evp_run_parts(tc_store *const *stores, size_t n, unsigned k, const tc_params *p,
                           const tc_event_params *e, tc_events **ev, tc_memory_source **pass2, unsigned *reruns,
                           tc_err *err);

/* The parts of an events run: the encounters' plan over the whole timeline (events
 * cover every fix whatever --from and --to say). */
tc_status tc_evp_plan(tc_store *const *stores, size_t n, const tc_params *p, unsigned k, tc_part *parts,
                      tc_err *err);

#endif
