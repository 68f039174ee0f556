/* Several stores read as one timeline for the events (`trajcorr events A.h5 B.h5 ...`,
 * `encounters --with-events` and the ranking's events on several stores): the lists
 * equal, byte for byte, those of one store holding the same fixes, with gaps and
 * loitering runs that span the stores' boundaries (one inside a day and an hour bucket,
 * one at a day's edge); both reads of the events (pass 1 and the coverage pass 2) go
 * through the stores; overlapping stores are refused; the sidecar lists every store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/lead_run.h"

static char dir[512];

#define B1 "2024-01-01T10:37:20Z"
#define B2 "2024-01-02T00:00:00Z"
/* short gaps and a loose dark rule, so that every kind has rows in two days of 150 vessels */
#define EVOPTS "--min-gap 1h --dark-min-gap 1h --dark-min-overlap 30min --dark-min-coverage 0"
#define KINDS "loitering gaps dark"

static void setup(void) {
  tr_scratch("events_stores", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 150 --days 2 -o all.csv && "
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
  cr_assert_eq(tr_sh("cd '%s' && '%s' import -q s0.h5 p0.csv && '%s' import -q --bucket 1h s1.h5 p1.csv && "
                     "'%s' import -q --bucket 7d s2.h5 p2.csv", dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' events -q -t 1 one.h5 -o one " EVOPTS " --encounters one.enc.csv",
                     dir, TC_BINARY), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(events_stores, .init = setup, .fini = teardown, .timeout = 300);

/* What the test is about must be in the data: a gap and a loitering run across each
 * boundary, and some dark rendezvous. */
static void events_span_both_boundaries(void) {
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "import csv\n"
                     "g=list(csv.DictReader(open('one.gaps.csv')))\n"
                     "l=list(csv.DictReader(open('one.loitering.csv')))\n"
                     "for b in ['" B1 "','" B2 "']:\n"
                     "  assert sum(1 for e in g if e['start']<b<e['end'])>0, ('gap', b)\n"
                     "  assert sum(1 for e in l if e['start']<b<e['end'])>0, ('loitering', b)\n"
                     "assert len(list(csv.DictReader(open('one.dark.csv'))))>0\n"
                     "EOF", dir), 0);
}

static int same_lists(const char *a, const char *b) {
  return tr_sh("cd '%s' && for k in " KINDS "; do cmp %s.$k.csv %s.$k.csv || exit 1; done", dir, a, b);
}

static void events_over_stores_equal_one_store(void) {
  static const char *const orders[] = {"s0.h5 s1.h5 s2.h5", "s2.h5 s0.h5 s1.h5"};
  for (size_t i = 0; i < sizeof orders / sizeof *orders; i++) {
    cr_assert_eq(tr_sh("cd '%s' && '%s' events -q -t 1 %s -o m%zu " EVOPTS " --encounters m%zu.enc.csv && "
                       "cmp one.enc.csv m%zu.enc.csv", dir, TC_BINARY, orders[i], i, i, i), 0, "%s", orders[i]);
    char m[16];
    snprintf(m, sizeof m, "m%zu", i);
    cr_assert_eq(same_lists("one", m), 0, "order %s", orders[i]);
  }
  /* gaps alone: pass 1 reads the stores without the encounter engine */
  cr_assert_eq(tr_sh("cd '%s' && '%s' events -q -t 1 one.h5 -o g1 --kinds gaps --min-gap 1h && "
                     "'%s' events -q -t 1 s1.h5 s2.h5 s0.h5 -o g3 --kinds gaps --min-gap 1h && "
                     "cmp g1.gaps.csv g3.gaps.csv", dir, TC_BINARY, TC_BINARY), 0);
  /* two stores meeting inside a bucket (the day store, then the hour store) */
  cr_assert_eq(tr_sh("cd '%s' && cat p0.csv >a.csv && tail -n +2 p1.csv >>a.csv && '%s' import -q a.h5 a.csv && "
                     "'%s' events -q -t 1 a.h5 -o a1 " EVOPTS " && '%s' events -q -t 1 s1.h5 s0.h5 -o a2 " EVOPTS,
                     dir, TC_BINARY, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(same_lists("a1", "a2"), 0);
}

/* The events of --with-events (the spec defaults, places from the stores' anchorages)
 * from the stores equal those from the one store, and so does the list. */
static void with_events_over_stores_equals_one_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 one.h5 -o w1.csv --with-events w1 && "
                     "'%s' encounters -q -t 1 s2.h5 s1.h5 s0.h5 -o w3.csv --with-events w3 && "
                     "cmp w1.csv w3.csv && test $(wc -l <w1.loitering.csv) -gt 1",
                     dir, TC_BINARY, TC_BINARY), 0);
  cr_assert_eq(same_lists("w1", "w3"), 0);
}

