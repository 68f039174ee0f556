/* Checkpoints, signals and the nightly update of `trajcorr encounters`
 * (docs/checkpoints.md): a run killed (-9) anywhere and resumed gives the list of an
 * uninterrupted run, byte for byte; a checkpoint from other stores or parameters, or a
 * damaged one, is refused by name; SIGTERM writes a checkpoint and exits 75; a week
 * imported day by day and updated with --since after each day gives the full run's
 * list, reading about one pass over the data; a checkpoint on a full disk is a named
 * error with the previous checkpoint intact and no output; --to with --save-state or
 * --checkpoint gives the plain --to list. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/lead_run.h"

#define TC TC_BINARY

static char dir[512];

/* Shell: waits until the process $pid has its SIGTERM handler (SigCgt bit 15), or has
 * ended: a signal sent earlier would meet the default action. */
#define WAIT_CAUGHT                                                                                           \
  "while kill -0 $pid 2>/dev/null && c=$(awk '/^SigCgt/{print $2}' /proc/$pid/status 2>/dev/null) && "      \
  "[ -n \"$c\" ] && [ $((0x$c & 0x4000)) -eq 0 ]; do sleep 0.001; done; "

/* 400 vessels over 3 days in 1 h buckets (72 buckets), with 1 %% of the fixes moved 5
 * degrees (the teleport filter measures from each vessel's last kept fix, however old)
 * and most fixes of one vessel in 7 left out (gaps longer than --max-gap), and the
 * uninterrupted list. */
