/* The report page's land fill on the real Suez sample: every view the overview map can
 * show is filled where there is land and left as water where there is sea. The land is
 * sent as rings clipped to a box (D.land_box) that the page keeps its view inside; the
 * box must reach past the candidates' margin to the sides of a map far wider than tall
 * (the Nile delta and Sinai lie in the first view), and clipping must not fill the sea
 * (the Mediterranean off Port Said, the Red Sea). Even-odd, as the page fills them. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "support/lead_run.h"

static char dir[512];

static void setup(void) { tr_scratch("report_land", dir, sizeof dir); }
static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(report_land, .init = setup, .fini = teardown, .timeout = 240);

Test(report_land, suez_land_filled_and_sea_left_water) {
  char src[1024];
  snprintf(src, sizeof src, "%s/real-tracks/suez_evergiven_2021_03_derived_sog.csv.gz", TC_SHARED_DATA);
  FILE *f = fopen(src, "r");
  if (!f)
    cr_skip("%s absent", src);
  fclose(f);
  if (tr_sh("test -e /usr/share/gmt-gshhg/binned_GSHHS_i.nc || test -e /usr/share/gmt-gshhg/binned_GSHHS_l.nc"))
    cr_skip("no GSHHG shoreline installed (gmt-gshhg-low)");
  cr_assert_eq(tr_sh("cd '%s' && '%s' import -q suez.h5 '%s' && '%s' report -q -t 1 suez.h5 -o suez.html", dir,
                     TC_BINARY, src, TC_BINARY), 0);
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "import json, math\n"
                     "h = open('suez.html').read()\n"
                     "def member(k):\n"
                     "  i = h.index('\"%%s\":' %% k) + len(k) + 3\n"
                     "  return json.JSONDecoder().raw_decode(h[i:])[0]\n"
                     "land, enc = member('land'), [dict(zip(member('cols'), r)) for r in member('rows')]\n"
                     "def inside(r, x, y):\n"
                     "  c = 0\n"
                     "  for k in range(len(r)):\n"
                     "    (x1, y1), (x2, y2) = r[k], r[k - 1]\n"
                     "    if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1): c ^= 1\n"
                     "  return c\n"
                     "def is_land(lat, lon): return sum(inside(r, lon, lat) for r in land) %% 2 == 1\n"
                     "land_pts = {'Sinai': (30.0, 34.0), 'Nile delta': (30.8, 31.0), 'Cairo': (30.05, 31.25),\n"
                     "            'Ismailia': (30.6, 32.1), 'Suez': (30.0, 32.45), 'Negev': (30.6, 34.8)}\n"
                     "sea_pts = {'off Port Said': (31.5, 32.3), 'Med 32N 33E': (32.0, 33.0),\n"
                     "           'off Damietta': (31.8, 31.0), 'off El Arish': (31.4, 33.8), 'Red Sea': (27.5, 34.8)}\n"
                     "bad = [n for n, p in land_pts.items() if not is_land(*p)] + [n for n, p in sea_pts.items() if is_land(*p)]\n"
                     "assert not bad, bad\n"
                     "box = member('land_box')\n"
                     "# the box holds the overview's first view: the candidates padded by a fifth in a\n"
                     "# 1300 x 460 px map, in ground units at their mean latitude\n"
                     "la = [e['mean_lat'] for e in enc]; lo = [e['mean_lon'] for e in enc]\n"
                     "k = math.cos(math.radians(sum(la) / len(la)))\n"
                     "hh = max(1.4 * (max(la) - min(la)), 1.4 * (max(lo) - min(lo)) * k * 460 / 1300) / 2\n"
                     "hw = hh * 1300 / 460 / k\n"
                     "cy, cx = (max(la) + min(la)) / 2, (max(lo) + min(lo)) / 2\n"
                     "assert box[0] <= cy - hh and box[2] >= cy + hh and box[1] <= cx - hw and box[3] >= cx + hw, (box, cy, cx, hh, hw)\n"
                     "EOF", dir), 0);
}
