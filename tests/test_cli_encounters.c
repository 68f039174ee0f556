/* `trajcorr encounters` as a user runs it: options, selections, errors, outputs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support/lead_run.h"

#define BALTIC TC_SHARED_DATA "/real-tracks/baltic_2018_04_01.csv.gz"

static char dir[512];

static void setup(void) {
  if (access(BALTIC, R_OK) != 0)
    cr_skip_test("shared real-tracks data absent");
  tr_scratch("cli_enc", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' import --quiet '%s/s.h5' '%s' >/dev/null 2>&1", TC_BINARY, dir, BALTIC), 0);
  cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp '%s/s.h5' -o '%s/all.csv'", TC_BINARY, dir, dir), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(cli_encounters, .init = setup, .fini = teardown, .timeout = 120);

Test(cli_encounters, sidecar_names_parameters_and_counts) {
  cr_assert_eq(tr_sh("/usr/bin/python3 -c \"import json,sys; m=json.load(open('%s/all.csv.json')); "
                     "assert m['parameters']['dist_m']==500 and m['counts']['encounters']==144 and "
                     "m['backend']=='openmp' and m['precision']=='double', m\"", dir),
               0);
}

/* The sidecar read back by the library that writes it: members in the documented order. */
Test(cli_encounters, sidecar_reads_back_in_order) {
  char path[600];
  snprintf(path, sizeof path, "%s/all.csv.json", dir);
  json_error_t je;
  json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  cr_assert_not_null(m, "%s: %s at line %d", path, je.text, je.line);
  static const char *const order[] = {"program", "version", "build", "command", "input",
                                      "parameters", "backend", "precision", "counts"};
  size_t k = 0;
  for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it), k++) {
    cr_assert_lt(k, sizeof order / sizeof *order);
    cr_assert_str_eq(json_object_iter_key(it), order[k]);
  }
  cr_assert_eq(k, sizeof order / sizeof *order);
  cr_assert_str_eq(json_string_value(json_object_get(m, "program")), "trajcorr");
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "command"), 0)), "encounters");
  json_t *p = json_object_get(m, "parameters");
  cr_assert_eq(json_number_value(json_object_get(p, "dist_m")), 500.0);
  cr_assert_eq(json_integer_value(json_object_get(p, "slot")), 600);
  cr_assert_eq(json_integer_value(json_object_get(json_object_get(m, "counts"), "encounters")), 144);
  json_decref(m);
}

Test(cli_encounters, mmsi_selection_is_the_subset_with_that_vessel) {
  cr_assert_eq(tr_sh("printf '# watch\\n209808000\\n' >'%s/m.txt' && '%s' encounters -q --backend openmp "
                     "--mmsi '%s/m.txt' '%s/s.h5' -o '%s/m.csv'", dir, TC_BINARY, dir, dir, dir), 0);
  cr_assert_eq(tr_sh("cd '%s' && (head -1 all.csv; grep -E '(^|,)209808000,' all.csv) >want.csv && "
                     "test $(wc -l <want.csv) -gt 2 && cmp want.csv m.csv", dir), 0);
}

Test(cli_encounters, time_window_keeps_encounters_well_inside_it) {
  /* Encounters inside [from + merge_gap, to - merge_gap] cannot depend on the window. */
  cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp --from 2018-04-01T01:00:00Z --to 1522558800 "
                     "--merge-gap 1800 '%s/s.h5' -o '%s/w.csv' && '%s' encounters -q --backend openmp "
                     "--merge-gap 1800 '%s/s.h5' -o '%s/a.csv'", TC_BINARY, dir, dir, TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("/usr/bin/python3 - '%s' <<'EOF'\n"
                     "import csv,sys,datetime as d\n"
                     "t=lambda s:int(d.datetime.fromisoformat(s.replace('Z','+00:00')).timestamp())\n"
                     "f,to=1522544400,1522558800\n"
                     "rd=lambda p:{(r['mmsi_a'],r['mmsi_b'],r['start'],r['end']) for r in csv.DictReader(open(p))}\n"
                     "a,w=rd(sys.argv[1]+'/a.csv'),rd(sys.argv[1]+'/w.csv')\n"
                     "inner={k for k in a if t(k[2])>=f+1800 and t(k[3])<to-1800}\n"
                     "assert inner and inner<=w, (len(inner), len(inner-w))\n"
                     "assert all(t(k[2])>=f and t(k[3])<to for k in w)\n"
                     "EOF", dir), 0);
}

Test(cli_encounters, stdout_output_has_the_spec_header) {
  cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp '%s/s.h5' | head -1 | "
                     "grep -qx 'mmsi_a,mmsi_b,start,end,duration_s,close_slots,min_dist_m,median_dist_m,"
                     "mean_lat,mean_lon,speed_a_kn,speed_b_kn'", TC_BINARY, dir), 0);
}

Test(cli_encounters, bad_option_values_are_usage_errors) {
  cr_assert_eq(tr_sh("'%s' encounters --dist abc '%s/s.h5' 2>'%s/err' >/dev/null", TC_BINARY, dir, dir), 2);
  cr_assert_eq(tr_sh("grep -q -e \"--dist 'abc': not a distance\" '%s/err'", dir), 0);
  cr_assert_eq(tr_sh("'%s' encounters --backend nosuch '%s/s.h5' 2>/dev/null >/dev/null", TC_BINARY, dir), 2);
  cr_assert_eq(tr_sh("'%s' encounters --slot 0 '%s/s.h5' 2>/dev/null >/dev/null", TC_BINARY, dir), 2);
}

Test(cli_encounters, missing_store_fails_and_writes_nothing) {
  cr_assert_eq(tr_sh("'%s' encounters -q '%s/none.h5' -o '%s/x.csv' 2>'%s/err'", TC_BINARY, dir, dir, dir), 1);
  cr_assert_eq(tr_sh("grep -q 'none.h5' '%s/err' && test ! -e '%s/x.csv'", dir, dir), 0);
}

Test(cli_encounters, unwritable_output_leaves_no_partial_file) {
  cr_assert_eq(tr_sh("'%s' encounters -q --backend openmp '%s/s.h5' -o '%s/nodir/x.csv' 2>'%s/err'",
                     TC_BINARY, dir, dir, dir), 1);
  cr_assert_eq(tr_sh("grep -q 'nodir' '%s/err' && test ! -e '%s/nodir'", dir, dir), 0);
}

/* A FIFO (like /dev/null or /dev/stdout) is written directly: renaming the temporary
 * file onto it would replace the device, which as root is /dev/null itself. */
Test(cli_encounters, device_or_fifo_output_is_written_not_replaced) {
  cr_assert_eq(tr_sh("cd '%s' && mkfifo out.fifo && (cat out.fifo >got.csv &) && "
                     "'%s' encounters -q --backend openmp s.h5 -o out.fifo && sleep 0.2 && "
                     "test -p out.fifo && ! test -e out.fifo.json && cmp got.csv all.csv",
                     dir, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && (cat out.fifo >got.geojson &) && "
                     "'%s' encounters -q --backend openmp s.h5 -o out.fifo --format geojson && sleep 0.2 && "
                     "test -p out.fifo && grep -q FeatureCollection got.geojson", dir, TC_BINARY), 0);
  cr_assert_neq(tr_sh("cd '%s' && '%s' import --quiet out.fifo '%s' 2>err.txt", dir, TC_BINARY, BALTIC), 0);
  cr_assert_eq(tr_sh("cd '%s' && test -p out.fifo && grep -q 'must be a regular file' err.txt", dir), 0);
}
