/* Deterministic synthetic AIS traffic (`trajcorr generate`): vessels on shipping lanes,
 * port anchorages, planted ship-to-ship meetings and decoys that must not be reported,
 * with real-feed noise. The same parameters give byte-identical output. docs/generate.md
 * describes the model; spec/encounters.md decides what is an encounter.
 *
 *   tc_gen *g; tc_gen_create(&p, &g, &err);
 *   while (tc_gen_next(g, buf, cap, &n) == TC_OK && n) ...   fixes in time order
 *   const tc_truth *t = tc_gen_truth(g, &nt);                  what must (not) be found
 *   tc_gen_free(g);                                                                      */
#ifndef TC_GEN_TRAFFIC_H
#define TC_GEN_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"

#define TC_GEN_DEFAULT_START 1704067200 /* 2024-01-01T00:00:00Z */

typedef struct {
  uint64_t seed;
  size_t vessels;            /* total, every kind (default 1000) */
  double days;               /* length of the period (default 1; at least 0.5) */
  int64_t start;             /* Unix seconds (default 2024-01-01) */
  long meetings, decoys, ports; /* -1: defaults (vessels/100 a day in [2, 200], at most
                                 * vessels/40; as many decoys; 4 ports) */
  int regions;               /* 300 km sea regions of 4 lanes each (0: the 3 named ones) */
  int antimeridian;          /* region 0 straddles 180 degrees, and so do its scenarios */
  double min_interval_s, max_interval_s; /* moving report interval range (20, 120) */
  double dup_rate, ooo_rate, bad_rate;   /* real-feed noise per row; all 0 = clean */
  int events;                /* plant behaviour events (spec/events.md): loitering, switch-offs,
                              * a receiver outage, dark rendezvous (needs >= 2 regions, >= 1 day) */
} tc_gen_params;

void tc_gen_params_default(tc_gen_params *p);
void tc_gen_params_clean(tc_gen_params *p); /* sets the noise rates to 0 */

typedef enum {
  TC_TRUTH_MEETING = 0,  /* planted: must be reported */
  TC_TRUTH_DECOY_SHORT,  /* close and slow, but for less than min_duration */
  TC_TRUTH_DECOY_CONVOY, /* close for hours, but both faster than max_speed */
  TC_TRUTH_DECOY_IDLE,   /* slow for hours, but 1-2 km apart */
  TC_TRUTH_PORT,         /* an encounter among anchored port vessels: neither planted nor a decoy */
  TC_TRUTH_KIND_COUNT
} tc_truth_kind;

const char *tc_truth_kind_name(tc_truth_kind k); /* "meeting", "decoy_short", ... */

typedef struct {
  tc_truth_kind kind;
  uint32_t mmsi_a, mmsi_b; /* mmsi_a < mmsi_b */
  /* First and last grid time the pair is within dist (spec §2-3 on the fixes written);
   * for decoy_idle, which is never close, the grid times of its idle window. */
  int64_t start, end;
  int expected;            /* 1 meeting, 0 decoy, -1 port (written blank) */
  double lat, lon;         /* mean midpoint over the close times (idle: closest approach) */
  /* Evidence, spec defaults: close grid times, closest distance (idle: over every
   * common grid time), median slot speeds over the close times (idle: over the idle
   * window), and whether [start, end] is an encounter by spec §4. */
  uint32_t close_slots;
  double min_dist_m;
  double speed_a_kn, speed_b_kn;
  int is_encounter;
} tc_truth;

typedef struct {
  int64_t t0, t1;          /* the period [t0, t1) */
  size_t vessels, lane_vessels, port_vessels, script_vessels;
  size_t meetings, decoys, ports;
  int regions;
  uint64_t rows;           /* rows returned so far, noise included */
  uint64_t duplicates, out_of_order, invalid;
  /* --events: planted loitering vessels, switch-offs, dark rendezvous pairs; the outage's
   * region (-1: none), its window [outage_from, outage_to) and the vessels it silences */
  size_t ev_loiter, ev_switch_off, ev_dark, outage_vessels;
  int outage_region;
  int64_t outage_from, outage_to;
} tc_gen_stats;

typedef struct tc_gen tc_gen;

/* Plans the world and computes the truth list (a second or so per million port-vessel
 * fixes); fixes are produced lazily by tc_gen_next. */
tc_status tc_gen_create(const tc_gen_params *p, tc_gen **out, tc_err *err);
void tc_gen_free(tc_gen *g); /* NULL safe */

/* Up to cap next rows in (nearly: out-of-order noise) time order; *n = 0 at the end. */
tc_status tc_gen_next(tc_gen *g, tc_fix *buf, size_t cap, size_t *n, tc_err *err);

/* Truth sorted by (start, mmsi_a, mmsi_b); valid until tc_gen_free. */
const tc_truth *tc_gen_truth(const tc_gen *g, size_t *n);

const tc_gen_stats *tc_gen_get_stats(const tc_gen *g);

/* One vessel's fixes without noise, in time order (replaces out's contents); per-vessel
 * access for tests. TC_ERR_NOT_FOUND for an MMSI the generator did not use. */
tc_status tc_gen_vessel_track(const tc_gen *g, uint32_t mmsi, tc_columns *out, tc_err *err);

/* Planted behaviour events (--events), computed like the truth from the fixes written. */
typedef enum {
  TC_GEV_LOITERING = 0, /* one vessel drifting for hours at sea: a loitering event */
  TC_GEV_SWITCH_OFF,    /* a lane vessel silent for 13-18 h amid heard traffic: a gap, coverage high */
  TC_GEV_OUTAGE,        /* a vessel of the region whose receiver failed: a gap, coverage near 0,
                         * never part of a dark rendezvous */
  TC_GEV_DARK,          /* two vessels silent, meeting, heard again: a dark rendezvous */
  TC_GEV_KIND_COUNT
} tc_gen_event_kind;

const char *tc_gen_event_kind_name(tc_gen_event_kind k); /* "loitering", "switch_off", ... */

typedef struct {
  tc_gen_event_kind kind;
  uint32_t mmsi_a, mmsi_b;    /* mmsi_b 0 except for dark (then mmsi_a < mmsi_b) */
  /* loitering: first and last grid time of the run (spec events §1); gaps: the two
   * consecutive fixes around the silence; dark: a's gap, and b's in b_start, b_end */
  int64_t start, end;
  int64_t b_start, b_end;
  int64_t plan_from, plan_to; /* as planned: the drift, the silence, both at the site */
  double lat, lon;            /* loitering and dark: the site; gaps: where the vessel fell silent */
  uint32_t slots;             /* loitering: grid times of the run */
  int shown;                  /* 1 when the fixes written show the event (always, unless a bug) */
} tc_gen_event;

/* Sorted by (start, kind, mmsi_a, mmsi_b); valid until tc_gen_free; none without --events. */
const tc_gen_event *tc_gen_events(const tc_gen *g, size_t *n);

/* MMSI of vessel i (0 <= i < stats.vessels). */
uint32_t tc_gen_mmsi(const tc_gen *g, size_t i);

#endif
