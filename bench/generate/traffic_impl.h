/* Inside of tc_gen, shared by traffic.c (planning), truth.c and stream.c. Not public. */
#ifndef TC_GEN_TRAFFIC_IMPL_H
#define TC_GEN_TRAFFIC_IMPL_H

#include "bench/generate/lanes.h"
#include "bench/generate/rng.h"
#include "bench/generate/scenario.h"
#include "bench/generate/track.h"
#include "bench/generate/traffic.h"

/* Vessel indices: [0, 2 * nscen) scenario pairs (2i, 2i + 1), then port vessels
 * (grouped by port), then lane vessels. */
struct tc_gen {
  tc_gen_params p;
  tc_gen_stats stats;
  tc_gen_world world;
  tc_gen_vessel *v;
  size_t nv;
  size_t nscen;
  tc_gen_sc_kind *sc_kind;
  int64_t *sc_from, *sc_to;
  size_t *port_first; /* first vessel index of each port, nports + 1 entries */
  tc_truth *truth;
  size_t ntruth, cap_truth;
  /* --events: scripted event vessels at [2 * nscen, 2 * nscen + ev_vessels) */
  size_t ev_vessels;
  tc_gen_event *ev;
  size_t nev, cap_ev;
  /* streaming */
  uint64_t *heap; /* keys: (t - t0) << 24 | vessel */
  size_t nheap;
  tc_fix *head; /* next fix of each vessel */
  tc_rng noise;
  tc_fix *blk;
  size_t blk_n, blk_pos;
};

tc_status tc_gen_compute_truth(tc_gen *g, tc_err *err); /* truth.c */
tc_status tc_gen_stream_init(tc_gen *g, tc_err *err);   /* stream.c */
/* events.c: how many event vessels --events needs; plans them once every other vessel
 * is described; their truth from the fixes written. */
size_t tc_gen_events_count(const tc_gen_params *p, size_t *loiter, size_t *switch_off, size_t *dark);
tc_status tc_gen_events_plan(tc_gen *g, tc_gen_sites *sites, tc_err *err);
tc_status tc_gen_events_truth(tc_gen *g, tc_err *err);
void tc_gen_stream_free(tc_gen *g);

#endif
