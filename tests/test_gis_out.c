/* The GIS outputs as a QGIS user opens them: GeoPackage, FlatGeobuf and Shapefile
 * written through GDAL (read back with ogrinfo and converted with ogr2ogr: feature
 * counts, field types, a datetime, coordinates), the KML validated against the OGC
 * KML 2.2 schema shipped in tests/data/kml-schema, the GeoJSON checked against RFC
 * 7946, GDAL's messages kept off the terminal, and HDF5 still working in the process
 * that loaded GDAL's own libhdf5. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/report/output.h"
#include "host/report/writers.h"
#include "io/store.h"
#include "support/analyst_util.h"
#include "support/store_fixtures.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z */

/* Three candidates; the first with tracks across the antimeridian and reasons longer
 * than a Shapefile's 254-character text field (GDAL warns when it cuts them). */
static void fixture(tc_candidates *c) {
  tc_candidates_init(c);
  tc_encounter e0 = au_encounter(538001111, 538002222, T0, T0 + 18000, -16.5, 179.95);
  tc_encounter e1 = au_encounter(211000001, 636000002, T0 + 600, T0 + 9000, 36.1492, -5.355825);
  tc_encounter e2 = au_encounter(77, 89, T0 + 1200, T0 + 7200, 29.917355, 32.510822);
  cr_assert_eq(tc_candidates_push(c, &e0), TC_OK);
  cr_assert_eq(tc_candidates_push(c, &e1), TC_OK);
  cr_assert_eq(tc_candidates_push(c, &e2), TC_OK);
  tc_candidate *k = &c->v[0];
  snprintf(k->flag_a, 3, "MH");
  snprintf(k->va.name, sizeof k->va.name, "TANKER ONE");
  k->va.imo = 9074729;
  k->score = 12.5;
  k->crowd = 2;
  k->tags = TC_TAG_GAP_BEFORE_A | TC_TAG_WATCH_B;
  k->gap_before_a = 50000;
  memset(k->reasons, 'r', 300);
  k->reasons[300] = '\0';
  snprintf(c->v[1].va.name, sizeof c->v[1].va.name, "SEA, \"STAR\" <&> Ä");
  c->v[1].score = -4.0;
  cr_assert_eq(tc_candidates_alloc_tracks(c), TC_OK);
  double lons[4] = {179.8, 179.9, -179.9, -179.8};
  for (int i = 0; i < 4; i++) {
    tc_fix f = {T0 + 600 * i, -16.5 + 0.01 * i, lons[i], 538001111, 1.5f, 90.0f, 511};
    cr_assert_eq(tc_columns_push(&c->track_a[0], &f), TC_OK);
  }
  for (int i = 0; i < 3; i++) {
    tc_fix f = {T0 + 900 * i, -16.6, 179.0 + 0.1 * i, 538002222, NAN, NAN, 511};
    cr_assert_eq(tc_columns_push(&c->track_b[0], &f), TC_OK);
  }
  tc_fix f = {T0 + 600, 36.15, -5.35, 211000001, 0.1f, 0, 511};
  cr_assert_eq(tc_columns_push(&c->track_a[1], &f), TC_OK);
}

static int have(const char *tool) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
  return system(cmd) == 0;
}

/* Writes the fixture with stderr going to a file, which must stay empty: GDAL's
 * messages (the Shapefile's truncation warning among them) are kept, not printed. */
static const char *write_quiet(const char *name, tc_format fmt) {
  tc_candidates c;
  fixture(&c);
  const char *p = au_path(name);
  char errlog[1100];
  snprintf(errlog, sizeof errlog, "%s.stderr", p);
  fflush(stderr);
  int saved = dup(2), fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  cr_assert(saved >= 0 && fd >= 0);
  dup2(fd, 2);
  close(fd);
  tc_err err = {0};
  tc_status s = tc_candidates_write(p, fmt, &c, &err);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  tc_candidates_free(&c);
  if (s == TC_ERR_UNSUPPORTED)
    cr_skip("%s", err.msg);
  cr_assert_eq(s, TC_OK, "%s", err.msg);
  struct stat st;
  cr_assert(stat(errlog, &st) == 0 && st.st_size == 0, "GDAL printed to stderr (%s)", errlog);
  return p;
}

/* ogrinfo's whole output for args (stderr too) holds every line of want ('|'-separated). */
static void ogr_has(const char *args, const char *want) {
  char cmd[4096], info[1100];
  snprintf(info, sizeof info, "%s", au_path("ogrinfo.txt"));
  snprintf(cmd, sizeof cmd, "ogrinfo %s >'%s' 2>&1", args, info);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  FILE *f = fopen(info, "rb");
  cr_assert(f);
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", want);
  for (char *w = strtok(buf, "|"); w; w = strtok(NULL, "|"))
    cr_assert(strstr(text, w), "'%s' not in ogrinfo %s (%s)", w, args, info);
}

