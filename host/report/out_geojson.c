#include <math.h>
#include <string.h>
#include <strings.h>

#include "host/report/jsonout.h"
#include "host/report/textout.h"
#include "host/report/writers.h"
#include "kernels/geo.h"

static void key(FILE *f, const char *k, int *first) {
  if (!*first)
    fputc(',', f);
  *first = 0;
  tc_put_json_str(f, k);
  fputc(':', f);
}

static void kstr(FILE *f, const char *k, const char *v, int *first) {
  key(f, k, first);
  tc_put_json_str(f, v);
}

static void knum(FILE *f, const char *k, double v, int dec, int *first) {
  key(f, k, first);
  tc_put_json_num(f, v, dec);
}

static void kint(FILE *f, const char *k, long long v, int *first) {
  key(f, k, first);
  fprintf(f, "%lld", v);
}

static void kopt(FILE *f, const char *k, long long v, int *first) { /* null when 0 (unknown) */
  key(f, k, first);
  if (v > 0)
    fprintf(f, "%lld", v);
  else
    fputs("null", f);
}

void tc_json_candidate_props(FILE *f, const tc_candidate *k) {
  const tc_encounter *e = &k->e;
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN];
  tc_fmt_iso(e->start, t0);
  tc_fmt_iso(e->end, t1);
  int first = 1;
  kstr(f, "id", k->id, &first);
  kint(f, "mmsi_a", e->mmsi_a, &first);
  kint(f, "mmsi_b", e->mmsi_b, &first);
  kstr(f, "start", t0, &first);
  kstr(f, "end", t1, &first);
  kint(f, "start_unix", e->start, &first);
  kint(f, "end_unix", e->end, &first);
  kint(f, "duration_s", e->end - e->start, &first);
  kint(f, "close_slots", e->close_slots, &first);
  knum(f, "min_dist_m", e->min_dist_m, 3, &first);
  knum(f, "median_dist_m", e->median_dist_m, 3, &first);
  knum(f, "mean_lat", e->mean_lat, 6, &first);
  knum(f, "mean_lon", e->mean_lon, 6, &first);
  knum(f, "speed_a_kn", e->speed_a_kn, 4, &first);
  knum(f, "speed_b_kn", e->speed_b_kn, 4, &first);
  knum(f, "score", k->score, 1, &first);
  kstr(f, "reasons", k->reasons, &first);
  kstr(f, "flag_a", k->flag_a, &first);
  kstr(f, "flag_b", k->flag_b, &first);
  kstr(f, "name_a", k->va.name, &first);
  kstr(f, "name_b", k->vb.name, &first);
  kopt(f, "imo_a", k->va.imo, &first);
  kopt(f, "imo_b", k->vb.imo, &first);
  kstr(f, "callsign_a", k->va.callsign, &first);
  kstr(f, "callsign_b", k->vb.callsign, &first);
  kopt(f, "type_a", k->va.ship_type, &first);
  kopt(f, "type_b", k->vb.ship_type, &first);
  knum(f, "shore_dist_m", k->shore_m, 0, &first);
  kstr(f, "port", k->port, &first);
  knum(f, "port_dist_m", k->port_m, 0, &first);
  if (k->crowd >= 0)
    kint(f, "crowd", k->crowd, &first);
  else
    knum(f, "crowd", NAN, 0, &first);
  key(f, "tags", &first);
  fputc('[', f);
  for (unsigned i = 0, n = 0; i < TC_TAG_COUNT; i++)
    if (k->tags & (1u << i)) {
      if (n++)
        fputc(',', f);
      tc_put_json_str(f, tc_tag_name(i));
    }
  fputc(']', f);
  int64_t gaps[4] = {k->gap_before_a, k->gap_after_a, k->gap_before_b, k->gap_after_b};
  const char *gk[4] = {"gap_before_a_s", "gap_after_a_s", "gap_before_b_s", "gap_after_b_s"};
  for (int i = 0; i < 4; i++) {
    key(f, gk[i], &first);
    if (gaps[i] >= 0)
      fprintf(f, "%lld", (long long)gaps[i]);
    else
      fputs("null", f);
  }
}

static void pos(FILE *f, double lon, double lat) { fprintf(f, "[%.6f,%.6f]", lon, lat); }