static void three_days(void) {
  /* made once for the suite (a test each would make it again), again when the program is
   * newer than it */
  const char *tmp = getenv("TC_TEST_TMP");
  char fx[600];
  snprintf(fx, sizeof fx, "%s/checkpoint-fixture", tmp && *tmp ? tmp : "/tmp");
  tr_scratch("checkpoint", dir, sizeof dir);
  if (tr_sh("test -e '%s/done' && test ! '%s' -nt '%s/done'", fx, TC, fx) != 0) {
    cr_assert_eq(tr_sh("rm -rf '%s' && mkdir -p '%s'", fx, fx), 0);
    cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 400 --days 3 -o g.csv && /usr/bin/python3 - <<'EOF'\n"
                       "import random\n"
                       "random.seed(3); f=open('g.csv'); o=open('all.csv','w'); o.write(f.readline())\n"
                       "for l in f:\n"
                       "  c=l.split(',')\n"
                       "  try:\n"
                       "    if int(c[0]) %% 7 == 0 and random.random() < 0.6: continue\n"
                       "    if random.random() < 0.01: c[2] = '%%.6f' %% max(-89.0, min(89.0, float(c[2]) + random.choice((-5, 5))))\n"
                       "  except (ValueError, IndexError): pass\n"
                       "  o.write(','.join(c))\n"
                       "EOF", fx, TC), 0);
    cr_assert_eq(tr_sh("cd '%s' && '%s' import -q --bucket 1h s.h5 all.csv && rm g.csv all.csv && "
                       "'%s' encounters -q -t 1 s.h5 -o full.csv && test $(wc -l < full.csv) -gt 100 && "
                       "python3 -c \"import json; exit(json.load(open('full.csv.json'))['counts']['teleport_dropped'] < 1000)\" "
                       "&& touch done", fx, TC, TC), 0);
  }
  cr_assert_eq(tr_sh("cp '%s/s.h5' '%s/full.csv' '%s/full.csv.json' '%s/'", fx, fx, fx, dir), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

/* 0 when the file dir/name holds want. */
static int has(const char *name, const char *want) {
  return tr_sh("grep -qF -- '%s' '%s/%s'", want, dir, name);
}

Test(checkpoint, kill9_anywhere_then_resume_gives_the_same_list, .init = three_days, .fini = teardown,
     .timeout = 300) {
  /* The checkpoints go to a tmpfs where there is one: what is checked is the list after
   * a kill, and a kill (unlike a power cut) loses nothing a file system has been given,
   * while a sync per bucket on a busy disk would make each run seconds long. */
  char ck[600];
  if (tr_sh("test -d /dev/shm && test -w /dev/shm") == 0)
    snprintf(ck, sizeof ck, "/dev/shm/trajcorr-checkpoint.%ld", (long)getpid());
  else
    snprintf(ck, sizeof ck, "%s/ck", dir);
  cr_assert_eq(tr_sh("rm -rf '%s' && mkdir -p '%s'", ck, ck), 0);
  /* How long a checkpointed run takes here sets the range of the kill times. */
  cr_assert_eq(tr_sh("cd '%s' && s=$(date +%%s%%N) && '%s' encounters -q -t 1 s.h5 -o once.csv --checkpoint '%s/c0.bin' "
                     "&& echo $(( ($(date +%%s%%N) - s) / 1000 )) > span_us && cmp once.csv full.csv && "
                     "test ! -e '%s/c0.bin'", dir, TC, ck, ck), 0, "a checkpointed run differs or left its checkpoint");
  FILE *f;
  char p[1024];
  long span = 0;
  snprintf(p, sizeof p, "%s/span_us", dir);
  cr_assert((f = fopen(p, "r")) && fscanf(f, "%ld", &span) == 1);
  fclose(f);
  /* 20 runs, each killed at a random moment of the span, then resumed to the end (with
   * another thread count: the shards are cut anew). */
  unsigned seed = (unsigned)getpid();
  int mid = 0;
  for (int i = 0; i < 20; i++) {
    long us = (long)(((unsigned long long)rand_r(&seed) << 16 ^ (unsigned long long)rand_r(&seed)) % (unsigned long long)(span + 1));
    int rc = tr_sh("cd '%s' && c='%s/ck.bin' && rm -f \"$c\" r.csv r.csv.json && "
                   "{ '%s' encounters -q -t 1 s.h5 -o r.csv --checkpoint \"$c\" & pid=$!; sleep %ld.%06ld; "
                   "kill -9 $pid; wait $pid; } 2>/dev/null; "
                   "if [ -e \"$c\" ] && [ ! -e r.csv ]; then touch mid; else rm -f mid; fi; "
                   "'%s' encounters -q -t 2 s.h5 -o r.csv --checkpoint \"$c\" --resume || exit 10; "
                   "cmp r.csv full.csv || exit 11; test ! -e \"$c\" || exit 12",
                   dir, ck, TC, us / 1000000, us % 1000000, TC);
    cr_assert_eq(rc, 0, "kill %d at %ld us of %ld: %s", i + 1, us, span,
                 rc == 10 ? "the resumed run failed" : rc == 11 ? "the resumed list differs" : "checkpoint left");
    mid += tr_sh("test -e '%s/mid'", dir) == 0;
  }
  tr_sh("rm -rf '%s'", ck);
  fprintf(stderr, "kill -9 and --resume: 20 of 20 lists identical, %d kills between two checkpoints (span %ld us)\n",
          mid, span);
  /* kills before the first checkpoint or after the list resume from nothing: enough
   * must land in between, or the test shows nothing */
  cr_expect_geq(mid, 8, "only %d of 20 kills landed between checkpoints", mid);
}

Test(checkpoint, sigterm_writes_a_checkpoint_and_exits_75, .init = three_days, .fini = teardown, .timeout = 120) {
  cr_assert_eq(tr_sh("cd '%s' && { '%s' encounters -t 1 s.h5 -o r.csv --checkpoint ck.bin 2>err.txt & pid=$!; "
                     "while [ ! -e ck.bin ]; do sleep 0.002; done; kill -TERM $pid; wait $pid; echo $? > rc; }",
                     dir, TC), 0);
  cr_expect_eq(tr_sh("cd '%s' && test $(cat rc) = 75", dir), 0, "exit status is not 75");
  cr_expect_eq(has("err.txt", "interrupted by SIGTERM"), 0);
  cr_expect_eq(has("err.txt", "--resume"), 0);
  cr_expect_eq(tr_sh("cd '%s' && test -e ck.bin && test ! -e r.csv && test ! -e r.csv.json && test ! -e ck.bin.tmp",
                     dir), 0, "output written or checkpoint missing after SIGTERM");
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -t 1 s.h5 -o r.csv --checkpoint ck.bin --resume 2>err2.txt && "
                     "cmp r.csv full.csv", dir, TC), 0, "the resumed list differs");
  cr_expect_eq(has("err2.txt", "resuming from checkpoint ck.bin"), 0);
  /* the JSON sidecar counts what an uninterrupted run counts */
  cr_expect_eq(tr_sh("cd '%s' && python3 -c \"import json; a=json.load(open('r.csv.json'))['counts']; "
                     "b=json.load(open('full.csv.json'))['counts']; exit(a != b)\"", dir), 0,
               "the resumed run's counts differ");
  /* without --checkpoint a signal stops at once, nothing written, 128 + N */
  cr_expect_eq(tr_sh("cd '%s' && { '%s' encounters -t 1 s.h5 -o q.csv 2>err3.txt & pid=$!; " WAIT_CAUGHT
                     "kill -INT $pid; wait $pid; test $? = 130; } && test ! -e q.csv && test ! -e q.csv.json",
                     dir, TC), 0, "SIGINT without --checkpoint: not 130, or output written");
  cr_expect_eq(has("err3.txt", "interrupted by SIGINT: nothing written"), 0);
  /* a second signal ends it at once: the default action, no checkpoint written */
  /* The second is sent once the first was taken (SA_RESETHAND has put SIGTERM's bit out
   * of SigCgt): two sent at once would merge into one pending signal. A run that
   * reached its bucket's end in between (exit 75) shows nothing: tried again. */
  cr_expect_eq(tr_sh("cd '%s' && for try in 1 2 3 4 5 6 7 8 9 10; do rm -f ck.bin q.csv; "
                     "'%s' encounters -q -t 1 s.h5 -o q.csv --checkpoint ck.bin 2>/dev/null & pid=$!; "
                     "while [ ! -e ck.bin ]; do sleep 0.002; done; kill -TERM $pid; "
                     "while c=$(awk '/^SigCgt/{print $2}' /proc/$pid/status 2>/dev/null) && [ -n \"$c\" ] && "
                     "[ $((0x$c & 0x4000)) -ne 0 ]; do :; done; kill -TERM $pid 2>/dev/null; wait $pid; rc=$?; "
                     "[ $rc = 75 ] && continue; [ $rc = 143 ] && [ ! -e q.csv ] && exit 0; exit 1; done 2>/dev/null; exit 2",
                     dir, TC), 0, "a second SIGTERM did not end the run at once");
  /* with --checkpoint-every a signal still writes one at the bucket's end */
  cr_expect_eq(tr_sh("cd '%s' && rm -f ck.bin && { '%s' encounters -q -t 1 s.h5 -o q.csv --checkpoint ck.bin "
                     "--checkpoint-every 1h 2>/dev/null & pid=$!; " WAIT_CAUGHT "kill -TERM $pid; wait $pid; test $? = 75; } && "
                     "test -e ck.bin && test ! -e q.csv && '%s' encounters -q s.h5 -o q.csv --checkpoint ck.bin --resume && "
                     "cmp q.csv full.csv", dir, TC, TC), 0, "--checkpoint-every: SIGTERM gave no checkpoint or another list");
}

