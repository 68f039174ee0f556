/* Generated traffic end to end (`trajcorr generate` → import → encounters):
 * every planted meeting found, no decoy reported, for several seeds; and the same
 * list from every backend, thread count and store bucket length. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "support/lead_run.h"

static void recall(unsigned seed, const char *extra) {
  char dir[512];
  char tag[64];
  snprintf(tag, sizeof tag, "recall%u", seed);
  tr_scratch(tag, dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 800 --days 1 --seed %u %s -o '%s/t.csv' --truth '%s/truth.csv'",
                     TC_BINARY, seed, extra, dir, dir),
               0);
  cr_assert_eq(tr_sh("'%s' import --quiet '%s/s.h5' '%s/t.csv' >/dev/null", TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp '%s/s.h5' -o '%s/e.csv'", TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/recall.py' '%s/truth.csv' '%s/e.csv'", TC_SOURCE_DIR,
                     dir, dir),
               0, "seed %u: a planted meeting was missed or a decoy reported", seed);
  tr_sh("rm -rf '%s'", dir);
}

Test(generated, planted_meetings_found_seed_1, .timeout = 180) { recall(1, ""); }
Test(generated, planted_meetings_found_seed_2, .timeout = 180) { recall(2, ""); }
Test(generated, planted_meetings_found_seed_3_antimeridian, .timeout = 180) { recall(3, "--antimeridian"); }

Test(generated, backends_threads_and_bucket_lengths_agree, .timeout = 300) {
  char dir[512];
  tr_scratch("equiv", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 400 --days 2 --seed 11 --antimeridian -o '%s/t.csv' "
                     "--truth '%s/truth.csv'", TC_BINARY, dir, dir),
               0);
  static const char *buckets[] = {"1h", "6h", "1d", "7d"};
  for (int b = 0; b < 4; b++)
    cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s%s.h5' '%s/t.csv' >/dev/null", TC_BINARY,
                       buckets[b], dir, buckets[b], dir),
                 0);
  cr_assert_eq(tr_sh("'%s' encounters -q --backend allpairs --threads 1 '%s/s1d.h5' -o '%s/ref.csv'",
                     TC_BINARY, dir, dir),
               0);
  cr_assert_eq(tr_sh("test $(wc -l < '%s/ref.csv') -gt 10", dir), 0, "expected encounters in the data");
  static const int threads[] = {1, 2, 4};
  for (int b = 0; b < 4; b++)
    for (int t = 0; t < 3; t++)
      cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp --threads %d '%s/s%s.h5' -o '%s/x.csv' && "
                         "cmp -s '%s/ref.csv' '%s/x.csv'",
                         TC_BINARY, threads[t], dir, buckets[b], dir, dir, dir),
                   0, "openmp, %s buckets, %d threads differs from allpairs", buckets[b], threads[t]);
  tr_sh("rm -rf '%s'", dir);
}
