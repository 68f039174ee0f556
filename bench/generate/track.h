/* One synthetic vessel: how it moves (on a lane, in a port anchorage, or along a script
 * of waypoints for planted meetings and decoys) and when it reports (report intervals,
 * missed reports, outages). Its randomness comes from its own PRNG stream, so a copy
 * of the description restarted with tc_gen_vessel_start yields the same fixes again:
 * that is how truth is computed from exactly what the output contains. */
#ifndef TC_GEN_TRACK_H
#define TC_GEN_TRACK_H

#include <stdint.h>

#include "bench/generate/lanes.h"
#include "bench/generate/rng.h"
#include "io/columns.h"
#include "io/status.h"
#include "kernels/geo.h"

typedef enum { TC_GEN_LANE = 0, TC_GEN_PORT, TC_GEN_SCRIPT } tc_gen_vessel_kind;

#define TC_GEN_SCRIPT_MAX 6
#define TC_GEN_SLOW_INTERVAL_S 180.0 /* slow or anchored class A: every 3 min */
#define TC_GEN_SLOW_MPS (1.0 * TC_KNOT_MPS) /* below this a script leg drifts */

typedef struct {
  int64_t t;
  double e, n; /* metres in the vessel's region */
} tc_gen_wpt;

typedef struct {
  /* description (set by the scenario builder, never changed by reporting) */
  uint32_t mmsi;
  uint32_t stream;     /* PRNG stream of this vessel */
  uint8_t kind;        /* tc_gen_vessel_kind */
  uint8_t region;
  uint8_t no_heading;  /* reports heading 511 (no gyro connected) */
  uint8_t outages;     /* falls silent for 1-6 h now and then */
  int64_t off_from, off_to; /* planted silence (generate --events): no report in [off_from, off_to) */
  int64_t t_begin, t_end; /* reports in [t_begin, t_end) */
  int64_t t_ref;       /* time origin of the lane position */
  double interval_s;   /* report interval while moving (varies +-20%) */
  /* lane */
  uint32_t lane;
  double s0, speed_mps, lateral_m;
  /* port */
  uint32_t port;
  double ae, an;                   /* current anchor */
  double swing_r, swing_period, swing_phase, jitter_m;
  uint8_t shifter;                 /* moves to a new anchor every 8-48 h */
  /* script */
  uint8_t nw;
  tc_gen_wpt w[TC_GEN_SCRIPT_MAX];
  double slow_jitter_m;            /* position scatter while drifting */
  /* running state */
  tc_rng rng;
  int64_t t_next;
  int64_t out_from, out_to;
  int64_t stay_end, move_t0, move_t1;
  double fe, fn, te, tn;
  uint8_t moving, done;
} tc_gen_vessel;

/* Resets the running state; the first report is at or after t_begin. */
void tc_gen_vessel_start(tc_gen_vessel *v, uint64_t seed, const tc_gen_world *w);

/* The next fix (valid position, time order, strictly increasing t); 0 when none is left. */
int tc_gen_vessel_next(tc_gen_vessel *v, const tc_gen_world *w, tc_fix *f);

/* All of a vessel's fixes (no noise), regenerated from a copy of its description, so
 * the truth (truth.c) and a single vessel's track (traffic.c) see exactly what the
 * output contains: *fx grows as needed, *n gets the count. */
tc_status tc_gen_vessel_fixes(const tc_gen_vessel *desc, uint64_t seed, const tc_gen_world *w,
                              tc_fix **fx, size_t *n, size_t *cap, tc_err *err);

/* Script position at t without noise (for the truth's reference points). */
void tc_gen_script_at(const tc_gen_vessel *v, int64_t t, double *e, double *n, double *mps,
                      double *course);

#endif
