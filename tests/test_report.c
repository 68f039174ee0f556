/* The HTML report: structure read back by Python's html.parser, the page loaded in
 * headless Chromium with no network (its own self-test: sorting, a panel's map, no
 * fetch, no error), planted meetings ranked above port clusters, the page without
 * Leaflet; and the anchorages that flag port clusters. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/anchorage.h"
#include "host/report/report.h"
#include "kernels/geo.h"
#include "support/analyst_util.h"

#define T0 1600041600 /* 2020-09-14T00:00:00Z */

static int have_chromium(void) { return system("command -v chromium >/dev/null 2>&1") == 0; }

/* Loads page#selftest in headless Chromium and returns the <body ...> tag of the DOM. */
static void chromium_body(const char *page, char *body, size_t cap) {
  const char *dom = au_path("dom.html");
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
           "--host-resolver-rules='MAP * ~NOTFOUND' --virtual-time-budget=10000 --dump-dom 'file://%s#selftest' "
           ">'%s' 2>/dev/null",
           page, dom);
  cr_assert_eq(system(cmd), 0, "chromium failed on %s", page);
  FILE *f = fopen(dom, "r");
  cr_assert(f);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  char *b = strstr(buf, "<body");
  cr_assert(b, "no body in the DOM");
  char *e = strchr(b, '>');
  snprintf(body, cap, "%.*s", (int)(e - b + 1), b);
}

static void fixture(tc_candidates *c) {
  tc_candidates_init(c);
  for (int i = 0; i < 5; i++) {
    tc_encounter e = au_encounter(538000000 + i, 636000000 + i, T0 + 3600 * i, T0 + 3600 * i + 9000, 10 + 0.1 * i, 20);
    cr_assert_eq(tc_candidates_push(c, &e), TC_OK);
    c->v[i].score = 5 - i;
    snprintf(c->v[i].reasons, sizeof c->v[i].reasons, "duration 2.5 h +0.2; test <&> +%d.0", 4 - i);
  }
  snprintf(c->v[0].va.name, sizeof c->v[0].va.name, "A <b>&</b> \"Q\"");
  snprintf(c->v[0].flag_a, 3, "MH");
  snprintf(c->v[1].flag_a, 3, "MH");
  snprintf(c->note, sizeof c->note, "fixture");
  cr_assert_eq(tc_candidates_alloc_tracks(c), TC_OK);
  for (int i = 0; i < 5; i++)
    for (int64_t t = c->v[i].e.start - 7200; t <= c->v[i].e.end + 7200; t += 300) {
      tc_fix a = {t, 10 + 0.1 * i + (t - T0) * 1e-6, 20, 538000000u + i, 0.3f, 0, 511};
      tc_fix b = {t, 10 + 0.1 * i + (t - T0) * 1e-6 + 0.002, 20.001, 636000000u + i, NAN, NAN, 511};
      cr_assert_eq(tc_columns_push(&c->track_a[i], &a), TC_OK);
      cr_assert_eq(tc_columns_push(&c->track_b[i], &b), TC_OK);
    }
}

