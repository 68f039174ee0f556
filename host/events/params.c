/* The events' parameters (spec/events.md's table, their defaults and the checks of what
 * a caller sets) and the lists a run fills. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/events/events.h"

void tc_event_params_default(tc_event_params *e) {
  e->loiter_speed_kn = 2.0;
  e->min_loiter = 14400;
  e->min_gap = 43200;
  e->dark_min_gap = 21600;
  e->dark_min_overlap = 14400;
  e->dark_max_speed_kn = 12.0;
  e->dark_dwell = 7200;
  e->coverage_radius_m = 50000.0;
  e->coverage_window = 3600;
  e->dark_min_coverage = 0.5;
  e->kinds = TC_EV_ALL;
  e->dark_device = NULL;
  e->keep_bytes = TC_EV_KEEP_BYTES;
  e->stop = NULL;
  e->stop_ctx = NULL;
  e->dark_budget = 0;
}

tc_status tc_event_params_check(const tc_event_params *e, tc_err *err) {
  if (!(e->loiter_speed_kn > 0) || !isfinite(e->loiter_speed_kn))
    return tc_fail(err, TC_ERR_ARG, "loiter-speed must be a positive number of knots");
  if (e->min_loiter < 0 || e->min_gap <= 0 || e->dark_min_gap <= 0 || e->dark_min_overlap < 0 ||
      e->dark_dwell < 0)
    return tc_fail(err, TC_ERR_ARG, "min-loiter, dark-min-overlap and dark-dwell must be >= 0, "
                                    "min-gap and dark-min-gap > 0 seconds");
  if (!(e->dark_max_speed_kn > 0) || !isfinite(e->dark_max_speed_kn))
    return tc_fail(err, TC_ERR_ARG, "dark-max-speed must be a positive number of knots");
  if (!(e->coverage_radius_m > 0) || !(e->coverage_radius_m <= 2.0e6))
    return tc_fail(err, TC_ERR_ARG, "coverage-radius must be between 0 and 2000 km (got %g)",
                   e->coverage_radius_m);
  if (e->coverage_window <= 0)
    return tc_fail(err, TC_ERR_ARG, "coverage-window must be a positive number of seconds");
  if (!(e->dark_min_coverage >= 0 && e->dark_min_coverage <= 1))
    return tc_fail(err, TC_ERR_ARG, "dark-min-coverage must be between 0 and 1");
  if (!e->kinds || (e->kinds & ~(unsigned)TC_EV_ALL))
    return tc_fail(err, TC_ERR_ARG, "kinds must name loitering, gaps or dark");
  return TC_OK;
}

void tc_event_lists_init(tc_event_lists *l) { memset(l, 0, sizeof *l); }

void tc_event_lists_free(tc_event_lists *l) {
  if (!l)
    return;
  free(l->loiter);
  free(l->gaps);
  free(l->dark);
  tc_event_lists_init(l);
}

/* A vessel's last kept fix (lt = INT64_MIN: none yet). */
