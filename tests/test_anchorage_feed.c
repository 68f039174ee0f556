/* The anchorages found along the events' first pass (host/report/anchorage_store.h's
 * feed, given the slices of the stores' read) equal those of reading the stores again
 * (tc_store_anchorages), where the store buckets decide the answer: vessels whose sog
 * is unknown are judged by their neighbouring fixes of the same bucket, and the data
 * is made so that neighbours across a bucket edge would make every one of them move. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "host/engine/source_multi.h"
#include "host/report/anchorage_store.h"
#include "host/report/events_places.h"
#include "io/store_chunks.h"
#include "kernels/geo.h"
#include "support/lead_run.h"

static char dir[512];

/* Six vessels, sog unknown, two fixes an hour (:00 and :30) 10 m apart, each hour at a
 * spot 3 km from the last: within an hour they stay, across an hour they move at 3 kn.
 * With hour buckets every fix is stationary and every spot (seven) an anchorage; with
 * day buckets only a day's first and last fixes, which have one neighbour each, are
 * (four spots); neighbours taken across hour buckets would leave none. A moving vessel
 * with a known sog rides along. */
static void setup(void) {
  tr_scratch("anchorage_feed", dir, sizeof dir);
  cr_assert_eq(tr_sh("cd '%s' && /usr/bin/python3 - <<'EOF'\n"
                     "import datetime as d\n"
                     "t0=d.datetime(2024,1,1,tzinfo=d.timezone.utc)\n"
                     "def w(name,h0,h1):\n"
                     "  f=open(name,'w'); f.write('mmsi,timestamp,lat,lon,sog,cog,heading\\n')\n"
                     "  for h in range(h0,h1):\n"
                     "    for v in range(6):\n"
                     "      for k in range(2):\n"
                     "        t=t0+d.timedelta(seconds=3600*h+1800*k+v)\n"
                     "        lat=55.0+0.03*(h%%7)+0.0004*v+0.00009*k\n"
                     "        f.write('%%d,%%s,%%.6f,12.000000,,,\\n'%%(211000001+v,t.strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'),lat))\n"
                     "    for k in range(6):\n"
                     "      t=t0+d.timedelta(seconds=3600*h+600*k)\n"
                     "      f.write('%%d,%%s,%%.6f,%%.6f,10.0,90,90\\n'%%(219000009,t.strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'),56.0,10.0+0.03*(6*h+k)))\n"
                     "w('all.csv',0,30); w('a.csv',0,13); w('b.csv',13,30)\n"
                     "f=open('edge.csv','w'); f.write('mmsi,timestamp,lat,lon,sog,cog,heading\\n')\n"
                     "for h in range(0,30,2):\n"
                     "  for v in range(4):\n"
                     "    for k in range(2):\n"
                     "      t=t0+d.timedelta(seconds=3600*h+1800*k+v)\n"
                     "      f.write('%%d,%%s,%%.6f,14.000000,,,\\n'%%(300000001+v,t.strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'),57.0+0.03*(h%%7)+0.0004*v+0.00009*k))\n"
                     "  for k,s in ((0,3000),(1,3900)):\n"
                     "    t=t0+d.timedelta(seconds=3600*h+s)\n"
                     "    f.write('%%d,%%s,%%.6f,14.000000,,,\\n'%%(300000006,t.strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'),57.0+0.03*(h%%7)+0.0016+0.00009*k))\n"
                     "  for v in range(4):\n"
                     "    for k in range(2):\n"
                     "      t=t0+d.timedelta(seconds=3600*(h+1)+1800*k+v)\n"
                     "      f.write('%%d,%%s,%%.6f,14.300000,,,\\n'%%(300000007+v,t.strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'),57.0+0.03*(h%%7)+0.0004*v+0.00009*k))\n"
                     "EOF", dir), 0);
  cr_assert_eq(tr_sh("cd '%s' && '%s' import -q --bucket 1h hour.h5 all.csv && '%s' import -q day.h5 all.csv && "
                     "'%s' import -q --bucket 1h a.h5 a.csv && '%s' import -q --bucket 2h b.h5 b.csv && "
                     "'%s' import -q --bucket 1h edge_h.h5 edge.csv && '%s' import -q edge_d.h5 edge.csv",
                     dir, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY, TC_BINARY), 0);
}

static void teardown(void) { tr_sh("rm -rf '%s'", dir); }

TestSuite(anchorage_feed, .init = setup, .fini = teardown, .timeout = 120);

typedef struct {
  tc_store *s[2];
  size_t n;
} stores;

