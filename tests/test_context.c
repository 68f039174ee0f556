/* Context of a candidate: stable ids, flag state from the MID, static data as of a
 * time, distance from shore, ports and anchorages, area and watchlist filters, AIS
 * gaps and the ranking. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host/report/annotate.h"
#include "host/report/coast.h"
#include "host/report/encid.h"
#include "host/report/mid.h"
#include "host/report/places.h"
#include "host/report/polygons.h"
#include "host/report/rank.h"
#include "host/report/tracks.h"
#include "host/report/vessels.h"
#include "host/report/watchlist.h"
#include "host/report/encounters_csv.h"
#include "kernels/geo.h"
#include "support/analyst_util.h"

#define T0 1522540800 /* 2018-04-01T00:00:00Z */
#define DEG_M (TC_EARTH_R_M * TC_DEG2RAD)

/* ---- ids ---- */

Test(ids, match_an_independent_fnv1a) {
  /* Expected values from Python: FNV-1a 64 over struct.pack('<IIq', a, b, start). */
  char id[TC_ENCID_LEN];
  tc_encounter_id(209114000, 219829000, 1522541400, id);
  cr_assert_str_eq(id, "29162400197f51ad");
  tc_encounter_id(1, 2, 0, id);
  cr_assert_str_eq(id, "23a911320386bd86");
  tc_encounter_id(209114000, 219829000, 1522541400 - 600, id);
  cr_assert_str_eq(id, "8d40752ca8563ccf");
}

Test(ids, unique_over_a_real_list) {
  char path[1024];
  snprintf(path, sizeof path, "%s/real-tracks/expected/gibraltar_2016_06_01.encounters.csv", TC_SHARED_DATA);
  FILE *f = fopen(path, "r");
  if (!f)
    cr_skip("%s absent", path);
  fclose(f);
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tc_err err;
  cr_assert_eq(tc_encounters_csv_read(path, &l, &err), TC_OK, "%s", err.msg);
  cr_assert_gt(l.n, 500);
  uint64_t *h = malloc(l.n * sizeof *h);
  for (size_t i = 0; i < l.n; i++)
    h[i] = tc_encounter_hash(l.v[i].mmsi_a, l.v[i].mmsi_b, l.v[i].start);
  for (size_t i = 0; i < l.n; i++)
    for (size_t j = i + 1; j < l.n; j++)
      cr_assert_neq(h[i], h[j], "ids of rows %zu and %zu collide", i, j);
  free(h);
  tc_encounter_list_free(&l);
}

/* ---- MID ---- */

Test(mid, table_is_complete_and_sorted) {
  size_t n;
  const tc_mid_entry *t = tc_mid_table(&n);
  cr_assert_geq(n, 285, "the ITU table has about 290 MIDs, got %zu", n);
  for (size_t i = 0; i < n; i++) {
    cr_assert(t[i].mid >= 201 && t[i].mid <= 775);
    cr_assert(i == 0 || t[i].mid > t[i - 1].mid, "MID %u out of order", t[i].mid);
    cr_assert(t[i].iso2[0] >= 'A' && t[i].iso2[0] <= 'Z' && t[i].iso2[1] >= 'A' && t[i].iso2[1] <= 'Z' &&
              !t[i].iso2[2], "MID %u", t[i].mid);
    cr_assert(t[i].name && t[i].name[0]);
    cr_assert_eq(tc_mid_lookup(t[i].mid), &t[i]);
  }
  /* Every region of the ITU table is there (Europe 2xx … South America 7xx). */
  for (unsigned region = 2; region <= 7; region++) {
    int k = 0;
    for (size_t i = 0; i < n; i++)
      k += t[i].mid / 100 == region;
    cr_assert_gt(k, 10, "region %u has %d MIDs", region, k);
  }
}

