/* The writers, each read back by an independent parser (Python's csv, json,
 * xml.etree and h5py) and the project's own encounters CSV reader; atomic files;
 * ids stable across bucket sizes and backends. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/report/output.h"
#include "host/report/textout.h"
#include "host/report/writers.h"
#include "host/report/encounters_csv.h"
#include "support/analyst_util.h"
#include "support/lead_tracks.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z */

/* Three candidates: one with tracks across the antimeridian, one with awkward text,
 * one with unknown fields. The Python checks below use the same constants. */
static void fixture(tc_candidates *c, int tracks) {
  tc_candidates_init(c);
  tc_encounter e0 = au_encounter(538001111, 538002222, T0, T0 + 18000, -16.5, 179.95);
  tc_encounter e1 = au_encounter(211000001, 636000002, T0 + 600, T0 + 9000, 36.149200, -5.355825);
  tc_encounter e2 = au_encounter(77, 89, T0 + 1200, T0 + 7200, 29.917355, 32.510822);
  e1.min_dist_m = 159.788;
  e1.speed_b_kn = 0.0021;
  cr_assert_eq(tc_candidates_push(c, &e0), TC_OK);
  cr_assert_eq(tc_candidates_push(c, &e1), TC_OK);
  cr_assert_eq(tc_candidates_push(c, &e2), TC_OK);
  tc_candidate *k = &c->v[0];
  snprintf(k->flag_a, 3, "MH");
  snprintf(k->flag_b, 3, "MH");
  snprintf(k->va.name, sizeof k->va.name, "TANKER ONE");
  k->va.imo = 9074729;
  k->va.ship_type = 80;
  k->vb.ship_type = 84;
  k->shore_m = 412345.4;
  k->score = 12.5;
  k->tags = TC_TAG_GAP_BEFORE_A | TC_TAG_WATCH_B;
  k->gap_before_a = 50000;
  k->gap_after_a = k->gap_before_b = k->gap_after_b = 0;
  snprintf(k->reasons, sizeof k->reasons, "high seas 412 km from shore +5.0; tanker-tanker +3.0");
  k = &c->v[1];
  snprintf(k->va.name, sizeof k->va.name, "SEA, \"STAR\" <&>");
  snprintf(k->vb.callsign, sizeof k->vb.callsign, "A8ZZ9");
  snprintf(k->port, sizeof k->port, "Gibraltar");
  k->port_m = 1234.4;
  k->score = -4.0;
  snprintf(k->reasons, sizeof k->reasons, "at Gibraltar (1.2 km) -6.0");
  snprintf(c->note, sizeof c->note, "test fixture");
  if (!tracks)
    return;
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

static const char *write_fixture(const char *name, tc_format fmt, int tracks) {
  tc_candidates c;
  fixture(&c, tracks);
  const char *p = au_path(name);
  tc_err err;
  cr_assert_eq(tc_candidates_write(p, fmt, &c, &err), TC_OK, "%s", err.msg);
  tc_candidates_free(&c);
  return p;
}

static void python_check(const char *modules, const char *script, const char *path) {
  if (!au_have_python(modules))
    cr_skip("/usr/bin/python3 with %s is missing", modules);
  char out[8192], args[1100];
  snprintf(args, sizeof args, "'%s'", path);
  int rc = au_python(script, args, out, sizeof out);
  cr_assert_eq(rc, 0, "Python check failed:\n%s", out);
  cr_assert(strstr(out, "OK"), "%s", out);
}

Test(csv, read_back_by_python) {
  const char *p = write_fixture("out.csv", TC_FMT_CSV, 0);
  python_check("csv", "import csv, sys\n"
      "rows = list(csv.DictReader(open(sys.argv[1], newline='')))\n"
      "assert len(rows) == 3, len(rows)\n"
      "r = rows[0]\n"
      "assert list(r)[:12] == 'mmsi_a,mmsi_b,start,end,duration_s,close_slots,min_dist_m,median_dist_m,mean_lat,mean_lon,speed_a_kn,speed_b_kn'.split(','), list(r)\n"
      "assert r['mmsi_a'] == '538001111' and r['start'] == '2020-09-14T00:00:00Z' and r['end'] == '2020-09-14T05:00:00Z'\n"
      "assert r['duration_s'] == '18000' and r['close_slots'] == '31'\n"
      "assert r['mean_lon'] == '179.950000' and r['mean_lat'] == '-16.500000'\n"
      "assert r['id'] == '%016x' % 0 or len(r['id']) == 16\n"
      "assert r['score'] == '12.5' and r['flag_a'] == 'MH' and r['name_a'] == 'TANKER ONE'\n"
      "assert r['imo_a'] == '9074729' and r['type_a'] == '80' and r['type_b'] == '84'\n"
      "assert r['shore_dist_m'] == '412345' and r['tags'] == 'watch_b;gap_before_a', r['tags']\n"
      "assert r['reasons'] == 'high seas 412 km from shore +5.0; tanker-tanker +3.0'\n"
      "r = rows[1]\n"
      "assert r['name_a'] == 'SEA, \"STAR\" <&>', r['name_a']\n"
      "assert r['callsign_b'] == 'A8ZZ9' and r['port'] == 'Gibraltar' and r['port_dist_m'] == '1234'\n"
      "assert r['min_dist_m'] == '159.788' and r['speed_b_kn'] == '0.0021' and r['mean_lon'] == '-5.355825'\n"
      "r = rows[2]\n"
      "assert r['shore_dist_m'] == '' and r['port'] == '' and r['imo_a'] == '' and r['flag_a'] == ''\n"
      "print('OK')\n", p);
}

Test(csv, base_columns_read_by_the_encounters_reader) {
  const char *p = write_fixture("base.csv", TC_FMT_CSV, 0);
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tc_err err;
  cr_assert_eq(tc_encounters_csv_read(p, &l, &err), TC_OK, "%s", err.msg);
  tc_candidates c;
  fixture(&c, 0);
  cr_assert_eq(l.n, c.n);
  for (size_t i = 0; i < l.n; i++) {
    cr_assert_eq(l.v[i].mmsi_a, c.v[i].e.mmsi_a);
    cr_assert_eq(l.v[i].start, c.v[i].e.start);
    cr_assert_eq(l.v[i].end, c.v[i].e.end);
    cr_assert_float_eq(l.v[i].mean_lat, c.v[i].e.mean_lat, 1e-6);
    cr_assert_float_eq(l.v[i].min_dist_m, c.v[i].e.min_dist_m, 1e-3);
  }
  tc_candidates_free(&c);
  tc_encounter_list_free(&l);
}

/* Read back by jansson, the library that writes it: members in the written order,
 * numbers with the CSV's decimals. */
Test(geojson, read_back_by_the_library) {
  const char *p = write_fixture("lib.geojson", TC_FMT_GEOJSON, 1);
  json_error_t je;
  json_t *d = json_load_file(p, JSON_REJECT_DUPLICATES, &je);
  cr_assert_not_null(d, "%s: %s at line %d", p, je.text, je.line);
  cr_assert_str_eq(json_object_iter_key(json_object_iter(d)), "type");
  json_t *f = json_object_get(d, "features");
  cr_assert_eq(json_array_size(f), 3); /* the encounters; their tracks in lib.tracks.geojson */
  json_t *p1 = json_object_get(json_array_get(f, 1), "properties");
  static const char *const first[] = {"kind", "id", "mmsi_a", "mmsi_b", "start", "end"};
  void *it = json_object_iter(p1);
  for (size_t k = 0; k < sizeof first / sizeof *first; k++, it = json_object_iter_next(p1, it))
    cr_assert_str_eq(json_object_iter_key(it), first[k]);
  cr_assert_str_eq(json_string_value(json_object_get(p1, "kind")), "encounter");
  cr_assert_eq(json_real_value(json_object_get(p1, "min_dist_m")), 159.788);
  cr_assert_eq(json_real_value(json_object_get(p1, "speed_b_kn")), 0.0021);
  cr_assert_eq(json_real_value(json_object_get(p1, "mean_lon")), -5.355825);
  cr_assert_str_eq(json_string_value(json_object_get(p1, "name_a")), "SEA, \"STAR\" <&>");
  json_decref(d);
  const char *tp = au_path("lib.tracks.geojson");
  d = json_load_file(tp, JSON_REJECT_DUPLICATES, &je);
  cr_assert_not_null(d, "%s: %s at line %d", tp, je.text, je.line);
  f = json_object_get(d, "features");
  cr_assert_eq(json_array_size(f), 3);
  for (size_t i = 0; i < 3; i++) {
    json_t *g = json_object_get(json_array_get(f, i), "geometry");
    const char *type = json_string_value(json_object_get(g, "type"));
    cr_assert(!strcmp(type, "LineString") || !strcmp(type, "MultiLineString"), "%s", type);
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(json_array_get(f, i), "properties"), key, v)
      cr_assert(!json_is_array(v) && !json_is_object(v), "track field %s is not a plain value", key);
  }
  json_decref(d);
}