/* The checks every GIS file of the fixture passes, the originals and the copies ogr2ogr
 * made of them (every layer's summary and features: the values tested are each
 * found in one feature only); times: how the driver types them (DateTime, or String in
 * a Shapefile). */
static void check_gis(const char *enc, const char *trk, const char *times) {
  char args[2400], want[1024];
  snprintf(args, sizeof args, "-al '%s'", enc);
  snprintf(want, sizeof want,
           "Geometry: Point|Feature Count: 3|mmsi_a: Integer|start: %s|end: %s|score: Real|mean_lat: Real|"
           "id: String|tags: String|imo_a: Integer|POINT (179.95 -16.5)|start (%s) = %s|score (Real) = 12.5|"
           "tags (String) = watch_b;gap_before_a|name_a (String) = TANKER ONE|imo_a (Integer) = 9074729|"
           "POINT (-5.355825 36.1492)|SEA, \"STAR\" <&> \xc3\x84",
           times, times, times, strcmp(times, "String") ? "2020/09/14 00:00:00+00" : "2020-09-14T00:00:00Z");
  ogr_has(args, want);
  snprintf(args, sizeof args, "-al '%s'", trk);
  snprintf(want, sizeof want, "Feature Count: 3|Measured|Line String|mmsi: Integer|start: %s|fixes (Integer) = 4|"
           /* cut at the antimeridian, the crossing interpolated; M is the fix's time */
           "MULTILINESTRING M ((179.8 -16.5 1600041600,179.9 -16.49 1600042200,180.0 -16.485 1600042500),"
           "(-180 -16.485 1600042500,-179.9 -16.48 1600042800,-179.8 -16.47 1600043400))", times);
  ogr_has(args, want);
}

/* ogr2ogr copies path (all layers) into another format; no GDAL error. */
static const char *convert(const char *path, const char *driver, const char *name) {
  const char *out = au_path(name);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && ogr2ogr -f '%s' '%s' '%s' 2>'%s.log' && ! grep -q ERROR '%s.log'", out,
           driver, out, path, out, out);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  return out;
}

Test(gis, geopackage_round_trip) {
  if (!have("ogrinfo") || !have("ogr2ogr"))
    cr_skip("ogrinfo/ogr2ogr are not installed (apt-get install gdal-bin)");
  const char *p = write_quiet("out.gpkg", TC_FMT_GPKG);
  check_gis(p, p, "DateTime");
  ogr_has(p, "encounters (Point)|tracks (Measured Multi Line String)");
  const char *rt = convert(p, "FlatGeobuf", "gpkg-rt");
  char enc[1200], trk[1200];
  snprintf(enc, sizeof enc, "%s/encounters.fgb", rt);
  snprintf(trk, sizeof trk, "%s/tracks.fgb", rt);
  check_gis(enc, trk, "DateTime");
}

Test(gis, flatgeobuf_round_trip) {
  if (!have("ogrinfo") || !have("ogr2ogr"))
    cr_skip("ogrinfo/ogr2ogr are not installed (apt-get install gdal-bin)");
  const char *p = write_quiet("out.fgb", TC_FMT_FGB);
  const char *t = au_path("out.tracks.fgb");
  check_gis(p, t, "DateTime");
  const char *re = convert(p, "GPKG", "fgb-rt.gpkg"), *rt = convert(t, "GPKG", "fgb-rt.tracks.gpkg");
  check_gis(re, rt, "DateTime");
}

Test(gis, shapefile_round_trip) {
  if (!have("ogrinfo") || !have("ogr2ogr"))
    cr_skip("ogrinfo/ogr2ogr are not installed (apt-get install gdal-bin)");
  const char *p = write_quiet("out.shp", TC_FMT_SHP);
  const char *t = au_path("out.tracks.shp");
  check_gis(p, t, "String");
  /* dBASE names: ten characters, chosen rather than GDAL's truncation; UTF-8 declared. */
  char args[1200];
  snprintf(args, sizeof args, "-so -al '%s'", p);
  ogr_has(args, "med_dist_m: Real|gap_bef_a: Integer64|shore_m: Real|reasons: String (254.0)");
  cr_assert_eq(access(au_path("out.cpg"), F_OK), 0, "the code page file says UTF-8");
  const char *re = convert(p, "GPKG", "shp-rt.gpkg"), *rt = convert(t, "GPKG", "shp-rt.tracks.gpkg");
  check_gis(re, rt, "String");
}

