/* Scripts for the two vessels of a planted meeting or a decoy (spec/encounters.md with
 * default parameters decides what each must and must not be):
 * - meeting: sail in head-on at 10-14 kn (from opposite sides), drift together
 *   (0.05-0.3 kn, 100-340 m apart, scatter <= 12 m) for 2 h 40 min - 10 h, sail off;
 * - short:   the same for 30-90 min (shorter than min_duration);
 * - convoy:  5-10 kn side by side or in line, 100-280 m apart, for 3-10 h;
 * - idle:    like a meeting but 1150-1850 m apart, for 3-10 h.
 * Slow sites keep clear of ports, lanes and each other's space-time windows. */
#ifndef TC_GEN_SCENARIO_H
#define TC_GEN_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "bench/generate/lanes.h"
#include "bench/generate/rng.h"
#include "bench/generate/track.h"
#include "io/status.h"

typedef enum { TC_GEN_SC_MEETING = 0, TC_GEN_SC_SHORT, TC_GEN_SC_CONVOY, TC_GEN_SC_IDLE } tc_gen_sc_kind;

typedef struct {
  int region;
  double e, n;
  int64_t from, to; /* slow window, widened by an hour each side */
} tc_gen_site;

typedef struct {
  tc_gen_site *v;
  size_t n, cap;
} tc_gen_sites;

/* Plans one scenario in [t0, t1) of `region` (straddling e = 0, i.e. the region's
 * central meridian, when straddle) and fills the description of vessels a and b
 * (mmsi, stream and interval already set). *slow_from, *slow_to: the window the
 * scenario is about (both vessels slow, or both in convoy). */
tc_status tc_gen_plan(const tc_gen_world *w, tc_gen_sc_kind kind, int region, int straddle,
                      int64_t t0, int64_t t1, tc_rng *rng, tc_gen_sites *sites, tc_gen_vessel *a,
                      tc_gen_vessel *b, int64_t *slow_from, int64_t *slow_to, tc_err *err);

/* generate --events: one vessel that sails in, drifts at a site at 0.05-0.3 kn for
 * 5-9 h (a loitering run) and sails off; *slow_from, *slow_to: the drift. */
tc_status tc_gen_plan_loiter(const tc_gen_world *w, int region, int64_t t0, int64_t t1, tc_rng *rng,
                             tc_gen_sites *sites, tc_gen_vessel *v, int64_t *slow_from,
                             int64_t *slow_to, tc_err *err);

/* generate --events: a meeting of 5.5-9 h near a lane, both vessels silent from 20-45 min
 * before they arrive until 20-45 min after they leave (off_from, off_to): a dark
 * rendezvous in a well-heard area. *slow_from, *slow_to: both at the site. */
tc_status tc_gen_plan_dark(const tc_gen_world *w, int region, int64_t t0, int64_t t1, tc_rng *rng,
                           tc_gen_sites *sites, tc_gen_vessel *a, tc_gen_vessel *b, int64_t *slow_from,
                           int64_t *slow_to, tc_err *err);

void tc_gen_sites_free(tc_gen_sites *s); /* NULL safe */

#endif
