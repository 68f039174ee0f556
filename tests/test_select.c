/* Selection of candidates (host/report/select.h; docs/outputs.md, "Selecting
 * candidates"): the values of --flag, --ship-type and --bbox, which vessel of a pair
 * must match, the antimeridian, and on a real sample with static data imported beside
 * it, that encounters and report keep exactly the rows of the whole ranked list that
 * the rule keeps, with the same scores; --watchlist-mode flag keeps every row. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/report/select.h"
#include "support/analyst_util.h"

static tc_select *sel(const char *flags, const char *types, const char *bbox, int both) {
  tc_select *s;
  tc_err err = {0};
  cr_assert_eq(tc_select_create(&s), TC_OK);
  if (flags)
    cr_assert_eq(tc_select_add_flags(s, flags, "--flag", &err), TC_OK, "%s", err.msg);
  if (types)
    cr_assert_eq(tc_select_add_types(s, types, "--ship-type", &err), TC_OK, "%s", err.msg);
  if (bbox)
    cr_assert_eq(tc_select_set_bbox(s, bbox, "--bbox", &err), TC_OK, "%s", err.msg);
  tc_select_set_both(s, both);
  return s;
}

/* The CLI cases run on the Gibraltar real track of the shared data, beside the checkout. */
#define SEL_GIBRALTAR TC_SHARED_DATA "/real-tracks/gibraltar_2016_06_01.csv.gz"
static void need_gibraltar(void) {
  if (access(SEL_GIBRALTAR, R_OK) != 0)
    cr_skip_test("%s is not here (shared data absent)", SEL_GIBRALTAR);
}

Test(select, flags_by_code_mid_name_and_unknown) {
  tc_select *s = sel("pa, LR", NULL, NULL, 0);
  cr_assert(tc_select_vessel(s, 351000001, 0), "351 is Panama");
  cr_assert(tc_select_vessel(s, 372000001, 0), "372 is Panama too");
  cr_assert(tc_select_vessel(s, 636012345, 0), "636 is Liberia");
  cr_assert(tc_select_vessel(s, 835100001, 0), "8MIDxxxxx handheld of Panama");
  cr_assert_not(tc_select_vessel(s, 538000001, 0), "538 is the Marshall Islands");
  cr_assert_not(tc_select_vessel(s, 970123456, 0), "an AIS-SART carries no MID");
  tc_select_free(s);
  s = sel("538", NULL, NULL, 0);
  cr_assert(tc_select_vessel(s, 538000001, 0));
  cr_assert_not(tc_select_vessel(s, 351000001, 0));
  tc_select_free(s);
  s = sel("Portugal,unknown", NULL, NULL, 0);
  cr_assert(tc_select_vessel(s, 263000001, 0), "Portugal");
  cr_assert(tc_select_vessel(s, 204000001, 0), "Portugal (Azores) is Portugal");
  cr_assert(tc_select_vessel(s, 255000001, 0), "Portugal (Madeira) is Portugal");
  cr_assert(tc_select_vessel(s, 970123456, 0), "unknown: no MID");
  cr_assert(tc_select_vessel(s, 217000001, 0), "unknown: 217 is not allocated");
  cr_assert_not(tc_select_vessel(s, 224000001, 0), "Spain");
  tc_select_free(s);
}

Test(select, ship_types_by_code_range_name_and_unknown) {
  tc_select *s = sel(NULL, "tanker", NULL, 0);
  for (int c = 0; c < 256; c++)
    cr_assert_eq(tc_select_vessel(s, 1, c), c >= 80 && c <= 89, "tanker and code %d", c);
  tc_select_free(s);
  s = sel(NULL, "30, 70-72,pleasure,High-Speed,search_and_rescue,towing", NULL, 0);
  int want[] = {30, 70, 71, 72, 37, 40, 45, 49, 51, 31, 32};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    cr_assert(tc_select_vessel(s, 1, want[i]), "code %d", want[i]);
  int not[] = {0, 29, 33, 73, 36, 50, 52, 80, 255, -1, 256};
  for (size_t i = 0; i < sizeof not / sizeof *not; i++)
    cr_assert_not(tc_select_vessel(s, 1, not[i]), "code %d", not[i]);
  tc_select_free(s);
  s = sel(NULL, "unknown", NULL, 0);
  cr_assert(tc_select_vessel(s, 1, 0), "no static data: code 0");
  cr_assert_not(tc_select_vessel(s, 1, 70));
  tc_select_free(s);
  s = sel("PA", "cargo", NULL, 0);
  cr_assert(tc_select_vessel(s, 351000001, 70), "a Panamanian cargo ship");
  cr_assert_not(tc_select_vessel(s, 351000001, 80), "a Panamanian tanker");
  cr_assert_not(tc_select_vessel(s, 636000001, 70), "a Liberian cargo ship");
  tc_select_free(s);
}