Test(checkpoint, other_stores_parameters_or_damage_are_refused, .init = three_days, .fini = teardown,
     .timeout = 120) {
  cr_assert_eq(tr_sh("cd '%s' && { '%s' encounters -q -t 1 s.h5 -o r.csv --checkpoint ck.bin 2>e0.txt & pid=$!; "
                     "while [ ! -e ck.bin ]; do sleep 0.002; done; kill -TERM $pid; wait $pid; test $? = 75; } && "
                     "cp ck.bin keep.bin", dir, TC), 0);
  /* other parameters: the option is named, nothing written */
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -q s.h5 -o r.csv --checkpoint ck.bin --resume --dist 600m "
                     "2>e1.txt; test $? = 2 && test ! -e r.csv", dir, TC), 0);
  cr_expect_eq(has("e1.txt", "other parameters: it has dist=500 m, this run dist=600 m"), 0);
  /* another store, and the same store rewritten (its modification time) */
  cr_expect_eq(tr_sh("cd '%s' && cp -p s.h5 t.h5 && '%s' encounters -q t.h5 -o r.csv --checkpoint ck.bin --resume "
                     "2>e2.txt; test $? = 2 && test ! -e r.csv", dir, TC), 0);
  cr_expect_eq(has("e2.txt", "was written for other stores"), 0);
  cr_expect_eq(tr_sh("cd '%s' && touch s.h5 && '%s' encounters -q s.h5 -o r.csv --checkpoint ck.bin --resume "
                     "2>e3.txt; test $? = 2", dir, TC), 0);
  cr_expect_eq(has("e3.txt", "was written for other stores"), 0);
  cr_assert_eq(tr_sh("cd '%s' && touch -r t.h5 s.h5", dir), 0);
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -q s.h5 -o r.csv --checkpoint ck.bin --resume && cmp r.csv full.csv",
                     dir, TC), 0, "the store with its old time back: the checkpoint should be taken");
  /* one bit flipped, and a truncated file: a named error (exit 1), nothing written */
  cr_expect_eq(tr_sh("cd '%s' && rm -f r.csv* && python3 -c \"b=bytearray(open('keep.bin','rb').read()); "
                     "b[len(b)//2]^=4; open('ck.bin','wb').write(b)\" && '%s' encounters -q s.h5 -o r.csv "
                     "--checkpoint ck.bin --resume 2>e4.txt; test $? = 1 && test ! -e r.csv", dir, TC), 0);
  cr_expect_eq(has("e4.txt", "ck.bin: damaged checkpoint: SHA-256 checksum mismatch"), 0);
  cr_expect_eq(tr_sh("cd '%s' && head -c 999 keep.bin > ck.bin && '%s' encounters -q s.h5 -o r.csv "
                     "--checkpoint ck.bin --resume 2>e5.txt; test $? = 1 && test ! -e r.csv", dir, TC), 0);
  cr_expect_eq(has("e5.txt", "ck.bin: damaged checkpoint"), 0);
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -q s.h5 -o r.csv --resume 2>e6.txt; test $? = 2", dir, TC), 0);
  cr_expect_eq(has("e6.txt", "--resume goes on from a --checkpoint FILE"), 0);
}