/* ogr2ogr users' names pick the formats; an extension nobody knows lists them all. */
Test(gis, format_names) {
  tc_format f;
  tc_err err = {0};
  const char *names[] = {"GPKG", "FlatGeobuf", "ESRI Shapefile", "gpkg", "fgb", "shp"};
  tc_format want[] = {TC_FMT_GPKG, TC_FMT_FGB, TC_FMT_SHP, TC_FMT_GPKG, TC_FMT_FGB, TC_FMT_SHP};
  for (int i = 0; i < 6; i++) {
    tc_status s = tc_format_parse(names[i], "x.csv", &f, &err);
    if (s == TC_ERR_UNSUPPORTED)
      cr_skip("%s", err.msg);
    cr_assert(s == TC_OK && f == want[i], "%s: %s", names[i], err.msg);
  }
  cr_assert_eq(tc_format_parse("GeoJSON", NULL, &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_GEOJSON);
  cr_assert_eq(tc_format_parse(NULL, "a/OUT.GPKG", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_GPKG);
  cr_assert_eq(tc_format_parse(NULL, "out.xyz", &f, &err), TC_ERR_ARG);
  cr_assert(strstr(err.msg, ".gpkg, .fgb, .shp") && strstr(err.msg, "'ESRI Shapefile'"), "%s", err.msg);
}

/* A failure leaves neither a file nor the temporary directory, and names the file. */
Test(gis, failed_write_leaves_nothing) {
  tc_candidates c;
  fixture(&c);
  const char *dir = au_path("busy");
  char cmd[2400], target[1200];
  snprintf(target, sizeof target, "%s/x.shp", dir);
  /* x.tracks.shp exists as a directory: the tracks cannot be renamed into place. */
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/x.tracks.shp'", dir, dir);
  cr_assert_eq(system(cmd), 0);
  tc_err err = {0};
  tc_status s = tc_candidates_write(target, TC_FMT_SHP, &c, &err);
  tc_candidates_free(&c);
  if (s == TC_ERR_UNSUPPORTED)
    cr_skip("%s", err.msg);
  cr_assert_eq(s, TC_ERR_IO);
  cr_assert(strstr(err.msg, "x.tracks.shp"), "%s", err.msg);
  snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = x.tracks.shp", dir);
  cr_assert_eq(system(cmd), 0, "only the directory that was there is left in %s", dir);
}

/* GDAL brings Debian's shared libhdf5 into a process whose own HDF5 may be linked
 * statically: both must keep working, each with its own state. */
Test(gis, hdf5_works_beside_gdal) {
  char store[1024];
  store_tmp_path("gis-beside.h5", store, sizeof store);
  tc_fix fx[200];
  store_gen_fixes(fx, 200, 7, T0, 86400, 5);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err = {0};
  cr_assert_eq(store_import_fixes(store, &o, fx, 200, &res, &err), TC_OK, "%s", err.msg);
  write_quiet("beside.gpkg", TC_FMT_GPKG); /* loads GDAL */
  tc_fix *rows;
  size_t n;
  store_read_all(store, &rows, &n);
  cr_assert_eq(n, res.clean.rows_stored);
  free(rows);
  write_quiet("beside.h5", TC_FMT_HDF5);
  write_quiet("beside2.gpkg", TC_FMT_GPKG);
  if (!au_have_python("h5py"))
    return;
  char out[4096], args[1200];
  snprintf(args, sizeof args, "'%s'", au_path("beside.h5"));
  cr_assert_eq(au_python("import h5py, sys\nf = h5py.File(sys.argv[1])\nassert len(f['encounters']) == 3\n"
                         "assert f['tracks/t'].attrs['units'] == b'seconds since 1970-01-01T00:00:00Z' or "
                         "f['tracks/t'].attrs['units'] == 'seconds since 1970-01-01T00:00:00Z'\nprint('OK')\n",
                         args, out, sizeof out),
               0, "%s", out);
}

/* The command: a GeoPackage from a store, its count that of the CSV; the store itself
 * is refused as the output whatever the format. */
Test(gis, encounters_command_writes_geopackage) {
  if (!have("ogrinfo"))
    cr_skip("ogrinfo is not installed (apt-get install gdal-bin)");
  tc_format f;
  tc_err err = {0};
  if (tc_format_parse("gpkg", NULL, &f, &err) == TC_ERR_UNSUPPORTED)
    cr_skip("%s", err.msg);
  const char *store = au_path("cmd.h5"), *gpkg = au_path("cmd.gpkg"), *csv = au_path("cmd.csv");
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "rm -f '%s' && '%s' generate -q -o /dev/null --store '%s' --vessels 60 --days 0.5 "
           ">/dev/null 2>&1 && '%s' encounters -q '%s' -o '%s' && '%s' encounters -q '%s' -o '%s' --tracks",
           store, TC_BINARY, store, TC_BINARY, store, csv, TC_BINARY, store, gpkg);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(cmd, sizeof cmd, "test \"$(ogrinfo -so '%s' encounters | sed -n 's/^Feature Count: //p')\" = "
           "\"$(($(wc -l <'%s') - 1))\"", gpkg, csv);
  cr_assert_eq(system(cmd), 0, "as many features as CSV rows: %s", cmd);
  snprintf(cmd, sizeof cmd, "'%s' encounters -q '%s' -f GPKG -o '%s' 2>'%s'; test $? -eq 2 && grep -q refusing '%s'",
           TC_BINARY, store, store, au_path("cmd.err"), au_path("cmd.err"));
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* The KML against the OGC KML 2.2 schema and Google's gx extension (tests/data/kml-
 * schema): the writer's file validates, and one with a Style's children out of the
 * schema's order does not, so the check can fail. */
Test(gis, kml_validates_against_ogc_schema) {
  if (!have("xmllint"))
    cr_skip("xmllint is not installed (apt-get install libxml2-utils)");
  const char *p = write_quiet("valid.kml", TC_FMT_KML);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "xmllint --noout --nonet --schema '%s/tests/data/kml-schema/kml22gx.xsd' '%s' 2>'%s'",
           TC_SOURCE_DIR, p, au_path("xmllint.log"));
  cr_assert_eq(system(cmd), 0, "%s (see %s)", cmd, au_path("xmllint.log"));
  const char *bad = au_path("invalid.kml");
  snprintf(cmd, sizeof cmd, "sed 's#<IconStyle><color>ffff7f00</color><scale>0.6</scale></IconStyle>"
           "\\(<LineStyle>.*</LineStyle>\\)#\\1<IconStyle><color>ffff7f00</color><scale>0.6</scale></IconStyle>#' "
           "'%s' >'%s' && ! cmp -s '%s' '%s'", p, bad, p, bad);
  cr_assert_eq(system(cmd), 0, "the styles were reordered: %s", cmd);
  snprintf(cmd, sizeof cmd, "xmllint --noout --nonet --schema '%s/tests/data/kml-schema/kml22gx.xsd' '%s' 2>/dev/null",
           TC_SOURCE_DIR, bad);
  cr_assert_neq(system(cmd), 0, "LineStyle before IconStyle must fail the schema");
}

