/* What the events library's files share; not part of its interface. */
#ifndef TC_EVENTS_INTERNAL_H
#define TC_EVENTS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/teleport.h"
#include "host/events/events.h"
#include "kernels/geo.h"

/* MMSI -> dense index, in order of first appearance (open addressing). */
typedef struct {
  uint32_t *key;  /* 0: empty (an MMSI is never 0) */
  uint32_t *val;
  size_t cap, n;
} tc_ev_vmap;
void tc_ev_vmap_free(tc_ev_vmap *m);
/* Index of mmsi, added when new (*fresh = 1); SIZE_MAX when out of memory. */
size_t tc_ev_vmap_get(tc_ev_vmap *m, uint32_t mmsi, int *fresh);

/* Loitering (spec §1), one vessel at a time from its kept fixes in time order: its
 * grid positions (encounters.md §2), each one's slot speed once the next grid time
 * is known, and the open run. */
typedef struct {
  int64_t slot, max_gap, min_loiter;
  double speed_kn;
  /* NULL: runs are built here. Else every grid position with its slot speed decided
   * goes to judged instead, in time order (a time part's edges, host/events/parts_events.c). */
  tc_status (*judged)(void *ctx, uint32_t mmsi, int64_t g, double lat, double lon, double speed);
  void *judged_ctx;
} tc_loiter_cfg;

typedef struct {
  int has1, has0;          /* a position held at s1; one at s1 - slot too */
  int64_t s1;
  double lat1, lon1, lat0, lon0;
  double cos1, cos0;       /* cos of lat1, lat0 (NaN: not computed yet) */
  int64_t gl, gn;          /* the fix last given and the first grid time after it
                            * (zeroed state: none, as no fix lies in (0, 0)) */
  int64_t rs, rl;          /* open run: first and last grid time (rn = 0: none) */
  size_t rn, cap;
  double sum_lat, sum_sin, sum_cos;
  double *sp;              /* the run's slot speeds, for the median */
} tc_loiter_state;

/* tc_loiter_fix's work when the fix may reach a grid time. */
tc_status tc_loiter_fix_grid(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t lt,
                             double llat, double llon, int64_t tk, double lat, double lon,
                             tc_event_lists *out, uint64_t *positions);
/* A kept fix at (tk, lat, lon); lt/llat/llon the vessel's previous kept fix
 * (lt = INT64_MIN: none). Finished events are appended to out. Inline: most fixes
 * fall between two grid times after the one before (no position to interpolate, none
 * hit) and cost a few comparisons. */
static inline tc_status tc_loiter_fix(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t lt,
                                      double llat, double llon, int64_t tk, double lat, double lon,
                                      tc_event_lists *out, uint64_t *positions) {
  if (lt != INT64_MIN && lt == s->gl && tk > lt && tk < s->gn) {
    s->gl = tk;
    return TC_OK;
  }
  return tc_loiter_fix_grid(c, s, mmsi, lt, llat, llon, tk, lat, lon, out, positions);
}
/* No more fixes for this vessel. */
tc_status tc_loiter_finish(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi,
                           tc_event_lists *out);
void tc_loiter_state_free(tc_loiter_state *s);
/* One run of loitering grid positions (time, position, slot speed), consecutive and in
 * time order, judged as the single pass judges it: appended to out when it lasts
 * min_loiter. */
typedef struct {
  int64_t g;
  double lat, lon, speed;
} tc_loiter_pos;
tc_status tc_loiter_run_event(const tc_loiter_cfg *c, uint32_t mmsi, const tc_loiter_pos *v, size_t n,
                              tc_event_lists *out);

/* A gap found by pass 1, with the summaries of its coverage evidence (every other
 * vessel's cleaned fix within coverage_radius of either end) that pass 2 fills
 * (host/events/cov_evidence.c): bits or a few numbers per coverage window and the set
 * of vessels heard, never the fixes themselves. */
enum { TC_COV_OWN = 1, TC_COV_PAIRS = 2 };