/* --to stops the read once every grid time before it is final; --save-state reads on
 * to the last bucket (its state is the one kept) and --checkpoint stops with the read:
 * each list is the plain --to run's, and the update from the state gives it again. */
Test(checkpoint, to_with_save_state_and_checkpoint_gives_the_plain_list, .init = three_days, .fini = teardown,
     .timeout = 120) {
  cr_assert_eq(tr_sh("cd '%s' && w='--to 2024-01-02T06:00:00Z' && '%s' encounters -q -t 1 s.h5 $w -o a.csv && "
                     "test $(wc -l < a.csv) -gt 20 && "
                     "'%s' encounters -q -t 1 s.h5 $w -o b.csv --save-state st.bin && cmp a.csv b.csv && "
                     "'%s' encounters -q -t 1 s.h5 $w -o c.csv --since st.bin --save-state st.bin && cmp a.csv c.csv && "
                     "'%s' encounters -q -t 1 s.h5 $w -o d.csv --checkpoint ck.bin && cmp a.csv d.csv && "
                     "test ! -e ck.bin",
                     dir, TC, TC, TC, TC),
               0);
}

Test(checkpoint, full_disk_keeps_the_previous_checkpoint, .init = three_days, .fini = teardown, .timeout = 120) {
  if (geteuid() != 0)
    cr_skip("not root: cannot mount a small tmpfs");
  if (tr_sh("cd '%s' && mkdir m && mount -t tmpfs -o size=64k tmpfs m 2>/dev/null && umount m", dir) != 0)
    cr_skip("mount -t tmpfs not permitted here");
  /* room for one checkpoint and the start of the next: the run stops at a later one */
  int rc = tr_sh("cd '%s' && mount -t tmpfs -o size=1200k tmpfs m && "
                 "'%s' encounters -q -t 1 s.h5 -o r.csv --checkpoint m/ck.bin 2>err.txt; echo $? > rc; "
                 "cp m/ck.bin ck.bin; ls -A m > left; umount m", dir, TC);
  cr_assert_eq(rc, 0);
  cr_expect_eq(tr_sh("cd '%s' && test $(cat rc) = 1", dir), 0, "exit status is not 1");
  cr_expect_eq(has("err.txt", "No space left on device"), 0);
  cr_expect_eq(has("err.txt", "checkpoint m/ck.bin.tmp"), 0);
  cr_expect_eq(tr_sh("cd '%s' && test \"$(cat left)\" = ck.bin && test ! -e r.csv && test ! -e r.csv.json", dir), 0,
               "a temporary file left, or output written");
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -t 1 s.h5 -o r.csv --checkpoint ck.bin --resume 2>res.txt && "
                     "cmp r.csv full.csv", dir, TC), 0, "the previous checkpoint does not resume to the same list");
  cr_expect_eq(has("res.txt", "resuming from checkpoint"), 0);
}