/* Encounters as Points in the file named; with tracks, LineStrings in NAME.tracks.geojson
 * beside it: each file one geometry type, scalar fields only (a Shapefile has no lists). */
Test(geojson, read_back_by_python) {
  const char *p = write_fixture("out.geojson", TC_FMT_GEOJSON, 1);
  python_check("json", "import json, sys\n"
      "d = json.load(open(sys.argv[1]))\n"
      "assert d['type'] == 'FeatureCollection'\n"
      "f = d['features']\n"
      "enc = [x for x in f if x['properties']['kind'] == 'encounter']\n"
      "assert len(enc) == 3 and len(f) == 3, (len(enc), len(f))\n"
      "e = enc[0]\n"
      "assert e['geometry'] == {'type': 'Point', 'coordinates': [179.95, -16.5]}, e['geometry']\n"
      "p = e['properties']\n"
      "assert p['mmsi_a'] == 538001111 and p['start'] == '2020-09-14T00:00:00Z' and p['end_unix'] == 1600059600\n"
      "assert p['score'] == 12.5 and p['tags'] == ['watch_b', 'gap_before_a'] and p['gap_before_a_s'] == 50000\n"
      "assert p['reasons'].startswith('high seas') and p['imo_a'] == 9074729 and p['imo_b'] is None\n"
      "assert e['id'] == p['id'] and len(p['id']) == 16\n"
      "assert enc[1]['properties']['name_a'] == 'SEA, \"STAR\" <&>'\n"
      "assert enc[2]['properties']['shore_dist_m'] is None and enc[2]['properties']['gap_before_a_s'] is None\n"
      "assert d['trajcorr']['note'] == 'test fixture'\n"
      "trk = json.load(open(sys.argv[1].replace('.geojson', '.tracks.geojson')))['features']\n"
      "assert len(trk) == 3 and all(t['properties']['kind'] == 'track' for t in trk)\n"
      "for t in trk:\n"
      "  assert not any(isinstance(v, (list, dict)) for v in t['properties'].values()), t['properties']\n"
      "a = [t for t in trk if t['properties']['role'] == 'a' and t['properties']['mmsi'] == 538001111][0]\n"
      "g = a['geometry']\n"
      "assert g['type'] == 'MultiLineString', g\n"
      "w, e2 = g['coordinates']\n"
      "assert w[-1][0] == 180.0 and e2[0][0] == -180.0 and abs(w[-1][1] - e2[0][1]) < 1e-9\n"
      "assert abs(w[-1][1] - (-16.49 + 0.005)) < 1e-6, w[-1]\n"
      "assert a['properties']['fixes'] == 4 and a['properties']['encounter_id'] == p['id']\n"
      "b = [t for t in trk if t['properties']['role'] == 'b'][0]\n"
      "assert b['geometry']['type'] == 'LineString' and b['properties']['fixes'] == 3\n"
      "one = [t for t in trk if t['properties']['mmsi'] == 211000001][0]\n"
      "g1 = one['geometry']\n"
      "assert g1['type'] == 'LineString' and len(g1['coordinates']) == 2 and g1['coordinates'][0] == g1['coordinates'][1], g1\n"
      "print('OK')\n", p);
}