Test(report, structure_read_back_by_python) {
  tc_candidates c;
  fixture(&c);
  tc_report_opts o;
  tc_report_defaults(&o);
  o.max_panels = 3;
  const char *p = au_path("fixture.html");
  tc_err err;
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  if (!au_have_python("html.parser json"))
    cr_skip("no /usr/bin/python3");
  char out[4096], args[1100];
  snprintf(args, sizeof args, "'%s'", p);
  int rc = au_python(
      "import sys, json\nfrom html.parser import HTMLParser\n"
      "class P(HTMLParser):\n"
      "  def __init__(s):\n"
      "    super().__init__(); s.tags = {}; s.rows = 0; s.inbody = None; s.data = ''; s.texts = []; s.ext = []\n"
      "  def handle_starttag(s, t, a):\n"
      "    a = dict(a); s.tags[t] = s.tags.get(t, 0) + 1\n"
      "    if t == 'tr' and 'data-i' in a: s.rows += 1\n"
      "    if t == 'script' and a.get('id') == 'tc-data': s.inbody = 'data'\n"
      "    if t == 'details': s.tags['panel'] = s.tags.get('panel', 0) + 1\n"
      "    if t == 'svg': s.tags[a.get('class')] = s.tags.get(a.get('class'), 0) + 1\n"
      "    for k in ('src', 'href'):\n"
      "      if k in a and a[k].startswith(('http:', 'https:', '//')): s.ext.append(a[k])\n"
      "  def handle_endtag(s, t):\n"
      "    if t == 'script': s.inbody = None\n"
      "  def handle_data(s, d):\n"
      "    if s.inbody == 'data': s.data += d\n"
      "    else: s.texts.append(d)\n"
      "p = P(); p.feed(open(sys.argv[1]).read())\n"
      "assert p.rows == 0, 'the table rows are the script\\'s, made from the data'\n"
      "assert p.tags['panel'] == 3, p.tags\n"
      "assert p.tags.get('plot plot-dist') == 3 and p.tags.get('plot plot-speed') == 3, p.tags\n"
      "assert not p.ext, p.ext\n"
      "d = json.loads(p.data)\n"
      "import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
      "assert len(d['enc']) == 5 and sorted(d['tracks']) == ['0', '1', '2']\n"
      "assert d['enc'][0]['name_a'] == 'A <b>&</b> \"Q\"'\n"
      "assert any('A <b>&</b> \"Q\"' in t for t in p.texts), 'name shown as text'\n"
      "assert '\?\?-MH' in p.texts and 'MH-MH' not in p.texts, 'flag pairs'\n"
      "assert len(d['tracks']['0']['a']) > 10\n"
      "print('OK')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  tc_candidates_free(&c);
}

Test(report, chromium_loads_it_offline) {
  if (!have_chromium())
    cr_skip("chromium is not installed (apt-get install chromium)");
  tc_candidates c;
  fixture(&c);
  tc_report_opts o;
  tc_report_defaults(&o);
  const char *p = au_path("offline.html");
  tc_err err;
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  char body[4096];
  chromium_body(p, body, sizeof body);
  cr_assert(strstr(body, "data-ready=\"1\""), "%s", body);
  cr_assert(strstr(body, "data-errors=\"\""), "%s", body);
  cr_assert(strstr(body, "data-selftest=\"ok\""), "%s", body);
  /* Without Leaflet: no maps, said so, the rest works. */
  o.leaflet_dir = "/nonexistent";
  p = au_path("noleaflet.html");
  cr_assert_eq(tc_report_write(p, &c, &o, &err), TC_OK, "%s", err.msg);
  chromium_body(p, body, sizeof body);
  cr_assert(strstr(body, "data-selftest=\"ok\"") && strstr(body, "data-errors=\"\""), "%s", body);
  FILE *f = fopen(au_path("dom.html"), "r");
  static char dom[1 << 20];
  size_t n = fread(dom, 1, sizeof dom - 1, f);
  dom[n] = '\0';
  fclose(f);
  cr_assert(strstr(dom, "Leaflet is not installed"));
  tc_candidates_free(&c);
}

/* End to end: generated traffic with planted meetings, the report command, and the
 * meetings first in its list. */
Test(report, planted_meetings_rank_first) {
  if (!au_have_python("json csv"))
    cr_skip("no /usr/bin/python3");
  const char *store = au_path("gen.h5"), *truth = au_path("truth.csv"), *html = au_path("gen.html");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -f '%s' && '%s' generate -q -o /dev/null --truth '%s' --store '%s' --vessels 160 --days 1.5 "
           "--seed 3 >/dev/null 2>&1 && '%s' report -q '%s' -o '%s' --panels 40",
           store, TC_BINARY, truth, store, TC_BINARY, store, html);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char out[8192], args[2200];
  snprintf(args, sizeof args, "'%s' '%s'", html, truth);
  int rc = au_python(
      "import sys, re, json, csv\n"
      "h = open(sys.argv[1]).read()\n"
      "d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', h, re.S).group(1))\n"
      "import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
      "kind = {(int(r['mmsi_a']), int(r['mmsi_b'])): r['kind'] for r in csv.DictReader(open(sys.argv[2]))}\n"
      "ks = [kind.get((e['mmsi_a'], e['mmsi_b']), 'other') for e in d['enc']]\n"
      "m = [i for i, k in enumerate(ks) if k == 'meeting']\n"
      "p = [i for i, k in enumerate(ks) if k == 'port']\n"
      "n = sum(1 for k in kind.values() if k == 'meeting')\n"
      "assert len(m) == n and n > 0, (len(m), n)\n"
      "assert not p or max(m) < min(p), 'meetings at %s, first port cluster at %d' % (m, min(p))\n"
      "assert [e['score'] for e in d['enc']] == sorted([e['score'] for e in d['enc']], reverse=True)\n"
      "print('OK', len(m), 'meetings above', len(p), 'port-cluster encounters')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  if (have_chromium()) {
    char body[4096];
    chromium_body(html, body, sizeof body);
    cr_assert(strstr(body, "data-selftest=\"ok\"") && strstr(body, "data-errors=\"\""), "%s", body);
  }
}