/* RFC 7946 for both GeoJSON files: no crs member, positions [lon, lat] of numbers
 * within range (the Point is the mean position: lon first), numeric properties numbers
 * (not strings), only RFC geometry types,
 * a MultiLineString where the track crosses the antimeridian, feature ids strings or
 * numbers. */
Test(gis, geojson_follows_rfc7946) {
  if (!au_have_python("json"))
    cr_skip("/usr/bin/python3 is missing");
  const char *p = write_quiet("rfc.geojson", TC_FMT_GEOJSON);
  static const char script[] =
      "import json, sys\n"
      "TYPES = {'Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPoint', 'MultiPolygon'}\n"
      "def pos(p):\n"
      "    assert isinstance(p, list) and len(p) in (2, 3), p\n"
      "    for v in p:\n"
      "        assert type(v) in (int, float), ('number, not', type(v).__name__, p)\n"
      "    assert -180 <= p[0] <= 180 and -90 <= p[1] <= 90, p\n"
      "def geom(g):\n"
      "    assert g['type'] in TYPES, g['type']\n"
      "    c = g['coordinates']\n"
      "    if g['type'] == 'Point': pos(c)\n"
      "    elif g['type'] == 'LineString':\n"
      "        assert len(c) >= 2; [pos(q) for q in c]\n"
      "    elif g['type'] == 'MultiLineString':\n"
      "        for l in c:\n"
      "            assert len(l) >= 2; [pos(q) for q in l]\n"
      "    return g['type']\n"
      "seen = set()\n"
      "for path in sys.argv[1:]:\n"
      "    d = json.load(open(path))\n"
      "    assert d['type'] == 'FeatureCollection' and 'crs' not in d\n"
      "    for f in d['features']:\n"
      "        assert f['type'] == 'Feature' and 'crs' not in f\n"
      "        assert 'id' not in f or type(f['id']) in (str, int), f.get('id')\n"
      "        assert isinstance(f['properties'], dict)\n"
      "        seen.add(geom(f['geometry']))\n"
      "        pr = f['properties']\n"
      "        if pr['kind'] == 'encounter':\n"
      "            assert f['geometry']['coordinates'] == [pr['mean_lon'], pr['mean_lat']], 'lon, lat order'\n"
      "            for k in ('mmsi_a', 'mmsi_b', 'duration_s', 'start_unix'):\n"
      "                assert type(pr[k]) is int, (k, pr[k])\n"
      "            for k in ('score', 'min_dist_m', 'mean_lat', 'mean_lon'):\n"
      "                assert type(pr[k]) in (int, float), (k, pr[k])\n"
      "assert seen == {'Point', 'LineString', 'MultiLineString'}, seen\n"
      "print('OK')\n";
  char out[8192], args[2400];
  snprintf(args, sizeof args, "'%s' '%s'", p, au_path("rfc.tracks.geojson"));
  int rc = au_python(script, args, out, sizeof out);
  cr_assert(rc == 0 && strstr(out, "OK"), "RFC 7946 check failed:\n%s", out);
}

