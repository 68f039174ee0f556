/* Several stores read as one timeline (`trajcorr encounters A.h5 B.h5 ...`): the list
 * equals, byte for byte, the one from a single store holding the same input files,
 * whatever order the stores are given in, however their bucket lengths differ and
 * where their time ranges touch (inside a bucket or at its edge); stores that share a
 * fix time are refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/lead_run.h"

static char dir[512];

/* The generated set, split by fix time at B1 (inside a day bucket and inside an hour one)
 * and B2 (a day's edge); rows without a readable time go to the first part. */
#define B1 "2024-01-01T13:37:20Z"
#define B2 "2024-01-02T00:00:00Z"

static void setup(void) {
  tr_scratch("cli_stores", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 120 --days 2 -o all.csv && "
                     "'%s' import -q one.h5 all.csv", dir, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "b=['" B1 "','" B2 "']\n"
                     "o=[open('p%%d.csv'%%i,'w') for i in range(3)]\n"
                     "f=open('all.csv'); h=f.readline(); [x.write(h) for x in o]\n"
                     "for l in f:\n"
                     "  c=l.split(','); t=c[1] if len(c)>1 and len(c[1])==20 else ''\n"
                     "  o[sum(t>=x for x in b) if t else 0].write(l)\n"
                     "[x.close() for x in o]\n"
                     "EOF", dir), 0);
  /* three bucket lengths: one day, one hour (far shorter than the gaps' 36 h window: the
   * report reads each bucket once for all candidates), a week */
  cr_assert_eq(tr_sh("cd '%s' && '%s' import -q s0.h5 p0.csv && '%s' import -q --bucket 1h s1.h5 p1.csv && "
                     "'%s' import -q --bucket 7d s2.h5 p2.csv", dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 one.h5 -o one.csv", dir, TC_BINARY), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(cli_stores, .init = setup, .fini = teardown, .timeout = 300);

/* The data must hold what the test is about: encounters open across both boundaries.
 * (One test per generated set: each test runs setup again.) */
static void encounters_cross_both_store_boundaries(void) {
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "import csv\n"
                     "r=list(csv.DictReader(open('one.csv')))\n"
                     "for b in ['" B1 "','" B2 "']:\n"
                     "  n=sum(1 for e in r if e['start']<b<e['end'])\n"
                     "  assert n>0, b\n"
                     "EOF", dir), 0);
}

static void three_stores_in_any_order_equal_one_store(void) {
  static const char *const orders[] = {"s0.h5 s1.h5 s2.h5", "s2.h5 s0.h5 s1.h5", "s1.h5 s2.h5 s0.h5"};
  for (size_t i = 0; i < sizeof orders / sizeof *orders; i++) {
    cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 --backend openmp %s -o m%zu.csv && cmp one.csv m%zu.csv",
                       dir, TC_BINARY, orders[i], i, i), 0, "order %s", orders[i]);
  }
  /* and with two threads, where the engine's shards differ (the rest run on one: a
   * loaded machine makes spinning threads slow) */
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 2 s2.h5 s1.h5 s0.h5 -o t2.csv && cmp one.csv t2.csv",
                     dir, TC_BINARY), 0);
}

/* Two stores only, meeting inside a bucket: the day store and the hour store. */
static void two_stores_meeting_inside_a_bucket_equal_one_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && cat p0.csv >a.csv && tail -n +2 p1.csv >>a.csv && "
                     "'%s' import -q a.h5 a.csv && '%s' encounters -q -t 1 a.h5 -o a1.csv && "
                     "'%s' encounters -q -t 1 s1.h5 s0.h5 -o a2.csv && cmp a1.csv a2.csv",
                     dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
}

static void sidecar_lists_every_store_in_time_order(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 s2.h5 s0.h5 s1.h5 -o j.csv && /usr/bin/python3 - <<'EOF'\n"
                     "import json\n"
                     "m=json.load(open('j.csv.json'))['input']\n"
                     "s=m['stores']\n"
                     "assert [x['path'] for x in s]==['s0.h5','s1.h5','s2.h5'], s\n"
                     "assert [x['bucket_s'] for x in s]==[86400,3600,604800], s\n"
                     "assert s[0]['t_max']<'" B1 "'<=s[1]['t_min'] and s[1]['t_max']<'" B2 "'<=s[2]['t_min'], s\n"
                     "one=json.load(open('one.csv.json'))['input']\n"
                     "assert m['rows']==one['rows']==sum(x['rows'] for x in s), (m, one)\n"
                     "assert m['t_min']==one['t_min'] and m['t_max']==one['t_max']\n"
                     "assert all(x['store_bytes']>0 and x['rows']>0 for x in s)\n"
                     "EOF", dir, TC_BINARY), 0);
}

/* Stores sharing a fix time: exit 2, both named with the overlap, nothing written. */
static void overlapping_stores_are_refused(void) {
  char msg[4096] = "";
  int rc = tr_sh("cd '%s' && '%s' encounters -q s1.h5 one.h5 -o bad.csv 2>err.txt", dir, TC_BINARY);
  cr_assert_eq(rc, 2);
  cr_assert_neq(tr_sh("cd '%s' && ls bad.csv* 2>/dev/null", dir), 0, "an output was written");
  char path[600];
  snprintf(path, sizeof path, "%s/err.txt", dir);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  size_t n = fread(msg, 1, sizeof msg - 1, f);
  msg[n] = 0;
  fclose(f);
  cr_assert(strstr(msg, "one.h5") && strstr(msg, "s1.h5"), "%s", msg);
  cr_assert(strstr(msg, "overlap") && strstr(msg, "from " B1 " to 2024-01-01T23:59:59Z"), "%s", msg);
}

