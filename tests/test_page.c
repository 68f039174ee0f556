/* The report page as an analyst works in it, in headless Chromium with name resolution
 * off: every filter (set through the URL hash, as a link to a filtered view would) keeps
 * the rows it should, the exports hold the filtered selection, a load from outside the
 * page is refused and reported, and no console error. And the land rings: stitched from
 * GSHHG's bin pieces, a lake stays water, clipping keeps the part inside the box. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/evlinks.h"
#include "host/report/report.h"
#include "support/analyst_util.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z */

static int have_chromium(void) { return system("command -v chromium >/dev/null 2>&1") == 0; }

/* Loads file://page#hash in headless Chromium; returns the DOM it ends with. */
static const char *load(const char *page, const char *hash) {
  char dom[4200], cmd[8192];
  snprintf(dom, sizeof dom, "%s.dom", page); /* one per page: suites may run in parallel */
  snprintf(cmd, sizeof cmd,
           "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
           "--host-resolver-rules='MAP * ~NOTFOUND' --virtual-time-budget=10000 --dump-dom 'file://%s#%s' "
           ">'%s' 2>/dev/null",
           page, hash, dom);
  cr_assert_eq(system(cmd), 0, "chromium failed on %s#%s", page, hash);
  FILE *f = fopen(dom, "r");
  cr_assert(f);
  static char buf[1 << 21];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* The value of attribute name in the <body> tag of dom ("" when absent). */
static void body_attr(const char *dom, const char *name, char *out, size_t cap) {
  const char *b = strstr(dom, "<body"), *e = b ? strchr(b, '>') : NULL;
  out[0] = '\0';
  cr_assert(b && e, "no body in the DOM");
  char pat[64];
  snprintf(pat, sizeof pat, " %s=\"", name);
  const char *p = strstr(b, pat);
  if (!p || p > e)
    return;
  p += strlen(pat);
  const char *q = strchr(p, '"');
  snprintf(out, cap, "%.*s", (int)(q - p), p);
}

/* Five candidates that differ in each thing a filter reads. */
static void fixture(tc_candidates *c) {
  tc_candidates_init(c);
  for (int i = 0; i < 5; i++) {
    int64_t t = i == 4 ? T0 + 2 * 86400 : T0 + 3600 * i; /* the last on 2020-09-16 */
    tc_encounter e = au_encounter(538000000 + i, 636000000 + i, t, t + 9000, 10 + 0.1 * i, 20);
    cr_assert_eq(tc_candidates_push(c, &e), TC_OK);
    c->v[i].score = 5 - i;
    snprintf(c->v[i].reasons, sizeof c->v[i].reasons, "test, with a comma +%d.0", 4 - i);
  }
  snprintf(c->v[0].va.name, sizeof c->v[0].va.name, "A <b>&</b> \"Q\"");
  snprintf(c->v[1].vb.name, sizeof c->v[1].vb.name, "Northern Star");
  snprintf(c->v[0].flag_a, 3, "MH");
  snprintf(c->v[1].flag_a, 3, "MH");
  c->v[2].va.ship_type = 80; /* tanker */
  c->v[3].vb.ship_type = 84;
  c->v[1].tags |= TC_TAG_NEAR_PORT;
  snprintf(c->v[1].port, sizeof c->v[1].port, "Test harbour");
  cr_assert_eq(tc_candidates_alloc_tracks(c), TC_OK);
  for (int i = 0; i < 5; i++)
    for (int64_t t = c->v[i].e.start - 7200; t <= c->v[i].e.end + 7200; t += 300) {
      tc_fix a = {t, 10 + 0.1 * i + (t - T0) * 1e-7, 20, 538000000u + i, 0.3f, 0, 511};
      tc_fix b = {t, 10 + 0.1 * i + (t - T0) * 1e-7 + 0.002, 20.001, 636000000u + i, NAN, NAN, 511};
      cr_assert_eq(tc_columns_push(&c->track_a[i], &a), TC_OK);
      cr_assert_eq(tc_columns_push(&c->track_b[i], &b), TC_OK);
    }
}

static const char *write_fixture(const char *name) {
  tc_candidates c;
  fixture(&c);
  tc_report_opts o;
  tc_report_defaults(&o);
  const char *p = au_path(name);
  tc_err err;
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  tc_candidates_free(&c);
  return p;
}

static void expect_shown(const char *page, const char *hash, const char *shown) {
  const char *dom = load(page, hash);
  char v[4096];
  body_attr(dom, "data-errors", v, sizeof v);
  cr_expect_str_empty(v, "#%s: errors: %s", hash, v);
  body_attr(dom, "data-shown", v, sizeof v);
  cr_expect_str_eq(v, shown, "#%s keeps %s rows, expected %s", hash, v, shown);
}

Test(page, filters_keep_the_rows_they_should) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  const char *p = write_fixture("filters.html");
  const char *dom = load(p, "selftest");
  char v[4096];
  body_attr(dom, "data-selftest", v, sizeof v);
  cr_assert_str_eq(v, "ok");
  body_attr(dom, "data-errors", v, sizeof v);
  cr_assert_str_empty(v, "%s", v);
  body_attr(dom, "data-shown", v, sizeof v);
  cr_assert_str_eq(v, "5");
  cr_assert(strstr(dom, "class=\"playback\""), "the first panel has playback controls");
  cr_assert(strstr(dom, "leaflet-control-scale"), "scale bar");
  cr_assert(strstr(dom, "<th data-key=\"end\">end (UTC)</th>") && strstr(dom, ">2020-09-16T02:30</td>"),
            "end time column");
  expect_shown(p, "q=538000003", "1");
  expect_shown(p, "q=northern", "1");           /* a name, any case */
  expect_shown(p, "score=3..5", "3");
  expect_shown(p, "flag=MH", "2");
  expect_shown(p, "type=tanker", "2");          /* either vessel */
  expect_shown(p, "from=2020-09-15", "1");
  expect_shown(p, "to=2020-09-14", "4");
  expect_shown(p, "port=in", "1");
  expect_shown(p, "area=10.15,19,10.45,21", "3");
  expect_shown(p, "score=2..4&port=out", "2");  /* filters combine */
  expect_shown(p, "q=nobody", "0");
}