static void open_stores(stores *st, const char *a, const char *b) {
  char p[600];
  tc_err err;
  st->n = 0;
  for (const char *name = a; name; name = name == a ? b : NULL) {
    snprintf(p, sizeof p, "%s/%s", dir, name);
    cr_assert_eq(tc_store_open(p, &st->s[st->n++], &err), TC_OK, "%s", err.msg);
  }
  cr_assert_eq(tc_stores_order(st->s, st->n, &err), TC_OK, "%s", err.msg);
}

/* The feed given the same rows in slices of `piece` rows: a vessel's neighbours, and a
 * row whose sog is unknown waiting for the next, fall across every slice edge. */
static tc_places *fed_in_pieces(const stores *st, size_t piece) {
  tc_err err;
  tc_multi_source *m;
  tc_anchorage_feed *f;
  tc_places *out;
  cr_assert_eq(tc_multi_source_create(st->s, st->n, 1, &m, &err), TC_OK, "%s", err.msg);
  tc_multi_source_also_read(m, TC_COL_SOG);
  cr_assert_eq(tc_anchorage_feed_create(st->s, st->n, &f, &err), TC_OK, "%s", err.msg);
  tc_bucket_source src = tc_multi_source_get(m);
  tc_columns c;
  tc_columns_init(&c);
  for (;;) {
    int64_t t_end;
    int eof = 0;
    cr_assert_eq(src.next(src.ctx, &c, &t_end, &eof, &err), TC_OK, "%s", err.msg);
    if (eof)
      break;
    for (size_t i = 0; i < c.n; i += piece) {
      tc_columns v = c;
      v.mmsi += i;
      v.t += i;
      v.lat += i;
      v.lon += i;
      v.sog += i;
      v.n = c.n - i < piece ? c.n - i : piece;
      cr_assert_eq(tc_anchorage_feed_slice(f, &v, &err), TC_OK, "%s", err.msg);
    }
  }
  int complete = 0;
  cr_assert_eq(tc_places_create(&out), TC_OK);
  cr_assert_eq(tc_anchorage_feed_finish(f, NULL, out, &complete, &err), TC_OK, "%s", err.msg);
  cr_assert(complete, "every row went through the feed");
  tc_columns_free(&c);
  tc_anchorage_feed_free(f);
  tc_multi_source_free(m);
  return out;
}

/* The anchorages of the feed, given every slice of the stores' multi-source read whole. */
static tc_places *fed(const stores *st) { return fed_in_pieces(st, SIZE_MAX); }

static tc_places *read_again(const stores *st) {
  tc_err err;
  tc_places *out;
  cr_assert_eq(tc_places_create(&out), TC_OK);
  cr_assert_eq(tc_store_anchorages(st->s, st->n, NULL, out, &err), TC_OK, "%s", err.msg);
  return out;
}

static void same_places(const tc_places *a, const tc_places *b) {
  cr_assert_eq(tc_places_count(a), tc_places_count(b), "%zu anchorages fed, %zu read", tc_places_count(a),
               tc_places_count(b));
  for (size_t i = 0; i < tc_places_count(a); i++) {
    const tc_place *x = tc_places_get(a, i), *y = tc_places_get(b, i);
    cr_assert_str_eq(x->name, y->name);
    cr_assert(x->lat == y->lat && x->lon == y->lon && x->radius_m == y->radius_m && x->vessels == y->vessels,
              "anchorage %zu: %.9f %.9f %g m %d vessels fed, %.9f %.9f %g m %d read", i, x->lat, x->lon,
              x->radius_m, x->vessels, y->lat, y->lon, y->radius_m, y->vessels);
  }
}

static void close_stores(stores *st) {
  for (size_t i = 0; i < st->n; i++)
    tc_store_close(st->s[i]);
}

/* The buckets decide: hour buckets find the seven spots, day buckets four. */
Test(anchorage_feed, hour_buckets_find_what_a_second_read_finds) {
  stores st;
  open_stores(&st, "hour.h5", NULL);
  tc_places *f = fed(&st), *r = read_again(&st);
  cr_assert_eq(tc_places_count(r), 7, "%zu anchorages", tc_places_count(r));
  same_places(f, r);
  tc_places_free(f);
  tc_places_free(r);
  close_stores(&st);
}