/* Block k of a gap: [t_i + k w, t_i + (k + 1) w). e1 its earliest evidence fix (of vessel
 * me1), e2 the earliest of a vessel other than me1; l1, l2 the same for the latest.
 * INT64_MAX / INT64_MIN (vessel 0) where there is none. */
typedef struct {
  int64_t e1, e2, l1, l2;
  uint32_t me1, me2, ml1, ml2;
} tc_cov_block;

typedef struct {
  tc_gap g;
  unsigned want;           /* TC_COV_*: own coverage and others_seen; dark pairs' coverages */
  int64_t lo, hi;          /* evidence wanted from fixes in [lo, hi) */
  int64_t b0;              /* the block of blk[0] or bit 0 */
  size_t nb;               /* blocks from b0 covering [lo, hi) */
  tc_cov_block *blk;       /* TC_COV_PAIRS: per block (allocated at the first fix) */
  uint64_t *bits;          /* else: a bit per block holding a fix */
  uint32_t *set;           /* TC_COV_OWN: the vessels heard (open addressing) */
  size_t set_cap, set_n;
  uint32_t set_last;
} tc_gap_rec;

/* Spec §3's candidate pairs: gaps of at least dark_min_gap of two vessels overlapping by
 * dark_min_overlap whose reach boxes meet, each with the coverages of both over the
 * overlap (tc_dark_pair_coverage, once both gaps' evidence is complete; with the
 * coverage rule on, exact only for pairs that pass it: tc_dark_pair_coverage_bounded). */
typedef struct {
  uint32_t i, j;           /* gap records: i's vessel has the smaller MMSI */
  double coverage_a, coverage_b;
} tc_dark_cand;
typedef struct {
  tc_dark_cand *v;
  size_t n, cap;
} tc_dark_cands;

/* What pass 2 must gather for each gap: own coverage and others_seen for gaps of at
 * least min_gap (INT64_MAX: none), the span of its windows for each pair of dc (NULL:
 * none). Drops what the gaps held. */
void tc_cov_plan(tc_gap_rec *gaps, size_t n, int64_t min_gap, const tc_dark_cands *dc, int64_t window);
/* Fix (t, mmsi) of another vessel near either end of r's gap, in any order and any
 * number of times. */
tc_status tc_cov_record(tc_gap_rec *r, int64_t t, uint32_t mmsi, int64_t window);
/* The same for two fixes lo <= hi of one vessel, the earliest and latest of its fixes
 * near r's ends within one of r's blocks: what recording each would leave, at once. */
tc_status tc_cov_record_pair(tc_gap_rec *r, int64_t lo, int64_t hi, uint32_t mmsi, int64_t window);
/* Spec §2 coverage of [u0, u1) within what r planned, ignoring vessel `except` (0:
 * none; only whole blocks, u0 = t_i, without dark pairs planned). */
double tc_cov_span(const tc_gap_rec *r, int64_t u0, int64_t u1, int64_t window, uint32_t except);
/* Coverage over the whole gap [t_i, t_{i+1}) and others_seen (TC_COV_OWN). */
double tc_cov_gap(const tc_gap_rec *r, int64_t window);
uint32_t tc_cov_others(const tc_gap_rec *r);
void tc_cov_release(tc_gap_rec *r); /* the summaries; the plan stays */

/* Index of the gaps' ends by quarter-degree cell and six hours: a fix looks only at the ends
 * whose radius reaches its cell while their gap wants evidence (tc_cov_plan before
 * tc_cov_create; host/events/coverage.c). */
typedef struct tc_cov_index tc_cov_index;
tc_status tc_cov_create(tc_gap_rec *gaps, size_t n, double radius_m, int64_t window,
                        tc_cov_index **out);
void tc_cov_free(tc_cov_index *ix);
/* stop(ctx) polled between blocks of rows: non-zero makes tc_cov_add_rows return
 * TC_ERR_CANCELLED (NULL: never). */
void tc_cov_set_stop(tc_cov_index *ix, int (*stop)(void *ctx), void *ctx);
/* Records each of n fixes (rows of one slice; skip[i] != 0: not a cleaned fix, skip may
 * be NULL) in every gap it is evidence for, on `threads` threads. */