Test(page, exports_hold_the_filtered_selection) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  if (!au_have_python("html json csv"))
    cr_skip("no /usr/bin/python3");
  const char *p = write_fixture("export.html");
  const char *dom = load(p, "score=4..5&export=csv");
  const char *csv = au_path("export-csv.html");
  FILE *f = fopen(csv, "w");
  cr_assert(f);
  fputs(dom, f);
  fclose(f);
  dom = load(p, "flag=MH&type=tanker&export=geojson"); /* nothing passes both */
  const char *gj0 = au_path("export-gj0.html");
  f = fopen(gj0, "w");
  fputs(dom, f);
  fclose(f);
  dom = load(p, "area=10.15,19,10.45,21&export=geojson");
  const char *gj = au_path("export-gj.html");
  f = fopen(gj, "w");
  fputs(dom, f);
  fclose(f);
  char out[4096], args[4096];
  snprintf(args, sizeof args, "'%s' '%s' '%s'", csv, gj0, gj);
  int rc = au_python(
      "import sys, re, html, json, csv, io\n"
      "def pre(path):\n"
      "  d = open(path).read()\n"
      "  return html.unescape(re.search(r'<pre id=\"tc-export\">(.*?)</pre>', d, re.S).group(1))\n"
      "rows = list(csv.DictReader(io.StringIO(pre(sys.argv[1]))))\n"
      "assert [r['mmsi_a'] for r in rows] == ['538000000', '538000001'], rows\n"
      "assert rows[0]['name_a'] == 'A <b>&</b> \"Q\"', rows[0]['name_a']\n"
      "assert rows[0]['reasons'] == 'test, with a comma +4.0', rows[0]['reasons']\n"
      "assert rows[1]['in_port'] == 'true' and rows[1]['port'] == 'Test harbour', rows[1]\n"
      "assert rows[0]['end'] == '2020-09-14T02:30:00Z', rows[0]['end']\n"
      "g = json.loads(pre(sys.argv[2]))\n"
      "assert g == {'type': 'FeatureCollection', 'features': []}, g\n"
      "g = json.loads(pre(sys.argv[3]))\n"
      "assert [f['properties']['mmsi_a'] for f in g['features']] == [538000002, 538000003, 538000004]\n"
      "assert all(f['geometry']['type'] == 'Point' for f in g['features'])\n"
      "assert g['features'][0]['geometry']['coordinates'] == [20, 10.2], g['features'][0]['geometry']\n"
      "print('OK')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
}

