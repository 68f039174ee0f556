/* The report's embedded JSON: candidates (as compact rows of the GeoJSON properties, with
 * the fields the page's filters read), decimated tracks of the candidates with panels, and
 * the shoreline and land around them. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The candidates as rows of one array each (the column names once, in "cols"), the page
 * rebuilding each candidate's properties as every output has them (report.js). Left out,
 * because the page derives them: start, end and duration_s (from the Unix times) and
 * in_port (from the tags, a bit mask here whose bit names are "tag_names"); the flag
 * states' and ship types' names are indices into "strings"; the reasons are numbers and
 * forms (reasons_row). Against one object per candidate that repeats every key, and the
 * reasons as text, this is a third of the text. */
static const char *const COLS[] = {
    "id", "mmsi_a", "mmsi_b", "start_unix", "end_unix", "close_slots", "min_dist_m", "median_dist_m", "mean_lat",
    "mean_lon", "speed_a_kn", "speed_b_kn", "score", "reasons", "flag_a", "flag_b", "name_a", "name_b", "imo_a",
    "imo_b", "callsign_a", "callsign_b", "type_a", "type_b", "shore_dist_m", "port", "port_dist_m", "crowd", "tags",
    "gap_before_a_s", "gap_after_a_s", "gap_before_b_s", "gap_after_b_s", "n_gaps", "n_loitering", "n_dark",
    "events", "country_a", "country_b", "type_name_a", "type_name_b"};
#define N_COLS (sizeof COLS / sizeof COLS[0])

/* The index of text in the page's string table (added when new). */
static json_t *interned(json_t *strings, json_t *index, const char *text, int *bad) {
  json_t *i = json_object_get(index, text);
  if (i)
    return json_incref(i);
  i = json_integer((json_int_t)json_array_size(strings));
  tc_json_push(strings, json_string(text), bad);
  tc_json_set(index, text, json_incref(i), bad);
  return i;
}

/* A candidate's reasons as [form, number..., form, number...], a form a reason ("; "
 * between them): the reason's text with its numbers taken out, kept once in
 * "reason_forms" as [text, decimals, text, decimals, ..., text]. The numbers are what
 * differ between candidates; the page writes each back with toFixed(decimals), which gives
 * the same digits for up to 15 of them (a leading 0 before a digit stays text). Reasons
 * are 40 % of what the rows hold otherwise. */
static json_t *reasons_row(const char *r, json_t *forms, json_t *index, int *bad) {
  json_t *out = json_array();
  *bad |= !out;
  for (const char *p = r; out && !*bad;) {
    const char *end = strstr(p, "; ");
    size_t n = end ? (size_t)(end - p) : strlen(p), t0 = 0;
    json_t *form = json_array(), *nums = json_array();
    *bad |= !form || !nums;
    for (size_t i = 0; i <= n && !*bad;) {
      size_t d = 0, f = 0;
      if (i < n && isdigit((unsigned char)p[i]) && !(p[i] == '0' && i + 1 < n && isdigit((unsigned char)p[i + 1]))) {
        while (i + d < n && d < 15 && isdigit((unsigned char)p[i + d]))
          d++;
        if (d < 15 && i + d + 1 < n && p[i + d] == '.' && isdigit((unsigned char)p[i + d + 1]))
          for (f = 1; i + d + f < n && d + f <= 15 && isdigit((unsigned char)p[i + d + f]);)
            f++; /* f: the point and at least one digit */
      }
      if (d == 0 && i < n) {
        i++;
        continue;
      }
      tc_json_push(form, json_stringn(p + t0, i - t0), bad); /* the text before the number, or the last */
      if (i == n)
        break;
      char num[32];
      snprintf(num, sizeof num, "%.*s", (int)(d + f), p + i);
      int dec = f ? (int)f - 1 : 0;
      tc_json_push(form, json_integer(dec), bad);
      tc_json_push(nums, dec ? tc_json_fixed(strtod(num, NULL), dec) : json_integer(strtoll(num, NULL, 10)), bad);
      i += d + f;
      t0 = i;
    }
    char *key = *bad ? NULL : json_dumps(form, JSON_COMPACT);
    json_t *at = key ? json_incref(json_object_get(index, key)) : NULL;
    if (key && !at) {
      at = json_integer((json_int_t)json_array_size(forms));
      tc_json_set(index, key, json_incref(at), bad);
      tc_json_push(forms, json_incref(form), bad);
    }
    tc_json_push(out, at, bad);
    *bad |= !key || json_array_extend(out, nums) != 0;
    free(key);
    json_decref(form);
    json_decref(nums);
    if (!end)
      break;
    p = end + 2;
  }
  if (*bad) {
    json_decref(out);
    return NULL;
  }
  return out;
}