Test(anchorage_feed, day_buckets_find_what_a_second_read_finds) {
  stores st;
  open_stores(&st, "day.h5", NULL);
  tc_places *f = fed(&st), *r = read_again(&st);
  cr_assert_eq(tc_places_count(r), 4, "%zu anchorages", tc_places_count(r));
  same_places(f, r);
  tc_places_free(f);
  tc_places_free(r);
  close_stores(&st);
}

/* Vessel 300000006 is the last of each even hour and the first of the next: its two
 * fixes at the hour's edge, 10 m and 15 minutes apart, are its only ones there, so
 * it stays (the fifth vessel of the even hours' spots) only where they share a bucket:
 * in a day, not in hours. The feed sees them one after the other in either store. */
Test(anchorage_feed, a_vessel_across_an_hour_bucket_edge_has_no_neighbour) {
  stores st;
  open_stores(&st, "edge_d.h5", NULL);
  tc_places *f = fed(&st), *r = read_again(&st);
  cr_assert_gt(tc_places_count(r), 3, "%zu anchorages in day buckets", tc_places_count(r));
  same_places(f, r);
  tc_places_free(f);
  tc_places_free(r);
  close_stores(&st);
  open_stores(&st, "edge_h.h5", NULL);
  f = fed(&st);
  r = read_again(&st);
  cr_assert_eq(tc_places_count(r), 0, "%zu anchorages in hour buckets", tc_places_count(r));
  same_places(f, r);
  tc_places_free(f);
  tc_places_free(r);
  close_stores(&st);
}

/* Two stores with their own bucket lengths, a vessel's fixes on both sides of the
 * stores' edge: neighbours only within a store's bucket. */
Test(anchorage_feed, two_stores_find_what_a_second_read_finds) {
  stores st;
  open_stores(&st, "b.h5", "a.h5");
  tc_places *f = fed(&st), *r = read_again(&st);
  cr_assert_gt(tc_places_count(r), 0);
  same_places(f, r);
  tc_places_free(f);
  tc_places_free(r);
  close_stores(&st);
}

/* A feed that missed rows (a resumed read) says so, and the places then come from a
 * read of the stores. */
Test(anchorage_feed, incomplete_feed_reads_the_stores) {
  stores st;
  open_stores(&st, "hour.h5", NULL);
  tc_err err;
  tc_anchorage_feed *f;
  cr_assert_eq(tc_anchorage_feed_create(st.s, st.n, &f, &err), TC_OK, "%s", err.msg);
  tc_places *out, *r = read_again(&st);
  cr_assert_eq(tc_places_create(&out), TC_OK);
  int complete = 1;
  cr_assert_eq(tc_anchorage_feed_finish(f, NULL, out, &complete, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(complete, 0);
  cr_assert_eq(tc_places_count(out), 0);
  tc_places_free(out);
  cr_assert_eq(tc_event_places_load_fed(st.s, st.n, NULL, 0, 1, f, &out, &err), TC_OK, "%s", err.msg);
  same_places(out, r);
  tc_places_free(out);
  tc_places_free(r);
  tc_anchorage_feed_free(f);
  close_stores(&st);
}

Test(anchorage_feed, slices_cut_anywhere_find_what_a_second_read_finds) {
  const char *sets[][2] = {{"hour.h5", NULL}, {"day.h5", NULL}, {"edge_d.h5", NULL}, {"b.h5", "a.h5"}};
  const size_t pieces[] = {1, 2, 3, 7};
  for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
    stores st;
    open_stores(&st, sets[k][0], sets[k][1]);
    tc_places *r = read_again(&st);
    cr_assert_gt(tc_places_count(r), 0, "%s: no anchorage to compare", sets[k][0]);
    for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
      tc_places *f = fed_in_pieces(&st, pieces[p]);
      same_places(f, r);
      tc_places_free(f);
    }
    tc_places_free(r);
    close_stores(&st);
  }
}

/* Five vessels at anchor in one cell, their fixes interleaved and each repeated: the
 * finder leaves out a repeated (cell, vessel) pair, never another vessel's, so the
 * five make an anchorage; four do not. */