/* The page forbids loads from outside itself (Content-Security-Policy) and reports a
 * refused one as an error: a tile planted in a copy of the page is refused and shows
 * in body[data-errors], so the empty data-errors of the real page means nothing tried. */
Test(page, a_load_from_outside_is_refused_and_reported) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  const char *p = write_fixture("csp.html"), *q = au_path("csp-planted.html");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "grep -c 'Content-Security-Policy\" content=\"default-src .none.' '%s' >/dev/null && "
           "sed 's|</body>|<img src=\"https://tile.openstreetmap.org/0/0/0.png\"></body>|' '%s' >'%s'", p, p, q);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  const char *dom = load(q, "");
  char v[4096];
  body_attr(dom, "data-errors", v, sizeof v);
  cr_assert(strstr(v, "blocked") && strstr(v, "tile.openstreetmap.org"), "errors: '%s'", v);
  dom = load(p, "");
  body_attr(dom, "data-errors", v, sizeof v);
  cr_assert_str_empty(v, "%s", v);
}

/* The reasons travel as numbers and shared forms (report_data.c): the page's script and
 * tests/support/page_data.py give back the very text, whatever digits it holds. */
static const char *const TRICKY[5] = {
    "",
    "duration 9.5 h +3.8; high seas 833 km from shore +5.0; both slow (0.2, 0.20 kn) +1.0",
    "id 0012345678901234567890.50; 1.5.3; x-0.0 0 00 007; 9.",
    "; ;; trailing; ",
    "a 123456789012345.678 b 99999999999999999999.99999999999999 c 0.000000000000001234 d 1e5"};