Test(select, bad_values_name_the_option_item_and_rule) {
  static const struct {
    int kind; /* 0 flag, 1 type, 2 bbox */
    const char *v, *want;
  } bad[] = {
      {0, "XX", "--flag 'XX': not a flag state with a MID"},
      {0, "PA,,LR", "--flag: an empty item"},
      {0, "PA,", "--flag: an empty item"},
      {0, "217", "--flag '217': not an allocated MID"},
      {0, "Atlantis", "--flag 'Atlantis': not a flag state"},
      {1, "tankr", "--ship-type 'tankr': not a ship type"},
      {1, "256", "--ship-type '256': not a ship type"},
      {1, "89-80", "--ship-type '89-80': a range is two codes"},
      {1, "80-", "--ship-type '80-': a range is two codes"},
      {1, "high", "--ship-type 'high': not a ship type"},
      {2, "1,2,3", "--bbox: 3 numbers, not four"},
      {2, "1,2,3,4,5", "--bbox: more than four numbers"},
      {2, "1,2,x,4", "--bbox 'x': not a longitude"},
      {2, "1,nan,3,4", "--bbox 'nan': not a latitude"},
      {2, "1,50,3,40", "--bbox: minlat 50 above maxlat 40"},
      {2, "181,0,3,4", "--bbox: minlon 181 outside -180..180"},
      {2, "0,-91,3,4", "--bbox: minlat -91 outside -90..90"},
      {2, "", "--bbox: an empty item"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tc_select *s;
    tc_err err = {0};
    cr_assert_eq(tc_select_create(&s), TC_OK);
    tc_status st = bad[i].kind == 0   ? tc_select_add_flags(s, bad[i].v, "--flag", &err)
                   : bad[i].kind == 1 ? tc_select_add_types(s, bad[i].v, "--ship-type", &err)
                                      : tc_select_set_bbox(s, bad[i].v, "--bbox", &err);
    cr_assert_eq(st, TC_ERR_ARG, "'%s' accepted", bad[i].v);
    cr_assert(strstr(err.msg, bad[i].want), "'%s': %s", bad[i].v, err.msg);
    tc_select_free(s);
  }
}

Test(select, bbox_edges_and_the_antimeridian) {
  tc_select *s = sel(NULL, NULL, "-10,30,5,40", 0);
  cr_assert(tc_select_in_bbox(s, 35, 0));
  cr_assert(tc_select_in_bbox(s, 30, -10), "edges are inside");
  cr_assert(tc_select_in_bbox(s, 40, 5));
  cr_assert_not(tc_select_in_bbox(s, 35, 5.0001));
  cr_assert_not(tc_select_in_bbox(s, 29.9999, 0));
  tc_select_free(s);
  s = sel(NULL, NULL, "170,-10,-170,10", 0); /* 20 degrees across the antimeridian */
  cr_assert(tc_select_in_bbox(s, 0, 175));
  cr_assert(tc_select_in_bbox(s, 0, -175));
  cr_assert(tc_select_in_bbox(s, 0, 180));
  cr_assert(tc_select_in_bbox(s, 0, -180));
  cr_assert_not(tc_select_in_bbox(s, 0, 0));
  cr_assert_not(tc_select_in_bbox(s, 0, 169.9));
  cr_assert_not(tc_select_in_bbox(s, 0, -169.9));
  cr_assert_not(tc_select_in_bbox(s, 11, 175));
  tc_select_free(s);
  s = sel(NULL, NULL, "-180,-10,-170,10", 0); /* touches the antimeridian from the west */
  cr_assert(tc_select_in_bbox(s, 0, 180), "180 and -180 are one meridian");
  cr_assert(tc_select_in_bbox(s, 0, -180));
  cr_assert_not(tc_select_in_bbox(s, 0, 179.9));
  tc_select_free(s);
}

Test(select, either_or_both_vessels_and_the_box) {
  tc_candidate k;
  memset(&k, 0, sizeof k);
  k.e = au_encounter(351000001, 636000001, 0, 7200, 35, -5); /* Panama - Liberia */
  k.va.ship_type = 80;                                      /* a tanker … */
  k.vb.ship_type = 0;                                       /* … and a vessel without static data */
  tc_select *s = sel("PA", "tanker", NULL, 0);
  cr_assert(tc_select_keep(s, &k), "vessel a is a Panamanian tanker");
  tc_select_set_both(s, 1);
  cr_assert_not(tc_select_keep(s, &k), "vessel b is neither");
  tc_select_free(s);
  s = sel("PA,LR", "tanker,unknown", NULL, 1);
  cr_assert(tc_select_keep(s, &k), "both match once b's missing type is asked for");
  tc_select_free(s);
  s = sel("LR", "tanker", NULL, 0);
  cr_assert_not(tc_select_keep(s, &k), "flag and type are asked of the same vessel");
  tc_select_free(s);
  s = sel("LR", NULL, "-6,34,-4,36", 0);
  cr_assert(tc_select_keep(s, &k));
  tc_select_free(s);
  s = sel("LR", NULL, "-4,34,-3,36", 0);
  cr_assert_not(tc_select_keep(s, &k), "outside the box");
  tc_select_free(s);
  cr_assert(tc_select_keep(NULL, &k));
}

/* The Gibraltar sample with static records (MarineCadastre rows one day before it, far
 * out at sea) for most vessels of its encounters: each selection keeps exactly the rows
 * of the whole ranked list the rule keeps, byte for byte, and the report keeps the same
 * candidates with the same scores. */
Test(select, cli_keeps_the_rows_the_rule_keeps, .timeout = 240) {
  need_gibraltar();
  if (!au_have_python("csv json re"))
    cr_skip("no /usr/bin/python3");
  /* au_path's buffers are reused: keep copies */
  char store[1024], stat[1024], all[1024], watch[1024], sel[1024], page[1024], wf[1024], wl[1024];
  snprintf(store, sizeof store, "%s", au_path("sel.h5"));
  snprintf(stat, sizeof stat, "%s", au_path("sel.static.csv"));
  snprintf(all, sizeof all, "%s", au_path("sel.all.csv"));
  snprintf(watch, sizeof watch, "%s", au_path("sel.watch.txt"));
  snprintf(sel, sizeof sel, "%s", au_path("sel.sel.csv"));
  snprintf(page, sizeof page, "%s", au_path("sel.html"));
  snprintf(wf, sizeof wf, "%s", au_path("sel.wf.csv"));
  snprintf(wl, sizeof wl, "%s", au_path("sel.wl.csv"));
  char data[1024], cmd[16384], out[8192];
  snprintf(data, sizeof data, "%s/real-tracks/gibraltar_2016_06_01.csv.gz", TC_SHARED_DATA);
  /* static data: types cycle through cargo, tanker, fishing, tug and none by MMSI */
  char args[8192];
  snprintf(args, sizeof args, "'%s/real-tracks/expected/gibraltar_2016_06_01.encounters.csv' '%s'", TC_SHARED_DATA,
           stat);
  int rc = au_python("import sys, csv\n"
                     "ids = sorted({int(r[k]) for r in csv.DictReader(open(sys.argv[1])) for k in ('mmsi_a', 'mmsi_b')})\n"
                     "types = ['70', '80', '30', '52', None]\n"
                     "with open(sys.argv[2], 'w') as f:\n"
                     "  f.write('MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
                     "Length,Width,Draft,Cargo,TransceiverClass\\n')\n"
                     "  for i, m in enumerate(ids):\n"
                     "    t = types[i % 5]\n"
                     "    if t: f.write('%d,2016-05-31T00:00:00,%.2f,-30.0,0,0,511,SHIP %d,,,%s,,,,,,A\\n' % (m, 10 + i * 0.1, i, t))\n"
                     "print(len(ids))\n",
                     args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  snprintf(cmd, sizeof cmd,
           "rm -f '%s' '%s.anchorages.csv' && '%s' import -q '%s' '%s' '%s' && "
           "'%s' encounters -q '%s' --sort score --coast none -o '%s'",
           store, store, TC_BINARY, store, data, stat, TC_BINARY, store, all);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  /* two vessels of the list for the watchlist */
  snprintf(args, sizeof args, "'%s' '%s'", all, watch);
  rc = au_python("import sys, csv\n"
                 "rows = list(csv.DictReader(open(sys.argv[1])))\n"
                 "open(sys.argv[2], 'w').write('# two\\n%s,first\\nmmsi:%s\\n' % (rows[3]['mmsi_a'], rows[7]['mmsi_b']))\n"
                 "assert len(rows) > 100 and sum(r['type_a'] == '80' for r in rows) > 5, len(rows)\n",
                 args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  static const struct {
    const char *opts, *flags, *types, *bbox;
    int both;
  } cases[] = {
      {"--flag ES,gb --flag Malta", "ES,GB,MT", "", "", 0},
      {"--flag unknown,MA", "unknown,MA", "", "", 0},
      {"--ship-type tanker", "", "80", "", 0},
      {"--ship-type 70-79,fishing --match both", "", "70,30", "", 1},
      {"--ship-type unknown --flag ES,GI", "ES,GI", "0", "", 0},
      {"--flag ES,GI --ship-type tug,cargo --match both", "ES,GI", "52,70", "", 1},
      {"--bbox -5.4,36.0,-5.3,36.2", "", "", "-5.4,36.0,-5.3,36.2", 0},
      {"--bbox=-5.37,-90,-5.42,90 --ship-type cargo", "", "70", "-5.37,-90,-5.42,90", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snprintf(cmd, sizeof cmd,
             "'%s' encounters -q '%s' --sort score --coast none -o '%s' %s && "
             "'%s' report -q '%s' --coast none -o '%s' %s",
             TC_BINARY, store, sel, cases[i].opts, TC_BINARY, store, page, cases[i].opts);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(args, sizeof args, "'%s' '%s' '%s' '%s' '%s' '%s' %d", all, sel, page, cases[i].flags, cases[i].types,
             cases[i].bbox, cases[i].both);
    rc = au_python(
        "import sys, csv, json, re\n"
        "allp, selp, page, flags, types, bbox, both = sys.argv[1:8]\n"
        "flags = set(flags.split(',')) if flags else None\n"
        "flags = flags and {'' if f == 'unknown' else f for f in flags}\n"
        "types = {'' if t == '0' else t for t in types.split(',')} if types else None\n"
        "def vessel(r, v):\n"
        "  return (flags is None or r['flag_' + v] in flags) and (types is None or r['type_' + v] in types)\n"
        "def keep(r):\n"
        "  if bbox:\n"
        "    w, s, e, n = map(float, bbox.split(','))\n"
        "    lat, lon = float(r['mean_lat']), float(r['mean_lon'])\n"
        "    if not s <= lat <= n: return False\n"
        "    if not (w <= lon <= e if w <= e else lon >= w or lon <= e): return False\n"
        "  if flags is None and types is None: return True\n"
        "  a, b = vessel(r, 'a'), vessel(r, 'b')\n"
        "  return a and b if both == '1' else a or b\n"
        "lines = open(allp).read().splitlines()\n"
        "hdr, body = lines[0], lines[1:]\n"
        "rows = list(csv.DictReader(open(allp)))\n"
        "want = [l for l, r in zip(body, rows) if keep(r)]\n"
        "got = open(selp).read().splitlines()\n"
        "assert got[0] == hdr\n"
        "assert got[1:] == want, (len(got) - 1, len(want))\n"
        "assert 0 < len(want) < len(body), (len(want), len(body))\n"
        "h = open(page).read()\n"
        "d = json.loads(re.search(r'<script type=\"application/json\" id=\"tc-data\">(.*?)</script>', h, re.S).group(1))\n"
        "import sys as _sys; _sys.path.insert(0, '" TC_SOURCE_DIR "/tests/support'); import page_data\n"
        "d['enc'] = page_data.candidates(d)  # the rows under their columns\n"
        "sc = {r['id']: float(r['score']) for r in rows if keep(r)}\n"
        "assert sorted(e['id'] for e in d['enc']) == sorted(sc), 'the page keeps other candidates'\n"
        "for e in d['enc']:\n"
        "  assert abs(e['score'] - sc[e['id']]) < 1e-9, e['id']\n"
        "print(len(want), 'of', len(body))\n",
        args, out, sizeof out);
    cr_assert_eq(rc, 0, "%s: %s", cases[i].opts, out);
  }
  /* the watchlist filters, or flags and scores, but never changes the other rows */
  snprintf(cmd, sizeof cmd,
           "'%s' encounters -q '%s' --sort score --coast none -o '%s' --watchlist '%s' && "
           "'%s' encounters -q '%s' --sort score --coast none -o '%s' --watchlist '%s' --watchlist-mode flag",
           TC_BINARY, store, wf, watch, TC_BINARY, store, wl, watch);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(args, sizeof args, "'%s' '%s' '%s' '%s'", all, wf, wl, watch);
  rc = au_python(
      "import sys, csv\n"
      "allp, wf, wl, watch = sys.argv[1:5]\n"
      "ids = {l.split('#')[0].split(',')[0].replace('mmsi:', '').strip() for l in open(watch)} - {''}\n"
      "assert len(ids) == 2, ids\n"
      "base = {r['id']: r for r in csv.DictReader(open(allp))}\n"
      "def check(path, every):\n"
      "  rows = list(csv.DictReader(open(path)))\n"
      "  hits = [r for r in base.values() if r['mmsi_a'] in ids or r['mmsi_b'] in ids]\n"
      "  assert len(rows) == (len(base) if every else len(hits)) and hits, (len(rows), len(hits))\n"
      "  for r in rows:\n"
      "    b = base[r['id']]\n"
      "    n = (r['mmsi_a'] in ids) + (r['mmsi_b'] in ids)\n"
      "    assert abs(float(r['score']) - float(b['score']) - 5 * n) < 0.051, (r['id'], r['score'], b['score'])\n"
      "    assert ('watch_a' in r['tags']) == (r['mmsi_a'] in ids) and ('watch_b' in r['tags']) == (r['mmsi_b'] in ids)\n"
      "    assert ('watchlist a +5.0' in r['reasons']) == (r['mmsi_a'] in ids), r['reasons']\n"
      "  s = [float(r['score']) for r in rows]\n"
      "  assert s == sorted(s, reverse=True)\n"
      "check(wf, False)\n"
      "check(wl, True)\n"
      "print('OK')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
}

/* Bad values stop the command before any work (exit 2, nothing written); a watchlist
 * that cannot be read, or has a bad line, is named with the line (exit 1). */
Test(select, cli_refuses_bad_values_before_any_work, .timeout = 120) {
  need_gibraltar();
  char store[1024], outp[1024], wbad[1024];
  snprintf(store, sizeof store, "%s", au_path("selbad.h5"));
  snprintf(outp, sizeof outp, "%s", au_path("selbad.csv"));
  snprintf(wbad, sizeof wbad, "%s", au_write("selbad.watch.txt", "# list\n636012345\n63601x345,typo\n"));
  char data[1024], cmd[8192];
  snprintf(data, sizeof data, "%s/real-tracks/gibraltar_2016_06_01.csv.gz", TC_SHARED_DATA);
  snprintf(cmd, sizeof cmd, "rm -f '%s' && '%s' import -q '%s' '%s'", store, TC_BINARY, store, data);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  static const struct {
    const char *cmd, *opts, *want;
    int rc;
  } cases[] = {
      {"encounters", "--flag ZZ", "--flag 'ZZ': not a flag state", 2},
      {"report", "--ship-type tankers", "--ship-type 'tankers': not a ship type", 2},
      {"encounters", "--bbox 10,20,30", "--bbox: 3 numbers, not four", 2},
      {"report", "--bbox 10,20,30,95", "--bbox: maxlat 95 outside -90..90", 2},
      {"encounters", "--match both", "--match both: no --flag or --ship-type", 2},
      {"encounters", "--watchlist-mode flag", "--watchlist-mode flag: no --watchlist", 2},
      {"encounters", "--watchlist /nonexistent/w.txt", "/nonexistent/w.txt: No such file", 1},
      {"report", "--watchlist WBAD", "selbad.watch.txt:3: '63601x345' is not an MMSI or IMO number", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char opts[2048], msg[2048] = "";
    const char *w = strstr(cases[i].opts, "WBAD");
    if (w)
      snprintf(opts, sizeof opts, "%.*s'%s'", (int)(w - cases[i].opts), cases[i].opts, wbad);
    else
      snprintf(opts, sizeof opts, "%s", cases[i].opts);
    remove(outp);
    snprintf(cmd, sizeof cmd, "'%s' %s -q '%s' -o '%s' --coast none %s 2>&1", TC_BINARY, cases[i].cmd, store, outp,
             opts);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    size_t n = fread(msg, 1, sizeof msg - 1, p);
    msg[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].rc, "%s: status %d: %s", cmd, st, msg);
    cr_assert(strstr(msg, cases[i].want), "%s: %s", cmd, msg);
    FILE *f = fopen(outp, "r");
    cr_assert_null(f, "%s: the output was written", cmd);
  }
}

/* network keeps the links the rule keeps: with flags (constant per MMSI) its edge list
 * is exactly the rows of the whole network's with a vessel (or both) of those flags,
 * however the flags are written; a watchlist keeps the edges of listed vessels; a
 * world-wide box keeps everything. events keeps the rows of the whole lists the rule
 * keeps. */
Test(select, network_and_events_keep_what_the_rule_keeps, .timeout = 120) {
  need_gibraltar();
  if (!au_have_python("csv"))
    cr_skip("no /usr/bin/python3");
  char dir[1024], cmd[16384], out[4096], args[2048];
  snprintf(dir, sizeof dir, "%s", au_path("selnet"));
  snprintf(cmd, sizeof cmd,
           "rm -rf '%s' && mkdir -p '%s' && cd '%s' && '%s' import -q net.h5 '%s/real-tracks/gibraltar_2016_06_01.csv.gz' && "
           "printf '# list\\n%%s\\nmmsi:%%s\\n' 224316000 236111946 > w.txt && "
           "'%s' network -q net.h5 -o all.csv && "
           "'%s' network -q net.h5 -o es.csv --flag ES && '%s' network -q net.h5 -o es2.csv --flag 224,225 && "
           "'%s' network -q net.h5 -o es3.csv --flag spain && '%s' network -q net.h5 -o esb.csv --flag es --match both && "
           "'%s' network -q net.h5 -o w.csv --watchlist w.txt && "
           "'%s' network -q net.h5 -o world.csv --bbox -180,-90,180,90 && "
           "'%s' network -q net.h5 -o box.csv --bbox -5.4,36.0,-5.3,36.2 && "
           "cmp es.csv es2.csv && cmp es.csv es3.csv && cmp all.csv world.csv && cmp all.chains.csv world.chains.csv && "
           "'%s' events -q net.h5 --min-gap 1h -o ev && '%s' events -q net.h5 --min-gap 1h -o evs --flag ES && "
           "'%s' events -q net.h5 --min-gap 1h -o evw --watchlist w.txt && '%s' events -q net.h5 --min-gap 1h -o evb --bbox -5.4,36.0,-5.3,36.2",
           dir, dir, dir, TC_BINARY, TC_SHARED_DATA, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY,
           TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(args, sizeof args, "'%s'", dir);
  int rc = au_python("import sys, os\n"
                     "os.chdir(sys.argv[1])\n"
                     "rows = lambda p: open(p).read().splitlines()\n"
                     "full = rows('all.csv')\n"
                     "es = lambda m: m[:3] in ('224', '225')\n"
                     "def sub(f):\n"
                     "  return [full[0]] + [l for l in full[1:] if f(*l.split(',')[:2])]\n"
                     "assert rows('es.csv') == sub(lambda a, b: es(a) or es(b))\n"
                     "assert rows('esb.csv') == sub(lambda a, b: es(a) and es(b))\n"
                     "w = {'224316000', '236111946'}\n"
                     "assert rows('w.csv') == sub(lambda a, b: a in w or b in w)\n"
                     "n = [len(rows(p)) for p in ('all.csv', 'es.csv', 'esb.csv', 'w.csv', 'box.csv')]\n"
                     "assert n[0] > n[1] > n[2] > 1 and 1 < n[3] < n[0] and 1 < n[4] < n[0], n\n"
                     "print(n)\n",
                     args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
  /* events: a gap is its vessel's (either end in the box), a dark rendezvous a link at X*;
   * the dark list's rank is the whole list's order among those kept */
  rc = au_python(
      "import sys, os, csv\n"
      "os.chdir(sys.argv[1])\n"
      "def mid(m):\n"
      "  m = int(m)\n"
      "  if m >= 10**9 or m < 10**6: return 0\n"
      "  d1 = m // 10**8\n"
      "  if 2 <= d1 <= 7: return m // 10**6\n"
      "  if d1 == 8: return (m // 10**5) % 1000\n"
      "  if d1 == 9: return (m // 10**4) % 1000 if m // 10**7 in (98, 99) else 0\n"
      "  if d1 == 1: return (m // 1000) % 1000 if m // 10**6 == 111 else 0\n"
      "  return m // 10**5 if m >= 10**7 else m // 10**4\n"
      "es = lambda m: mid(m) in (224, 225)\n"
      "w = {'224316000', '236111946'}\n"
      "box = lambda la, lo: 36.0 <= float(la) <= 36.2 and -5.4 <= float(lo) <= -5.3\n"
      "def rows(p): return list(csv.reader(open(p)))\n"
      "def sub(full, keep, drop=('rank',)):\n"
      "  h = full[0]\n"
      "  idx = [i for i, c in enumerate(h) if c not in drop]\n"
      "  return [[h[i] for i in idx]] + [[r[i] for i in idx] for r in full[1:] if keep(dict(zip(h, r)))]\n"
      "g, d = rows('ev.gaps.csv'), rows('ev.dark.csv')\n"
      "for pre, kg, kd in (('evs', lambda r: es(r['mmsi']), lambda r: es(r['mmsi_a']) or es(r['mmsi_b'])),\n"
      "                    ('evw', lambda r: r['mmsi'] in w, lambda r: r['mmsi_a'] in w or r['mmsi_b'] in w),\n"
      "                    ('evb', lambda r: box(r['lat0'], r['lon0']) or box(r['lat1'], r['lon1']),\n"
      "                     lambda r: box(r['lat'], r['lon']))):\n"
      "  got, want = sub(rows(pre + '.gaps.csv'), lambda r: True), sub(g, kg)\n"
      "  assert got == want and 1 < len(want) < len(g), (pre, 'gaps', len(got), len(want))\n"
      "  got, want = sub(rows(pre + '.dark.csv'), lambda r: True), sub(d, kd)\n"
      "  assert got == want and len(want) < len(d), (pre, 'dark', len(got), len(want))\n"
      "  r, k = rows(pre + '.dark.csv'), d[0].index('rank')\n"
      "  full = {tuple(x[:k] + x[k + 1:]): int(x[k]) for x in d[1:]}\n"
      "  mine = sorted(r[1:], key=lambda x: int(x[k]))\n"
      "  assert [int(x[k]) for x in mine] == list(range(1, len(r))), 'ranks 1..n'\n"
      "  assert [full[tuple(x[:k] + x[k + 1:])] for x in mine] == sorted(full[tuple(x[:k] + x[k + 1:])] for x in mine)\n"
      "print('ok')\n",
      args, out, sizeof out);
  cr_assert_eq(rc, 0, "%s", out);
}
