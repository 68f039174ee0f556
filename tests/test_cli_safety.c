/* The program as an unlucky operator or an attacker runs it (docs/reliability.md):
 * outputs named like an input, full disks, links to the store, hostile bytes in
 * input, signals during an import. Each case checks the message and that the store
 * is byte for byte what it was (its SHA-256 before and after). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/lead_run.h"

#define TC TC_BINARY

/* dir/S.h5: a small store of synthetic traffic (2 days, 60 vessels), and dir/g.csv. */
static void small_store(const char *tag, char *dir, size_t cap) {
  tr_scratch(tag, dir, cap);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -o g.csv --vessels 60 --days 2 2>/dev/null && "
                     "'%s' import --quiet S.h5 g.csv",
                     dir, TC, TC),
               0);
}

/* SHA-256 of dir/name into out[65]. */
static void digest(const char *dir, const char *name, char *out) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "sha256sum '%s/%s' 2>/dev/null", dir, name);
  FILE *p = popen(cmd, "r");
  cr_assert(p);
  if (fscanf(p, "%64s", out) != 1)
    strcpy(out, "(missing)");
  pclose(p);
}

/* 0 when dir/name contains want (any bytes but NUL). */
static int file_has(const char *dir, const char *name, const char *want) {
  char path[1024], buf[1 << 16];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return 1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strstr(buf, want) ? 0 : 1;
}

/* Runs a command line in dir; 0 when its combined output contains want. */
static int says(const char *dir, const char *cmdline, const char *want, int *rc) {
  *rc = tr_sh("cd '%s' && %s >out.txt 2>&1 </dev/null", dir, cmdline);
  return file_has(dir, "out.txt", want);
}

/* ---- outputs onto inputs ---- */

Test(safety, output_onto_the_store_is_refused, .timeout = 120) {
  char dir[512], before[65], after[65], cmd[2048];
  small_store("safety_out", dir, sizeof dir);
  digest(dir, "S.h5", before);
  cr_assert_eq(tr_sh("cd '%s' && ln -s S.h5 L.h5 && ln S.h5 H.h5 && ln -s S.h5 T.tracks.geojson && mkdir sub && "
                     "ln -s S.h5 P.dark.csv && ln -s g.csv Q.gaps.csv && ln -s g.csv N.pairs.csv && "
                     "'%s' encounters -q S.h5 -o E.csv", dir, TC), 0);
  static const char *const cases[] = {
      "encounters S.h5 -o S.h5",        "encounters S.h5 -o L.h5",
      "encounters S.h5 -o H.h5",        "encounters S.h5 -o sub/../S.h5",
      "encounters S.h5 -o X --meta S.h5", "encounters S.h5 -o W --watchlist W.json",
      "encounters S.h5 -o x.geojson --watchlist x.geojson",
      "encounters S.h5 --tracks -o T.geojson", /* its tracks: T.tracks.geojson, a link to S.h5 */
      "encounters S.h5 --tracks -o y.geojson --area y.tracks.geojson",
      "report S.h5 E.csv -o S.h5",      "report S.h5 E.csv -o E.csv",
      "report S.h5 -o L.h5",            "anchorages S.h5 -o S.h5",
      "anchorages S.h5 -o H.h5",        "anchorages -o S.h5 S.h5",
      "import S.h5 L.h5",
      "import S.h5 g.csv S.h5",         "generate -o a.csv --truth a.csv",
      "events S.h5 -o P",               "events S.h5 -o Q --kinds dark --encounters H.h5",
      "events S.h5 -o Q --ports g.csv --ports Q.gaps.csv",
      "events S.h5 -o Q --format kml --encounters Q.events.json",
      "encounters S.h5 -o E2.csv --with-events P",
      "encounters S.h5 -o Q.loitering.csv --with-events Q",
      "encounters S.h5 -o E2.csv --with-events Q --ports Q.gaps.csv",
      "network S.h5 -o P.dark.csv",     "network S.h5 -o N.gexf --ports N.pairs.csv",
      "network S.h5 -o N.gexf --watchlist N.pairs.csv", "events S.h5 -o Q --watchlist Q.gaps.csv",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc;
    snprintf(cmd, sizeof cmd, "'%s' %s", TC, cases[i]);
    cr_expect_eq(says(dir, cmd, "refusing to write", &rc), 0, "%s: no refusal", cases[i]);
    cr_expect_eq(rc, 2, "%s: exit %d", cases[i], rc);
    digest(dir, "S.h5", after);
    cr_assert_str_eq(before, after, "%s changed the store", cases[i]);
  }
  cr_expect_eq(tr_sh("cd '%s' && test -L L.h5 && test -L T.tracks.geojson && test ! -e W && test ! -e X && "
                     "test ! -e T.geojson && test ! -e y.geojson && test ! -e E2.csv && "
                     "test ! -e Q.events.json && test ! -e Q.dark.csv && test ! -e P.events.json && "
                     "test ! -e N.gexf", dir), 0);
  tr_sh("rm -rf '%s'", dir);
}