Test(page, reasons_written_back_exactly) {
  if (!au_have_python("html json csv"))
    cr_skip("no /usr/bin/python3");
  tc_candidates c;
  fixture(&c);
  for (int i = 0; i < 5; i++)
    snprintf(c.v[i].reasons, sizeof c.v[i].reasons, "%s", TRICKY[i]);
  tc_report_opts o;
  tc_report_defaults(&o);
  const char *p = au_path("reasons.html"), *want = au_path("reasons.txt");
  tc_err err;
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  tc_candidates_free(&c);
  FILE *f = fopen(want, "w");
  cr_assert(f);
  for (int i = 0; i < 5; i++)
    fprintf(f, "%s\n", TRICKY[i]);
  fclose(f);
  if (have_chromium())
    (void)load(p, "export=csv"); /* leaves the DOM in page.dom for the script below */
  char out[4096], args[4400];
  snprintf(args, sizeof args, "'%s' '%s' %d", p, want, have_chromium());
  int rc = au_python(
      "import sys, re, html, json, csv, io\n"
      "sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "want = open(sys.argv[2]).read().split('\\n')[:5]\n"
      "h = open(sys.argv[1]).read()\n"
      "d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', h, re.S).group(1))\n"
      "got = [e['reasons'] for e in page_data.candidates(d)]\n"
      "assert got == want, (got, want)\n"
      "if sys.argv[3] == '1':\n"
      "  t = html.unescape(re.search(r'<pre id=\"tc-export\">(.*?)</pre>', open(sys.argv[1] + '.dom').read(), re.S).group(1))\n"
      "  got = [r['reasons'] for r in csv.DictReader(io.StringIO(t))]\n"
      "  assert got == want, (got, want)\n"
      "print('OK')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
}

/* ---- volume: a month's worth of candidates ---- */

#define MANY 20000

/* MANY candidates over 30 days: every 7th with a vessel flagged MH, scores -5..14. No
 * tracks: the data is the candidates' rows, as for a month's list. */
static const char *write_many(const char *name) {
  tc_candidates c;
  tc_candidates_init(&c);
  for (int i = 0; i < MANY; i++) {
    int64_t t = T0 + (int64_t)i * 30 * 86400 / MANY;
    tc_encounter e = au_encounter(412000000 + i, 636000000 + i, t, t + 3600 + 60 * (i % 50), -40 + 0.004 * i, 100 + 0.003 * i);
    cr_assert_eq(tc_candidates_push(&c, &e), TC_OK);
    c.v[i].score = (i * 7919) % 20 - 5;
    snprintf(c.v[i].reasons, sizeof c.v[i].reasons, "duration %.1f h +%d.0; slow +1.0", 1 + (i % 50) / 60.0, i % 3);
    if (i % 7 == 0)
      snprintf(c.v[i].flag_a, 3, "MH");
  }
  tc_report_opts o;
  tc_report_defaults(&o);
  const char *p = au_path(name);
  tc_err err;
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  tc_candidates_free(&c);
  return p;
}

/* Rows of the CSV export in the DOM of page's last load (its .dom file), header left out. */
static int export_rows(const char *page) {
  char args[4200], out[256];
  snprintf(args, sizeof args, "'%s.dom'", page);
  int rc = au_python("import sys, re, html, csv, io\n"
                     "d = open(sys.argv[1]).read()\n"
                     "t = html.unescape(re.search(r'<pre id=\"tc-export\">(.*?)</pre>', d, re.S).group(1))\n"
                     "print(len(list(csv.DictReader(io.StringIO(t)))))\n",
                     args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  return atoi(out);
}

static void expect_attr(const char *dom, const char *name, const char *want, const char *hash) {
  char v[4096];
  body_attr(dom, name, v, sizeof v);
  cr_expect_str_eq(v, want, "#%s: %s is '%s', expected '%s'", hash, name, v, want);
}

/* The table pages through all MANY candidates, the filters and exports see all of them
 * (not only the page shown), and the map draws at most its cap. */
Test(page, many_candidates_paged_filtered_and_exported, .timeout = 240) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  if (!au_have_python("html csv"))
    cr_skip("no /usr/bin/python3");
  const char *p = write_many("many.html");
  const char *dom = load(p, "selftest");
  expect_attr(dom, "data-selftest", "ok", "selftest");
  expect_attr(dom, "data-errors", "", "selftest");
  expect_attr(dom, "data-shown", "20000", "selftest");
  expect_attr(dom, "data-rows", "100", "selftest");
  expect_attr(dom, "data-pages", "200", "selftest");
  expect_attr(dom, "data-drawn", "3000", "selftest");
  cr_expect(strstr(dom, "highest scores of the 20000 kept"), "the map says it draws only some");
  /* a filter over all of them: 2858 have an MH vessel (every 7th of 20000), 500 rows a
   * page; the last of them, with no panel, selected shows its details on its page */
  dom = load(p, "flag=MH&size=500&page=6&select=19999&export=csv");
  expect_attr(dom, "data-errors", "", "flag=MH");
  expect_attr(dom, "data-shown", "2858", "flag=MH");
  expect_attr(dom, "data-pages", "6", "flag=MH");
  expect_attr(dom, "data-page", "6", "flag=MH");
  expect_attr(dom, "data-rows", "358", "flag=MH");
  expect_attr(dom, "data-drawn", "2858", "flag=MH");
  expect_attr(dom, "data-selected", "19999", "select");
  cr_expect(strstr(dom, "<tr data-i=\"19999\" id=\"row-"), "the selected row on the page shown");
  cr_expect(strstr(dom, "<div id=\"selected\" class=\"open\"><h3>#20000 "), "the details of a candidate with no panel");
  cr_expect_eq(export_rows(p), 2858);
}

/* ---- events (spec events §4) ---- */

/* The fixture's store events: a gap of candidate 0's vessel a ending an hour before it
 * met b, another gap nobody's meeting is near, loitering of candidate 2's vessel a where
 * it met b, and a dark rendezvous of candidate 3's pair a week later. */
static tc_gap ev_gaps[2];
static tc_loiter ev_loiter[1];
static tc_dark ev_dark[1];
static tc_event_lists ev_lists;

static const char *write_events_fixture(const char *name) {
  tc_candidates c;
  fixture(&c);
  ev_gaps[0] = (tc_gap){538000000, T0 - 50000, T0 - 3600, 10.3, 20.4, 10.0, 20.0, 52000, 14, 0.9};
  ev_gaps[1] = (tc_gap){777000001, T0 + 86400, T0 + 86400 + 50000, 11, 21, 11.2, 21.3, 40000, 3, 0.8};
  ev_loiter[0] = (tc_loiter){538000002, T0 + 7200 - 20000, T0 + 7200 + 3600, 8, 10.2, 20.01, 0.4};
  ev_dark[0] = (tc_dark){538000003, 636000003, T0 + 7 * 86400, T0 + 7 * 86400 + 40000, T0 + 7 * 86400 + 600,
                         T0 + 7 * 86400 + 36000, 20000, 10.6, 20.2, T0 + 7 * 86400 + 8000, T0 + 7 * 86400 + 28000,
                         3000, 2500, 1, 1};
  ev_lists = (tc_event_lists){ev_loiter, 1, 1, ev_gaps, 2, 2, ev_dark, 1, 1};
  tc_evlink_index *ix;
  tc_err err;
  cr_assert_eq(tc_evlink_index_create(&ev_lists, &ix, &err), TC_OK);
  for (size_t i = 0; i < c.n; i++)
    tc_evlinks_find(ix, NULL, &c.v[i]);
  tc_evlink_index_free(ix);
  cr_assert_eq(c.v[0].n_gaps, 1);
  cr_assert_eq(c.v[2].n_loiter, 1);
  cr_assert_eq(c.v[3].n_dark, 1);
  cr_assert_eq(c.v[1].n_gaps + c.v[1].n_loiter + c.v[1].n_dark, 0);
  tc_report_opts o;
  tc_report_defaults(&o);
  const char *p = au_path(name);
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  tc_candidates_free(&c);
  return p;
}

static void expect_events(const char *page, const char *hash, const char *shown, const char *map, const char *cells) {
  const char *dom = load(page, hash);
  char v[4096];
  body_attr(dom, "data-errors", v, sizeof v);
  cr_expect_str_empty(v, "#%s: errors: %s", hash, v);
  body_attr(dom, "data-shown", v, sizeof v);
  cr_expect_str_eq(v, shown, "#%s keeps %s rows, expected %s", hash, v, shown);
  body_attr(dom, "data-ev-shown", v, sizeof v);
  cr_expect_str_eq(v, map, "#%s: events on the map %s, expected %s", hash, v, map);
  body_attr(dom, "data-ev-cells", v, sizeof v);
  cr_expect_str_eq(v, cells, "#%s: %s event labels in the table, expected %s", hash, v, cells);
}

Test(page, events_on_the_map_in_the_table_and_filtered_by_kind) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  const char *p = write_events_fixture("events.html");
  const char *dom = load(p, "selftest");
  char v[4096];
  body_attr(dom, "data-selftest", v, sizeof v);
  cr_assert_str_eq(v, "ok");
  body_attr(dom, "data-errors", v, sizeof v);
  cr_assert_str_empty(v, "%s", v);
  /* every event on the map, the linked ones in their rows, the panel lists and the network */
  cr_assert(strstr(dom, "<span class=\"ev ev-gap\" title=\"gap a 538000000@2020-09-13T10:06:40Z\">gap a 12.9 h</span>"),
            "candidate 0's row lists its gap");
  cr_assert(strstr(dom, "<h4>Linked events</h4>") && strstr(dom, "<h4>Network neighbourhood</h4>"), "panel lists");
  cr_assert(strstr(dom, "<rect class=\"ev ev-gap ev-a\""), "the gap's band on candidate 0's plots");
  body_attr(dom, "data-ev-linked", v, sizeof v);
  cr_assert_str_eq(v, "3", "the three linked events drawn as linked on the map");
  expect_events(p, "", "5", "gap:2,loitering:1,dark:1", "3");
  /* a kind turned off leaves the map and the table */
  expect_events(p, "kinds=gap,loitering", "5", "gap:2,loitering:1,dark:0", "2");
  expect_events(p, "kinds=", "5", "gap:0,loitering:0,dark:0", "0");
  /* the filter keeps the candidates with a linked event of that kind (the table holds only their rows) */
  expect_events(p, "ev=dark", "1", "gap:2,loitering:1,dark:1", "1");
  expect_events(p, "ev=any", "3", "gap:2,loitering:1,dark:1", "3");
  expect_events(p, "ev=any&kinds=loitering,dark", "2", "gap:0,loitering:1,dark:1", "2");
}