int tc_json_track_geometry(FILE *f, const tc_columns *t) {
  if (t->n == 0)
    return 0;
  if (t->n == 1) {
    fputs("{\"type\":\"Point\",\"coordinates\":", f);
    pos(f, t->lon[0], t->lat[0]);
    fputc('}', f);
    return 1;
  }
  int split = 0;
  for (size_t i = 1; i < t->n; i++)
    if (fabs(t->lon[i] - t->lon[i - 1]) > 180.0)
      split = 1;
  fprintf(f, "{\"type\":\"%s\",\"coordinates\":%s[", split ? "MultiLineString" : "LineString", split ? "[" : "");
  pos(f, t->lon[0], t->lat[0]);
  for (size_t i = 1; i < t->n; i++) {
    double l0 = t->lon[i - 1], l1 = t->lon[i];
    if (fabs(l1 - l0) > 180.0) { /* cut at the antimeridian, interpolated the short way */
      double l1u = l0 + tc_wrap_dlon(l1 - l0), edge = l0 > 0 ? 180.0 : -180.0;
      double fr = (edge - l0) / (l1u - l0);
      double la = t->lat[i - 1] + fr * (t->lat[i] - t->lat[i - 1]);
      fputc(',', f);
      pos(f, edge, la);
      fputs("],[", f);
      pos(f, -edge, la);
    }
    fputc(',', f);
    pos(f, l1, t->lat[i]);
  }
  fprintf(f, "]%s}", split ? "]" : "");
  return 1;
}

/* Scalar properties only: a GIS reads the file as one LineString layer and writes it
 * to any format (Shapefile has neither list fields nor mixed geometry types). Each
 * fix's time and speed are in the KML gx:Track and the HDF5 /tracks. */
static void track_feature(FILE *f, const tc_candidate *k, const tc_columns *t, char role, int *first) {
  if (t->n == 0)
    return;
  fprintf(f, "%s\n{\"type\":\"Feature\",\"geometry\":", *first ? "" : ",");
  *first = 0;
  if (t->n == 1) { /* one fix: a LineString standing still, so the layer keeps one type */
    fputs("{\"type\":\"LineString\",\"coordinates\":[", f);
    pos(f, t->lon[0], t->lat[0]);
    fputc(',', f);
    pos(f, t->lon[0], t->lat[0]);
    fputs("]}", f);
  } else {
    tc_json_track_geometry(f, t);
  }
  fprintf(f, ",\"properties\":{\"kind\":\"track\",\"encounter_id\":\"%s\",\"role\":\"%c\",\"mmsi\":%u,",
          k->id, role, role == 'a' ? k->e.mmsi_a : k->e.mmsi_b);
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN];
  tc_fmt_iso(t->t[0], t0);
  tc_fmt_iso(t->t[t->n - 1], t1);
  fprintf(f, "\"start\":\"%s\",\"end\":\"%s\",\"start_unix\":%lld,\"end_unix\":%lld,\"fixes\":%zu}}", t0, t1,
          (long long)t->t[0], (long long)t->t[t->n - 1], t->n);
}

tc_status tc_write_geojson(FILE *f, const tc_candidates *c, tc_err *err) {
  fputs("{\"type\":\"FeatureCollection\",\"trajcorr\":{\"generator\":\"trajcorr " TRAJCORR_VERSION "\",\"note\":", f);
  tc_put_json_str(f, c->note);
  fprintf(f, ",\"encounters\":%zu},\n\"features\":[", c->n);
  for (size_t i = 0; i < c->n; i++) {
    const tc_candidate *k = &c->v[i];
    fprintf(f, "%s\n{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{\"type\":\"Point\",\"coordinates\":",
            i ? "," : "", k->id);
    pos(f, k->e.mean_lon, k->e.mean_lat);
    fputs("},\"properties\":{\"kind\":\"encounter\",", f);
    tc_json_candidate_props(f, k);
    fputs("}}", f);
  }
  fputs("\n]}\n", f);
  if (fflush(f) != 0 || ferror(f))
    return tc_fail(err, TC_ERR_IO, "GeoJSON: write failed");
  return TC_OK;
}

tc_status tc_write_geojson_tracks(FILE *f, const tc_candidates *c, tc_err *err) {
  fputs("{\"type\":\"FeatureCollection\",\"trajcorr\":{\"generator\":\"trajcorr " TRAJCORR_VERSION "\",\"note\":", f);
  tc_put_json_str(f, c->note);
  fputs("},\n\"features\":[", f);
  int first = 1;
  for (size_t i = 0; c->track_a && i < c->n; i++) {
    track_feature(f, &c->v[i], &c->track_a[i], 'a', &first);
    track_feature(f, &c->v[i], &c->track_b[i], 'b', &first);
  }
  fputs("\n]}\n", f);
  if (fflush(f) != 0 || ferror(f))
    return tc_fail(err, TC_ERR_IO, "GeoJSON tracks: write failed");
  return TC_OK;
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