Test(kml, read_back_by_python) {
  const char *p = write_fixture("out.kml", TC_FMT_KML, 1);
  python_check("xml.etree.ElementTree", "import sys, xml.etree.ElementTree as ET\n"
      "ns = {'k': 'http://www.opengis.net/kml/2.2', 'gx': 'http://www.google.com/kml/ext/2.2'}\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "folders = root.findall('k:Document/k:Folder', ns)\n"
      "assert [f.find('k:name', ns).text for f in folders] == ['Encounters', 'Tracks']\n"
      "pms = folders[0].findall('k:Placemark', ns)\n"
      "assert len(pms) == 3\n"
      "pm = pms[0]\n"
      "assert pm.find('k:TimeSpan/k:begin', ns).text == '2020-09-14T00:00:00Z'\n"
      "assert pm.find('k:TimeSpan/k:end', ns).text == '2020-09-14T05:00:00Z'\n"
      "assert pm.find('k:Point/k:coordinates', ns).text.strip() == '179.950000,-16.500000,0'\n"
      "data = {d.get('name'): d.find('k:value', ns).text or '' for d in pm.findall('k:ExtendedData/k:Data', ns)}\n"
      "assert data['mmsi_a'] == '538001111' and data['score'] == '12.5' and data['tags'] == 'watch_b;gap_before_a'\n"
      "assert data['id'] == pm.get('id')[1:] and len(data['id']) == 16\n"
      "assert data['start_time'] == '2020-09-14T00:00:00Z' and data['end_time'] == '2020-09-14T05:00:00Z'\n"
      "assert 'end' not in data and 'begin' not in data, 'no field clashes with the TimeSpan'\n"
      "order = ['IconStyle', 'LabelStyle', 'LineStyle', 'PolyStyle', 'BalloonStyle', 'ListStyle']\n"
      "for st in root.iter('{http://www.opengis.net/kml/2.2}Style'):\n"
      "  kids = [c.tag.split('}')[1] for c in st]\n"
      "  assert kids == sorted(kids, key=order.index), (st.get('id'), kids)\n"
      "d1 = {d.get('name'): d.find('k:value', ns).text or '' for d in pms[1].findall('k:ExtendedData/k:Data', ns)}\n"
      "assert d1['name_a'] == 'SEA, \"STAR\" <&>', d1['name_a']\n"
      "assert 'SEA, \"STAR\" <&>' in pms[1].find('k:description', ns).text\n"
      "tracks = folders[1].findall('k:Placemark/gx:Track', ns)\n"
      "assert len(tracks) == 3\n"
      "for t in tracks:\n"
      "  assert len(t.findall('k:when', ns)) == len(t.findall('gx:coord', ns)) > 0\n"
      "assert tracks[0].findall('gx:coord', ns)[2].text == '-179.900000 -16.480000 0'\n"
      "print('OK')\n", p);
}