/* ---- links and locks ---- */

Test(safety, import_through_a_symbolic_link_updates_the_real_store, .timeout = 120) {
  char dir[512];
  small_store("safety_link", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && mkdir real && mv S.h5 real/ && ln -s real/S.h5 L.h5 && "
                     "'%s' generate -o g2.csv --vessels 60 --days 1 --start 2024-02-01T00:00:00Z "
                     "2>/dev/null && '%s' import --quiet L.h5 g2.csv", dir, TC, TC), 0);
  /* the link is still a link, the real store has the new day, nothing left beside either */
  cr_expect_eq(tr_sh("cd '%s' && test -L L.h5 && test -f real/S.h5 && "
                     "'%s' info real/S.h5 | grep -q '2024-02-01T23:59'", dir, TC), 0);
  cr_expect_eq(tr_sh("cd '%s' && test -z \"$(ls -A real | grep -v '^S.h5$')\" && "
                     "test -z \"$(ls -A | grep '^\\.')\"", dir), 0, "lock or temporary file left");
  tr_sh("rm -rf '%s'", dir);
}

Test(safety, import_into_a_hard_linked_store_is_refused, .timeout = 120) {
  char dir[512], before[65], after[65];
  small_store("safety_hard", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && ln S.h5 H.h5", dir), 0);
  digest(dir, "S.h5", before);
  int rc;
  cr_expect_eq(says(dir, TC " import H.h5 g.csv --force", "the store has 2 hard links", &rc), 0);
  cr_expect_eq(rc, 2);
  digest(dir, "S.h5", after);
  cr_assert_str_eq(before, after);
  tr_sh("rm -rf '%s'", dir);
}

/* An import blocked on a FIFO holds the lock: a second one, through a symbolic link to
 * the same store, stops at once naming the first one's process. */
Test(safety, second_import_through_a_link_sees_the_lock, .timeout = 120) {
  char dir[512], before[65], after[65];
  small_store("safety_lock", dir, sizeof dir);
  digest(dir, "S.h5", before);
  cr_assert_eq(tr_sh("cd '%s' && mkfifo f && ln -s S.h5 L.h5 && "
                     "{ '%s' import --quiet S.h5 f 2>a.err & echo $! >a.pid; } && "
                     "for i in $(seq 100); do test -e .S.h5.lock && break; sleep 0.05; done",
                     dir, TC), 0);
  int rc;
  cr_expect_eq(says(dir, TC " import L.h5 g.csv --force", "another import into this store is running", &rc), 0);
  cr_expect_eq(rc, 1);
  cr_expect_eq(tr_sh("cd '%s' && grep -qF \"(process $(cat a.pid),\" out.txt", dir), 0,
               "the second import did not name the first one's process");
  cr_assert_eq(tr_sh("cd '%s' && kill -TERM $(cat a.pid) && "
                     "for i in $(seq 200); do kill -0 $(cat a.pid) 2>/dev/null || exit 0; sleep 0.05; done; exit 1",
                     dir), 0);
  digest(dir, "S.h5", after);
  cr_assert_str_eq(before, after);
  cr_expect_eq(tr_sh("cd '%s' && test -z \"$(ls -A | grep '^\\.')\"", dir), 0, "lock or temporary file left");
  tr_sh("rm -rf '%s'", dir);
}

/* ---- signals ---- */

/* SIGTERM and SIGINT while the new store is being written (its temporary file
 * exists): the import says so, exits 128 + the signal, removes the temporary file and
 * the lock, and the store is unchanged. */
Test(safety, signal_during_the_commit_leaves_nothing, .timeout = 180) {
  char dir[512], before[65], after[65];
  tr_scratch("safety_signal", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -o g.csv --vessels 200 --days 2 2>/dev/null && "
                     "'%s' import --quiet S.h5 g.csv && '%s' generate -o g2.csv --vessels 400 --days 1 "
                     "--start 2024-01-02T00:00:00Z --seed 3 2>/dev/null",
                     dir, TC, TC, TC), 0);
  digest(dir, "S.h5", before);
  static const struct {
    const char *name;
    int status;
  } sigs[] = {{"TERM", 143}, {"INT", 130}};
  for (int k = 0; k < 2; k++) {
    /* wait for the temporary file, then signal */
    int rc = tr_sh("cd '%s' && { '%s' import --quiet S.h5 g2.csv 2>err.txt & p=$!; } && "
                   "for i in $(seq 100000); do ls -A | grep -q '^\\.S\\.h5\\.tmp\\.' && break; done && "
                   "kill -%s $p && wait $p", dir, TC, sigs[k].name);
    cr_expect_eq(rc, sigs[k].status, "SIG%s: exit %d", sigs[k].name, rc);
    char want[128];
    snprintf(want, sizeof want, "interrupted by SIG%s: store S.h5 unchanged", sigs[k].name);
    cr_expect_eq(file_has(dir, "err.txt", want), 0, "SIG%s: no message", sigs[k].name);
    cr_expect_eq(tr_sh("cd '%s' && test -z \"$(ls -A | grep '^\\.')\"", dir), 0,
                 "SIG%s: temporary or lock file left", sigs[k].name);
    digest(dir, "S.h5", after);
    cr_assert_str_eq(before, after, "SIG%s changed the store", sigs[k].name);
  }
  tr_sh("rm -rf '%s'", dir);
}

