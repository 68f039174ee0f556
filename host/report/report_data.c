/* The report's embedded JSON: candidates (as the GeoJSON properties, with the fields the
 * page's filters read), decimated tracks of the candidates with panels, and the shoreline
 * and land around them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/report/evlinks.h"
#include "host/report/jsonout.h"
#include "host/report/mid.h"
#include "host/report/report.h"
#include "host/report/textout.h"
#include "host/report/vessels.h"
#include "kernels/geo.h"

#define MAX_TRACK_POINTS 400

static json_t *track(const tc_columns *c) {
  size_t step = c->n > MAX_TRACK_POINTS ? (c->n + MAX_TRACK_POINTS - 1) / MAX_TRACK_POINTS : 1;
  json_t *a = json_array();
  int bad = !a;
  for (size_t i = 0; i < c->n && !bad; i += step) {
    size_t j = i + step >= c->n ? c->n - 1 : i; /* keep the last fix */
    tc_json_push(a, json_pack("[I,o,o]", (json_int_t)c->t[j], tc_json_fixed(c->lat[j], 5),
                              tc_json_fixed(c->lon[j], 5)), &bad);
    if (j == c->n - 1)
      break;
  }
  if (bad) {
    json_decref(a);
    return NULL;
  }
  return a;
}

typedef struct {
  json_t *lines;
  double tol;
  int bad;
} coast_ctx;

/* One shoreline polyline as [[lon, lat], ...], thinned to tol degrees, split where
 * it jumps across the antimeridian. */
static void coast_line(void *vctx, const double *lat, const double *lon, size_t n) {
  coast_ctx *c = vctx;
  double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
  for (size_t i = 0; i < n; i++) {
    la0 = fmin(la0, lat[i]);
    la1 = fmax(la1, lat[i]);
    lo0 = fmin(lo0, lon[i]);
    lo1 = fmax(lo1, lon[i]);
  }
  if (la1 - la0 < c->tol && lo1 - lo0 < c->tol)
    return; /* an island or lake smaller than the drawing tolerance */
  double plat = 0, plon = 0;
  json_t *line = NULL;
  for (size_t i = 0; i < n && !c->bad; i++) {
    int last = i + 1 == n;
    if (line && fabs(lon[i] - plon) > 180.0) {
      tc_json_push(c->lines, line, &c->bad);
      line = NULL;
    }
    if (line && !last && fabs(lat[i] - plat) < c->tol && fabs(lon[i] - plon) < c->tol)
      continue;
    if (!line && !(line = json_array())) {
      c->bad = 1;
      break;
    }
    tc_json_push(line, json_pack("[o,o]", tc_json_fixed(lon[i], 4), tc_json_fixed(lat[i], 4)), &c->bad);
    plat = lat[i];
    plon = lon[i];
  }
  if (line)
    tc_json_push(c->lines, line, &c->bad);
}

/* The candidate's properties as every output has them, plus what the page's filters
 * read: the flag states' names, the ship types' names, and whether it was in port. */
