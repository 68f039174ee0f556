#include "host/report/rank_events.h"

#include "host/engine/source_multi.h"

void tc_rank_event_params(tc_event_params *e, int64_t gap_min) {
  tc_event_params_default(e);
  e->min_gap = gap_min > 0 ? gap_min : 1;
}

tc_status tc_rank_events_finish(tc_events *ev, tc_store *const *stores, size_t n, const tc_params *p,
                                const tc_encounter_list *enc, tc_event_lists *out, tc_err *err) {
  tc_multi_source *m = NULL;
  TC_TRY(tc_multi_source_create(stores, n, tc_params_threads(p), &m, err));
  tc_bucket_source s2 = tc_multi_source_get(m);
  tc_event_stats st;
  tc_status s = tc_events_finish(ev, &s2, enc, out, &st, err);
  tc_multi_source_free(m);
  if (s != TC_OK)
    tc_err_prefix(err, "events: ");
  return s;
}

tc_status tc_rank_events_run(tc_store *const *stores, size_t n, const tc_params *p, const tc_event_params *e,
                             const tc_encounter_list *enc, tc_event_lists *out, tc_err *err) {
  tc_multi_source *m1 = NULL, *m2 = NULL;
  tc_status s = tc_multi_source_create(stores, n, tc_params_threads(p), &m1, err);
  if (s == TC_OK)
    s = tc_multi_source_create(stores, n, tc_params_threads(p), &m2, err);
  if (s == TC_OK) {
    tc_bucket_source s1 = tc_multi_source_get(m1), s2 = tc_multi_source_get(m2);
    tc_event_stats st;
    if ((s = tc_events_run(&s1, &s2, p, e, enc, out, &st, err)) != TC_OK)
      tc_err_prefix(err, "events: ");
  }
  tc_multi_source_free(m1);
  tc_multi_source_free(m2);
  return s;
}
