/* What the events library's files share; not part of its interface. */
#ifndef TC_EVENTS_INTERNAL_H
#define TC_EVENTS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "host/events/events.h"

/* MMSI -> dense index, in order of first appearance (open addressing). */
typedef struct {
  uint32_t *key;  /* 0: empty (an MMSI is never 0) */
  uint32_t *val;
  size_t cap, n;
} tc_ev_vmap;
void tc_ev_vmap_free(tc_ev_vmap *m);
/* Index of mmsi, added when new (*fresh = 1); SIZE_MAX when out of memory. */
size_t tc_ev_vmap_get(tc_ev_vmap *m, uint32_t mmsi, int *fresh);

/* Spec encounters.md §1 rule 3 for a fix dt after the last kept one. */
int tc_ev_teleport_keep(int64_t dt, double lat0, double lon0, double lat, double lon,
                        int64_t max_gap, double mps);

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
  int64_t rs, rl;          /* open run: first and last grid time (rn = 0: none) */
  size_t rn, cap;
  double sum_lat, sum_sin, sum_cos;
  double *sp;              /* the run's slot speeds, for the median */
} tc_loiter_state;

/* A kept fix at (tk, lat, lon); lt/llat/llon the vessel's previous kept fix
 * (lt = INT64_MIN: none). Finished events are appended to out. */
tc_status tc_loiter_fix(const tc_loiter_cfg *c, tc_loiter_state *s, uint32_t mmsi, int64_t lt,
                        double llat, double llon, int64_t tk, double lat, double lon,
                        tc_event_lists *out, uint64_t *positions);
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

/* A gap found by pass 1, with the evidence pass 2 gathers: every other vessel's
 * cleaned fix within coverage_radius of either end, during the gap. */
typedef struct {
  int64_t t;
  uint32_t mmsi;
} tc_seen;

typedef struct {
  tc_gap g;
  tc_seen *seen;           /* sorted by (t, mmsi), unique after tc_cov_finish */
  size_t n_seen, cap_seen;
  size_t thin_at;          /* n_seen at which the list is next thinned */
} tc_gap_rec;

/* Spatial index of the gaps' ends by cell (unit-vector grid of coverage_radius) and
 * time block: a fix looks only at the ends near it whose gap was open then. Each gap's
 * evidence is thinned as it grows: of one vessel's fixes, one between two others at
 * most `window` apart is dropped (every window of that length holding it holds one of
 * them), so coverage over any span, excluding any vessel, and others_seen are exactly
 * those of all the fixes, while a gap keeps about two fixes per window per vessel. */
typedef struct tc_cov_index tc_cov_index;
tc_status tc_cov_create(tc_gap_rec *gaps, size_t n, double radius_m, int64_t window,
                        tc_cov_index **out);
void tc_cov_free(tc_cov_index *ix);
/* Records each of n fixes (rows of one slice; skip[i] != 0: not a cleaned fix, skip may
 * be NULL) in every gap it is evidence for, on `threads` threads: each screens a share
 * of the rows, then each records the candidates in the gaps it owns, every gap
 * receiving its fixes in row order, as one thread would. */
tc_status tc_cov_add_rows(tc_cov_index *ix, const uint32_t *mmsi, const int64_t *t, const double *lat,
                          const double *lon, const unsigned char *skip, size_t n, int threads);
/* Appends fix (t, mmsi) to r's evidence, thinning as it goes; each vessel's fixes must
 * come in time order (runs of one vessel's fixes may interleave). */
tc_status tc_cov_record(tc_gap_rec *r, int64_t t, uint32_t mmsi, int64_t window);
/* Thins, sorts by (t, mmsi) and deduplicates every gap's seen list. */
void tc_cov_finish(tc_gap_rec *gaps, size_t n, int64_t window);
/* Spec §2 coverage of [u0, u1) from a sorted seen list, ignoring vessel `except`
 * (0: none). */
double tc_coverage(const tc_seen *seen, size_t n, int64_t u0, int64_t u1, int64_t window,
                   uint32_t except);
/* Distinct vessels in a sorted seen list within [u0, u1). */
tc_status tc_others_seen(const tc_seen *seen, size_t n, int64_t u0, int64_t u1, uint32_t *out);

/* Spec §3's candidate pairs: gaps of at least dark_min_gap of two vessels overlapping by
 * dark_min_overlap whose reach boxes meet, each with the coverages of both over the
 * overlap (tc_dark_pair_coverage, once both gaps' evidence is complete). */
typedef struct {
  uint32_t i, j;           /* gap records: i's vessel has the smaller MMSI */
  double coverage_a, coverage_b;
} tc_dark_cand;
typedef struct {
  tc_dark_cand *v;
  size_t n, cap;
} tc_dark_cands;
tc_status tc_dark_pairs(const tc_gap_rec *recs, size_t n, const tc_event_params *e, tc_dark_cands *out,
                        tc_event_stats *stats);
void tc_dark_cands_free(tc_dark_cands *c);
void tc_dark_pair_coverage(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window);
/* The rest of spec §3 over the pairs: coverage rule, L*, the encounter rule. */
tc_status tc_dark_find(const tc_gap_rec *recs, const tc_event_params *e, const tc_encounter_list *enc,
                       int threads, const tc_dark_cands *cands, tc_event_lists *out, tc_event_stats *stats,
                       tc_err *err);

#endif
