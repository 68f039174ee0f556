/* `trajcorr events --format gpkg|fgb|shp` (docs/events.md, "GIS formats") on the real
 * Suez sample, read back with GDAL's own tools by tests/events_gis_check.py: per kind as
 * many features as CSV rows, the field types, the times, the values and the
 * coordinates of the CSV; GDAL's driver names as formats; nothing left over, and an
 * output that would overwrite an input refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "host/report/events_csv.h"
#include "host/report/events_gdal.h"
#include "host/report/gdal_lib.h"
#include "support/lead_run.h"

#define SUEZ TC_SHARED_DATA "/real-tracks/suez_evergiven_2021_03_derived_sog.csv.gz"

static char dir[512];

/* The store and its CSVs (in each test's process: Criterion forks one per test); skips
 * without the data, GDAL or its tools. */
static void setup(void) {
  tc_err err = {0};
  if (tc_gdal_load("GeoPackage", &err) != TC_OK)
    cr_skip_test("%s", err.msg);
  if (tr_sh("command -v ogrinfo >/dev/null && command -v ogr2ogr >/dev/null") != 0)
    cr_skip_test("GDAL's ogrinfo and ogr2ogr are not installed (apt-get install gdal-bin)");
  if (access(SUEZ, R_OK) != 0)
    cr_skip_test("%s is not here (shared data absent)", SUEZ);
  if (dir[0])
    return;
  tr_scratch("events_gis", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' import --quiet '%s/s.h5' '%s' >'%s/import.log' 2>&1", TC_BINARY, dir, SUEZ, dir), 0,
               "import failed (%s/import.log)", dir);
  cr_assert_eq(tr_sh("'%s' events --quiet '%s/s.h5' -o '%s/csv' 2>'%s/csv.log'", TC_BINARY, dir, dir, dir), 0,
               "events failed (%s/csv.log)", dir);
}

/* The scratch folder goes once the test passed (a failing one keeps it to look at). */
static void done(void) {
  if (dir[0])
    tr_sh("rm -rf '%s'", dir);
}

static void check(const char *format, const char *ext, const char *tag) {
  setup();
  cr_assert_eq(tr_sh("'%s' events --quiet '%s/s.h5' -o '%s/%s' --format '%s' 2>'%s/%s.log'", TC_BINARY, dir, dir,
                     tag, format, dir, tag),
               0, "events --format %s failed (%s/%s.log)", format, dir, tag);
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/tests/events_gis_check.py' '%s/csv' '%s/%s' %s", TC_SOURCE_DIR, dir, dir,
                     tag, ext),
               0, "%s does not match the CSVs", format);
  /* the sidecar as with every format, and no temporary left behind */
  cr_assert_eq(tr_sh("test -s '%s/%s.events.json'", dir, tag), 0);
  cr_assert_neq(tr_sh("ls '%s' | grep -q tmp", dir), 0, "a temporary file or directory is left in %s", dir);
}

Test(events_gis, geopackage, .timeout = 300) { check("gpkg", "gpkg", "gp"); done(); }
Test(events_gis, flatgeobuf, .timeout = 300) { check("fgb", "fgb", "fg"); done(); }
Test(events_gis, shapefile, .timeout = 300) { check("shp", "shp", "sh"); done(); }

/* GDAL's driver names as the encounters' -f takes them. */
Test(events_gis, driver_names, .timeout = 300) {
  check("GPKG", "gpkg", "dgp");
  check("FlatGeobuf", "fgb", "dfg");
  check("ESRI Shapefile", "shp", "dsh");
  done();
}

/* --kinds: the GeoPackage has only the layers asked for; the others' files are absent. */
Test(events_gis, kinds, .timeout = 300) {
  setup();
  cr_assert_eq(tr_sh("'%s' events --quiet --kinds gaps '%s/s.h5' -o '%s/kg' --format gpkg 2>'%s/kg.log'",
                     TC_BINARY, dir, dir, dir), 0, "events --kinds gaps --format gpkg failed");
  cr_assert_eq(tr_sh("/usr/bin/python3 '%s/tests/events_gis_check.py' '%s/csv' '%s/kg' gpkg gaps", TC_SOURCE_DIR,
                     dir, dir), 0);
  cr_assert_eq(tr_sh("test \"$(ogrinfo -q '%s/kg.events.gpkg' | wc -l)\" -eq 1", dir), 0,
               "the GeoPackage has another layer than gaps");
  cr_assert_eq(tr_sh("'%s' events --quiet --kinds dark '%s/s.h5' -o '%s/kd' --format fgb 2>'%s/kd.log'", TC_BINARY,
                     dir, dir, dir), 0);
  cr_assert_eq(tr_sh("test -s '%s/kd.dark.fgb' && ! test -e '%s/kd.gaps.fgb' && ! test -e '%s/kd.loitering.fgb'",
                     dir, dir, dir), 0);
  done();
}