Test(mid, known_allocations) {
  struct {
    unsigned mid;
    const char *iso;
  } k[] = {{211, "DE"}, {218, "DE"}, {219, "DK"}, {232, "GB"}, {236, "GI"}, {244, "NL"}, {255, "PT"},
           {257, "NO"}, {262, "ME"}, {273, "RU"}, {279, "RS"}, {303, "US"}, {338, "US"}, {351, "PA"},
           {357, "PA"}, {370, "PA"}, {374, "PA"}, {375, "VC"}, {412, "CN"}, {416, "TW"}, {431, "JP"},
           {440, "KR"}, {445, "KP"}, {461, "OM"}, {463, "PK"}, {477, "HK"}, {503, "AU"}, {512, "NZ"},
           {538, "MH"}, {563, "SG"}, {566, "SG"}, {574, "VN"}, {620, "KM"}, {622, "EG"}, {636, "LR"},
           {637, "LR"}, {667, "SL"}, {710, "BR"}, {725, "CL"}, {760, "PE"}, {775, "VE"}};
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
    const tc_mid_entry *e = tc_mid_lookup(k[i].mid);
    cr_assert(e, "MID %u missing", k[i].mid);
    cr_assert_str_eq(e->iso2, k[i].iso, "MID %u", k[i].mid);
  }
  unsigned none[] = {200, 217, 221, 222, 223, 260, 280, 300, 302, 400, 500, 600, 776, 999};
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
    cr_assert_null(tc_mid_lookup(none[i]), "MID %u is not allocated", none[i]);
}

Test(mid, mmsi_formats) {
  cr_assert_eq(tc_mmsi_mid(211234567), 211);  /* ship */
  cr_assert_eq(tc_mmsi_mid(21112345), 211);   /* 0MIDxxxxx group */
  cr_assert_eq(tc_mmsi_mid(2111234), 211);    /* 00MIDxxxx coast station */
  cr_assert_eq(tc_mmsi_mid(111211123), 211);  /* SAR aircraft */
  cr_assert_eq(tc_mmsi_mid(821112345), 211);  /* handheld */
  cr_assert_eq(tc_mmsi_mid(982111234), 211);  /* craft of a parent ship */
  cr_assert_eq(tc_mmsi_mid(992111234), 211);  /* aid to navigation */
  cr_assert_eq(tc_mmsi_mid(970123456), 0);    /* AIS-SART */
  cr_assert_eq(tc_mmsi_mid(974123456), 0);
  cr_assert_eq(tc_mmsi_mid(123456789), 0);
  cr_assert_eq(tc_mmsi_mid(77), 0);           /* anonymised ids carry none */
  cr_assert_str_eq(tc_mmsi_flag(636012345)->iso2, "LR");
  cr_assert_null(tc_mmsi_flag(217123456));
}

Test(mid, real_vessels_have_flags) {
  char path[1024];
  snprintf(path, sizeof path, "%s/real-tracks/expected/baltic_2018_04_01.encounters.csv", TC_SHARED_DATA);
  FILE *f = fopen(path, "r");
  if (!f)
    cr_skip("%s absent", path);
  fclose(f);
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tc_err err;
  cr_assert_eq(tc_encounters_csv_read(path, &l, &err), TC_OK, "%s", err.msg);
  size_t ships = 0, flagged = 0;
  for (size_t i = 0; i < l.n; i++) {
    uint32_t m[2] = {l.v[i].mmsi_a, l.v[i].mmsi_b};
    for (int j = 0; j < 2; j++)
      if (m[j] >= 200000000 && m[j] < 800000000) {
        ships++;
        flagged += tc_mmsi_flag(m[j]) != NULL;
      }
  }
  cr_assert_gt(ships, 100);
  cr_assert_eq(flagged, ships, "%zu of %zu ship MMSIs in the Baltic list have an allocated MID", flagged, ships);
  tc_encounter_list_free(&l);
}

/* ---- vessel static data as of a time ---- */