static json_t *page_row(const tc_candidate *k, json_t *strings, json_t *index, json_t *forms, json_t *form_index) {
  json_t *o = tc_json_candidate_props(k), *row = json_array();
  int bad = !o || !row;
  if (k->ev && !bad) /* the linked events themselves, for the map, table and panels */
    tc_json_set(o, "events", tc_evlinks_json(k), &bad);
  const tc_mid_entry *fa = tc_mmsi_flag(k->e.mmsi_a), *fb = tc_mmsi_flag(k->e.mmsi_b);
  for (size_t j = 0; j < N_COLS && !bad; j++) {
    const char *c = COLS[j];
    json_t *v;
    if (!strcmp(c, "tags"))
      v = json_integer(k->tags);
    else if (!strcmp(c, "reasons"))
      v = reasons_row(k->reasons, forms, form_index, &bad);
    else if (!strcmp(c, "country_a") || !strcmp(c, "country_b")) {
      const tc_mid_entry *m = c[8] == 'a' ? fa : fb;
      v = interned(strings, index, m ? m->name : "", &bad);
    } else if (!strcmp(c, "type_name_a"))
      v = interned(strings, index, tc_ship_type_name(k->va.ship_type), &bad);
    else if (!strcmp(c, "type_name_b"))
      v = interned(strings, index, tc_ship_type_name(k->vb.ship_type), &bad);
    else if (!(v = json_object_get(o, c)))
      bad = 1;
    else
      json_incref(v);
    tc_json_push(row, v, &bad);
  }
  json_decref(o);
  if (bad) {
    json_decref(row);
    return NULL;
  }
  return row;
}

/* "cols", "rows", "strings", "reason_forms" and "tag_names" of doc. */
static void candidate_rows(json_t *doc, const tc_candidates *c, int *bad) {
  json_t *cols = json_array(), *rows = json_array(), *strings = json_array(), *index = json_object(),
         *tags = json_array(), *forms = json_array(), *form_index = json_object();
  if (!cols || !rows || !strings || !index || !tags || !forms || !form_index)
    *bad = 1;
  for (size_t j = 0; j < N_COLS && !*bad; j++)
    tc_json_push(cols, json_string(COLS[j]), bad);
  for (unsigned i = 0; i < TC_TAG_COUNT && !*bad; i++)
    tc_json_push(tags, json_string(tc_tag_name(i)), bad);
  for (size_t i = 0; i < c->n && !*bad; i++)
    tc_json_push(rows, page_row(&c->v[i], strings, index, forms, form_index), bad);
  json_decref(index);
  json_decref(form_index);
  tc_json_set(doc, "reason_forms", forms, bad);
  tc_json_set(doc, "cols", cols, bad);
  tc_json_set(doc, "rows", rows, bad);
  tc_json_set(doc, "strings", strings, bad);
  tc_json_set(doc, "tag_names", tags, bad);
}

static json_t *data(const tc_candidates *c, size_t panels, const tc_coast *coast) {
  int bad = 0;
  json_t *doc = json_object(), *tracks = json_object(), *lines = json_array();
  if (!doc || !tracks || !lines) {
    json_decref(doc);
    json_decref(tracks);
    json_decref(lines);
    return NULL;
  }
  double lat0 = 90, lat1 = -90, ref = c->n ? c->v[0].e.mean_lon : 0, u0 = 1e9, u1 = -1e9;
  for (size_t i = 0; i < c->n; i++) {
    const tc_encounter *e = &c->v[i].e;
    lat0 = fmin(lat0, e->mean_lat);
    lat1 = fmax(lat1, e->mean_lat);
    double u = ref + tc_wrap_dlon(e->mean_lon - ref); /* unwrapped round the first */
    u0 = fmin(u0, u);
    u1 = fmax(u1, u);
  }
  candidate_rows(doc, c, &bad);
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
