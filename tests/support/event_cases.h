/* Cases the events suites build by hand (tests/test_events.c, test_events_bounds.c):
 * vessels going dark and heard, the events over memory sources, a maximiser that counts
 * what it is handed. */
#ifndef TC_TEST_EVENT_CASES_H
#define TC_TEST_EVENT_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "host/events/events.h"
#include "io/columns.h"
#include "kernels/geo.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z, a multiple of the slot and of a day */
#define HOUR 3600
#define M_PER_DEG (TC_EARTH_R_M * TC_DEG2RAD)
#define V_DARK (12.0 * TC_KNOT_MPS)

/* tc_event_params_default's parameters. */
tc_event_params tev_defaults(void);

/* The events over c, both passes from memory sources of its rows (one-day buckets). */
void tev_over(const tc_columns *c, const tc_params *p, const tc_event_params *e, tc_event_lists *out,
              tc_event_stats *st);

/* Vessel v silent from t0 to t1 between two fixes at (lat, lon0) and (lat, lon1). */
void tev_gap_vessel(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon0, double lon1);

/* A vessel heard every 10 min from t0 to t1 (inclusive) at a fixed place. */
void tev_heard(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon);

/* Vessels a (at lon_a) and b (D east of it on the equator) go dark from 0 to 8 h and
 * reappear where they were. At the midpoint X both can be there from D/2v to 8h -
 * D/2v: L* = 8 h - D / v. Vessels heard near each (within coverage_radius) when
 * `witnesses`. tev_dark_pair: a at lon 10. */
void tev_dark_pair_at(tc_columns *c, double lon_a, double lstar, int witnesses);
void tev_dark_pair(tc_columns *c, double lstar, int witnesses);

/* A maximiser (tc_dark_maximiser's fn, ctx a tev_counted) that counts what the events
 * hand it, the host's tc_dark_rows inside. */
typedef struct {
  size_t calls, rows, most;
} tev_counted;
tc_status tev_count_rows(void *ctx, const double *in, size_t n, double *out, tc_err *err);

#endif
