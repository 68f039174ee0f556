#include "host/report/events_kml.h"

#include <math.h>

#include "host/report/textout.h"
#include "io/numfmt.h"
#include "io/timefmt.h"

static void head(FILE *f, const char *name) {
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
             "<Document><name>%s</name>\n", name);
}

static tc_status tail(FILE *f) { return fputs("</Document>\n</kml>\n", f) < 0 || ferror(f) ? TC_ERR_IO : TC_OK; }

static void data_s(FILE *f, const char *name, const char *v) {
  fprintf(f, "<Data name=\"%s\"><value>", name);
  tc_put_xml(f, v);
  fputs("</value></Data>", f);
}

static void data_f(FILE *f, const char *name, double x, int dec) {
  char b[TC_FMT_FIXED_MAX + 1];
  b[tc_fmt_fixed(b, x, dec)] = '\0';
  data_s(f, name, b);
}

static void data_i(FILE *f, const char *name, int64_t v) {
  char b[TC_FMT_U64_MAX + 2];
  b[tc_fmt_i64(b, v)] = '\0';
  data_s(f, name, b);
}

static void data_t(FILE *f, const char *name, int64_t t) {
  char b[TC_ISO_LEN];
  tc_time_format_iso(t, b);
  data_s(f, name, b);
}

static void data_place(FILE *f, const char *name, const tc_event_places *pl, int idx) {
  data_s(f, name, idx >= 0 ? tc_places_get(pl->places, (size_t)idx)->name : "");
}

static void span(FILE *f, int64_t t0, int64_t t1) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(t0, a);
  tc_time_format_iso(t1, b);
  fprintf(f, "<TimeSpan><begin>%s</begin><end>%s</end></TimeSpan>", a, b);
}

static void coord(FILE *f, double lat, double lon) {
  char a[TC_FMT_FIXED_MAX + 1], b[TC_FMT_FIXED_MAX + 1];
  a[tc_fmt_fixed(a, lon, 6)] = '\0';
  b[tc_fmt_fixed(b, lat, 6)] = '\0';
  fprintf(f, "%s,%s", a, b);
}

tc_status tc_loiter_kml_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  head(f, "loitering");
  for (size_t i = 0; i < l->n_loiter; i++) {
    const tc_loiter *e = &l->loiter[i];
    fprintf(f, "<Placemark><name>%u</name>", e->mmsi);
    span(f, e->start, e->end);
    fputs("<ExtendedData>", f);
    data_i(f, "mmsi", e->mmsi);
    data_t(f, "start", e->start);
    data_t(f, "end", e->end);
    data_i(f, "duration_s", e->end - e->start);
    data_i(f, "slots", e->slots);
    data_f(f, "median_speed_kn", e->median_speed_kn, 4);
    if (pl)
      data_place(f, "place", pl, pl->loiter[i]);
    fputs("</ExtendedData><Point><coordinates>", f);
    coord(f, e->mean_lat, e->mean_lon);
    fputs("</coordinates></Point></Placemark>\n", f);
  }
  return tail(f);
}

tc_status tc_gaps_kml_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  head(f, "AIS gaps");
  for (size_t i = 0; i < l->n_gaps; i++) {
    const tc_gap *g = &l->gaps[i];
    int64_t dur = g->t1 - g->t0;
    fprintf(f, "<Placemark><name>%u</name>", g->mmsi);
    span(f, g->t0, g->t1);
    fputs("<ExtendedData>", f);
    data_i(f, "mmsi", g->mmsi);
    data_t(f, "start", g->t0);
    data_t(f, "end", g->t1);
    data_i(f, "duration_s", dur);
    data_f(f, "dist_m", g->dist_m, 1);
    data_f(f, "implied_speed_kn", g->dist_m / (double)dur / (1852.0 / 3600.0), 3);
    data_i(f, "others_seen", g->others_seen);
    data_f(f, "coverage", g->coverage, 4);
    if (pl) {
      data_place(f, "place0", pl, pl->gap0[i]);
      data_place(f, "place1", pl, pl->gap1[i]);
    }
    fputs("</ExtendedData><LineString><tessellate>1</tessellate><coordinates>", f);
    coord(f, g->lat0, g->lon0);
    fputc(' ', f);
    coord(f, g->lat1, g->lon1);
    fputs("</coordinates></LineString></Placemark>\n", f);
  }
  return tail(f);
}

tc_status tc_dark_kml_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell, const tc_event_places *pl) {
  head(f, "dark rendezvous (candidates)");
  for (size_t i = 0; i < l->n_dark; i++) {
    const tc_dark *d = &l->dark[i];
    int64_t ls = (int64_t)llround(d->l_star);
    fprintf(f, "<Placemark><name>%u - %u</name>", d->mmsi_a, d->mmsi_b);
    span(f, llround(d->w_start), llround(d->w_end));
    fputs("<ExtendedData>", f);
    data_i(f, "mmsi_a", d->mmsi_a);
    data_i(f, "mmsi_b", d->mmsi_b);
    data_t(f, "gap_a_start", d->a0);
    data_t(f, "gap_a_end", d->a1);
    data_t(f, "gap_b_start", d->b0);
    data_t(f, "gap_b_end", d->b1);
    data_i(f, "l_star_s", ls);
    data_i(f, "slack_s", ls - dwell);
    data_f(f, "dist_dark_m", d->dist_dark_m, 0);
    data_f(f, "dist_reappear_m", d->dist_reappear_m, 0);
    data_f(f, "coverage_a", d->coverage_a, 4);
    data_f(f, "coverage_b", d->coverage_b, 4);
    if (pl) {
      data_place(f, "place", pl, pl->dark[i]);
      data_i(f, "rank", (int64_t)pl->dark_rank[i]);
    }
    fputs("</ExtendedData><Point><coordinates>", f);
    coord(f, d->lat, d->lon);
    fputs("</coordinates></Point></Placemark>\n", f);
  }
  return tail(f);
}