/* ---- land ---- */

static double num(json_t *v) { return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v); }

/* Crossing-number test of one ring [[lon, lat], ...]. */
static int inside(json_t *ring, double lat, double lon) {
  int in = 0;
  size_t n = json_array_size(ring);
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    double xi = num(json_array_get(json_array_get(ring, i), 0)), yi = num(json_array_get(json_array_get(ring, i), 1));
    double xj = num(json_array_get(json_array_get(ring, j), 0)), yj = num(json_array_get(json_array_get(ring, j), 1));
    if ((yi > lat) != (yj > lat) && lon < xi + (lat - yi) / (yj - yi) * (xj - xi))
      in = !in;
  }
  return in;
}

/* Whether (lat, lon) is land by the page's even-odd rule over all rings. */
static int land_at(json_t *rings, double lat, double lon) {
  int in = 0;
  for (size_t r = 0; r < json_array_size(rings); r++)
    in ^= inside(json_array_get(rings, r), lat, lon);
  return in;
}

Test(land, geojson_island_with_a_lake_clipped_to_the_box) {
  const char *path = au_path("island.geojson");
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[10,40],[12,40],[12,42],[10,42],[10,40]],"
        "[[10.5,40.5],[11,40.5],[11,41],[10.5,41],[10.5,40.5]]]}}]}\n", f);
  fclose(f);
  tc_coast *c;
  tc_err err;
  cr_assert_eq(tc_coast_load_geojson(path, &c, &err), TC_OK, "%s", err.msg);
  json_t *rings = tc_report_land(c, 39, 43, 9, 13, 0.001);
  cr_assert(rings);
  cr_assert_eq(json_array_size(rings), 2);
  cr_assert(land_at(rings, 41.5, 11.5), "island");
  cr_assert(!land_at(rings, 40.75, 10.75), "the lake stays water");
  cr_assert(!land_at(rings, 39.5, 11), "sea");
  json_decref(rings);
  /* A box through the island's middle: the part inside, nothing beyond the box. */
  rings = tc_report_land(c, 41.2, 43, 9, 13, 0.001);
  cr_assert_eq(json_array_size(rings), 1);
  json_t *r = json_array_get(rings, 0);
  for (size_t i = 0; i < json_array_size(r); i++)
    cr_assert_geq(num(json_array_get(json_array_get(r, i), 1)), 41.2 - 1e-9);
  cr_assert(land_at(rings, 41.5, 11.5));
  json_decref(rings);
  /* Across the antimeridian the box's longitudes run past 180. */
  rings = tc_report_land(c, 39, 43, 170, 190, 0.001);
  cr_assert_eq(json_array_size(rings), 0);
  json_decref(rings);
  tc_coast_free(c);
}