static json_t *page_props(const tc_candidate *k) {
  json_t *o = tc_json_candidate_props(k);
  if (!o)
    return NULL;
  int bad = 0;
  const tc_mid_entry *fa = tc_mmsi_flag(k->e.mmsi_a), *fb = tc_mmsi_flag(k->e.mmsi_b);
  tc_json_set(o, "country_a", json_string(fa ? fa->name : ""), &bad);
  tc_json_set(o, "country_b", json_string(fb ? fb->name : ""), &bad);
  tc_json_set(o, "type_name_a", json_string(tc_ship_type_name(k->va.ship_type)), &bad);
  tc_json_set(o, "type_name_b", json_string(tc_ship_type_name(k->vb.ship_type)), &bad);
  tc_json_set(o, "in_port", json_boolean((k->tags & TC_TAG_NEAR_PORT) != 0), &bad);
  if (k->ev) /* the linked events themselves, for the map, table and panels */
    tc_json_set(o, "events", tc_evlinks_json(k), &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *data(const tc_candidates *c, size_t panels, const tc_coast *coast) {
  int bad = 0;
  json_t *doc = json_object(), *enc = json_array(), *tracks = json_object(), *lines = json_array();
  if (!doc || !enc || !tracks || !lines) {
    json_decref(doc);
    json_decref(enc);
    json_decref(tracks);
    json_decref(lines);
    return NULL;
  }
  double lat0 = 90, lat1 = -90, ref = c->n ? c->v[0].e.mean_lon : 0, u0 = 1e9, u1 = -1e9;
  for (size_t i = 0; i < c->n; i++) {
    const tc_encounter *e = &c->v[i].e;
    tc_json_push(enc, page_props(&c->v[i]), &bad);
    lat0 = fmin(lat0, e->mean_lat);
    lat1 = fmax(lat1, e->mean_lat);
    double u = ref + tc_wrap_dlon(e->mean_lon - ref); /* unwrapped round the first */
    u0 = fmin(u0, u);
    u1 = fmax(u1, u);
  }
  tc_json_set(doc, "enc", enc, &bad);
  for (size_t i = 0; c->track_a && i < c->n && i < panels && !bad; i++) {
    char key[32];
    snprintf(key, sizeof key, "%zu", i);
    tc_json_set(tracks, key, json_pack("{s:o,s:o}", "a", track(&c->track_a[i]), "b", track(&c->track_b[i])),
                &bad);
  }
  tc_json_set(doc, "tracks", tracks, &bad);
  /* the panels' maps are fit to their tracks: the land must reach as far */
  for (size_t i = 0; c->track_a && i < c->n && i < panels; i++)
    for (int k = 0; k < 2; k++) {
      const tc_columns *t = k ? &c->track_b[i] : &c->track_a[i];
      for (size_t j = 0; j < t->n; j++) {
        lat0 = fmin(lat0, t->lat[j]);
        lat1 = fmax(lat1, t->lat[j]);
        double u = ref + tc_wrap_dlon(t->lon[j] - ref);
        u0 = fmin(u0, u);
        u1 = fmax(u1, u);
      }
    }
  if (coast && c->n && !bad) {
    double span = fmax(lat1 - lat0, u1 - u0);
    double m = fmax(1.0, span * 0.25);
    coast_ctx cc = {lines, fmax(0.002, span / 800.0), 0};
    /* The overview is fit to the candidates in a map far wider than tall and held inside
     * this box (page/report.js), so the box is at least three times the candidates'
     * height (room to zoom out once), widened on the ground to at least 5 times its
     * height, and made at least a fifth of its width tall: the fill then reaches every
     * edge of any view the page shows, instead of stopping at the candidates' margin. */
    double grow = fmax(0, 1.5 * (lat1 - lat0) - m);
    double b0 = lat0 - m - grow, b1 = lat1 + m + grow, l0 = u0 - m, l1 = u1 + m;
    double k = fmax(0.1, cos((lat0 + lat1) / 2 * M_PI / 180)); /* ground per degree of longitude */
    double h = b1 - b0, w = (l1 - l0) * k;
    if (w < 5 * h) {
      l0 -= (5 * h - w) / k / 2;
      l1 += (5 * h - w) / k / 2;
    } else if (h < w / 5) {
      b0 -= (w / 5 - h) / 2;
      b1 += (w / 5 - h) / 2;
    }
    b0 = fmax(-90, b0);
    b1 = fmin(90, b1);
    double w_lon = tc_norm_lon(l0), e_lon = tc_norm_lon(l1);
    if (l1 - l0 >= 360) {
      w_lon = -180, e_lon = 180;
      l0 = ref - 180, l1 = ref + 180;
    }
    tc_coast_lines(coast, b0, b1, w_lon, e_lon, coast_line, &cc);
    bad |= cc.bad;
    json_t *land = tc_report_land(coast, b0, b1, l0, l1, cc.tol);
    bad |= !land;
    tc_json_set(doc, "land", land, &bad);
    tc_json_set(doc, "land_box", json_pack("[o,o,o,o]", tc_json_fixed(b0, 4), tc_json_fixed(l0, 4),
                                           tc_json_fixed(b1, 4), tc_json_fixed(l1, 4)), &bad);
  }
  tc_json_set(doc, "coast", lines, &bad);
  if (bad) {
    json_decref(doc);
    return NULL;
  }
  return doc;
}

tc_status tc_report_data(FILE *f, const tc_candidates *c, size_t panels, const tc_coast *coast, tc_err *err) {
  json_t *doc = data(c, panels, coast);
  if (doc && tc_report_events_data(doc, c, err) != TC_OK) {
    json_decref(doc);
    return TC_ERR_NOMEM;
  }
  char *text = doc ? json_dumps(doc, JSON_COMPACT | TC_JSON_FIXED_PRECISION) : NULL;
  json_decref(doc);
  if (!text)
    return tc_fail(err, TC_ERR_NOMEM, "report: out of memory for the page's data");
  /* '<' occurs only inside JSON strings, where \u003c is the same character */
  for (const char *p = text; *p; p++)
    if (*p == '<')
      fputs("\\u003c", f);
    else
      putc(*p, f);
  free(text);
  return ferror(f) ? tc_fail(err, TC_ERR_IO, "report: write failed") : TC_OK;
}