Test(hdf5, read_back_by_h5py) {
  const char *p = write_fixture("out.h5", TC_FMT_HDF5, 1);
  python_check("h5py numpy", "import sys, h5py, numpy as np\n"
      "f = h5py.File(sys.argv[1], 'r')\n"
      "e = f['encounters'][:]\n"
      "assert len(e) == 3\n"
      "assert e['mmsi_a'].tolist() == [538001111, 211000001, 77]\n"
      "assert e['start'][0] == 1600041600 and e['duration_s'][0] == 18000\n"
      "assert e['id'][0].decode() == e['id'][0].decode().strip() and len(e['id'][0]) == 16\n"
      "assert e['name_a'][1].decode() == 'SEA, \"STAR\" <&>'\n"
      "assert e['flag_a'][0] == b'MH' and e['imo_a'][0] == 9074729 and e['type_b'][0] == 84\n"
      "assert abs(e['score'][0] - 12.5) < 1e-12 and np.isnan(e['shore_dist_m'][2])\n"
      "assert e['reasons'][1].decode() == 'at Gibraltar (1.2 km) -6.0'\n"
      "assert e['tags'][0] == (1 << 1) | (1 << 3)\n"
      "u = lambda v: v.decode() if isinstance(v, bytes) else v\n"
      "a = f['encounters'].attrs\n"
      "assert u(a['start_units']) == u(a['end_units']) == 'seconds since 1970-01-01T00:00:00Z'\n"
      "assert u(a['min_dist_m_units']) == 'm' and u(a['speed_a_kn_units']) == 'knot' and u(a['gap_after_b_s_units']) == 's'\n"
      "assert u(f['tracks/t'].attrs['units']) == 'seconds since 1970-01-01T00:00:00Z'\n"
      "assert u(f['tracks/lat'].attrs['units']) == 'degrees_north' and u(f['tracks/sog'].attrs['units']) == 'knot'\n"
      "t = f['tracks']\n"
      "r = t['ranges'][:]\n"
      "assert r.shape == (3, 2, 2) and r[0, 0].tolist() == [0, 4] and r[0, 1].tolist() == [4, 3]\n"
      "assert r[1, 0].tolist() == [7, 1] and r[2, 0, 1] == 0\n"
      "assert t['lon'][2] == -179.9 and t['mmsi'][4] == 538002222 and t['role'][4] == 1 and t['encounter'][7] == 1\n"
      "assert f.attrs['note'].decode() if isinstance(f.attrs['note'], bytes) else f.attrs['note'] == 'test fixture'\n"
      "print('OK')\n", p);
}

