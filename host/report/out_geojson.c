#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "host/report/evlinks.h"
#include "host/report/jsonout.h"
#include "host/report/textout.h"
#include "host/report/writers.h"
#include "kernels/geo.h"

#define DUMP_FLAGS (JSON_COMPACT | TC_JSON_FIXED_PRECISION)

static json_t *opt_int(long long v) { return v > 0 ? json_integer(v) : json_null(); } /* 0 = unknown */

json_t *tc_json_candidate_props(const tc_candidate *k) {
  const tc_encounter *e = &k->e;
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN];
  tc_fmt_iso(e->start, t0);
  tc_fmt_iso(e->end, t1);
  int bad = 0;
  json_t *o = json_object(), *tags = json_array();
  if (!o || !tags) {
    json_decref(o);
    json_decref(tags);
    return NULL;
  }
  tc_json_set(o, "id", tc_json_string(k->id), &bad);
  tc_json_set(o, "mmsi_a", json_integer(e->mmsi_a), &bad);
  tc_json_set(o, "mmsi_b", json_integer(e->mmsi_b), &bad);
  tc_json_set(o, "start", json_string(t0), &bad);
  tc_json_set(o, "end", json_string(t1), &bad);
  tc_json_set(o, "start_unix", json_integer(e->start), &bad);
  tc_json_set(o, "end_unix", json_integer(e->end), &bad);
  tc_json_set(o, "duration_s", json_integer(e->end - e->start), &bad);
  tc_json_set(o, "close_slots", json_integer(e->close_slots), &bad);
  tc_json_set(o, "min_dist_m", tc_json_fixed(e->min_dist_m, 3), &bad);
  tc_json_set(o, "median_dist_m", tc_json_fixed(e->median_dist_m, 3), &bad);
  tc_json_set(o, "mean_lat", tc_json_fixed(e->mean_lat, 6), &bad);
  tc_json_set(o, "mean_lon", tc_json_fixed(e->mean_lon, 6), &bad);
  tc_json_set(o, "speed_a_kn", tc_json_fixed(e->speed_a_kn, 4), &bad);
  tc_json_set(o, "speed_b_kn", tc_json_fixed(e->speed_b_kn, 4), &bad);
  tc_json_set(o, "score", tc_json_fixed(k->score, 1), &bad);
  tc_json_set(o, "reasons", tc_json_string(k->reasons), &bad);
  tc_json_set(o, "flag_a", tc_json_string(k->flag_a), &bad);
  tc_json_set(o, "flag_b", tc_json_string(k->flag_b), &bad);
  tc_json_set(o, "name_a", tc_json_string(k->va.name), &bad);
  tc_json_set(o, "name_b", tc_json_string(k->vb.name), &bad);
  tc_json_set(o, "imo_a", opt_int(k->va.imo), &bad);
  tc_json_set(o, "imo_b", opt_int(k->vb.imo), &bad);
  tc_json_set(o, "callsign_a", tc_json_string(k->va.callsign), &bad);
  tc_json_set(o, "callsign_b", tc_json_string(k->vb.callsign), &bad);
  tc_json_set(o, "type_a", opt_int(k->va.ship_type), &bad);
  tc_json_set(o, "type_b", opt_int(k->vb.ship_type), &bad);
  tc_json_set(o, "shore_dist_m", tc_json_fixed(k->shore_m, 0), &bad);
  tc_json_set(o, "port", tc_json_string(k->port), &bad);
  tc_json_set(o, "port_dist_m", tc_json_fixed(k->port_m, 0), &bad);
  tc_json_set(o, "crowd", k->crowd >= 0 ? json_integer(k->crowd) : json_null(), &bad);
  for (unsigned i = 0; i < TC_TAG_COUNT; i++)
    if (k->tags & (1u << i))
      tc_json_push(tags, json_string(tc_tag_name(i)), &bad);
  tc_json_set(o, "tags", tags, &bad);
  int64_t gaps[4] = {k->gap_before_a, k->gap_after_a, k->gap_before_b, k->gap_after_b};
  const char *gk[4] = {"gap_before_a_s", "gap_after_a_s", "gap_before_b_s", "gap_after_b_s"};
  for (int i = 0; i < 4; i++)
    tc_json_set(o, gk[i], gaps[i] >= 0 ? json_integer(gaps[i]) : json_null(), &bad);
  /* the linked events (spec events §4; null when none were computed) */
  tc_json_set(o, "n_gaps", k->ev ? json_integer(k->n_gaps) : json_null(), &bad);
  tc_json_set(o, "n_loitering", k->ev ? json_integer(k->n_loiter) : json_null(), &bad);
  tc_json_set(o, "n_dark", k->ev ? json_integer(k->n_dark) : json_null(), &bad);
  char refs[TC_EVLINKS_MAX * 64]; /* text, as in the CSV: every field stays scalar for GDAL */
  if (k->ev)
    tc_evlinks_refs(k, refs, sizeof refs);
  tc_json_set(o, "events", k->ev ? tc_json_string(refs) : json_null(), &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *pos(double lon, double lat) {
  return json_pack("[o,o]", tc_json_fixed(lon, 6), tc_json_fixed(lat, 6));
}

json_t *tc_json_track_geometry(const tc_columns *t) {
  if (t->n == 0)
    return json_null();
  if (t->n == 1)
    return json_pack("{s:s,s:o}", "type", "Point", "coordinates", pos(t->lon[0], t->lat[0]));
  int split = 0, bad = 0;
  for (size_t i = 1; i < t->n; i++)
    if (fabs(t->lon[i] - t->lon[i - 1]) > 180.0)
      split = 1;
  json_t *lines = json_array(), *line = json_array();
  if (!lines || !line) {
    json_decref(lines);
    json_decref(line);
    return NULL;
  }
  tc_json_push(line, pos(t->lon[0], t->lat[0]), &bad);
  for (size_t i = 1; i < t->n && !bad; i++) {
    double l0 = t->lon[i - 1], l1 = t->lon[i];
    if (fabs(l1 - l0) > 180.0) { /* cut at the antimeridian, interpolated the short way */
      double l1u = l0 + tc_wrap_dlon(l1 - l0), edge = l0 > 0 ? 180.0 : -180.0;
      double fr = (edge - l0) / (l1u - l0);
      double la = t->lat[i - 1] + fr * (t->lat[i] - t->lat[i - 1]);
      tc_json_push(line, pos(edge, la), &bad);
      tc_json_push(lines, line, &bad);
      line = json_array();
      if (!line)
        break;
      tc_json_push(line, pos(-edge, la), &bad);
    }
    tc_json_push(line, pos(l1, t->lat[i]), &bad);
  }
  if (!line || bad) {
    json_decref(line);
    json_decref(lines);
    return NULL;
  }
  if (!split) {
    json_decref(lines);
    return json_pack("{s:s,s:o}", "type", "LineString", "coordinates", line);
  }
  tc_json_push(lines, line, &bad);
  return bad ? (json_decref(lines), NULL)
             : json_pack("{s:s,s:o}", "type", "MultiLineString", "coordinates", lines);
}

/* Scalar properties only: a GIS reads the file as one LineString layer and writes it
 * to any format (Shapefile has neither list fields nor mixed geometry types). Each
 * fix's time and speed are in the KML gx:Track and the HDF5 /tracks. */
static json_t *track_feature(const tc_candidate *k, const tc_columns *t, char role) {
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN], r[2] = {role, 0};
  tc_fmt_iso(t->t[0], t0);
  tc_fmt_iso(t->t[t->n - 1], t1);
  json_t *geom = t->n == 1 /* one fix: a LineString standing still, so the layer keeps one type */
                     ? json_pack("{s:s,s:[o,o]}", "type", "LineString", "coordinates", pos(t->lon[0], t->lat[0]),
                                 pos(t->lon[0], t->lat[0]))
                     : tc_json_track_geometry(t);
  return json_pack("{s:s,s:o,s:{s:s,s:o,s:s,s:I,s:s,s:s,s:I,s:I,s:I}}", "type", "Feature", "geometry", geom,
                   "properties", "kind", "track", "encounter_id", tc_json_string(k->id), "role", r, "mmsi",
                   (json_int_t)(role == 'a' ? k->e.mmsi_a : k->e.mmsi_b), "start", t0, "end", t1, "start_unix",
                   (json_int_t)t->t[0], "end_unix", (json_int_t)t->t[t->n - 1], "fixes", (json_int_t)t->n);
}

