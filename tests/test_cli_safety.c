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

/* Runs a command line in dir; 0 when its combined output contains want. */
static int says(const char *dir, const char *cmdline, const char *want, int *rc) {
  *rc = tr_sh("cd '%s' && %s >out.txt 2>&1", dir, cmdline);
  return tr_sh("grep -qF -- '%s' '%s/out.txt'", want, dir);
}

/* ---- outputs onto inputs ---- */

Test(safety, output_onto_the_store_is_refused, .timeout = 120) {
  char dir[512], before[65], after[65], cmd[2048];
  small_store("safety_out", dir, sizeof dir);
  digest(dir, "S.h5", before);
  cr_assert_eq(tr_sh("cd '%s' && ln -s S.h5 L.h5 && ln S.h5 H.h5 && mkdir sub && "
                     "'%s' encounters -q S.h5 -o E.csv", dir, TC), 0);
  static const char *const cases[] = {
      "encounters S.h5 -o S.h5",        "encounters S.h5 -o L.h5",
      "encounters S.h5 -o H.h5",        "encounters S.h5 -o sub/../S.h5",
      "encounters S.h5 -o X --meta S.h5", "encounters S.h5 -o W --watchlist W.json",
      "encounters S.h5 -o x.geojson --watchlist x.geojson",
      "report S.h5 E.csv -o S.h5",      "report S.h5 E.csv -o E.csv",
      "report S.h5 -o L.h5",            "anchorages S.h5 -o S.h5",
      "anchorages S.h5 -o H.h5",        "import S.h5 L.h5",
      "import S.h5 g.csv S.h5",         "generate -o a.csv --truth a.csv",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc;
    snprintf(cmd, sizeof cmd, "'%s' %s", TC, cases[i]);
    cr_expect_eq(says(dir, cmd, "refusing to write", &rc), 0, "%s: no refusal", cases[i]);
    cr_expect_eq(rc, 2, "%s: exit %d", cases[i], rc);
    digest(dir, "S.h5", after);
    cr_assert_str_eq(before, after, "%s changed the store", cases[i]);
  }
  cr_expect_eq(tr_sh("cd '%s' && test -L L.h5 && test ! -e W && test ! -e X", dir), 0);
  tr_sh("rm -rf '%s'", dir);
}
