/* Test helpers for the engine suites: build tracks in memory and run the engine. */
#ifndef TC_TEST_LEAD_TRACKS_H
#define TC_TEST_LEAD_TRACKS_H

#include <stdint.h>

#include "host/engine/engine.h"
#include "host/events/events.h"
#include "io/columns.h"

/* Appends a fix (sog/cog unknown). */
void tt_fix(tc_columns *c, uint32_t mmsi, int64_t t, double lat, double lon);

/* A point d metres from (lat, lon) along bearing brg degrees (spherical). */
void tt_offset(double lat, double lon, double brg, double d, double *olat, double *olon);

/* Runs the engine over c cut into buckets of bucket_s, with backend `name` and
 * `threads`; fails the test on error. Returns the run's counts. */
tc_engine_stats tt_run(const tc_columns *c, int64_t bucket_s, const char *name, int threads,
            const tc_params *p, tc_encounter_list *out);

/* 1 when two lists are identical field by field (bitwise doubles). */
int tt_same(const tc_encounter_list *a, const tc_encounter_list *b);

/* Deterministic synthetic traffic: clusters of slow vessels (some straddling the
 * antimeridian, one near the North Pole) and fast transits, over `hours`. */
void tt_synthetic(tc_columns *c, uint64_t seed, int vessels, int hours);

/* Appends every position of the real track `name` (a file of real-tracks/ under
 * TC_SHARED_DATA, read in place: no licence to copy it). 0 when the file is absent,
 * so the caller can skip; fails the test on a read error. */
int tt_load_real_track(tc_columns *c, const char *name);

/* Runs the events (both passes) over c cut into buckets of bucket_s with `threads`; enc
 * (may be NULL) the encounters of the same fixes, whose pairs spec §3 leaves out of the
 * dark list. Returns the run's status, err filled on failure. */
tc_status tt_events(const tc_columns *c, int64_t bucket_s, int threads, const tc_event_params *e,
                    const tc_encounter_list *enc, tc_event_lists *out, tc_err *err);

#endif