static tc_vessel_static rec(uint32_t mmsi, int64_t t, uint32_t imo, const char *name, int type) {
  tc_vessel_static v;
  memset(&v, 0, sizeof v);
  v.mmsi = mmsi;
  v.t = t;
  v.imo = imo;
  snprintf(v.name, sizeof v.name, "%s", name);
  v.ship_type = type;
  v.length_m = v.width_m = v.draught_m = NAN;
  return v;
}

Test(vessels, as_of_merges_fields) {
  tc_vessel_static r[] = {rec(5, 300, 0, "NEW NAME", 0), rec(5, 100, 9074729, "OLD NAME", 0),
                          rec(5, 200, 0, "", 80), rec(7, 500, 0, "SEVEN", 30)};
  tc_vessel_index *ix;
  tc_err err;
  cr_assert_eq(tc_vessel_index_create(r, 4, &ix, &err), TC_OK);
  tc_vessel_static v;
  cr_assert(tc_vessel_at(ix, 5, 250, &v));
  cr_assert_str_eq(v.name, "OLD NAME");
  cr_assert_eq(v.imo, 9074729u);
  cr_assert_eq(v.ship_type, 80);
  cr_assert(tc_vessel_at(ix, 5, 1000, &v));
  cr_assert_str_eq(v.name, "NEW NAME");
  cr_assert_eq(v.ship_type, 80); /* kept from the earlier record */
  cr_assert(tc_vessel_at(ix, 7, 0, &v)); /* before its first record: the earliest stands in */
  cr_assert_str_eq(v.name, "SEVEN");
  cr_assert_not(tc_vessel_at(ix, 6, 0, &v));
  cr_assert_eq(v.mmsi, 6u);
  cr_assert_str_eq(v.name, "");
  cr_assert(tc_vessel_has_imo(ix, 5, 9074729));
  cr_assert_not(tc_vessel_has_imo(ix, 7, 9074729));
  tc_vessel_index_free(ix);
}

/* ---- coastline ---- */

static tc_coast *gshhg(void) {
  char path[1024];
  if (tc_coast_find_gshhg('i', path, sizeof path) != TC_OK)
    return NULL;
  tc_coast *c;
  tc_err err;
  cr_assert_eq(tc_coast_load_gshhg(path, &c, &err), TC_OK, "%s", err.msg);
  return c;
}

Test(coast, index_agrees_with_exhaustive_scan) {
  tc_coast *c = gshhg();
  if (!c)
    cr_skip("GSHHG not installed (apt-get install gmt-gshhg-low)");
  cr_assert_gt(tc_coast_points(c), 100000);
  uint64_t s = 12345;
  for (int i = 0; i < 25; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double lat = -80 + 160 * ((s >> 11) / 9007199254740992.0);
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double lon = -180 + 360 * ((s >> 11) / 9007199254740992.0);
    double a = tc_coast_distance_m(c, lat, lon), b = tc_coast_distance_exhaustive_m(c, lat, lon);
    cr_assert(fabs(a - b) <= 1e-6 * b + 1e-3, "(%f, %f): index %f m, scan %f m", lat, lon, a, b);
  }
  tc_coast_free(c);
}

Test(coast, fast_lookups) {
  tc_coast *c = gshhg();
  if (!c)
    cr_skip("GSHHG not installed");
  clock_t t0 = clock();
  double sum = 0;
  int n = 0;
  for (double lat = -60; lat < 70; lat += 2.1)
    for (double lon = -180; lon < 180; lon += 2.3, n++)
      sum += tc_coast_distance_m(c, lat, lon);
  double per = (double)(clock() - t0) / CLOCKS_PER_SEC / n;
  cr_assert(isfinite(sum));
  cr_assert_lt(per, 2e-3, "%.0f us per lookup", per * 1e6);
  tc_coast_free(c);
}

/* Decoding checked against h5py: the distance to the nearest shoreline vertex, which
 * the distance to the nearest edge can undercut by at most half an edge. */