tc_status tc_cov_add_rows(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                          const double *lon, const unsigned char *skip, size_t n, int threads);

/* The gaps completed as pass 2's read goes (host/events/finish.c): gaps[0, n) and the
 * dark candidate pairs over them, coverage windows of `window`, dark_min_coverage
 * min_cov (> 0: pairs judged by their coverage bounds first), on `threads`. */
typedef struct tc_gap_finisher tc_gap_finisher;
tc_status tc_gap_finisher_create(tc_gap_rec *gaps, size_t n, tc_dark_cands *dark, int64_t window, double min_cov,
                                 int threads, tc_gap_finisher **out);
/* Completes every gap ending at or before t_end (INT64_MAX: the rest): own coverage and
 * others_seen where wanted, and the pairs both of whose gaps are complete. */
tc_status tc_gap_finisher_run(tc_gap_finisher *f, int64_t t_end);
void tc_gap_finisher_free(tc_gap_finisher *f);

/* The candidate pairs, found from the gaps alone (before pass 2). */
tc_status tc_dark_pairs(const tc_gap_rec *recs, size_t n, const tc_event_params *e, tc_dark_cands *out,
                        tc_event_stats *stats);
void tc_dark_cands_free(tc_dark_cands *c);
void tc_dark_pair_coverage(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window);

/* Which blocks of a complete gap hold any evidence (host/events/cov_bound.c), for upper
 * bounds of its coverage over spans within [lo, hi) whatever vessel is excluded. */
typedef struct {
  int64_t k0;  /* first block held (blocks of the window from t_i) */
  size_t n;    /* blocks held */
  uint32_t *p; /* prefix counts: of blocks holding a fix, then of blocks k where k or k + 1 does */
} tc_cov_bound;
tc_status tc_cov_bound_build(tc_cov_bound *b, const tc_gap_rec *r, int64_t lo, int64_t hi, int64_t window);
void tc_cov_bound_free(tc_cov_bound *b);
/* >= tc_cov_span(r, u0, u1, window, any vessel) (1 when [u0, u1) is not within b's range). */
double tc_cov_bound_span(const tc_cov_bound *b, const tc_gap_rec *r, int64_t u0, int64_t u1, int64_t window);
/* tc_dark_pair_coverage where the coverage rule is on (min_cov > 0), with the bounds ba
 * of c->i's gap and bb of c->j's: the rule's verdict is the same and a covered pair gets
 * the same coverages, but a pair that fails it holds, for the first side found short,
 * its bound or coverage (below min_cov), and 0 for a side not measured (only covered
 * pairs' coverages are ever reported). */
void tc_dark_pair_coverage_bounded(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                                   const tc_cov_bound *ba, const tc_cov_bound *bb);
/* Its two steps: the bounds (O(1); 0 when they settle the pair, 1 when it needs the
 * counts over its windows), then those counts (coverage_b as the bounds left it when
 * side a falls short). */
int tc_dark_pair_bound(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                       const tc_cov_bound *ba, const tc_cov_bound *bb);
void tc_dark_pair_coverage_exact(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov);
/* tc_dark_pair_coverage_bounded of pairs v[0, n), bounds per gap, on threads. */
void tc_dark_pairs_coverage_bounded(const tc_gap_rec *recs, tc_dark_cand *v, size_t n, int64_t window,
                                    double min_cov, const tc_cov_bound *bounds, int threads);
/* An upper bound of L* (spec §3) from the gaps' ends and times alone (six distances):
 * pairs below dark_dwell - TC_DARK_BOUND_MARGIN by it are not maximised. */
double tc_dark_lstar_bound(const tc_gap *a, const tc_gap *b, double v);
#define TC_DARK_BOUND_MARGIN 1.0 /* s */
/* The rest of spec §3 over the pairs: coverage rule, L*, the encounter rule. */
tc_status tc_dark_find(const tc_gap_rec *recs, const tc_event_params *e, const tc_encounter_list *enc,
                       int threads, const tc_dark_cands *cands, tc_event_lists *out, tc_event_stats *stats,
                       tc_err *err);

#endif
