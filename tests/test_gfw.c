/* GFW's pipe-encounters scenarios run with GFW's parameters (resample 600 s, gap
 * 4200 s, 0.5 km, 30 min, runs not merged) and compared, scenario by scenario, by
 * tests/gfw_compare.py. The scenarios sit at latitude/longitude 0,0, which spec §1
 * drops as an invalid position: they are run as given (what the spec says) and
 * shifted 30° east (a rotation about the polar axis keeps every distance). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/encounters_csv.h"
#include "support/lead_tracks.h"

static const char *scenarios[] = {"simple", "dateline", "fastsep", "multi", "real"};

static void load(const char *scenario, double shift, tc_columns *c) {
  FILE *f = fopen(TC_SOURCE_DIR "/tests/data/gfw/tracks.csv", "r");
  cr_assert_not_null(f);
  char line[256];
  cr_assert_not_null(fgets(line, sizeof line, f));
  while (fgets(line, sizeof line, f)) {
    char *fld[7], *p = line;
    int n = 0;
    while (n < 7) {
      fld[n++] = p;
      char *comma = strchr(p, ',');
      if (!comma)
        break;
      *comma = '\0';
      p = comma + 1;
    }
    cr_assert_geq(n, 6);
    if (strcmp(fld[0], scenario))
      continue;
    double lon = strtod(fld[5], NULL) + shift;
    if (lon >= 180.0)
      lon -= 360.0;
    tt_fix(c, (uint32_t)strtoul(fld[1], NULL, 10), strtoll(fld[3], NULL, 10), strtod(fld[4], NULL), lon);
  }
  fclose(f);
}

static tc_params gfw_params(void) {
  tc_params p;
  tc_params_default(&p);
  p.slot = 600;
  p.max_gap = 4200;
  p.dist_m = 500;
  p.min_duration = 1800;
  p.merge_gap = 600;            /* raw runs: consecutive close grid times only */
  p.max_speed_kn = 1e9;         /* raw encounters have no speed filter */
  p.max_implied_speed_kn = 0;   /* GFW's resampler has no teleport filter */
  return p;
}

Test(gfw, scenarios_compared_with_gfw_raw_encounters, .timeout = 60) {
  const char *tmp = getenv("TC_TEST_TMP");
  char dir[512], cmd[2048];
  snprintf(dir, sizeof dir, "%s/gfw", tmp ? tmp : "/tmp");
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  tc_params p = gfw_params();
  for (int shifted = 0; shifted < 2; shifted++)
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
      tc_columns c;
      tc_columns_init(&c);
      load(scenarios[i], shifted ? 30.0 : 0.0, &c);
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      tt_run(&c, 86400, "openmp", 1, &p, &l);
      char path[700];
      snprintf(path, sizeof path, "%s/%s%s.csv", dir, scenarios[i], shifted ? "_shifted" : "");
      tc_err err = {0};
      cr_assert_eq(tc_encounters_csv_write(path, &l, &err), TC_OK, "%s", err.msg);
      tc_encounter_list_free(&l);
      tc_columns_free(&c);
    }
  if (system("/usr/bin/python3 -c 'import json' 2>/dev/null") != 0)
    cr_skip_test("python3 is not installed: the comparison table needs it");
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 '%s/tests/gfw_compare.py' '%s/tests/data/gfw/expected_gfw.json' '%s'",
           TC_SOURCE_DIR, TC_SOURCE_DIR, dir);
  cr_assert_eq(system(cmd), 0, "the spec's encounters differ from GFW's beyond the documented reasons");
}