Test(land, gshhg_pieces_stitched_into_rings) {
  char path[4096];
  if (tc_coast_find_gshhg('l', path, sizeof path) != TC_OK)
    cr_skip("no GSHHG file (apt-get install gmt-gshhg-low)");
  tc_coast *c;
  tc_err err;
  cr_assert_eq(tc_coast_load_gshhg(path, &c, &err), TC_OK, "%s", err.msg);
  /* Iberia and the Maghreb: the box cuts both continents' rings. */
  json_t *rings = tc_report_land(c, 30, 45, -12, 5, 0.01);
  cr_assert(rings && json_array_size(rings) > 0);
  cr_assert(land_at(rings, 40.4, -3.7), "Madrid");
  cr_assert(land_at(rings, 34.0, -5.0), "Fez");
  cr_assert(!land_at(rings, 36.0, -3.5), "Alboran Sea");
  cr_assert(!land_at(rings, 40.0, -11.0), "Atlantic");
  cr_assert(!land_at(rings, 39.5, 2.0), "Balearic Sea");
  cr_assert(land_at(rings, 39.6, 2.9), "Mallorca");
  json_decref(rings);
  /* The Caspian is a lake inside Eurasia; the Black Sea is sea. */
  rings = tc_report_land(c, 35, 50, 30, 60, 0.01);
  cr_assert(land_at(rings, 48.0, 40.0), "steppe");
  cr_assert(!land_at(rings, 42.0, 50.5), "Caspian");
  cr_assert(!land_at(rings, 43.0, 34.0), "Black Sea");
  json_decref(rings);
  /* Fiji's box crosses the antimeridian: longitudes continue past 180. */
  rings = tc_report_land(c, -20, -15, 175, 185, 0.01);
  cr_assert(land_at(rings, -17.8, 178.0), "Viti Levu");
  cr_assert(!land_at(rings, -18.5, 181.0), "sea east of 180");
  json_decref(rings);
  tc_coast_free(c);
}