static json_t *encounter_feature(const tc_candidate *k) {
  json_t *props = json_pack("{s:s}", "kind", "encounter"), *rest = tc_json_candidate_props(k);
  if (!props || !rest || json_object_update(props, rest) != 0) { /* update: in rest's order */
    json_decref(props);
    json_decref(rest);
    return NULL;
  }
  json_decref(rest);
  return json_pack("{s:s,s:o,s:{s:s,s:o},s:o}", "type", "Feature", "id", tc_json_string(k->id),
                   "geometry", "type", "Point", "coordinates", pos(k->e.mean_lon, k->e.mean_lat),
                   "properties", props);
}

/* Dumps v (taking it) after sep; 0 on success. */
static int put(FILE *f, const char *sep, json_t *v) {
  int bad = !v || fputs(sep, f) == EOF || json_dumpf(v, f, DUMP_FLAGS) != 0;
  json_decref(v);
  return bad;
}

/* After a collection: the write's reason (errno of the first failing write, or no
 * memory for a document) when one failed. */
static tc_status finish(FILE *f, int bad, const char *what, tc_err *err) {
  if (bad || fflush(f) != 0 || ferror(f))
    return tc_fail(err, ferror(f) ? TC_ERR_IO : TC_ERR_NOMEM, "%s: write failed: %s", what,
                   ferror(f) ? (errno ? strerror(errno) : "I/O error") : "out of memory");
  return TC_OK;
}

