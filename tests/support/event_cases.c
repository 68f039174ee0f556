#include "event_cases.h"

#include <criterion/criterion.h>

#include "host/events/internal.h"
#include "support/lead_tracks.h"

tc_event_params tev_defaults(void) {
  tc_event_params e;
  tc_event_params_default(&e);
  return e;
}

void tev_over(const tc_columns *c, const tc_params *p, const tc_event_params *e, tc_event_lists *out,
              tc_event_stats *st) {
  tc_memory_source *m1 = NULL, *m2 = NULL;
  cr_assert_eq(tc_memory_source_create(c, 86400, &m1), TC_OK);
  cr_assert_eq(tc_memory_source_create(c, 86400, &m2), TC_OK);
  tc_bucket_source s1 = tc_memory_source_get(m1), s2 = tc_memory_source_get(m2);
  tc_err err = {0};
  tc_event_lists_init(out);
  cr_assert_eq(tc_events_run(&s1, &s2, p, e, NULL, out, st, &err), TC_OK, "%s", err.msg);
  tc_memory_source_free(m1);
  tc_memory_source_free(m2);
}

void tev_gap_vessel(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon0, double lon1) {
  tt_fix(c, v, t0 - 600, lat, lon0);
  tt_fix(c, v, t0, lat, lon0);
  tt_fix(c, v, t1, lat, lon1);
  tt_fix(c, v, t1 + 600, lat, lon1);
}

void tev_heard(tc_columns *c, uint32_t v, int64_t t0, int64_t t1, double lat, double lon) {
  for (int64_t t = t0; t <= t1; t += 600)
    tt_fix(c, v, t, lat, lon);
}

void tev_dark_pair_at(tc_columns *c, double lon_a, double lstar, int witnesses) {
  double d = V_DARK * (8.0 * HOUR - lstar), lon_b = tc_norm_lon(lon_a + d / M_PER_DEG);
  tev_gap_vessel(c, 400000001, T0, T0 + 8 * HOUR, 0.0, lon_a, lon_a);
  tev_gap_vessel(c, 400000002, T0, T0 + 8 * HOUR, 0.0, lon_b, lon_b);
  if (witnesses) {
    tev_heard(c, 400000003, T0 - HOUR, T0 + 9 * HOUR, 0.1, lon_a);
    tev_heard(c, 400000004, T0 - HOUR, T0 + 9 * HOUR, 0.1, lon_b);
  }
}

void tev_dark_pair(tc_columns *c, double lstar, int witnesses) { tev_dark_pair_at(c, 10.0, lstar, witnesses); }

tc_status tev_count_rows(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  tev_counted *k = ctx;
  (void)err;
  k->calls++;
  k->rows += n;
  k->most = n > k->most ? n : k->most;
  tc_dark_rows(in, n, out, 1);
  return TC_OK;
}