/* ---- the nightly update ---- */

/* A week in day files; the last day in two halves (late-arriving fixes: the second
 * half lands in a bucket an update has already read). */
static void one_week(void) {
  tr_scratch("checkpoint_week", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -q --vessels 300 --days 7 -o all.csv && /usr/bin/python3 - <<'EOF'\n"
                     "f=open('all.csv'); h=f.readline(); o={}\n"
                     "for l in f:\n"
                     "  c=l.split(','); d=c[1][:10] if len(c)>1 and len(c[1])==20 else '0000-00-00'\n"
                     "  if d == '2024-01-07': d += 'a' if c[1][11:13] < '12' else 'b'\n"
                     "  if d not in o: o[d]=open('day-%%s.csv'%%d,'w'); o[d].write(h)\n"
                     "  o[d].write(l)\n"
                     "EOF", dir, TC), 0);
  cr_assert_eq(tr_sh("cd '%s' && test $(ls day-2024-*.csv | wc -l) = 8 && rm all.csv", dir), 0);
}

static long fixes_read(const char *json) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, json);
  FILE *f = fopen(p, "r");
  cr_assert(f, "%s missing", json);
  char buf[1 << 14];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *k = strstr(buf, "\"fixes_read\":");
  cr_assert(k, "%s: no fixes_read", json);
  return strtol(k + strlen("\"fixes_read\":"), NULL, 10);
}

