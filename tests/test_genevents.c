/* `trajcorr generate --events` end to end (generate → import → events): every planted
 * loitering run, switch-off, outage gap and dark rendezvous found, and no outage gap in a
 * dark rendezvous, for three seeds (bench/peers/event_recall.py); the same lists for
 * every store bucket length and thread count, and from the OpenCL kernel. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "support/lead_run.h"

#define GEN "generate -q --events --vessels 500 --days 1.5"

static void recall(unsigned seed, int coverage_off) {
  char dir[512], tag[64];
  snprintf(tag, sizeof tag, "evrecall%u", seed);
  tr_scratch(tag, dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' " GEN " --seed %u --store '%s/s.h5' --truth '%s/truth.csv'", TC_BINARY, seed, dir, dir),
               0);
  cr_assert_eq(tr_sh("'%s' events -q --no-anchorages '%s/s.h5' -o '%s/e'", TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/event_recall.py' '%s/truth.csv' '%s/e' >'%s/recall.txt'",
                     TC_SOURCE_DIR, dir, dir, dir),
               0, "seed %u: a planted event missed or an outage in a dark rendezvous (%s/recall.txt)", seed, dir);
  /* Without the coverage rule the outage's vessels pair up: the check above can fail
   * (once: the thousands of pairs it maximises take seconds). */
  if (!coverage_off) {
    tr_sh("rm -rf '%s'", dir);
    return;
  }
  cr_assert_eq(tr_sh("'%s' events -q --no-anchorages --dark-min-coverage 0 '%s/s.h5' -o '%s/n'", TC_BINARY, dir,
                     dir), 0);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/event_recall.py' --quiet '%s/truth.csv' '%s/n' >'%s/n.txt'",
                     TC_SOURCE_DIR, dir, dir, dir),
               1);
  cr_assert_eq(tr_sh("grep -q 'holding an outage gap: [1-9]' '%s/n.txt' && grep -q 'dark: [0-9]* of' '%s/n.txt'", dir,
                     dir),
               0, "seed %u: no outage pair even with --dark-min-coverage 0 (%s/n.txt)", seed, dir);
  tr_sh("rm -rf '%s'", dir);
}

Test(genevents, planted_events_found_seed_1, .timeout = 120) { recall(1, 1); }
Test(genevents, planted_events_found_seed_2, .timeout = 120) { recall(2, 0); }
Test(genevents, planted_events_found_seed_3, .timeout = 120) { recall(3, 0); }

Test(genevents, same_bytes_for_the_same_seed) {
  char dir[512];
  tr_scratch("evsame", dir, sizeof dir);
  for (int k = 0; k < 2; k++)
    cr_assert_eq(tr_sh("'%s' " GEN " --seed 9 -o '%s/t%d.csv' --truth '%s/truth%d.csv'", TC_BINARY, dir, k, dir, k),
                 0);
  cr_assert_eq(tr_sh("cmp -s '%s/t0.csv' '%s/t1.csv' && cmp -s '%s/truth0.csv' '%s/truth1.csv'", dir, dir, dir, dir),
               0, "two runs with the same seed differ");
  cr_assert_eq(tr_sh("grep -c '^dark,' '%s/truth0.csv' >/dev/null && grep -c '^outage,' '%s/truth0.csv' >/dev/null",
                     dir, dir), 0, "no dark or outage rows in the truth");
  /* the outage's region holds no scenario: one region is not enough */
  cr_assert_eq(tr_sh("'%s' generate -q --events --regions 1 -o '%s/x.csv' 2>/dev/null", TC_BINARY, dir), 2);
  tr_sh("rm -rf '%s'", dir);
}

Test(genevents, same_lists_whatever_the_buckets_threads_and_backend, .timeout = 300) {
  char dir[512];
  tr_scratch("evequiv", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' " GEN " --seed 5 -o '%s/t.csv' --truth '%s/truth.csv'", TC_BINARY, dir, dir), 0);
  static const char *buckets[] = {"1d", "1h", "7d"};
  static const char *kinds[] = {"loitering", "gaps", "dark"};
  for (int b = 0; b < 3; b++) {
    cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s%s.h5' '%s/t.csv' >/dev/null", TC_BINARY, buckets[b],
                       dir, buckets[b], dir),
                 0);
    for (int t = 1; t <= 2; t++) {
      cr_assert_eq(tr_sh("'%s' events -q --no-anchorages --threads %d '%s/s%s.h5' -o '%s/e%s_%d'", TC_BINARY, t, dir,
                         buckets[b], dir, buckets[b], t),
                   0);
      for (int k = 0; k < 3; k++)
        cr_assert_eq(tr_sh("cmp -s '%s/e1d_1.%s.csv' '%s/e%s_%d.%s.csv'", dir, kinds[k], dir, buckets[b], t, kinds[k]),
                     0, "%s: %s buckets, %d threads differ from 1d, 1 thread", kinds[k], buckets[b], t);
    }
  }
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/event_recall.py' --quiet '%s/truth.csv' '%s/e1h_2' >/dev/null",
                     TC_SOURCE_DIR, dir, dir),
               0, "a planted event missed");
#ifdef TRAJCORR_HAVE_OPENCL
  /* the kernel against the host: the same pairs, L* within the spec's 60 s */
  cr_assert_eq(tr_sh("'%s' events -q --no-anchorages --kinds dark --backend opencl --device-type any '%s/s1d.h5' "
                     "-o '%s/cl' 2>'%s/cl.log'", TC_BINARY, dir, dir, dir),
               0, "events --backend opencl failed (%s/cl.log)", dir);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/bench/peers/compare_events.py' dark '%s/e1d_1.dark.csv' '%s/cl.dark.csv'",
                     TC_SOURCE_DIR, dir, dir),
               0, "OpenCL and OpenMP dark lists differ");
#endif
  tr_sh("rm -rf '%s'", dir);
}