/* A store that cannot be read is named for the system's reason, not "not an HDF5
 * file"; a FIFO given as the store is refused instead of blocking forever. */
Test(safety, unreadable_store_gives_the_real_reason, .timeout = 120) {
  char dir[512];
  small_store("safety_info", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && mkdir D && mkfifo F && : >E.h5 && cp S.h5 N.h5 && chmod 000 N.h5", dir), 0);
  static const struct {
    const char *store, *want;
  } cases[] = {{"D", "D: is a directory, not a store file"},
               {"F", "F: not a regular file (a device, FIFO or socket)"},
               {"E.h5", "E.h5: empty file (0 bytes)"},
               {"g.csv", "g.csv: not an HDF5 file"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "timeout 20 '%s' info %s", TC, cases[i].store);
    cr_expect_eq(says(dir, cmd, cases[i].want, &rc), 0, "info %s: wrong message", cases[i].store);
    cr_expect_eq(rc, 1, "info %s: exit %d", cases[i].store, rc);
  }
  /* permission bits do not stop root: drop to nobody where possible */
  const char *as = "";
  if (geteuid() == 0) {
    if (tr_sh("command -v setpriv >/dev/null") != 0)
      cr_skip("root without setpriv: cannot produce EACCES");
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  char cmd[1024];
  int rc;
  snprintf(cmd, sizeof cmd, "%s'%s' info N.h5", as, TC);
  cr_expect_eq(says(dir, cmd, "N.h5: cannot open store: Permission denied", &rc), 0);
  cr_expect_eq(rc, 1);
  tr_sh("rm -rf '%s'", dir);
}

/* ---- hostile bytes ---- */

/* Terminal escape sequences, C1 controls and invalid UTF-8 in a CSV reach the user
 * escaped, in --strict's error and in the skipped-row samples alike. */
Test(safety, escape_sequences_in_input_are_shown_escaped, .timeout = 60) {
  char dir[512];
  tr_scratch("safety_esc", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && printf 'mmsi,timestamp,lat,lon\\n"
                     "123456789,2024-01-01T00:00:00Z,\\033]0;PWNED\\007\\033[31mRED,1.0\\n"
                     "123456789,2024-01-01T00:01:00Z,1.0,\\377\\302\\2332J\\n' >esc.csv && "
                     "printf '\\033[2J\\033]0;x\\007garbage\\n' >head.csv", dir), 0);
  int rc;
  cr_expect_eq(says(dir, TC " import --strict S.h5 esc.csv", "'\\x1b]0;PWNED\\x07\\x1b[31mRED' is not a number", &rc), 0);
  cr_expect_eq(rc, 2);
  cr_expect_eq(tr_sh("! LC_ALL=C grep -q \"$(printf '[\\033\\007\\233\\377]')\" '%s/out.txt'", dir), 0,
               "raw control bytes in the --strict message");
  cr_expect_eq(says(dir, TC " import S.h5 esc.csv", "'\\xff\\u{009b}2J' is not a number", &rc), 0);
  cr_expect_eq(rc, 0);
  cr_expect_eq(tr_sh("! LC_ALL=C grep -q \"$(printf '[\\033\\007\\233\\377]')\" '%s/out.txt'", dir), 0,
               "raw control bytes in the skipped-row samples");
  cr_expect_eq(says(dir, TC " import T.h5 head.csv", "(first line '\\x1b[2J\\x1b]0;x\\x07garbage')", &rc), 0);
  cr_expect_eq(tr_sh("! LC_ALL=C grep -q \"$(printf '[\\033\\007]')\" '%s/out.txt'", dir), 0,
               "raw control bytes in the format error");
  tr_sh("rm -rf '%s'", dir);
}

/* ---- full disk ---- */

/* Imports into tmpfs mounts too small for the new store, at many sizes: each ends
 * either complete (exit 0) or with "No space left on device" (exit 1), the store
 * unchanged, no temporary or lock file left. HDF5 1.10 crashed (SIGSEGV in H5Ocopy or
 * at exit) at most of these sizes. Needs root to mount. */
Test(safety, full_disk_during_import_is_a_named_error, .timeout = 300) {
  char dir[512];
  small_store("safety_full", dir, sizeof dir);
  if (geteuid() != 0)
    cr_skip("not root: cannot mount a small tmpfs");
  if (tr_sh("cd '%s' && mkdir m && mount -t tmpfs -o size=64k tmpfs m 2>/dev/null && umount m", dir) != 0)
    cr_skip("mount -t tmpfs not permitted here");
  cr_assert_eq(tr_sh("cd '%s' && '%s' generate -o g2.csv --vessels 60 --days 1 --start 2024-01-02T00:00:00Z "
                     "--seed 2 2>/dev/null && '%s' import -q --codec none U.h5 g.csv && stat -c %%s U.h5 >size", dir, TC, TC),
               0); /* sizes from the uncompressed store: the writer reserves that much per bucket */
  FILE *f;
  char p[1024];
  snprintf(p, sizeof p, "%s/size", dir);
  long kb = 0;
  cr_assert((f = fopen(p, "r")) && fscanf(f, "%ld", &kb) == 1);
  fclose(f);
  kb = kb / 1024 + 1;
  int complete = 0, refused = 0;
  /* "create": a new store from g.csv; "update": g2.csv into a copy of S.h5 (copies a
   * bucket, merges one) */
  for (int mode = 0; mode < 2; mode++)
    for (int step = 1; step <= 14; step++) {
      long size = mode == 0 ? 40 + step * kb / 5 : kb + 16 + step * kb / 4;
      char before[65] = "(none)", after[65] = "(none)";
      cr_assert_eq(tr_sh("cd '%s' && mount -t tmpfs -o size=%ldk tmpfs m", dir, size), 0);
      if (mode == 1) {
        cr_assert_eq(tr_sh("cp '%s/S.h5' '%s/m/S.h5'", dir, dir), 0);
        digest(dir, "m/S.h5", before);
      }
      int rc = tr_sh("cd '%s' && '%s' import --quiet m/S.h5 %s >out.txt 2>&1", dir, TC,
                     mode ? "g2.csv" : "g.csv");
      if (mode == 1 || rc != 0)
        digest(dir, "m/S.h5", after);
      int left = tr_sh("cd '%s' && test -z \"$(ls -A m | grep -v '^S.h5$')\"", dir);
      tr_sh("umount '%s/m'", dir);
      cr_expect_eq(left, 0, "%s at %ld KiB: temporary or lock file left", mode ? "update" : "create", size);
      if (rc == 0) {
        complete++;
        continue;
      }
      refused++;
      cr_expect_eq(rc, 1, "%s at %ld KiB: exit %d", mode ? "update" : "create", size, rc);
      cr_expect_eq(file_has(dir, "out.txt", "No space left on device"), 0, "%s at %ld KiB: no ENOSPC message",
                   mode ? "update" : "create", size);
      if (mode == 1)
        cr_expect_str_eq(before, after, "update at %ld KiB changed the store", size);
      else
        cr_expect_str_eq(after, "(missing)", "create at %ld KiB left a store", size);
    }
  cr_expect(complete > 0 && refused > 0, "sizes tried do not span the store (%d complete, %d refused)",
            complete, refused);
  tr_sh("rm -rf '%s'", dir);
}

/* Outputs onto a full device: a clear message naming it, exit 1. */
Test(safety, outputs_onto_dev_full, .timeout = 120) {
  if (access("/dev/full", W_OK) != 0)
    cr_skip("/dev/full not writable here");
  char dir[512];
  small_store("safety_devfull", dir, sizeof dir);
  static const char *const cases[] = {
      "encounters -q S.h5 -o /dev/full",
      "encounters -q S.h5 -o /dev/full --format geojson",
      "encounters -q S.h5 -o /dev/full --format kml",
      "encounters -q S.h5 -o E.csv --meta /dev/full",
      "anchorages -q S.h5 -o /dev/full",
      "generate -o /dev/full --vessels 60",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' %s", TC, cases[i]);
    cr_expect_eq(says(dir, cmd, "/dev/full: ", &rc), 0, "%s: does not name /dev/full", cases[i]);
    cr_expect_eq(file_has(dir, "out.txt", "No space left on device"), 0, "%s: no reason", cases[i]);
    cr_expect_eq(rc, 1, "%s: exit %d", cases[i], rc);
    /* as root, removing a failed output once removed the device itself */
    cr_assert_eq(tr_sh("test -c /dev/full"), 0, "%s: /dev/full is no longer a device", cases[i]);
  }
  tr_sh("rm -rf '%s'", dir);
}

/* The HDF5 output on a full disk: named, nothing left (HDF5 crashed at exit after a
 * failed flush). Needs root to mount. */
Test(safety, hdf5_output_on_a_full_disk, .timeout = 120) {
  char dir[512];
  small_store("safety_fullh5", dir, sizeof dir);
  if (geteuid() != 0 || tr_sh("cd '%s' && mkdir m && mount -t tmpfs -o size=64k tmpfs m 2>/dev/null", dir) != 0)
    cr_skip("cannot mount a small tmpfs here (needs root)");
  int rc;
  cr_expect_eq(says(dir, TC " encounters -q S.h5 -o m/e.h5 --tracks", "No space left on device", &rc), 0);
  cr_expect_eq(rc, 1);
  cr_expect_eq(tr_sh("cd '%s' && test -z \"$(ls -A m)\"", dir), 0, "partial output left");
  tr_sh("umount '%s/m'; rm -rf '%s'", dir, dir);
}
