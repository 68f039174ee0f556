/* A run split into time parts (host/engine/parts.h), in one process: the list equals
 * the single run's field by field for 1 to 4 parts, on hour and day buckets, on
 * generated traffic whose port anchorages keep pairs moored together across every part
 * edge; and with no lead-in, where the teleport state check must send parts back to
 * read from the start, still the same list. The MPI ranks (test_ranks.sh) run these
 * same parts on separate processes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/backend.h"
#include "host/engine/parts.h"
#include "host/engine/source_multi.h"
#include "support/lead_run.h"
#include "support/lead_tracks.h"
#include "support/store_fixtures.h"

static char dir[512];

static void setup(void) {
  tr_scratch("parts", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 150 --days 5 -o all.csv && "
                     "'%s' import -q --bucket 1h h.h5 all.csv && '%s' import -q d.h5 all.csv",
                     dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(parts, .init = setup, .fini = teardown, .timeout = 300);

static tc_store *open_store(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tc_store *s = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  return s;
}

static void single(tc_store *st, const tc_params *p, tc_encounter_list *out) {
  tc_multi_source *m = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_multi_source_create(&st, 1, 1, &m, &err), TC_OK);
  tc_bucket_source src = tc_multi_source_get(m);
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  tc_engine_stats stats;
  cr_assert_eq(tc_encounters_run(&src, p, tc_backend_find("openmp"), &cfg, out, &stats, &err), TC_OK, "%s",
               err.msg);
  tc_multi_source_free(m);
}

/* For k parts: same list; every inner part edge has an encounter open across it. */
static void same_for_parts(const char *store, int64_t lead_in, int want_reruns) {
  /* want_reruns: the data is made so that every part after the first is read again */
  tc_store *st = open_store(store);
  tc_params p;
  tc_params_default(&p);
  p.threads = 1;
  tc_encounter_list one, split;
  tc_encounter_list_init(&one);
  single(st, &p, &one);
  cr_assert_gt(one.n, 0, "the data must hold encounters");
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  unsigned total_reruns = 0;
  for (unsigned k = 1; k <= 4; k++) {
    tc_part parts[4];
    tc_err err = {0};
    cr_assert_eq(tc_parts_plan(&st, 1, &p, k, lead_in, parts, &err), TC_OK, "%s", err.msg);
    for (unsigned i = 1; i < k; i++) {
      size_t across = 0;
      for (size_t j = 0; j < one.n; j++)
        across += one.v[j].start < parts[i].s_lo && one.v[j].end >= parts[i].s_lo;
      cr_assert_gt(across, 0, "%s, %u parts: no encounter crosses edge %u", store, k, i);
    }
    tc_encounter_list_init(&split);
    unsigned reruns = 0;
    cr_assert_eq(tc_encounters_run_parts(&st, 1, k, lead_in, &p, tc_backend_find("openmp"), &cfg, &split,
                                         &reruns, &err), TC_OK, "%s", err.msg);
    cr_assert(tt_same(&one, &split), "%s, %u parts: %zu encounters, one run %zu", store, k, split.n, one.n);
    if (want_reruns)
      cr_assert_eq(reruns, k - 1, "%u parts: %u read again from the start", k, reruns);
    total_reruns += reruns;
    tc_encounter_list_free(&split);
  }
  if (!want_reruns)
    cr_assert_eq(total_reruns, 0, "the lead-in sufficed: no part is read again");
  tc_encounter_list_free(&one);
  tc_store_close(st);
}

Test(parts, hour_buckets_1_to_4_parts) { same_for_parts("h.h5", TC_PARTS_LEAD_IN(3600), 0); }
Test(parts, day_buckets_1_to_4_parts) { same_for_parts("d.h5", TC_PARTS_LEAD_IN(3600), 0); }
/* Two vessels moored 55 m apart for two days, fixes every 5 minutes; the first fix of
 * every hour of one of them is 5 degrees away. The full run drops each of those by the
 * teleport filter; a part that starts its filter afresh at an hour keeps it and then
 * drops the true fixes, and outlier after outlier stays its reference: no lead-in
 * converges, the check sees it, and those parts are read again from the start. */
static void outlier_store(void) {
  size_t n = 0;
  tc_fix *f = calloc(2 * 577, sizeof *f);
  cr_assert(f);
  const int64_t t0 = 1704067200; /* 2024-01-01T00:00:00Z */
  for (int64_t t = t0 + 300; t <= t0 + 48 * 3600; t += 300) { /* the first fix a true one */
    f[n++] = (tc_fix){t, t % 3600 ? 10.0 : 15.0, 10.0, 111111111u, NAN, NAN, TC_HEADING_UNKNOWN};
    f[n++] = (tc_fix){t, 10.0005, 10.0, 222222222u, NAN, NAN, TC_HEADING_UNKNOWN};
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/o.h5", dir);
  tc_import_opts o;
  tc_import_opts_init(&o);
  o.bucket_s = 3600;
  tc_import_result res;
  tc_err err = {0};
  cr_assert_eq(store_import_fixes(path, &o, f, n, &res, &err), TC_OK, "%s", err.msg);
  free(f);
}

Test(parts, teleport_state_that_never_converges_is_read_from_the_start) {
  outlier_store();
  same_for_parts("o.h5", TC_PARTS_LEAD_IN(3600), 1);
}