Test(hdf5, empty_list) {
  tc_candidates c;
  tc_candidates_init(&c);
  tc_err err;
  const char *p = au_path("empty.h5");
  cr_assert_eq(tc_candidates_write(p, TC_FMT_HDF5, &c, &err), TC_OK, "%s", err.msg);
  python_check("h5py", "import sys, h5py\nf = h5py.File(sys.argv[1], 'r')\nassert len(f['encounters']) == 0\nprint('OK')\n", p);
}

Test(atomic, failures_leave_nothing_behind) {
  const char *p = au_write("keep.csv", "old contents\n");
  tc_atomic a;
  tc_err err;
  cr_assert_eq(tc_atomic_open(&a, p, &err), TC_OK, "%s", err.msg);
  fputs("half a list", a.f);
  tc_atomic_abort(&a);
  FILE *f = fopen(p, "r");
  char buf[64] = "";
  cr_assert(f && fgets(buf, sizeof buf, f));
  fclose(f);
  cr_assert_str_eq(buf, "old contents\n");
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "ls '%s'.tmp-* >/dev/null 2>&1", p);
  cr_assert_neq(system(cmd), 0, "a temporary file was left behind");
  tc_candidates c;
  fixture(&c, 0);
  cr_assert_eq(tc_candidates_write(au_path("no/such/dir/x.csv"), TC_FMT_CSV, &c, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, "no/such/dir"), "%s", err.msg);
  struct stat st;
  cr_assert_eq(tc_candidates_write(p, TC_FMT_CSV, &c, &err), TC_OK);
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 0044, 0044, "outputs are readable by others, as files written by fopen are");
  tc_candidates_free(&c);
}