Test(anchorage_feed, interleaved_vessels_in_one_cell_count_once_each) {
  for (int nv = 4; nv <= 5; nv++) {
    tc_err err;
    tc_anchorage_params p;
    tc_anchorage_defaults(&p);
    tc_anchorage_finder *a;
    cr_assert_eq(tc_anchorage_create(&p, &a, &err), TC_OK, "%s", err.msg);
    tc_columns c;
    tc_columns_init(&c);
    for (int k = 0; k < 6; k++)
      for (int v = 0; v < nv; v++)
        for (int rep = 0; rep < 2; rep++) {
          tc_fix x = {1704067200 + 600 * k + rep, 40.0 + 0.00001 * v, 5.0, 244000001u + (uint32_t)v, 0.1f, 0, 511};
          cr_assert_eq(tc_columns_push(&c, &x), TC_OK);
        }
    cr_assert_eq(tc_anchorage_add(a, &c, &err), TC_OK, "%s", err.msg);
    cr_assert_eq(tc_anchorage_stationary(a), (size_t)(6 * nv * 2));
    tc_places *out;
    cr_assert_eq(tc_places_create(&out), TC_OK);
    cr_assert_eq(tc_anchorage_finish(a, NULL, out, &err), TC_OK, "%s", err.msg);
    if (nv == 5) {
      cr_assert_eq(tc_places_count(out), 1, "%zu anchorages of 5 vessels", tc_places_count(out));
      cr_assert_eq(tc_places_get(out, 0)->vessels, 5);
    } else {
      cr_assert_eq(tc_places_count(out), 0, "%zu anchorages of 4 vessels", tc_places_count(out));
    }
    tc_places_free(out);
    tc_columns_free(&c);
    tc_anchorage_free(a);
  }
}

/* A vessel's fixes tc_anchorage_add_still passes over (in the box of the last fix's
 * cell, a row at a time or four at once) are those tc_anchorage_add finds in that cell:
 * six vessels at anchor step a hundred-millionth of a degree across a row edge and a
 * column edge, each into a cell it visits by one fix (at each offset within a block of
 * four, by a lead of 1 to 6 fixes), and the anchorages of both ways are the same. */
Test(anchorage_feed, still_fixes_across_cell_edges_find_what_each_fix_finds) {
  const double dlat = 1000.0 / (TC_EARTH_R_M * TC_DEG2RAD); /* the finder's default rows */
  const double lat_b = (floor((55.0 + 90.0) / dlat) + 1) * dlat - 90.0; /* a row's top edge */
  const double mid = (floor((55.0 + 90.0) / dlat) + 0.5) * dlat - 90.0, cw = dlat / cos(mid * TC_DEG2RAD);
  const double lon_b = (floor((12.0 + 180.0) / cw) + 1) * cw - 180.0; /* a column's right edge */
  const double in[2] = {-1e-8, -1e-8}, away[3][2] = {{1e-8, -1e-8}, {-1e-8, 1e-8}, {1e-8, 1e-8}};
  tc_columns c;
  tc_columns_init(&c);
  for (uint32_t v = 0; v < 6; v++) {
    int64_t t = 1704067200;
    for (uint32_t k = 0; k <= v; k++) {
      tc_fix x = {t += 60, lat_b + in[0] - 2e-7 * k, lon_b + in[1], 244000001u + v, 0.1f, 0, 511};
      cr_assert_eq(tc_columns_push(&c, &x), TC_OK);
    }
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 4; k++) {
        const double *d = k == 3 ? away[a] : in;
        tc_fix x = {t += 60, lat_b + d[0], lon_b + d[1] - (k == 3 ? 0 : 1e-7 * k), 244000001u + v, 0.1f, 0, 511};
        cr_assert_eq(tc_columns_push(&c, &x), TC_OK);
      }
  }
  tc_places *out[2];
  size_t stationary[2];
  for (int way = 0; way < 2; way++) {
    tc_err err;
    tc_anchorage_params p;
    tc_anchorage_defaults(&p);
    tc_anchorage_finder *a;
    cr_assert_eq(tc_anchorage_create(&p, &a, &err), TC_OK, "%s", err.msg);
    if (way == 0) {
      cr_assert_eq(tc_anchorage_add(a, &c, &err), TC_OK, "%s", err.msg);
    } else {
      size_t next;
      cr_assert_eq(tc_anchorage_add_still(a, &c, 0, &next, &err), TC_OK, "%s", err.msg);
      cr_assert_eq(next, c.n);
    }
    stationary[way] = tc_anchorage_stationary(a);
    cr_assert_eq(tc_places_create(&out[way]), TC_OK);
    cr_assert_eq(tc_anchorage_finish(a, NULL, out[way], &err), TC_OK, "%s", err.msg);
    tc_anchorage_free(a);
  }
  cr_assert_eq(stationary[0], c.n);
  cr_assert_eq(stationary[1], c.n);
  cr_assert_gt(tc_places_count(out[0]), 0);
  same_places(out[1], out[0]);
  tc_places_free(out[0]);
  tc_places_free(out[1]);
  tc_columns_free(&c);
}