Test(coast, gshhg_decode_agrees_with_h5py) {
  char path[1024];
  if (tc_coast_find_gshhg('i', path, sizeof path) != TC_OK || !au_have_python("h5py numpy"))
    cr_skip("GSHHG or h5py missing");
  tc_coast *c = gshhg();
  static const char *script =
      "import sys, h5py, numpy as np\n"
      "f = h5py.File(sys.argv[1], 'r')\n"
      "bs = f['Bin_size_in_minutes'][0] / 60.0; nx = f['N_bins_in_360_longitude_range'][0]\n"
      "info = f['Embedded_npts_levels_exit_entry_for_a_segment'][:].astype(np.int64)\n"
      "first = f['Id_of_first_point_in_a_segment'][:]\n"
      "bf = f['Id_of_first_segment_in_a_bin'][:]; bn = f['N_segments_in_a_bin'][:]\n"
      "dx = f['Relative_longitude_from_SW_corner_of_bin'][:].astype(np.uint16)\n"
      "dy = f['Relative_latitude_from_SW_corner_of_bin'][:].astype(np.uint16)\n"
      "lon = np.zeros(len(dx)); lat = np.zeros(len(dx))\n"
      "for b in range(len(bf)):\n"
      "  w = (b % nx) * bs; s = 90 - (b // nx + 1) * bs\n"
      "  for k in range(bf[b], bf[b] + bn[b]):\n"
      "    p = first[k]; n = info[k] >> 9\n"
      "    lon[p:p+n] = w + dx[p:p+n] * bs / 65535.0; lat[p:p+n] = s + dy[p:p+n] * bs / 65535.0\n"
      "R = 6371008.8; la = np.radians(lat); lo = np.radians(lon)\n"
      "for q in sys.argv[2:]:\n"
      "  qa, qo = map(float, q.split(','))\n"
      "  a, o = np.radians(qa), np.radians(qo)\n"
      "  h = np.sin((la - a) / 2)**2 + np.cos(a) * np.cos(la) * np.sin((lo - o) / 2)**2\n"
      "  print('%.3f' % (2 * R * np.arcsin(np.sqrt(h.min()))))\n";
  double q[][2] = {{36.10, -5.30}, {30.0, -40.0}, {54.5, 13.6}, {-36.7, 175.1}, {1.2, 103.9}, {60.0, 179.9}};
  char args[2048];
  int n = snprintf(args, sizeof args, "'%s'", path);
  for (size_t i = 0; i < 6; i++)
    n += snprintf(args + n, sizeof args - n, " %.4f,%.4f", q[i][0], q[i][1]);
  char out[4096];
  cr_assert_eq(au_python(script, args, out, sizeof out), 0, "%s", out);
  char *p = out;
  for (size_t i = 0; i < 6; i++) {
    double vertex = strtod(p, &p), d = tc_coast_distance_m(c, q[i][0], q[i][1]);
    cr_assert(d <= vertex + 0.01, "(%g, %g): %f m, nearest vertex %f m", q[i][0], q[i][1], d, vertex);
    cr_assert(d >= vertex - 3000.0 - 0.01 * vertex, "(%g, %g): %f m, nearest vertex %f m", q[i][0], q[i][1],
              d, vertex);
  }
  tc_coast_free(c);
}

Test(coast, geojson_land_polygons_and_antimeridian) {
  const char *p = au_write("land.geojson",
      "{\"type\":\"FeatureCollection\",\"features\":["
      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[0,-0.5],[1,-0.5],[1,0.5],[0,0.5],[0,-0.5]]]}},"
      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[179.5,-0.5],[-179.5,-0.5],[-179.5,0.5],[179.5,0.5],[179.5,-0.5]]]}}]}");
  tc_coast *c;
  tc_err err;
  cr_assert_eq(tc_coast_load_geojson(p, &c, &err), TC_OK, "%s", err.msg);
  /* Along the equator to a meridian edge: exactly the longitude difference. */
  cr_assert_float_eq(tc_coast_distance_m(c, 0, 2.0), DEG_M, 1e-3);
  cr_assert_float_eq(tc_coast_distance_m(c, 0, -1.0), DEG_M, 1e-3);
  cr_assert_float_eq(tc_coast_distance_m(c, 0, 178.5), DEG_M, 1e-3);
  cr_assert_float_eq(tc_coast_distance_m(c, 0, -178.0), 1.5 * DEG_M, 1e-3);
  cr_assert_float_eq(tc_coast_distance_m(c, 0, 180.0), 0.5 * DEG_M, 1e-3);
  cr_assert(isnan(tc_coast_distance_m(NULL, 0, 0)));
  tc_coast_free(c);
}