/* Formats that need a file are refused for standard output before any work. */
Test(gis, stdout_refused_before_the_work) {
  tc_output *o;
  cr_assert_eq(tc_output_create(&o), TC_OK);
  tc_output_opts p;
  tc_output_opts_default(&p);
  p.format = "gpkg";
  tc_err err = {0};
  tc_status s = tc_output_configure(o, &p, 1, &err);
  if (s == TC_ERR_UNSUPPORTED) {
    tc_output_free(o);
    cr_skip("%s", err.msg);
  }
  cr_assert_eq(s, TC_OK, "%s", err.msg);
  cr_assert_eq(tc_output_check_path(o, "-", &err), TC_ERR_ARG);
  cr_assert(strstr(err.msg, "GeoPackage output needs a file name"), "%s", err.msg);
  cr_assert_eq(tc_output_check_path(o, "x.gpkg", &err), TC_OK);
  tc_output_free(o);
}

/* What keeps the two HDF5s apart (docs/architecture.md, "GDAL"): the program exports
 * no HDF5 symbol that GDAL's libhdf5 could bind to instead of its own. */
Test(gis, program_exports_no_hdf5_symbols) {
  if (!have("nm"))
    cr_skip("nm is not installed (binutils)");
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s' >'%s' && ! grep -E ' H5[A-Za-z0-9_]*(@.*)?$' '%s'",
           TC_BINARY, au_path("dynsym.txt"), au_path("dynsym.txt"));
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* A write GDAL fails (here: the file size limit, 40 KiB, hit while SQLite commits or the
 * Shapefile's records are written): exit 1, GDAL's reason after the file's name, no
 * other message (GDAL's own are kept), and nothing left beside the target. */
Test(gis, gdal_failure_is_named_and_leaves_nothing) {
  tc_format f;
  tc_err err = {0};
  if (tc_format_parse("gpkg", NULL, &f, &err) == TC_ERR_UNSUPPORTED)
    cr_skip("%s", err.msg);
  const char *dir = au_path("full"), *log = au_path("full.err");
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && '%s' generate -q -o /dev/null --store '%s/s.h5' "
           "--vessels 60 --days 0.5 >/dev/null 2>&1", dir, dir, TC_BINARY, dir);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  const char *outs[] = {"x.gpkg", "x.shp"};
  const char *why[] = {"x.gpkg: sqlite3_exec(COMMIT) failed", "x.tracks.shp: "};
  for (int i = 0; i < 2; i++) {
    snprintf(cmd, sizeof cmd, "cd '%s' && bash -c 'ulimit -f 40; trap \"\" XFSZ; exec \"$0\" encounters -q s.h5 --tracks "
             "-o %s' '%s' 2>'%s'; test $? -eq 1", dir, outs[i], TC_BINARY, log);
    cr_assert_eq(system(cmd), 0, "exit status 1: %s", cmd);
    snprintf(cmd, sizeof cmd, "test \"$(wc -l <'%s')\" -eq 1 && grep -qF '%s' '%s'", log, why[i], log);
    cr_assert_eq(system(cmd), 0, "one line naming the file and GDAL's reason (%s)", log);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s' | grep -v '^s\\.h5')\"", dir);
    cr_assert_eq(system(cmd), 0, "nothing but the store and its anchorages cache is left in %s", dir);
  }
}
