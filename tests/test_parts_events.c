/* The behaviour events of a run split into time parts (host/events/parts_events.h), in
 * one process: loitering, gaps (with their coverage) and dark rendezvous equal the
 * single run's field by field, and so do its counts, for 1 to 4 parts on hour and day
 * buckets, on generated events whose loitering runs and gaps cross every part edge and
 * whose twin tracks send parts back to read from the start
 * (tests/support/events_edges.py). The MPI ranks (test_ranks.sh) run these same parts on
 * separate processes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "host/engine/source_multi.h"
#include "host/events/parts_events.h"
#include "support/lead_run.h"

static char dir[512];

static void setup(void) {
  tr_scratch("partsev", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 120 --days 2 --events -o ev0.csv && "
                     "/usr/bin/python3 '%s/tests/support/events_edges.py' ev0.csv ev.csv && "
                     "'%s' import -q --bucket 1h h.h5 ev.csv && '%s' import -q d.h5 ev.csv",
                     dir, TC_BINARY, TC_SOURCE_DIR, TC_BINARY, TC_BINARY),
               0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(parts_events, .init = setup, .fini = teardown, .timeout = 300);

static void single(tc_store *st, const tc_params *p, const tc_event_params *e, tc_event_lists *out,
                   tc_event_stats *stats) {
  tc_multi_source *m1 = NULL, *m2 = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_multi_source_create(&st, 1, 1, &m1, &err), TC_OK);
  cr_assert_eq(tc_multi_source_create(&st, 1, 1, &m2, &err), TC_OK);
  tc_bucket_source s1 = tc_multi_source_get(m1), s2 = tc_multi_source_get(m2);
  cr_assert_eq(tc_events_run(&s1, &s2, p, e, NULL, out, stats, &err), TC_OK, "%s", err.msg);
  tc_multi_source_free(m1);
  tc_multi_source_free(m2);
}

/* Field by field (the structs' padding is not part of them). */
static int same_loiter(const tc_loiter *a, const tc_loiter *b) {
  return a->mmsi == b->mmsi && a->start == b->start && a->end == b->end && a->slots == b->slots &&
         a->mean_lat == b->mean_lat && a->mean_lon == b->mean_lon && a->median_speed_kn == b->median_speed_kn;
}

static int same_gap(const tc_gap *a, const tc_gap *b) {
  return a->mmsi == b->mmsi && a->t0 == b->t0 && a->t1 == b->t1 && a->lat0 == b->lat0 && a->lon0 == b->lon0 &&
         a->lat1 == b->lat1 && a->lon1 == b->lon1 && a->dist_m == b->dist_m && a->others_seen == b->others_seen &&
         a->coverage == b->coverage;
}

static int same_dark(const tc_dark *a, const tc_dark *b) {
  return a->mmsi_a == b->mmsi_a && a->mmsi_b == b->mmsi_b && a->a0 == b->a0 && a->a1 == b->a1 && a->b0 == b->b0 &&
         a->b1 == b->b1 && a->l_star == b->l_star && a->lat == b->lat && a->lon == b->lon &&
         a->w_start == b->w_start && a->w_end == b->w_end && a->dist_dark_m == b->dist_dark_m &&
         a->dist_reappear_m == b->dist_reappear_m && a->coverage_a == b->coverage_a && a->coverage_b == b->coverage_b;
}

static int same_lists(const tc_event_lists *a, const tc_event_lists *b) {
  if (a->n_loiter != b->n_loiter || a->n_gaps != b->n_gaps || a->n_dark != b->n_dark)
    return 0;
  for (size_t i = 0; i < a->n_loiter; i++)
    if (!same_loiter(&a->loiter[i], &b->loiter[i]))
      return 0;
  for (size_t i = 0; i < a->n_gaps; i++)
    if (!same_gap(&a->gaps[i], &b->gaps[i]))
      return 0;
  for (size_t i = 0; i < a->n_dark; i++)
    if (!same_dark(&a->dark[i], &b->dark[i]))
      return 0;
  return 1;
}

/* want_reruns: the twin tracks start inside a bucket before some part's lead-in (hour
 * buckets; a day bucket's read starts before the twins, where the filters agree) */
static void same_for_parts(const char *name, int want_reruns) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tc_store *st = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_store_open(path, &st, &err), TC_OK, "%s", err.msg);
  tc_params p;
  tc_params_default(&p);
  p.threads = 1;
  tc_event_params e;
  tc_event_params_default(&e);
  tc_event_lists one;
  tc_event_lists_init(&one);
  tc_event_stats s1;
  single(st, &p, &e, &one, &s1);
  cr_assert(one.n_loiter > 0 && one.n_gaps > 0 && one.n_dark > 0, "the data must hold every kind of event");
  unsigned total_reruns = 0;
  for (unsigned k = 1; k <= 4; k++) {
    tc_part parts[4];
    cr_assert_eq(tc_evp_plan(&st, 1, &p, k, parts, &err), TC_OK, "%s", err.msg);
    for (unsigned i = 1; i < k; i++) {
      if (parts[i].s_lo >= parts[i].s_hi)
        continue; /* empty: more parts than day buckets to share */
      size_t loit = 0, gaps = 0;
      for (size_t j = 0; j < one.n_loiter; j++)
        loit += one.loiter[j].start < parts[i].s_lo && one.loiter[j].end >= parts[i].s_lo;
      for (size_t j = 0; j < one.n_gaps; j++)
        gaps += one.gaps[j].t0 < parts[i].s_lo && one.gaps[j].t1 > parts[i].s_lo;
      cr_assert(loit > 0 && gaps > 0, "%s, %u parts: edge %u crossed by %zu loitering, %zu gaps", name, k, i, loit,
                gaps);
    }
    tc_events *ev = NULL;
    tc_memory_source *m2 = NULL;
    unsigned reruns = 0;
    cr_assert_eq(tc_evp_run_parts(&st, 1, k, &p, &e, &ev, &m2, &reruns, &err), TC_OK, "%s", err.msg);
    tc_bucket_source s2 = tc_memory_source_get(m2);
    tc_event_lists split;
    tc_event_lists_init(&split);
    tc_event_stats sk;
    cr_assert_eq(tc_events_finish(ev, &s2, NULL, &split, &sk, &err), TC_OK, "%s", err.msg);
    cr_assert(same_lists(&one, &split), "%s, %u parts: %zu loitering, %zu gaps, %zu dark; one run %zu, %zu, %zu",
              name, k, split.n_loiter, split.n_gaps, split.n_dark, one.n_loiter, one.n_gaps, one.n_dark);
    cr_assert(s1.fixes_read == sk.fixes_read && s1.teleport_dropped == sk.teleport_dropped &&
                  s1.grid_positions == sk.grid_positions && s1.dark_overlaps == sk.dark_overlaps &&
                  s1.dark_covered == sk.dark_covered,
              "%s, %u parts: counts differ", name, k);
    total_reruns += reruns;
    tc_event_lists_free(&split);
    tc_memory_source_free(m2);
    tc_events_free(ev);
  }
  if (want_reruns)
    cr_assert_gt(total_reruns, 0, "%s: no part read again from the start (the twin tracks test nothing)", name);
  tc_event_lists_free(&one);
  tc_store_close(st);
}

Test(parts_events, hour_buckets_1_to_4_parts) { same_for_parts("h.h5", 1); }
Test(parts_events, day_buckets_1_to_4_parts) { same_for_parts("d.h5", 0); }