Test(format, names_and_extensions) {
  tc_format f;
  tc_err err;
  cr_assert_eq(tc_format_parse(NULL, "a/b.geojson", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_GEOJSON);
  cr_assert_eq(tc_format_parse(NULL, "x.KML", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_KML);
  cr_assert_eq(tc_format_parse(NULL, "x.h5", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_HDF5);
  cr_assert_eq(tc_format_parse(NULL, "dir.kml/list", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_CSV);
  cr_assert_eq(tc_format_parse("json", "x.csv", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_GEOJSON);
  cr_assert_eq(tc_format_parse("xyz", NULL, &f, &err), TC_ERR_ARG);
  cr_assert_eq(tc_format_parse(NULL, "out", &f, &err), TC_OK);
  cr_assert_eq(f, TC_FMT_CSV);
  cr_assert_eq(tc_format_parse(NULL, "d.x/.hidden", &f, &err), TC_OK);
  /* A name that promises another format is refused, naming the known ones. */
  cr_assert_eq(tc_format_parse(NULL, "out.xyz", &f, &err), TC_ERR_ARG);
  cr_assert(strstr(err.msg, "'.xyz'") && strstr(err.msg, ".geojson") && strstr(err.msg, ".kml") &&
            strstr(err.msg, ".gpkg") && strstr(err.msg, ".fgb") && strstr(err.msg, ".shp"), "%s", err.msg);
  cr_assert_eq(tc_format_parse(NULL, "out.tab", &f, &err), TC_ERR_ARG);
  cr_assert_eq(tc_format_parse("csv", "out.txt", &f, &err), TC_OK, "--format decides whatever the name");
}

/* The command refuses such a name before any work, exit 2, and writes nothing. */
Test(format, unknown_extension_is_an_error_in_the_command) {
  const char *store = au_path("ext.h5"), *shp = au_path("out.xyz");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -f '%s' '%s' && '%s' generate -q -o /dev/null --store '%s' --vessels 60 --days 0.5 >/dev/null 2>&1",
           store, shp, TC_BINARY, store);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  for (int i = 0; i < 2; i++) {
    snprintf(cmd, sizeof cmd, "'%s' encounters -q '%s' %s -o '%s' 2>'%s'", TC_BINARY, store,
             i ? "--sort score" : "", shp, au_path("ext.err"));
    int rc = system(cmd);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "%s: status %d", cmd, rc);
    cr_assert_neq(access(shp, F_OK), 0, "nothing written under %s", shp);
    snprintf(cmd, sizeof cmd, "grep -q \"unknown output format '.xyz'\" '%s'", au_path("ext.err"));
    cr_assert_eq(system(cmd), 0, "the message names the extension");
  }
}

/* The id depends on (mmsi_a, mmsi_b, start) alone, which the spec makes identical
 * whatever the bucket size, backend or thread count. */
Test(ids, stable_across_bucket_sizes_and_backends) {
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 7, 120, 36);
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list l1, l2;
  tc_encounter_list_init(&l1);
  tc_encounter_list_init(&l2);
  tt_run(&c, 86400, "openmp", 1, &p, &l1);
  tt_run(&c, 3 * 3600, "openmp", 2, &p, &l2);
  cr_assert_gt(l1.n, 0);
  tc_candidates a, b;
  tc_candidates_init(&a);
  tc_candidates_init(&b);
  cr_assert_eq(tc_candidates_from_list(&a, &l1), TC_OK);
  cr_assert_eq(tc_candidates_from_list(&b, &l2), TC_OK);
  cr_assert_eq(a.n, b.n);
  for (size_t i = 0; i < a.n; i++)
    cr_assert_str_eq(a.v[i].id, b.v[i].id);
  tc_candidates_free(&a);
  tc_candidates_free(&b);
  tc_encounter_list_free(&l1);
  tc_encounter_list_free(&l2);
  tc_columns_free(&c);
}

/* The options the encounters command passes (its command line is parsed in host/cli,
 * tests/test_cli_grammar.c). */
Test(output, options_and_write) {
  tc_output *o;
  tc_err err;
  cr_assert_eq(tc_output_create(&o), TC_OK);
  const char *wl = au_write("o_watch.txt", "538001111\n");
  tc_output_opts oo;
  tc_output_opts_default(&oo);
  cr_assert_eq(oo.port_radius, 4000);
  cr_assert_eq(oo.gap_min, 43200);
  oo.watchlist = wl;
  oo.sort_score = 1;
  oo.coast = "none";
  oo.port_radius = 2000;
  oo.format = "kmz";
  cr_assert_eq(tc_output_configure(o, &oo, 1, &err), TC_ERR_ARG, "an unknown format is refused");
  oo.format = "kml";
  oo.gap_min = -1;
  cr_assert_eq(tc_output_configure(o, &oo, 1, &err), TC_ERR_ARG, "a negative duration is refused");
  oo.gap_min = 43200;
  cr_assert_eq(tc_output_configure(o, &oo, 1, &err), TC_OK, "%s", err.msg);
  cr_assert(tc_output_requested(o));
  cr_assert(tc_output_wanted(o, "x.csv"));
  tc_candidates c;
  fixture(&c, 0);
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  for (size_t k = 0; k < c.n; k++)
    cr_assert_eq(tc_encounter_list_push(&l, &c.v[k].e), TC_OK);
  const char *p = au_path("opt.kml");
  cr_assert_eq(tc_output_write(p, NULL, &l, o, &err), TC_OK, "%s", err.msg);
  const tc_candidates *got = tc_output_candidates(o);
  cr_assert_eq(got->n, 1);
  cr_assert(got->v[0].tags & TC_TAG_WATCH_A);
  cr_assert(strstr(tc_output_summary(o), "1 of 3"), "%s", tc_output_summary(o));
  cr_assert_eq(access(p, R_OK), 0);
  tc_candidates_free(&c);
  tc_encounter_list_free(&l);
  tc_output_free(o);
  cr_assert_eq(tc_output_create(&o), TC_OK);
  cr_assert_not(tc_output_wanted(o, "list.csv"));
  cr_assert(tc_output_wanted(o, "list.geojson"));
  tc_output_free(o);
}

/* ---- round trips through GDAL/OGR, as a QGIS user would open the files ---- */

static int have_ogr2ogr(void) { return system("command -v ogr2ogr >/dev/null 2>&1 && command -v ogrinfo >/dev/null 2>&1") == 0; }

/* Runs cmd (stderr to a file); fails on a non-zero status or an ERROR from GDAL. */
static void ogr_ok(const char *cmd) {
  char full[8192], log[1100];
  snprintf(log, sizeof log, "%s", au_path("ogr.log"));
  snprintf(full, sizeof full, "%s 2>'%s'", cmd, log);
  int rc = system(full);
  snprintf(full, sizeof full, "! grep -q ERROR '%s'", log);
  cr_assert(rc == 0 && system(full) == 0, "%s (see %s)", cmd, log);
}

/* ogrinfo's summary of path holds every line of want ('|'-separated). */
static void ogr_has(const char *path, const char *want) {
  char cmd[4096], info[1100];
  snprintf(info, sizeof info, "%s", au_path("ogrinfo.txt"));
  snprintf(cmd, sizeof cmd, "ogrinfo -so -al '%s' >'%s' 2>&1", path, info);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char buf[512];
  snprintf(buf, sizeof buf, "%s", want);
  for (char *w = strtok(buf, "|"); w; w = strtok(NULL, "|")) {
    snprintf(cmd, sizeof cmd, "grep -qF '%s' '%s'", w, info);
    cr_assert_eq(system(cmd), 0, "'%s' not in ogrinfo of %s (%s)", w, path, info);
  }
}

Test(ogr, round_trips_to_shapefile_and_geopackage) {
  if (!have_ogr2ogr())
    cr_skip("ogr2ogr is not installed (apt-get install gdal-bin)");
  const char *gj = write_fixture("ogr.geojson", TC_FMT_GEOJSON, 1);
  const char *kml = write_fixture("ogr.kml", TC_FMT_KML, 1);
  const char *csv = write_fixture("ogr.csv", TC_FMT_CSV, 0);
  char dir[1100], cmd[8192], p[1200];
  snprintf(dir, sizeof dir, "%s", au_path("ogr-out"));
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
  cr_assert_eq(system(cmd), 0);
  /* Tracks: their own file, one LineString layer, to a Shapefile. */
  snprintf(cmd, sizeof cmd, "ogr2ogr -f 'ESRI Shapefile' '%s/trk.shp' '%s'", dir, au_path("ogr.tracks.geojson"));
  ogr_ok(cmd);
  snprintf(p, sizeof p, "%s/trk.shp", dir);
  ogr_has(p, "Geometry: Line String|Feature Count: 3|mmsi: Integer");
  /* Encounters: Points; tags (a list) as text, as QGIS users map it. */
  snprintf(cmd, sizeof cmd, "ogr2ogr -f 'ESRI Shapefile' -mapFieldType StringList=String '%s/enc.shp' '%s'", dir, gj);
  ogr_ok(cmd);
  snprintf(p, sizeof p, "%s/enc.shp", dir);
  ogr_has(p, "Geometry: Point|Feature Count: 3|score: Real|tags: String");
  snprintf(cmd, sizeof cmd, "ogr2ogr -f GPKG '%s/enc.gpkg' '%s'", dir, gj);
  ogr_ok(cmd);
  snprintf(p, sizeof p, "%s/enc.gpkg", dir);
  ogr_has(p, "Geometry: Point|Feature Count: 3|score: Real");
  /* KML: the TimeSpan reads as begin/end, the fields as start_time/end_time, no clash. */
  snprintf(cmd, sizeof cmd, "ogr2ogr -f GPKG '%s/kml.gpkg' '%s'", dir, kml);
  ogr_ok(cmd);
  snprintf(p, sizeof p, "%s/kml.gpkg", dir);
  ogr_has(p, "Layer name: Encounters|Feature Count: 3|begin: DateTime|end: DateTime|start_time: String|end_time: String|"
             "Layer name: Tracks");
  /* CSV: points from mean_lon/mean_lat. */
  snprintf(cmd, sizeof cmd, "ogr2ogr -f GPKG -a_srs EPSG:4326 -oo X_POSSIBLE_NAMES=mean_lon -oo Y_POSSIBLE_NAMES=mean_lat "
           "'%s/csv.gpkg' '%s'", dir, csv);
  ogr_ok(cmd);
  snprintf(p, sizeof p, "%s/csv.gpkg", dir);
  ogr_has(p, "Geometry: Point|Feature Count: 3|id: String");
}
