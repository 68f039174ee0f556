/* The spec's encounter lists for four real areas (shared/data/real-tracks/expected),
 * reproduced end to end: `trajcorr import` then `trajcorr encounters`, with several
 * bucket lengths and backends, compared by bench/peers/compare_encounters.py with the
 * tolerances of expected/README.md. The inputs carry no licence, so they are read in
 * place and the tests skip where shared/ is absent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "support/lead_run.h"

#define RT TC_SHARED_DATA "/real-tracks"

static void check(const char *area, const char *bucket, const char *backend, const char *extra) {
  char in[512], exp[512], dir[512];
  snprintf(in, sizeof in, RT "/%s.csv.gz", area);
  snprintf(exp, sizeof exp, RT "/expected/%s.encounters.csv", area);
  if (access(in, R_OK) != 0 || access(exp, R_OK) != 0)
    cr_skip_test("%s is not here (shared data absent)", in);
  tr_scratch(area, dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s.h5' '%s' >'%s/import.log' 2>&1", TC_BINARY,
                     bucket, dir, in, dir),
               0, "import of %s failed (see %s/import.log)", area, dir);
  cr_assert_eq(tr_sh("'%s' encounters --quiet --backend %s %s '%s/s.h5' -o '%s/e.csv' 2>'%s/enc.log'",
                     TC_BINARY, backend, extra, dir, dir, dir),
               0, "encounters on %s failed (see %s/enc.log)", area, dir);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_encounters.py' '%s' '%s/e.csv'",
                     TC_SOURCE_DIR, exp, dir),
               0, "%s (%s buckets, %s) differs from the spec's list", area, bucket, backend);
  tr_sh("rm -rf '%s'", dir);
}

Test(realtracks, baltic, .timeout = 120) {
  check("baltic_2018_04_01", "1d", "openmp", "");
  check("baltic_2018_04_01", "1h", "allpairs", "--threads 1");
}
Test(realtracks, gibraltar, .timeout = 120) {
  check("gibraltar_2016_06_01", "6h", "openmp", "--threads 2");
  check("gibraltar_2016_06_01", "1d", "allpairs", "");
}
Test(realtracks, auckland, .timeout = 120) { check("auckland_2017_09", "1d", "openmp", ""); }
Test(realtracks, auckland_hourly_buckets, .timeout = 120) {
  check("auckland_2017_09", "1h", "openmp", "--threads 1");
}
Test(realtracks, suez, .timeout = 120) {
  check("suez_evergiven_2021_03_derived_sog", "7d", "openmp", "");
  check("suez_evergiven_2021_03_derived_sog", "1d", "allpairs", "");
}