/* The same store twice is an overlap too, not a doubled list. */
static void a_store_given_twice_is_refused(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q s0.h5 ./s0.h5 -o twice.csv 2>/dev/null", dir, TC_BINARY), 2);
  cr_assert_neq(tr_sh("cd '%s' && ls twice.csv* 2>/dev/null", dir), 0);
}

/* Every store is an input: the list may not replace any of them. */
static void output_onto_any_store_is_refused(void) {
  cr_assert_eq(tr_sh("cd '%s' && cp s2.h5 keep.h5 && '%s' encounters -q s0.h5 s1.h5 s2.h5 -o s2.h5 2>/dev/null",
                     dir, TC_BINARY), 2);
  cr_assert_eq(tr_sh("cd '%s' && cmp s2.h5 keep.h5", dir), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q s0.h5 s1.h5 --meta s1.h5 -o x.csv 2>/dev/null", dir,
                     TC_BINARY), 2);
}

/* The report from the stores is the one from the single store, but for the source line;
 * a list given last is told from the stores; overlapping stores are refused. */
static void report_from_stores_equals_one_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' report -q -t 1 one.h5 -o r1.html --panels 5 && "
                     "'%s' report -q -t 1 s2.h5 s0.h5 s1.h5 -o r3.html --panels 5 && "
                     "sed 's/one\\.h5/SRC/g' r1.html >r1.x && sed 's/s0\\.h5, s1\\.h5, s2\\.h5/SRC/g' r3.html >r3.x && "
                     "cmp r1.x r3.x && ! cmp -s r1.html r3.html", dir, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' report -q -t 1 s1.h5 s0.h5 s2.h5 one.csv -o r4.html --panels 5 && "
                     "grep -q 'one\\.csv' r4.html", dir, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' report -q -t 1 s1.h5 one.h5 -o r5.html 2>/dev/null", dir, TC_BINARY), 2);
  cr_assert_neq(tr_sh("cd '%s' && ls r5.html* 2>/dev/null", dir), 0);
}

/* --sort score and GeoJSON with tracks over the stores equal one store's, read in slices
 * that split vessels (as large buckets do); the anchorages are the set's, found over all
 * the stores' fixes (the very ones the single store finds), cached beside the first store
 * for the set without touching that store's own cache, and read back from there. */
static void ranking_over_stores_equals_one_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && rm -f *.anchorages.csv *.set-anchorages.csv && "
                     "'%s' encounters -q -t 1 one.h5 --sort score -o k1.csv && "
                     "TC_TRACK_SLICE_ROWS=700 '%s' encounters -t 1 s2.h5 s0.h5 s1.h5 --sort score -o k3.csv "
                     "2>k3.err && cmp k1.csv k3.csv && grep -q 'anchorages found in the stores;' k3.err && "
                     "test -s s0.h5.set-anchorages.csv && test ! -e s0.h5.anchorages.csv && "
                     "test $(tail -n +3 one.h5.anchorages.csv | wc -l) -gt 0 && "
                     "tail -n +2 one.h5.anchorages.csv >a1.x && tail -n +2 s0.h5.set-anchorages.csv >a3.x && "
                     "cmp a1.x a3.x && "
                     "'%s' encounters -t 1 s1.h5 s2.h5 s0.h5 --sort score -o k4.csv 2>k4.err && cmp k1.csv k4.csv && "
                     "grep -q 'anchorages found in the stores (cached)' k4.err",
                     dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
  /* a set with another store after the first is another key: found again, not misread */
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -t 1 s0.h5 s1.h5 --sort score -o k5.csv 2>k5.err && "
                     "! grep -q '(cached)' k5.err", dir, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 one.h5 --tracks -o g1.geojson && "
                     "TC_TRACK_SLICE_ROWS=700 '%s' encounters -q -t 1 s0.h5 s2.h5 s1.h5 --tracks -o g3.geojson && "
                     "cmp g1.geojson g3.geojson && cmp g1.tracks.geojson g3.tracks.geojson && "
                     "test $(grep -o LineString g3.tracks.geojson | wc -l) -gt 0",
                     dir, TC_BINARY, TC_BINARY), 0);
}

/* An unknown output extension is refused before any store is read; the GeoJSON tracks
 * file beside the list may not replace any store either. */
static void analyst_outputs_checked_before_the_work(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q s0.h5 s1.h5 --sort score -o x.txt 2>x.err", dir, TC_BINARY), 2);
  cr_assert_eq(tr_sh("cd '%s' && grep -q 'x.txt' x.err && ! ls x.txt* 2>/dev/null", dir), 0);
  cr_assert_eq(tr_sh("cd '%s' && cp s1.h5 t.tracks.geojson && cp s1.h5 keep1.h5 && "
                     "'%s' encounters -q s0.h5 t.tracks.geojson --tracks -o t.geojson 2>t.err", dir, TC_BINARY), 2);
  cr_assert_eq(tr_sh("cd '%s' && cmp t.tracks.geojson keep1.h5 && ! ls t.geojson* 2>/dev/null && "
                     "grep -q 't.tracks.geojson' t.err", dir), 0);
}

Test(cli_stores, many_stores_read_as_one) {
  encounters_cross_both_store_boundaries();
  three_stores_in_any_order_equal_one_store();
  two_stores_meeting_inside_a_bucket_equal_one_store();
  sidecar_lists_every_store_in_time_order();
  report_from_stores_equals_one_store();
}

Test(cli_stores, refusals) {
  overlapping_stores_are_refused();
  a_store_given_twice_is_refused();
  output_onto_any_store_is_refused();
}

Test(cli_stores, ranking_and_analyst_outputs) {
  ranking_over_stores_equals_one_store();
  analyst_outputs_checked_before_the_work();
}