/* The ranking's events (--gap-min short enough for the generated outages to count)
 * over the stores: the ranked list equals the one store's. */
static void ranking_with_events_over_stores_equals_one_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 one.h5 --sort score --gap-min 1h -o k1.csv && "
                     "'%s' encounters -q -t 1 s1.h5 s0.h5 s2.h5 --sort score --gap-min 1h -o k3.csv && "
                     "cmp k1.csv k3.csv", dir, TC_BINARY, TC_BINARY), 0);
  /* and the report's (its events on the map and in the table), but for the source line */
  cr_assert_eq(tr_sh("cd '%s' && '%s' report -q -t 1 one.h5 --gap-min 1h -o r1.html --panels 3 && "
                     "'%s' report -q -t 1 s2.h5 s0.h5 s1.h5 --gap-min 1h -o r3.html --panels 3 && "
                     "sed 's/one\\.h5/SRC/g' r1.html >r1.x && sed 's/s0\\.h5, s1\\.h5, s2\\.h5/SRC/g' r3.html >r3.x && "
                     "cmp r1.x r3.x && grep -q '\"kind\":\"gap\"' r1.html", dir, TC_BINARY, TC_BINARY), 0);
}

static void sidecar_lists_every_store(void) {
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "import json\n"
                     "m=json.load(open('m1.events.json'))['input']\n"
                     "s=m['stores']\n"
                     "assert [x['path'] for x in s]==['s0.h5','s1.h5','s2.h5'], s\n"
                     "one=json.load(open('one.events.json'))\n"
                     "assert [x['path'] for x in one['input']['stores']]==['one.h5']\n"
                     "assert m['rows']==one['input']['rows']==sum(x['rows'] for x in s)\n"
                     "assert m['t_min']==one['input']['t_min'] and m['t_max']==one['input']['t_max']\n"
                     "assert json.load(open('m1.events.json'))['counts']['fixes_read']==one['counts']['fixes_read']\n"
                     "EOF", dir), 0);
}

/* Stores sharing a fix time: exit 2, both named with the overlap, nothing written; and
 * the same for --with-events. */
static void overlapping_stores_are_refused(void) {
  cr_assert_eq(tr_sh("cd '%s' && '%s' events -q s1.h5 one.h5 -o bad 2>bad.err", dir, TC_BINARY), 2);
  cr_assert_eq(tr_sh("cd '%s' && ! ls bad.*.csv bad.events.json 2>/dev/null && grep -q 'one.h5' bad.err && "
                     "grep -q 's1.h5' bad.err && grep -q 'overlap in time from " B1 "' bad.err", dir), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q s0.h5 one.h5 -o bw.csv --with-events bw 2>/dev/null",
                     dir, TC_BINARY), 2);
  cr_assert_eq(tr_sh("cd '%s' && ! ls bw.* 2>/dev/null", dir), 0);
  /* every store is an input: no output onto any of them */
  cr_assert_eq(tr_sh("cd '%s' && '%s' events -q s0.h5 s1.h5 -o x --encounters s1.h5 2>/dev/null", dir,
                     TC_BINARY), 2);
}

Test(events_stores, many_stores_read_as_one) {
  events_span_both_boundaries();
  events_over_stores_equal_one_store();
  sidecar_lists_every_store();
  with_events_over_stores_equals_one_store();
  ranking_with_events_over_stores_equals_one_store();
  overlapping_stores_are_refused();
}