/* An output that is an input: refused before any work (exit 2), the input intact. */
Test(events_gis, refused_onto_input, .timeout = 300) {
  setup();
  cr_assert_eq(tr_sh("cp '%s/s.h5' '%s/in.events.gpkg' && cp '%s/s.h5' '%s/in.gaps.shp'", dir, dir, dir, dir), 0);
  cr_assert_eq(tr_sh("'%s' events --quiet '%s/in.events.gpkg' -o '%s/in' --format gpkg 2>'%s/in.log'", TC_BINARY,
                     dir, dir, dir), 2, "events writing over its input was not refused with exit 2");
  cr_assert_eq(tr_sh("'%s' events --quiet '%s/in.gaps.shp' -o '%s/in' --format shp 2>>'%s/in.log'", TC_BINARY, dir,
                     dir, dir), 2);
  cr_assert_eq(tr_sh("cmp -s '%s/s.h5' '%s/in.events.gpkg' && cmp -s '%s/s.h5' '%s/in.gaps.shp'", dir, dir, dir, dir),
               0, "an input was changed");
  cr_assert_eq(tr_sh("! test -e '%s/in.events.json' && ! test -e '%s/in.loitering.shp'", dir, dir), 0,
               "something was written");
  done();
}

/* The formats' paths: one GeoPackage for the kinds, a file per kind otherwise. */
Test(events_gis, paths) {
  char p[TC_EV_NPATHS][TC_EV_PATH_MAX];
  size_t n;
  tc_err err = {0};
  cr_assert_eq(tc_events_paths("d/x", TC_EV_ALL, TC_EV_FORMAT_GPKG, p, &n, &err), TC_OK);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(p[0], "d/x.events.gpkg");
  cr_assert_str_eq(p[1], "d/x.events.json");
  cr_assert_eq(tc_events_paths("x", TC_EV_GAPS | TC_EV_DARK, TC_EV_FORMAT_SHP, p, &n, &err), TC_OK);
  cr_assert_eq(n, 3);
  cr_assert_str_eq(p[0], "x.gaps.shp");
  cr_assert_str_eq(p[1], "x.dark.shp");
  cr_assert_eq(tc_events_paths("x", TC_EV_LOITER, TC_EV_FORMAT_FGB, p, &n, &err), TC_OK);
  cr_assert_str_eq(p[0], "x.loitering.fgb");
  cr_assert_str_eq(tc_events_gdal_title(TC_EV_FORMAT_FGB), "FlatGeobuf");
}

/* A gap across the antimeridian is cut there, the crossing interpolated the short way,
 * as the encounters' tracks are: two parts meeting at 180 and -180. */
Test(events_gis, gap_across_the_antimeridian) {
  tc_err err = {0};
  if (tc_gdal_load("GeoPackage", &err) != TC_OK)
    cr_skip_test("%s", err.msg);
  if (tr_sh("command -v ogrinfo >/dev/null") != 0)
    cr_skip_test("GDAL's ogrinfo is not installed");
  tr_scratch("events_gis_am", dir, sizeof dir);
  tc_gap g = {538001111, 1600041600, 1600070400, -16.0, 179.5, -17.0, -179.5, 110000.0, 7, 0.5};
  tc_event_lists l;
  tc_event_lists_init(&l);
  l.gaps = &g;
  l.n_gaps = 1;
  char prefix[600];
  snprintf(prefix, sizeof prefix, "%s/am", dir);
  cr_assert_eq(tc_events_gdal_write(prefix, TC_EV_GAPS, TC_EV_FORMAT_GPKG, &l, 7200, NULL, &err), TC_OK, "%s",
               err.msg);
  cr_assert_eq(tr_sh("ogrinfo -q '%s.events.gpkg' gaps | grep -qE "
                     "'MULTILINESTRING [(][(]179.5 -16,180(.0)? -16.5[)],[(]-180(.0)? -16.5,-179.5 -17[)][)]'",
                     prefix),
               0, "the gap is not cut at the antimeridian");
  done();
}
