#include "host/report/events_geojson.h"

#include <math.h>
#include <string.h>

#include "io/numfmt.h"
#include "io/timefmt.h"

/* A small appender: every feature is formatted into buf, then written at once. */
typedef struct {
  char buf[8192];
  size_t n;
} line;

static void raw(line *b, const char *s) {
  size_t k = strlen(s);
  if (b->n + k < sizeof b->buf) {
    memcpy(b->buf + b->n, s, k);
    b->n += k;
  }
}

static void num(line *b, double x, int dec) {
  if (b->n + TC_FMT_FIXED_MAX < sizeof b->buf)
    b->n += tc_fmt_fixed(b->buf + b->n, x, dec);
}

static void inum(line *b, int64_t v) {
  if (b->n + TC_FMT_U64_MAX + 1 < sizeof b->buf)
    b->n += tc_fmt_i64(b->buf + b->n, v);
}

static void time_str(line *b, int64_t t) {
  raw(b, "\"");
  if (b->n + TC_ISO_LEN < sizeof b->buf)
    b->n += (size_t)tc_time_format_iso(t, b->buf + b->n);
  raw(b, "\"");
}

static void prop_t(line *b, const char *name, int64_t t) {
  raw(b, ",\"");
  raw(b, name);
  raw(b, "\":");
  time_str(b, t);
}

static void prop_i(line *b, const char *name, int64_t v) {
  raw(b, ",\"");
  raw(b, name);
  raw(b, "\":");
  inum(b, v);
}

static void prop_f(line *b, const char *name, double x, int dec) {
  raw(b, ",\"");
  raw(b, name);
  raw(b, "\":");
  num(b, x, dec);
}

/* A place's name as a JSON string, or null. */
static void prop_place(line *b, const char *name, const tc_event_places *pl, int idx) {
  raw(b, ",\"");
  raw(b, name);
  raw(b, "\":");
  if (idx < 0) {
    raw(b, "null");
    return;
  }
  raw(b, "\"");
  for (const char *c = tc_places_get(pl->places, (size_t)idx)->name; *c && b->n + 8 < sizeof b->buf; c++) {
    if (*c == '"' || *c == '\\')
      b->buf[b->n++] = '\\';
    b->buf[b->n++] = (unsigned char)*c < 0x20 ? ' ' : *c;
  }
  raw(b, "\"");
}

static void point(line *b, double lat, double lon) {
  raw(b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
  num(b, lon, 6);
  raw(b, ",");
  num(b, lat, 6);
  raw(b, "]},\"properties\":{\"kind\":");
}

static tc_status open_fc(FILE *f) {
  return fputs("{\"type\":\"FeatureCollection\",\"features\":[", f) < 0 ? TC_ERR_IO : TC_OK;
}

static tc_status put(FILE *f, line *b, size_t i) {
  raw(b, "}}");
  if (i > 0 && fputc(',', f) == EOF)
    return TC_ERR_IO;
  if (fputc('\n', f) == EOF)
    return TC_ERR_IO;
  return fwrite(b->buf, 1, b->n, f) == b->n ? TC_OK : TC_ERR_IO;
}

static tc_status close_fc(FILE *f) { return fputs("\n]}\n", f) < 0 ? TC_ERR_IO : TC_OK; }

tc_status tc_loiter_geojson_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  TC_TRY(open_fc(f));
  for (size_t i = 0; i < l->n_loiter; i++) {
    const tc_loiter *e = &l->loiter[i];
    line b = {.n = 0};
    point(&b, e->mean_lat, e->mean_lon);
    raw(&b, "\"loitering\"");
    prop_i(&b, "mmsi", e->mmsi);
    prop_t(&b, "start", e->start);
    prop_t(&b, "end", e->end);
    prop_i(&b, "duration_s", e->end - e->start);
    prop_i(&b, "slots", e->slots);
    prop_f(&b, "mean_lat", e->mean_lat, 6);
    prop_f(&b, "mean_lon", e->mean_lon, 6);
    prop_f(&b, "median_speed_kn", e->median_speed_kn, 4);
    if (pl)
      prop_place(&b, "place", pl, pl->loiter[i]);
    TC_TRY(put(f, &b, i));
  }
  return close_fc(f);
}

tc_status tc_gaps_geojson_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  TC_TRY(open_fc(f));
  for (size_t i = 0; i < l->n_gaps; i++) {
    const tc_gap *g = &l->gaps[i];
    line b = {.n = 0};
    raw(&b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[");
    num(&b, g->lon0, 6);
    raw(&b, ",");
    num(&b, g->lat0, 6);
    raw(&b, "],[");
    num(&b, g->lon1, 6);
    raw(&b, ",");
    num(&b, g->lat1, 6);
    raw(&b, "]]},\"properties\":{\"kind\":\"gap\"");
    int64_t dur = g->t1 - g->t0;
    prop_i(&b, "mmsi", g->mmsi);
    prop_t(&b, "start", g->t0);
    prop_t(&b, "end", g->t1);
    prop_i(&b, "duration_s", dur);
    prop_f(&b, "dist_m", g->dist_m, 1);
    prop_f(&b, "implied_speed_kn", g->dist_m / (double)dur / (1852.0 / 3600.0), 3);
    prop_i(&b, "others_seen", g->others_seen);
    prop_f(&b, "coverage", g->coverage, 4);
    if (pl) {
      prop_place(&b, "place0", pl, pl->gap0[i]);
      prop_place(&b, "place1", pl, pl->gap1[i]);
    }
    TC_TRY(put(f, &b, i));
  }
  return close_fc(f);
}

tc_status tc_dark_geojson_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell,
                                 const tc_event_places *pl) {
  TC_TRY(open_fc(f));
  for (size_t i = 0; i < l->n_dark; i++) {
    const tc_dark *d = &l->dark[i];
    int64_t ls = (int64_t)llround(d->l_star);
    line b = {.n = 0};
    point(&b, d->lat, d->lon);
    raw(&b, "\"dark\"");
    prop_i(&b, "mmsi_a", d->mmsi_a);
    prop_i(&b, "mmsi_b", d->mmsi_b);
    prop_t(&b, "gap_a_start", d->a0);
    prop_t(&b, "gap_a_end", d->a1);
    prop_t(&b, "gap_b_start", d->b0);
    prop_t(&b, "gap_b_end", d->b1);
    prop_i(&b, "l_star_s", ls);
    prop_t(&b, "window_start", llround(d->w_start));
    prop_t(&b, "window_end", llround(d->w_end));
    prop_i(&b, "slack_s", ls - dwell);
    prop_f(&b, "dist_dark_m", d->dist_dark_m, 0);
    prop_f(&b, "dist_reappear_m", d->dist_reappear_m, 0);
    prop_f(&b, "coverage_a", d->coverage_a, 4);
    prop_f(&b, "coverage_b", d->coverage_b, 4);
    if (pl) {
      prop_place(&b, "place", pl, pl->dark[i]);
      prop_i(&b, "rank", (int64_t)pl->dark_rank[i]);
    }
    TC_TRY(put(f, &b, i));
  }
  return close_fc(f);
}