Test(checkpoint, nightly_update_equals_a_full_run, .init = one_week, .fini = teardown, .timeout = 300) {
  long sum = 0, full = 0;
  int step = 0;
  char first[256] = "";
  /* (day-0000-00-00.csv, rows without a readable time, goes in with the first day) */
  cr_assert_eq(tr_sh("cd '%s' && ls day-*.csv > days", dir), 0);
  FILE *f;
  char p[1024], name[256];
  snprintf(p, sizeof p, "%s/days", dir);
  cr_assert((f = fopen(p, "r")));
  while (fscanf(f, "%255s", name) == 1) {
    if (!strcmp(name, "day-0000-00-00.csv")) {
      snprintf(first, sizeof first, "%s", name);
      continue;
    }
    step++; /* into day buckets, the store's default */
    cr_assert_eq(tr_sh("cd '%s' && '%s' import -q s.h5 %s %s", dir, TC, name, step == 1 ? first : ""), 0);
    cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -t 1 s.h5 %s --save-state state.bin -o up.csv 2>err.txt", dir, TC,
                       step == 1 ? "" : "--since state.bin"), 0, "update %d (%s) failed", step, name);
    sum += fixes_read("up.csv.json");
    cr_assert_eq(tr_sh("cd '%s' && '%s' encounters -q -t 1 s.h5 -o full.csv && cmp up.csv full.csv", dir, TC), 0,
                 "after %s the updated list differs from a full run", name);
    full = fixes_read("full.csv.json");
    if (step > 1) /* the second half of the last day: that day is read again, whole */
      cr_expect_eq(has("err.txt", step == 8 ? "6 of 7 buckets done before" : "buckets done before, reading"), 0,
                   "update %d (%s) did not go on from the state it should", step, name);
  }
  fclose(f);
  cr_assert_eq(step, 8);
  /* one pass, and the first half of the last day again */
  cr_expect(sum >= full && sum < full + full / 10, "8 updates read %ld fixes, one pass is %ld", sum, full);
  fprintf(stderr, "nightly update: 8 updates read %ld fixes, a full run reads %ld\n", sum, full);

  /* a re-import into an old day is found, named, and nothing is written */
  cr_assert_eq(tr_sh("cd '%s' && head -1 day-2024-01-02.csv > fix.csv && sed -n 2p day-2024-01-02.csv | "
                     "awk -F, 'BEGIN{OFS=\",\"}{$2=\"2024-01-02T10:00:01Z\"; print}' >> fix.csv && "
                     "'%s' import -q s.h5 fix.csv && rm -f up.csv up.csv.json && cp state.bin st2.bin", dir, TC), 0);
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -q s.h5 --since st2.bin -o up.csv 2>err.txt; test $? = 2 && "
                     "test ! -e up.csv", dir, TC), 0);
  cr_expect_eq(has("err.txt", "the bucket at 2024-01-02T00:00:00Z changed since it was read"), 0);
  /* other parameters are refused too */
  cr_expect_eq(tr_sh("cd '%s' && '%s' encounters -q s.h5 --since st2.bin --merge-gap 2h -o up.csv 2>err2.txt; "
                     "test $? = 2", dir, TC), 0);
  cr_expect_eq(has("err2.txt", "other parameters: it has merge-gap="), 0);
}

/* ---- the engine's state itself: kept after a bucket, restored, the same list ---- */

#include "support/engine_cuts.h"
#include "support/lead_tracks.h"

Test(checkpoint, engine_state_restored_after_a_bucket_gives_the_same_list, .timeout = 300) {
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 42, 150, 30);
  static tt_cuts k; /* the uninterrupted run, its state kept after every bucket */
  tc_engine_hooks keep = {.ctx = &k, .after_slice = tt_cut_hook};
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run_hooked(&c, 3600, 0, "openmp", 2, &p, &keep, &ref);
  cr_assert_gt(ref.n, 20);
  cr_assert(k.slices > 20 && k.slices < TT_MAX_CUTS, "%llu buckets", (unsigned long long)k.slices);
  for (uint64_t at = 1; at < k.slices; at += 3) { /* a third of the buckets: each run costs */
    tc_encounter_list rest;
    tc_encounter_list_init(&rest);
    tc_engine_hooks r = {.ctx = &k.buf[at], .restore = tt_restore_hook};
    tt_run_hooked(&c, 3600, at, "openmp", 1 + (at / 3) % 2, &p, &r, &rest);
    cr_assert(tt_same(&rest, &ref), "restored after bucket %llu: %zu encounters, uninterrupted %zu",
              (unsigned long long)at, rest.n, ref.n);
    tc_encounter_list_free(&rest);
  }
  tt_cuts_free(&k);
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}