/* The report at volume reads each bucket once for every candidate together. A store
 * with 1 h buckets (far shorter than the gaps' 36 h reading window) read in slices of
 * 700 rows (so slices split vessels, as 4 M-row slices do at real volume) gives the
 * very page the same traffic gives in 1 d buckets read whole, gap reasons included.
 * Panels' tracks are the same whether read with the gaps (--panels 3: the few that can
 * lead) or in a second pass (--panels 10 here: too many might). The gaps are those read
 * with the tracks (--no-events): the generated traffic has no gap of the events spec. */
Test(report, short_buckets_and_small_slices_give_the_same_page, .timeout = 300) {
  if (!au_have_python("json re"))
    cr_skip("no /usr/bin/python3");
  const char *csv = au_path("vol.csv"), *d1 = au_path("vol1d.h5"), *h1 = au_path("vol1h.h5");
  const char *list = au_path("vol.enc.csv"), *pd = au_path("vol1d.html"), *ph = au_path("vol1h.html");
  const char *rd = au_path("vol1d.ranked.csv"), *rh = au_path("vol1h.ranked.csv");
  const char *p3 = au_path("vol.p3.html"), *p10 = au_path("vol.p10.html");
  char cmd[16384];
  snprintf(cmd, sizeof cmd,
           "rm -f '%s' '%s' && '%s' generate -q --vessels 300 --days 3 --seed 5 -o '%s' >/dev/null 2>&1 && "
           "'%s' import -q '%s' '%s' >/dev/null && '%s' import -q --bucket 1h '%s' '%s' >/dev/null && "
           "'%s' encounters -q '%s' -o '%s' && "
           "'%s' report -q --no-events '%s' '%s' -o '%s' && "
           "TC_TRACK_SLICE_ROWS=700 '%s' report -q --no-events '%s' '%s' -o '%s' && "
           "'%s' encounters -q --no-events '%s' --sort score -o '%s' && "
           "TC_TRACK_SLICE_ROWS=700 '%s' encounters -q --no-events '%s' --sort score -o '%s' && "
           "TC_TRACK_SLICE_ROWS=700 '%s' report -q --no-events '%s' '%s' -o '%s' --panels 3 && "
           "TC_TRACK_SLICE_ROWS=700 '%s' report -q --no-events '%s' '%s' -o '%s' --panels 10",
           d1, h1, TC_BINARY, csv, TC_BINARY, d1, csv, TC_BINARY, h1, csv, TC_BINARY, d1, list, TC_BINARY, d1, list,
           pd, TC_BINARY, h1, list, ph, TC_BINARY, d1, rd, TC_BINARY, h1, rh, TC_BINARY, h1, list, p3, TC_BINARY, h1,
           list, p10);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(cmd, sizeof cmd, "cmp '%s' '%s' && cmp '%s' '%s' && grep -q 'dark [0-9.]* h before' '%s' && "
           "grep -q 'dark [0-9.]* h after' '%s'", pd, ph, rd, rh, pd, pd);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char out[4096], args[4400];
  snprintf(args, sizeof args, "'%s' '%s' '%s'", pd, p3, p10);
  int rc = au_python(
      "import sys, re, json\n"
      "def load(p):\n"
      "  h = open(p).read()\n"
      "  d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', h, re.S).group(1))\n"
      "  import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "  d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
      "  return d\n"
      "full, p3, p10 = (load(p) for p in sys.argv[1:4])\n"
      "assert len(full['enc']) > 100 and len(full['tracks']) == len(full['enc']), (len(full['enc']), len(full['tracks']))\n"
      "for d, n in ((p3, 3), (p10, 10)):\n"
      "  assert [e['id'] for e in d['enc']] == [e['id'] for e in full['enc']]\n"
      "  assert sorted(d['tracks'], key=int) == [str(i) for i in range(n)], sorted(d['tracks'])\n"
      "  for i in d['tracks']:\n"
      "    assert d['tracks'][i] == full['tracks'][i], i\n"
      "print('OK')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
}

/* One ranking: the anchorages found in the store (cached beside it) flag the same
 * encounters whichever command ranks them, so --sort score, the report's data and every
 * output format give every candidate the same score and reasons; a stale cache is
 * found again. The gaps here are those read with the tracks (--no-events; the events'
 * ranking is compared on the Suez sample below). */
Test(report, one_ranking_across_commands_and_formats, .timeout = 240) {
  if (!au_have_python("json csv re xml.etree.ElementTree"))
    cr_skip("no /usr/bin/python3");
  const char *store = au_path("rank.h5"), *list = au_path("rank.enc.csv"), *ranked = au_path("rank.ranked.csv");
  const char *html = au_path("rank.html"), *gj = au_path("rank.geojson"), *kml = au_path("rank.kml");
  const char *h5 = au_path("rank.out.h5"), *csv2 = au_path("rank.fresh.csv");
  char cache[1200], cmd[16384];
  snprintf(cache, sizeof cache, "%s.anchorages.csv", store);
  snprintf(cmd, sizeof cmd,
           "rm -f '%s' '%s' && '%s' generate -q -o /dev/null --store '%s' --vessels 160 --days 1.5 --seed 3 >/dev/null 2>&1 && "
           "'%s' encounters -q '%s' -o '%s' && test ! -e '%s' && "
           "'%s' encounters -q --no-events '%s' --sort score -o '%s' && test -s '%s' && "
           "'%s' report -q --no-events '%s' '%s' -o '%s' && '%s' encounters -q --no-events '%s' -o '%s' && "
           "'%s' encounters -q --no-events '%s' -o '%s' && '%s' encounters -q --no-events '%s' -o '%s'",
           store, cache, TC_BINARY, store, TC_BINARY, store, list, cache, TC_BINARY, store, ranked, cache, TC_BINARY,
           store, list, html, TC_BINARY, store, gj, TC_BINARY, store, kml, TC_BINARY, store, h5);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  /* A stale cache (another key, a made-up anchorage) is found again and rewritten. */
  FILE *f = fopen(cache, "w");
  cr_assert(f);
  fprintf(f, "# trajcorr anchorages key 0000\nname,lat,lon,vessels,radius_m\nbogus,0,0,9,1000\n");
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' encounters -q --no-events '%s' --sort score -o '%s' && ! grep -q bogus '%s' && cmp '%s' '%s'",
           TC_BINARY, store, csv2, cache, ranked, csv2);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char out[8192], args[8192];
  snprintf(args, sizeof args, "'%s' '%s' '%s' '%s' '%s'", ranked, html, gj, kml, h5);
  int rc = au_python(
      "import sys, re, json, csv, xml.etree.ElementTree as ET\n"
      "ranked, html, gj, kml, h5 = sys.argv[1:6]\n"
      "rows = list(csv.DictReader(open(ranked)))\n"
      "want = {r['id']: (float(r['score']), r['reasons']) for r in rows}\n"
      "assert len(want) > 20 and any(r['port'] for r in rows) and any('near_port' in r['tags'] for r in rows), 'anchorages used'\n"
      "assert any('dark' in v[1] for v in want.values()), 'gaps used'\n"
      "got = {}\n"
      "h = open(html).read()\n"
      "d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', h, re.S).group(1))\n"
      "import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
      "got['report'] = {e['id']: (e['score'], e['reasons']) for e in d['enc']}\n"
      "g = json.load(open(gj))\n"
      "got['geojson'] = {x['properties']['id']: (x['properties']['score'], x['properties']['reasons'])\n"
      "                  for x in g['features'] if x['properties'].get('kind') == 'encounter'}\n"
      "ns = {'k': 'http://www.opengis.net/kml/2.2'}\n"
      "k = {}\n"
      "for pm in ET.parse(kml).getroot().iter('{http://www.opengis.net/kml/2.2}Placemark'):\n"
      "  dd = {x.get('name'): (x.findtext('k:value', '', ns)) for x in pm.iter('{http://www.opengis.net/kml/2.2}Data')}\n"
      "  if 'score' in dd: k[dd['id']] = (float(dd['score']), dd['reasons'])\n"
      "got['kml'] = k\n"
      "try:\n"
      "  import h5py\n"
      "  t = h5py.File(h5)['encounters'][:]\n"
      "  got['hdf5'] = {r['id'].decode(): (float(r['score']), r['reasons'].decode()) for r in t}\n"
      "except ImportError:\n"
      "  print('hdf5 not compared: no h5py')\n"
      "for name, m in got.items():\n"
      "  assert set(m) == set(want), (name, len(m), len(want))\n"
      "  bad = [i for i in want if abs(m[i][0] - want[i][0]) > 1e-9 or m[i][1] != want[i][1]]\n"
      "  assert not bad, (name, bad[:3], [(want[i], m[i]) for i in bad[:3]])\n"
      "print('OK', len(want), 'candidates,', ', '.join(sorted(got)))\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_log_info("%s", out);
}

/* The events in the ranking (spec events §4, docs/ranking.md) on the Suez sample, which
 * has gaps, loitering and dark rendezvous: every candidate lists the events the linkage
 * rules give from `trajcorr events`' own lists (recomputed here), and --sort score, the
 * report (encounters computed, or a list given), GeoJSON, KML and HDF5 give every
 * candidate the same score, reasons and linked events; the report's neighbourhoods are
 * those of `trajcorr network`'s edge list. */
Test(report, events_linked_and_scored_alike_everywhere, .timeout = 240) {
  if (!au_have_python("json csv re datetime math xml.etree.ElementTree"))
    cr_skip("no /usr/bin/python3");
  char src[1024];
  snprintf(src, sizeof src, "%s/real-tracks/suez_evergiven_2021_03_derived_sog.csv.gz", TC_SHARED_DATA);
  FILE *f = fopen(src, "r");
  if (!f)
    cr_skip("%s absent", src);
  fclose(f);
  const char *store = au_path("evsuez.h5"), *ev = au_path("evsuez"), *list = au_path("evsuez.enc.csv");
  const char *ranked = au_path("evsuez.ranked.csv"), *html = au_path("evsuez.html"), *html2 = au_path("evsuez.list.html");
  const char *gj = au_path("evsuez.geojson"), *kml = au_path("evsuez.kml"), *h5 = au_path("evsuez.out.h5");
  const char *net = au_path("evsuez.net.csv");
  char cmd[16384];
  snprintf(cmd, sizeof cmd,
           "rm -f '%s' '%s.anchorages.csv' && '%s' import -q '%s' '%s' >/dev/null 2>&1 && '%s' events -q '%s' -o '%s' && "
           "'%s' encounters -q '%s' -o '%s' && '%s' encounters -q '%s' --sort score -o '%s' && "
           "'%s' report -q '%s' -o '%s' && '%s' report -q '%s' '%s' -o '%s' && "
           "'%s' encounters -q '%s' -o '%s' && '%s' encounters -q '%s' -o '%s' && '%s' encounters -q '%s' -o '%s' && "
           "'%s' network -q '%s' -o '%s'",
           store, store, TC_BINARY, store, src, TC_BINARY, store, ev, TC_BINARY, store, list, TC_BINARY, store, ranked,
           TC_BINARY, store, html, TC_BINARY, store, list, html2, TC_BINARY, store, gj, TC_BINARY, store, kml,
           TC_BINARY, store, h5, TC_BINARY, store, net);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char out[8192], args[8192];
  snprintf(args, sizeof args, "'%s' '%s' '%s' '%s' '%s' '%s' '%s' '%s'", ranked, html, html2, gj, kml, h5, ev, net);
  int rc = au_python(
      "import sys, re, json, csv, math, datetime, xml.etree.ElementTree as ET\n"
      "ranked, html, html2, gj, kml, h5, ev, net = sys.argv[1:9]\n"
      "deg, nlinks = {}, {}\n"
      "for r in csv.DictReader(open(net)):\n"
      "  for v in (r['mmsi_a'], r['mmsi_b']):\n"
      "    deg[v] = deg.get(v, 0) + 1\n"
      "    nlinks[v] = nlinks.get(v, 0) + int(r['encounters']) + int(r['dark_rendezvous'])\n"
      "T = lambda s: int(datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp())\n"
      "def hav(a, b, c, d):\n"
      "  r = math.radians\n"
      "  h = math.sin(r(c - a) / 2) ** 2 + math.cos(r(a)) * math.cos(r(c)) * math.sin(r(d - b) / 2) ** 2\n"
      "  return 2 * 6371008.8 * math.asin(math.sqrt(h))\n"
      "gaps = list(csv.DictReader(open(ev + '.gaps.csv')))\n"
      "loit = list(csv.DictReader(open(ev + '.loitering.csv')))\n"
      "dark = list(csv.DictReader(open(ev + '.dark.csv')))\n"
      "rows = list(csv.DictReader(open(ranked)))\n"
      "tot = [0, 0, 0]\n"
      "for r in rows:\n"
      "  s, e, a, b = T(r['start']), T(r['end']), r['mmsi_a'], r['mmsi_b']\n"
      "  lat, lon = float(r['mean_lat']), float(r['mean_lon'])\n"
      "  ng = sum(1 for g in gaps if g['mmsi'] in (a, b) and any(s - 43200 <= T(g[k]) <= e + 43200 for k in ('start', 'end')))\n"
      "  nl = sum(1 for x in loit if x['mmsi'] in (a, b) and T(x['end']) >= s - 43200 and T(x['start']) <= e + 43200\n"
      "           and hav(float(x['mean_lat']), float(x['mean_lon']), lat, lon) <= 10000)\n"
      "  nd = sum(1 for x in dark if {x['mmsi_a'], x['mmsi_b']} == {a, b}\n"
      "           and min(T(x['gap_a_end']), T(x['gap_b_end'])) >= s - 30 * 86400\n"
      "           and max(T(x['gap_a_start']), T(x['gap_b_start'])) <= e + 30 * 86400)\n"
      "  assert (int(r['n_gaps']), int(r['n_loitering']), int(r['n_dark'])) == (ng, nl, nd), (r['id'], r['n_gaps'], r['n_loitering'], r['n_dark'], ng, nl, nd)\n"
      "  tot = [tot[0] + ng, tot[1] + nl, tot[2] + nd]\n"
      "assert all(tot), ('every kind linked somewhere', tot)\n"
      "want = {r['id']: (float(r['score']), r['reasons'], r['events']) for r in rows}\n"
      "assert any('dark rendezvous of the pair' in v[1] for v in want.values()), 'dark rendezvous scored'\n"
      "assert any(re.search('[ab] dark [0-9.]+ h (before|after)', v[1]) for v in want.values()), 'gaps scored'\n"
      "assert any('loitering' in v[1] for v in want.values()), 'loitering scored'\n"
      "got = {}\n"
      "def page(p):\n"
      "  d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', open(p).read(), re.S).group(1))\n"
      "  import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
      "  d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
      "  for k, lst in (('gap', gaps), ('loitering', loit), ('dark', dark)):\n"
      "    linked = {re.sub(' [ab] ', ' ', x['ref']) for e in d['enc'] for x in e['events'] if x['kind'] == k}\n"
      "    refs = [x['ref'] for x in d['events'][k]]\n"
      "    assert d['events']['total'][k] == len(lst), (k, d['events']['total'][k], len(lst))\n"
      "    assert set(refs) >= linked and len(refs) == min(len(lst), len(linked) + 300), (k, len(refs), len(linked))\n"
      "  assert all(str(m) in d['net'] for e in d['enc'] for m in (e['mmsi_a'], e['mmsi_b'])), 'a neighbourhood for every vessel'\n"
      "  nb = d['net']\n"
      "  bad = [m for m in nb if (nb[m]['met'], nb[m]['links']) != (deg[m], nlinks[m]) or len(nb[m]['v']) != min(30, deg[m])]\n"
      "  assert not bad, ('neighbourhoods unlike trajcorr network', bad[:3])\n"
      "  return {e['id']: (e['score'], e['reasons'], '; '.join(x['ref'] for x in e['events'])) for e in d['enc']}\n"
      "got['report'] = page(html)\n"
      "got['report of a list'] = page(html2)\n"
      "g = json.load(open(gj))\n"
      "got['geojson'] = {x['properties']['id']: (x['properties']['score'], x['properties']['reasons'],\n"
      "                  x['properties']['events'])\n"
      "                  for x in g['features'] if x['properties'].get('kind') == 'encounter'}\n"
      "ns = {'k': 'http://www.opengis.net/kml/2.2'}\n"
      "k = {}\n"
      "for pm in ET.parse(kml).getroot().iter('{http://www.opengis.net/kml/2.2}Placemark'):\n"
      "  dd = {x.get('name'): (x.findtext('k:value', '', ns)) for x in pm.iter('{http://www.opengis.net/kml/2.2}Data')}\n"
      "  if 'score' in dd: k[dd['id']] = (float(dd['score']), dd['reasons'], want[dd['id']][2])\n"
      "got['kml'] = k\n"
      "try:\n"
      "  import h5py\n"
      "  t = h5py.File(h5)['encounters'][:]\n"
      "  got['hdf5'] = {r['id'].decode(): (float(r['score']), r['reasons'].decode(), want[r['id'].decode()][2]) for r in t}\n"
      "except ImportError:\n"
      "  print('hdf5 not compared: no h5py')\n"
      "for name, m in got.items():\n"
      "  assert set(m) == set(want), (name, len(m), len(want))\n"
      "  bad = [i for i in want if abs(m[i][0] - want[i][0]) > 1e-9 or m[i][1:] != want[i][1:]]\n"
      "  assert not bad, (name, bad[:3], [(want[i], m[i]) for i in bad[:3]])\n"
      "print('OK', len(want), 'candidates, linked gaps/loitering/dark', tot, ';', ', '.join(sorted(got)))\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_log_info("%s", out);
}

Test(report, real_list_from_csv) {
  char csv[1024], src[1024];
  snprintf(csv, sizeof csv, "%s/real-tracks/expected/baltic_2018_04_01.encounters.csv", TC_SHARED_DATA);
  snprintf(src, sizeof src, "%s/real-tracks/baltic_2018_04_01.csv.gz", TC_SHARED_DATA);
  FILE *f = fopen(src, "r");
  if (!f)
    cr_skip("%s absent", src);
  fclose(f);
  const char *store = au_path("baltic.h5"), *html = au_path("baltic.html");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -f '%s' && '%s' import -q '%s' '%s' >/dev/null 2>&1 && '%s' report -q '%s' '%s' -o '%s' --panels 20",
           store, TC_BINARY, store, src, TC_BINARY, store, csv, html);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(cmd, sizeof cmd, "grep -q '<p>144 candidates from ' '%s' && test $(grep -c '<details class=\"enc\"' '%s') -eq 20",
           html, html);
  cr_assert_eq(system(cmd), 0, "144 candidates and 20 panels expected in %s", html);
  snprintf(cmd, sizeof cmd, "'%s' report -q '%s' /nonexistent.csv -o '%s' 2>/dev/null", TC_BINARY, store, au_path("x.html"));
  cr_assert_neq(system(cmd), 0, "a missing list is an error");
}

/* ---- anchorages ---- */

Test(anchorages, stationary_vessels_cluster_and_read_back) {
  tc_columns c;
  tc_columns_init(&c);
  /* Six ships anchored within ~1.5 km near (36.15, -5.37) (sog reported), two more
   * stationary 50 km away, and one moving ship; all sorted by (mmsi, t). */
  for (uint32_t v = 1; v <= 9; v++)
    for (int64_t t = T0; t < T0 + 6 * 3600; t += 600) {
      tc_fix f = {t, 36.15 + 0.002 * (v % 3) - 0.001 * (v / 3), -5.37 + 0.003 * (v % 4), v, 0.1f, 0, 511};
      if (v >= 7 && v <= 8) {
        f.lat = 36.6;
        f.lon = -5.9 + 0.001 * v;
        f.sog = NAN; /* speed unknown: implied by the (unmoving) neighbours */
      }
      if (v == 9) {
        f.lat = 36.0 + (t - T0) * 1e-4; /* ~20 kn */
        f.sog = NAN;
      }
      cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
    }
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  tc_anchorage_finder *a;
  tc_places *ports, *found;
  tc_err err;
  cr_assert_eq(tc_anchorage_create(&p, &a, &err), TC_OK);
  /* Two batches, as two store buckets would come. */
  tc_columns b1, b2;
  tc_columns_init(&b1);
  tc_columns_init(&b2);
  for (size_t i = 0; i < c.n; i++) {
    tc_fix f;
    tc_columns_get(&c, i, &f);
    cr_assert_eq(tc_columns_push(f.t < T0 + 3 * 3600 ? &b1 : &b2, &f), TC_OK);
  }
  cr_assert_eq(tc_anchorage_add(a, &b1, &err), TC_OK);
  cr_assert_eq(tc_anchorage_add(a, &b2, &err), TC_OK);
  cr_assert_eq(tc_places_create(&ports), TC_OK);
  cr_assert_eq(tc_places_create(&found), TC_OK);
  tc_place gib = {"Gibraltar", 36.1333, -5.35, 0, 0, 0};
  cr_assert_eq(tc_places_add(ports, &gib), TC_OK);
  cr_assert_eq(tc_anchorage_finish(a, ports, found, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_places_count(found), 1, "%zu anchorages", tc_places_count(found));
  const tc_place *g = tc_places_get(found, 0);
  cr_assert_str_eq(g->name, "Gibraltar anchorage");
  cr_assert_eq(g->vessels, 6);
  cr_assert_lt(tc_haversine_m(g->lat, g->lon, 36.15, -5.365), 1500, "centre %f %f", g->lat, g->lon);
  cr_assert_gt(g->radius_m, 500);
  cr_assert_gt(tc_anchorage_stationary(a), 6 * 36);
  /* Written and read back as a ports file. */
  const char *path = au_path("anchorages.csv");
  cr_assert_eq(tc_places_write_csv(found, path, &err), TC_OK, "%s", err.msg);
  tc_places *back;
  cr_assert_eq(tc_places_create(&back), TC_OK);
  cr_assert_eq(tc_places_load(back, path, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_places_count(back), 1);
  cr_assert(tc_places_get(back, 0)->is_anchorage);
  cr_assert_eq(tc_places_get(back, 0)->vessels, 6);
  cr_assert_float_eq(tc_places_get(back, 0)->radius_m, g->radius_m, 0.5);
  tc_places_free(back);
  tc_places_free(ports);
  tc_places_free(found);
  tc_anchorage_free(a);
  tc_columns_free(&b1);
  tc_columns_free(&b2);
  tc_columns_free(&c);
}