/* Each collection is written one feature at a time (only one feature's document in
 * memory, however many tracks): the frame around the features is fixed text, the
 * library writes every value. */
tc_status tc_write_geojson(FILE *f, const tc_candidates *c, tc_err *err) {
  errno = 0; /* the first failing write's reason survives to the message below */
  int bad = fputs("{\"type\":\"FeatureCollection\",\"trajcorr\":", f) == EOF;
  bad |= put(f, "", json_pack("{s:s,s:o,s:I}", "generator", "trajcorr " TRAJCORR_VERSION, "note",
                              tc_json_string(c->note), "encounters", (json_int_t)c->n));
  bad |= fputs(",\n\"features\":[", f) == EOF;
  for (size_t i = 0; i < c->n && !bad; i++)
    bad |= put(f, i ? ",\n" : "\n", encounter_feature(&c->v[i]));
  bad |= fputs("\n]}\n", f) == EOF;
  return finish(f, bad, "GeoJSON", err);
}

tc_status tc_write_geojson_tracks(FILE *f, const tc_candidates *c, tc_err *err) {
  errno = 0;
  int bad = fputs("{\"type\":\"FeatureCollection\",\"trajcorr\":", f) == EOF;
  bad |= put(f, "", json_pack("{s:s,s:o}", "generator", "trajcorr " TRAJCORR_VERSION, "note",
                              tc_json_string(c->note)));
  bad |= fputs(",\n\"features\":[", f) == EOF;
  const char *sep = "\n";
  for (size_t i = 0; c->track_a && i < c->n && !bad; i++) {
    const tc_columns *t[2] = {&c->track_a[i], &c->track_b[i]};
    for (int r = 0; r < 2 && !bad; r++)
      if (t[r]->n) {
        bad |= put(f, sep, track_feature(&c->v[i], t[r], r ? 'b' : 'a'));
        sep = ",\n";
      }
  }
  bad |= fputs("\n]}\n", f) == EOF;
  return finish(f, bad, "GeoJSON tracks", err);
}

int tc_geojson_tracks_path(const char *path, char *buf, size_t cap) {
  size_t n = strlen(path);
  if (n >= 8 && !strcasecmp(path + n - 8, ".geojson"))
    n -= 8;
  else if (n >= 5 && !strcasecmp(path + n - 5, ".json"))
    n -= 5;
  int w = snprintf(buf, cap, "%.*s.tracks.geojson", (int)n, path);
  return w > 0 && (size_t)w < cap;
}