/* ---- areas ---- */

Test(area, polygon_with_hole_multipolygon_antimeridian) {
  const char *p = au_write("area.geojson",
      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":["
      " [[[10,10],[20,10],[20,20],[10,20],[10,10]],[[14,14],[16,14],[16,16],[14,16],[14,14]]],"
      " [[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]],"
      " [[[-100,40],[-80,40],[-80,50],[-100,50],[-100,40]]]"
      "]},\"properties\":null}");
  tc_polyset *a;
  tc_err err;
  cr_assert_eq(tc_polyset_load(p, &a, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_polyset_count(a), 3);
  cr_assert(tc_polyset_contains(a, 12, 12));
  cr_assert_not(tc_polyset_contains(a, 15, 15)); /* in the hole */
  cr_assert_not(tc_polyset_contains(a, 25, 12));
  cr_assert(tc_polyset_contains(a, 0, 179.9));
  cr_assert(tc_polyset_contains(a, 0, -179.9));
  cr_assert(tc_polyset_contains(a, 5, 180.0));
  cr_assert_not(tc_polyset_contains(a, 0, 160));
  cr_assert_not(tc_polyset_contains(a, 0, -160));
  cr_assert(tc_polyset_contains(a, 45, -90));
  tc_polyset_free(a);
  /* The same box written with longitudes beyond 180 (170 … 190). */
  p = au_write("area2.geojson", "{\"type\":\"Polygon\",\"coordinates\":[[[170,-10],[190,-10],[190,10],[170,10],[170,-10]]]}");
  cr_assert_eq(tc_polyset_load(p, &a, &err), TC_OK, "%s", err.msg);
  cr_assert(tc_polyset_contains(a, 0, -175));
  cr_assert(tc_polyset_contains(a, 0, 175));
  cr_assert_not(tc_polyset_contains(a, 0, -165));
  tc_polyset_free(a);
}

Test(area, errors_name_the_place) {
  const char *p = au_write("bad.geojson", "{\"type\":\"Polygon\",\n \"coordinates\": [[[0,0],[1,0],[1,1],]]}");
  tc_polyset *a;
  tc_err err;
  cr_assert_eq(tc_polyset_load(p, &a, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "line 2"), "%s", err.msg);
  p = au_write("point.geojson", "{\"type\":\"Point\",\"coordinates\":[1,2]}");
  cr_assert_eq(tc_polyset_load(p, &a, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "no Polygon"), "%s", err.msg);
  cr_assert_eq(tc_polyset_load(au_path("missing.geojson"), &a, &err), TC_ERR_IO);
}

/* ---- ports and anchorages ---- */

Test(places, csv_columns_in_any_order_and_nearest) {
  const char *p = au_write("ports.csv", "# ports\nlatitude,extra,Name,longitude\n"
                                        "36.1408,x,Algeciras,-5.4353\n"
                                        "36.1333,y,\"Gibraltar, UK\",-5.3500\n"
                                        "0.0,z,Dateline,179.99\n");
  tc_places *pl;
  tc_err err;
  cr_assert_eq(tc_places_create(&pl), TC_OK);
  cr_assert_eq(tc_places_load(pl, p, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_places_count(pl), 3);
  double d;
  const tc_place *n = tc_places_nearest(pl, 36.14, -5.36, 50000, &d);
  cr_assert(n);
  cr_assert_str_eq(n->name, "Gibraltar, UK");
  cr_assert_float_eq(d, tc_haversine_m(36.14, -5.36, 36.1333, -5.35), 1e-6);
  n = tc_places_nearest(pl, 0.0, -179.99, 50000, &d);
  cr_assert(n && !strcmp(n->name, "Dateline"), "nearest across the antimeridian");
  cr_assert_float_eq(d, 0.02 * DEG_M, 1.0);
  cr_assert_null(tc_places_nearest(pl, 50, 0, 50000, &d));
  cr_assert(isnan(d));
  /* An anchorage file from `trajcorr anchorages`: vessels and radius columns. */
  p = au_write("anch.csv", "name,lat,lon,vessels,radius_m\nanch A,10.0,10.0,12,2000\n");
  cr_assert_eq(tc_places_load(pl, p, &err), TC_OK, "%s", err.msg);
  n = tc_places_nearest(pl, 10.0, 10.03, 5000, &d);
  cr_assert(n && n->is_anchorage && n->vessels == 12);
  cr_assert_float_eq(d, tc_haversine_m(10, 10.03, 10, 10) - 2000, 1e-6);
  cr_assert_eq(tc_places_nearest(pl, 10.0, 10.01, 5000, &d), n);
  cr_assert_eq(d, 0.0); /* inside the anchorage */
  p = au_write("badports.csv", "name,lat,lon\nX,95,0\n");
  cr_assert_eq(tc_places_load(pl, p, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, ":2:"), "%s", err.msg);
  tc_places_free(pl);
}

/* ---- watchlists ---- */

Test(watchlist, parses_mmsi_imo_and_labels) {
  cr_assert(tc_imo_valid(9074729));
  cr_assert_not(tc_imo_valid(9074728));
  const char *p = au_write("watch.txt", "# list\n636012345, sanctioned tanker\nIMO9074729\nimo: 9176187 ;reefer\n"
                                        "9074728\n273 123 456\n\n");
  tc_watchlist *w;
  tc_err err;
  cr_assert_eq(tc_watchlist_load(p, &w, &err), TC_ERR_FORMAT, "a number with spaces is rejected");
  p = au_write("watch.txt", "# list\n636012345, sanctioned tanker\nIMO9074729\nimo: 9176187 ;reefer\n9074728\n");
  cr_assert_eq(tc_watchlist_load(p, &w, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_watchlist_size(w), 4);
  cr_assert_str_eq(tc_watchlist_mmsi(w, 636012345), "sanctioned tanker");
  cr_assert_str_eq(tc_watchlist_imo(w, 9074729), "");
  cr_assert_str_eq(tc_watchlist_imo(w, 9176187), "reefer");
  cr_assert_str_eq(tc_watchlist_mmsi(w, 9074728), ""); /* bad check digit: an MMSI */
  cr_assert_null(tc_watchlist_mmsi(w, 9074729));
  tc_watchlist_free(w);
  p = au_write("watch2.csv", "imo,name\n9074729,X\n");
  cr_assert_eq(tc_watchlist_load(p, &w, &err), TC_OK, "%s", err.msg);
  cr_assert(tc_watchlist_imo(w, 9074729));
  tc_watchlist_free(w);
}

/* ---- gaps ---- */

Test(gaps, dark_before_and_after) {
  tc_columns c;
  tc_columns_init(&c);
  tc_fix f = {0, 0, 0, 0, NAN, NAN, 511};
  /* Vessel 1: fixes every 10 min, silent from T0+2h to T0+20h, meeting T0+21h..T0+25h,
   * then silent for a day. Vessel 2: never silent. */
  for (int64_t t = T0; t <= T0 + 3 * 86400; t += 600) {
    f.t = t;
    f.lat = 10;
    f.lon = 10;
    f.mmsi = 1;
    if ((t <= T0 + 7200 || t >= T0 + 72000) && t <= T0 + 90000)
      cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
  }
  for (int64_t t = T0; t <= T0 + 3 * 86400; t += 600) {
    f.t = t;
    f.mmsi = 2;
    cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
  }
  tc_track_source src = tc_track_source_memory(&c);
  tc_columns scratch;
  tc_columns_init(&scratch);
  tc_gaps g;
  tc_err err;
  cr_assert_eq(tc_track_gaps(&src, 1, T0 + 75600, T0 + 90000, 43200, 43200, &scratch, &g, &err), TC_OK);
  cr_assert_eq(g.before_s, 72000 - 7200);
  cr_assert_gt(g.after_s, 43200); /* silent to the end of the data window */
  cr_assert_eq(tc_track_gaps(&src, 2, T0 + 75600, T0 + 90000, 43200, 43200, &scratch, &g, &err), TC_OK);
  cr_assert_eq(g.before_s, 0);
  cr_assert_eq(g.after_s, 0);
  /* A receiver outage: nobody heard from T0+2h to T0+20h, so vessel 1's silence then
   * is not its own. */
  tc_columns o;
  tc_columns_init(&o);
  for (size_t i = 0; i < c.n; i++) {
    tc_fix x;
    tc_columns_get(&c, i, &x);
    if (x.t <= T0 + 7200 || x.t >= T0 + 72000)
      cr_assert_eq(tc_columns_push(&o, &x), TC_OK);
  }
  tc_track_source out = tc_track_source_memory(&o);
  cr_assert_eq(tc_track_gaps(&out, 1, T0 + 75600, T0 + 90000, 43200, 43200, &scratch, &g, &err), TC_OK);
  cr_assert_eq(g.before_s, 0, "an outage is not a vessel going dark");
  tc_columns_free(&o);
  tc_columns_free(&scratch);
  tc_columns_free(&c);
}

/* ---- ranking and the whole annotation ---- */

Test(rank, planted_meeting_outranks_port_cluster) {
  tc_candidates c;
  tc_candidates_init(&c);
  tc_encounter e1 = au_encounter(538001111, 538002222, T0, T0 + 5 * 3600, 20.0, -30.0);   /* open sea */
  tc_encounter e2 = au_encounter(211000001, 211000002, T0, T0 + 20 * 3600, 36.14, -5.36);  /* at port */
  e2.speed_a_kn = e2.speed_b_kn = 0.01;
  cr_assert_eq(tc_candidates_push(&c, &e2), TC_OK);
  cr_assert_eq(tc_candidates_push(&c, &e1), TC_OK);
  tc_vessel_static vs[] = {rec(538001111, T0 - 100, 9074729, "TANKER ONE", 80), rec(538002222, T0 - 100, 0, "TANKER TWO", 84),
                           rec(211000001, T0 - 100, 0, "CARGO", 70), rec(211000002, T0 - 100, 0, "TUG", 52)};
  tc_vessel_index *ix;
  tc_places *pl;
  tc_err err;
  cr_assert_eq(tc_vessel_index_create(vs, 4, &ix, &err), TC_OK);
  cr_assert_eq(tc_places_create(&pl), TC_OK);
  tc_place port = {"Gibraltar", 36.1333, -5.35, 0, 0, 0};
  cr_assert_eq(tc_places_add(pl, &port), TC_OK);
  tc_coast *coast = gshhg();
  tc_annotate_opts o;
  tc_annotate_defaults(&o);
  o.vessels = ix;
  o.places = pl;
  o.coast = coast;
  o.sort_by_score = 1;
  cr_assert_eq(tc_annotate(&c, &o, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(c.n, 2);
  cr_assert_eq(c.v[0].e.mmsi_a, 538001111u, "the tanker meeting at sea ranks first: %s / %s", c.v[0].reasons,
               c.v[1].reasons);
  cr_assert_gt(c.v[0].score, c.v[1].score);
  cr_assert(strstr(c.v[0].reasons, "tanker-tanker +3.0"), "%s", c.v[0].reasons);
  cr_assert(strstr(c.v[0].reasons, "duration 5.0 h +1.5"), "%s", c.v[0].reasons);
  cr_assert(strstr(c.v[1].reasons, "at Gibraltar"), "%s", c.v[1].reasons);
  cr_assert(strstr(c.v[1].reasons, "tug involved"), "%s", c.v[1].reasons);
  cr_assert(c.v[1].tags & TC_TAG_NEAR_PORT);
  cr_assert_str_eq(c.v[0].flag_a, "MH");
  cr_assert_str_eq(c.v[0].va.name, "TANKER ONE");
  if (coast) {
    cr_assert_gt(c.v[0].shore_m, 370400, "%f", c.v[0].shore_m);
    cr_assert(strstr(c.v[0].reasons, "high seas"), "%s", c.v[0].reasons);
    cr_assert_lt(c.v[1].shore_m, 5000);
  }
  /* The score is the sum of the reasons' points. */
  for (size_t i = 0; i < c.n; i++) {
    double sum = 0;
    for (const char *p = c.v[i].reasons; (p = strpbrk(p, "+-")); ) {
      if (p > c.v[i].reasons && p[-1] == ' ' && (p[1] >= '0' && p[1] <= '9'))
        sum += strtod(p, (char **)&p);
      else
        p++;
    }
    cr_assert_float_eq(sum, c.v[i].score, 0.051, "%s = %f", c.v[i].reasons, c.v[i].score);
  }
  tc_coast_free(coast);
  tc_places_free(pl);
  tc_vessel_index_free(ix);
  tc_candidates_free(&c);
}

Test(annotate, filters_area_watchlist_and_port_exclusion) {
  tc_candidates c;
  tc_candidates_init(&c);
  tc_encounter es[] = {au_encounter(111, 222, T0, T0 + 9000, 12, 12), au_encounter(333, 444, T0, T0 + 9000, 15, 15),
                       au_encounter(555, 666, T0 + 10, T0 + 9000, 12.01, 12.01), au_encounter(111, 777, T0, T0 + 9000, 30, 30)};
  for (int i = 0; i < 4; i++)
    cr_assert_eq(tc_candidates_push(&c, &es[i]), TC_OK);
  const char *ap = au_write("f_area.geojson", "{\"type\":\"Polygon\",\"coordinates\":[[[10,10],[20,10],[20,20],[10,20],[10,10]],"
                                              "[[14,14],[16,14],[16,16],[14,16],[14,14]]]}");
  tc_polyset *area;
  tc_watchlist *w;
  tc_places *pl;
  tc_err err;
  cr_assert_eq(tc_polyset_load(ap, &area, &err), TC_OK);
  cr_assert_eq(tc_watchlist_create(&w), TC_OK);
  cr_assert_eq(tc_watchlist_add(w, 0, 111, "x"), TC_OK);
  cr_assert_eq(tc_watchlist_add(w, 0, 666, ""), TC_OK);
  cr_assert_eq(tc_places_create(&pl), TC_OK);
  tc_place port = {"P", 12.01, 12.01, 0, 0, 0};
  cr_assert_eq(tc_places_add(pl, &port), TC_OK);
  tc_annotate_opts o;
  tc_annotate_defaults(&o);
  o.area = area;
  o.watch = w;
  o.places = pl;
  o.exclude_port_radius_m = 500;
  cr_assert_eq(tc_annotate(&c, &o, &err), TC_OK, "%s", err.msg);
  /* 333-444 is in the hole, 555-666 at the port, 111-777 outside the area. */
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.v[0].e.mmsi_b, 222u);
  cr_assert(c.v[0].tags & TC_TAG_WATCH_A);
  cr_assert_not(c.v[0].tags & TC_TAG_WATCH_B);
  cr_assert(c.v[0].tags & TC_TAG_IN_AREA);
  cr_assert(c.v[0].tags & TC_TAG_NEAR_PORT);
  cr_assert(strstr(c.v[0].reasons, "watchlist a +5.0"), "%s", c.v[0].reasons);
  tc_places_free(pl);
  tc_watchlist_free(w);
  tc_polyset_free(area);
  tc_candidates_free(&c);
}

