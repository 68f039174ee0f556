/* GeoPackage, FlatGeobuf and Shapefile through GDAL/OGR's C API (docs/outputs.md).
 *
 * A layer "encounters" of Points and, with tracks, a layer "tracks" of measured
 * MultiLineStrings (M = the fix's time, Unix seconds): in the one GeoPackage; for
 * FlatGeobuf and Shapefile, whose files hold one layer, in NAME.tracks.fgb / .shp
 * beside it. Everything is written into a temporary directory beside the target and
 * the files are renamed into place when all are complete (tracks first), so a failure
 * leaves no partial output. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "host/report/evlinks.h"
#include "host/report/gdal_lib.h"
#include "host/report/gdal_util.h"
#include "host/report/textout.h"
#include "host/report/writers.h"
#include "io/numfmt.h"
#include "io/outpath.h"
#include "kernels/geo.h"

/* NAME less its extension, plus ".tracks" and the extension. */
int tc_gdal_tracks_path(const char *path, tc_format fmt, char *buf, size_t cap) {
  if (fmt != TC_FMT_FGB && fmt != TC_FMT_SHP)
    return 0;
  const char *ext = fmt == TC_FMT_FGB ? ".fgb" : ".shp";
  size_t n = strlen(path);
  if (n >= 4 && !strcasecmp(path + n - 4, ext))
    n -= 4;
  int w = snprintf(buf, cap, "%.*s.tracks%s", (int)n, path, ext);
  return w > 0 && (size_t)w < cap;
}

#ifdef TRAJCORR_HAVE_GDAL

static const char *driver_of(tc_format fmt) {
  return fmt == TC_FMT_GPKG ? "GPKG" : fmt == TC_FMT_FGB ? "FlatGeobuf" : "ESRI Shapefile";
}
#endif

static const char *title_of(tc_format fmt) {
  return fmt == TC_FMT_GPKG ? "GeoPackage" : fmt == TC_FMT_FGB ? "FlatGeobuf" : "Shapefile";
}

#ifdef TRAJCORR_HAVE_GDAL

enum {
  F_MMSI_A, F_MMSI_B, F_START, F_END, F_DURATION, F_SLOTS, F_MIN, F_MEDIAN, F_LAT, F_LON, F_SPEED_A, F_SPEED_B,
  F_ID, F_SCORE, F_FLAG_A, F_FLAG_B, F_NAME_A, F_NAME_B, F_IMO_A, F_IMO_B, F_CALL_A, F_CALL_B, F_TYPE_A,
  F_TYPE_B, F_SHORE, F_PORT, F_PORT_M, F_CROWD, F_TAGS, F_REASONS, F_GAP_BA, F_GAP_AA, F_GAP_BB, F_GAP_AB,
  F_N_GAPS, F_N_LOITER, F_N_DARK, F_EVENTS, F_COUNT
};

static const tc_gdal_field enc_fields[F_COUNT] = {
    {"mmsi_a", NULL, OFTInteger, 0},         {"mmsi_b", NULL, OFTInteger, 0},
    {"start", NULL, OFTDateTime, 0},         {"end", NULL, OFTDateTime, 0},
    {"duration_s", NULL, OFTInteger64, 0},   {"close_slots", "close_slot", OFTInteger, 0},
    {"min_dist_m", NULL, OFTReal, 0},        {"median_dist_m", "med_dist_m", OFTReal, 0},
    {"mean_lat", NULL, OFTReal, 0},          {"mean_lon", NULL, OFTReal, 0},
    {"speed_a_kn", NULL, OFTReal, 0},        {"speed_b_kn", NULL, OFTReal, 0},
    {"id", NULL, OFTString, 16},             {"score", NULL, OFTReal, 0},
    {"flag_a", NULL, OFTString, 2},          {"flag_b", NULL, OFTString, 2},
    {"name_a", NULL, OFTString, 32},         {"name_b", NULL, OFTString, 32},
    {"imo_a", NULL, OFTInteger, 0},          {"imo_b", NULL, OFTInteger, 0},
    {"callsign_a", NULL, OFTString, 16},     {"callsign_b", NULL, OFTString, 16},
    {"type_a", NULL, OFTInteger, 0},         {"type_b", NULL, OFTInteger, 0},
    {"shore_dist_m", "shore_m", OFTReal, 0}, {"port", NULL, OFTString, 64},
    {"port_dist_m", "port_m", OFTReal, 0},   {"crowd", NULL, OFTInteger, 0},
    {"tags", NULL, OFTString, 128},          {"reasons", NULL, OFTString, 254},
    {"gap_before_a_s", "gap_bef_a", OFTInteger64, 0}, {"gap_after_a_s", "gap_aft_a", OFTInteger64, 0},
    {"gap_before_b_s", "gap_bef_b", OFTInteger64, 0}, {"gap_after_b_s", "gap_aft_b", OFTInteger64, 0},
    {"n_gaps", NULL, OFTInteger, 0},         {"n_loitering", "n_loiter", OFTInteger, 0},
    {"n_dark", NULL, OFTInteger, 0},         {"events", NULL, OFTString, 254},
};

enum { T_ENC, T_ROLE, T_MMSI, T_START, T_END, T_FIXES, T_COUNT };
static const tc_gdal_field trk_fields[T_COUNT] = {
    {"encounter_id", "enc_id", OFTString, 16}, {"role", NULL, OFTString, 1},
    {"mmsi", NULL, OFTInteger, 0},             {"start", NULL, OFTDateTime, 0},
    {"end", NULL, OFTDateTime, 0},             {"fixes", NULL, OFTInteger, 0},
};

static int as_text; /* times as text (Shapefile) in the file being written */

static void set_time(OGRFeatureH ft, int i, int64_t t) { tc_gdal_set_time(ft, i, t, as_text); }
static double rounded(double v, int dec) { return tc_gdal_rounded(v, dec); }
static void set_real(OGRFeatureH ft, int i, double v, int dec) { tc_gdal_set_real(ft, i, v, dec); }
/* 0 (unknown static data) and negatives (unknown counts and gaps) are nulls. */
static void set_int(OGRFeatureH ft, int i, long long v, long long min_known) { tc_gdal_set_int(ft, i, v, min_known); }
static void set_str(OGRFeatureH ft, int i, const char *s) { tc_gdal()->OGR_F_SetFieldString(ft, i, s); }

static void encounter_fields(OGRFeatureH ft, const tc_candidate *k) {
  const tc_gdal_api *g = tc_gdal();
  const tc_encounter *e = &k->e;
  char tags[256];
  tc_tags_str(k->tags, tags, sizeof tags);
  g->OGR_F_SetFieldInteger64(ft, F_MMSI_A, e->mmsi_a);
  g->OGR_F_SetFieldInteger64(ft, F_MMSI_B, e->mmsi_b);
  set_time(ft, F_START, e->start);
  set_time(ft, F_END, e->end);
  g->OGR_F_SetFieldInteger64(ft, F_DURATION, e->end - e->start);
  g->OGR_F_SetFieldInteger64(ft, F_SLOTS, e->close_slots);
  set_real(ft, F_MIN, e->min_dist_m, 3);
  set_real(ft, F_MEDIAN, e->median_dist_m, 3);
  set_real(ft, F_LAT, e->mean_lat, 6);
  set_real(ft, F_LON, e->mean_lon, 6);
  set_real(ft, F_SPEED_A, e->speed_a_kn, 4);
  set_real(ft, F_SPEED_B, e->speed_b_kn, 4);
  set_str(ft, F_ID, k->id);
  set_real(ft, F_SCORE, k->score, 1);
  set_str(ft, F_FLAG_A, k->flag_a);
  set_str(ft, F_FLAG_B, k->flag_b);
  set_str(ft, F_NAME_A, k->va.name);
  set_str(ft, F_NAME_B, k->vb.name);
  set_int(ft, F_IMO_A, k->va.imo, 1);
  set_int(ft, F_IMO_B, k->vb.imo, 1);
  set_str(ft, F_CALL_A, k->va.callsign);
  set_str(ft, F_CALL_B, k->vb.callsign);
  set_int(ft, F_TYPE_A, k->va.ship_type, 1);
  set_int(ft, F_TYPE_B, k->vb.ship_type, 1);
  set_real(ft, F_SHORE, k->shore_m, 0);
  set_str(ft, F_PORT, k->port);
  set_real(ft, F_PORT_M, k->port_m, 0);
  set_int(ft, F_CROWD, k->crowd, 0);
  set_str(ft, F_TAGS, tags);
  set_str(ft, F_REASONS, k->reasons);
  set_int(ft, F_GAP_BA, k->gap_before_a, 0);
  set_int(ft, F_GAP_AA, k->gap_after_a, 0);
  set_int(ft, F_GAP_BB, k->gap_before_b, 0);
  set_int(ft, F_GAP_AB, k->gap_after_b, 0);
  /* the linked events (spec events §4): null when none were computed, as in the GeoJSON */
  if (k->ev) {
    char refs[TC_EVLINKS_MAX * 64];
    tc_evlinks_refs(k, refs, sizeof refs);
    set_int(ft, F_N_GAPS, k->n_gaps, 0);
    set_int(ft, F_N_LOITER, k->n_loiter, 0);
    set_int(ft, F_N_DARK, k->n_dark, 0);
    set_str(ft, F_EVENTS, refs);
  }
}

/* The track as a measured MultiLineString, cut where it crosses the antimeridian (the
 * crossing interpolated the short way, as the GeoJSON tracks are); one fix is a line
 * standing still, so the layer keeps one geometry type. */
static OGRGeometryH track_geometry(const tc_columns *t) {
  const tc_gdal_api *g = tc_gdal();
  OGRGeometryH multi = g->OGR_G_CreateGeometry(wkbMultiLineStringM);
  OGRGeometryH line = g->OGR_G_CreateGeometry(wkbLineStringM);
  if (!multi || !line) {
    if (multi)
      g->OGR_G_DestroyGeometry(multi);
    if (line)
      g->OGR_G_DestroyGeometry(line);
    return NULL;
  }
  g->OGR_G_AddPointM(line, t->lon[0], t->lat[0], (double)t->t[0]);
  for (size_t i = 1; i < t->n; i++) {
    double l0 = t->lon[i - 1], l1 = t->lon[i];
    if (fabs(l1 - l0) > 180.0) {
      double l1u = l0 + tc_wrap_dlon(l1 - l0), edge = l0 > 0 ? 180.0 : -180.0;
      double fr = (edge - l0) / (l1u - l0);
      double la = t->lat[i - 1] + fr * (t->lat[i] - t->lat[i - 1]);
      double m = (double)t->t[i - 1] + fr * (double)(t->t[i] - t->t[i - 1]);
      g->OGR_G_AddPointM(line, edge, la, m);
      g->OGR_G_AddGeometryDirectly(multi, line);
      if (!(line = g->OGR_G_CreateGeometry(wkbLineStringM))) {
        g->OGR_G_DestroyGeometry(multi);
        return NULL;
      }
      g->OGR_G_AddPointM(line, -edge, la, m);
    }
    g->OGR_G_AddPointM(line, l1, t->lat[i], (double)t->t[i]);
  }
  if (t->n == 1)
    g->OGR_G_AddPointM(line, t->lon[0], t->lat[0], (double)t->t[0]);
  g->OGR_G_AddGeometryDirectly(multi, line);
  return multi;
}

static tc_status write_encounters(const tc_gdal_layer *o, const tc_candidates *c, const char *what, tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  tc_status s = TC_OK;
  for (size_t i = 0; s == TC_OK && i < c->n; i++) {
    const tc_candidate *k = &c->v[i];
    OGRFeatureH ft = g->OGR_F_Create(g->OGR_L_GetLayerDefn(o->lyr));
    if (!ft)
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
    encounter_fields(ft, k);
    OGRGeometryH pt = g->OGR_G_CreateGeometry(wkbPoint);
    if (pt)
      g->OGR_G_SetPoint_2D(pt, 0, rounded(k->e.mean_lon, 6), rounded(k->e.mean_lat, 6));
    s = tc_gdal_put_feature(o, ft, pt, what, err);
    g->OGR_F_Destroy(ft);
  }
  return s;
}

static tc_status write_tracks(const tc_gdal_layer *o, const tc_candidates *c, const char *what, tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  tc_status s = TC_OK;
  for (size_t i = 0; s == TC_OK && i < c->n; i++)
    for (int r = 0; s == TC_OK && r < 2; r++) {
      const tc_columns *t = r ? &c->track_b[i] : &c->track_a[i];
      if (!t->n)
        continue;
      OGRFeatureH ft = g->OGR_F_Create(g->OGR_L_GetLayerDefn(o->lyr));
      if (!ft)
        return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
      set_str(ft, T_ENC, c->v[i].id);
      set_str(ft, T_ROLE, r ? "b" : "a");
      g->OGR_F_SetFieldInteger64(ft, T_MMSI, r ? c->v[i].e.mmsi_b : c->v[i].e.mmsi_a);
      set_time(ft, T_START, t->t[0]);
      set_time(ft, T_END, t->t[t->n - 1]);
      g->OGR_F_SetFieldInteger64(ft, T_FIXES, (long long)t->n);
      s = tc_gdal_put_feature(o, ft, track_geometry(t), what, err);
      g->OGR_F_Destroy(ft);
    }
  return s;
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

tc_status tc_write_gdal(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err) {
  const char *what = title_of(fmt);
  TC_TRY(tc_gdal_load(what, err));
  if (!strcmp(path, "-") || tc_path_is_stream(path))
    return tc_fail(err, TC_ERR_ARG, "%s: %s output needs a regular file name", path, what);
  const tc_gdal_api *g = tc_gdal();
  int tracks = c->track_a != NULL, split = fmt != TC_FMT_GPKG;
  char dir[4096], tmp[4096], file[8192], tfile[8192], tpath[4096], ebase[4096], tbase[4096];
  char moved[16][4096];
  int nmoved = 0;
  const char *b = base_name(path);
  int dl = (int)(b - path); /* "d/x": "d"; "/x": "/"; "x": "." */
  if (snprintf(dir, sizeof dir, "%.*s", dl > 1 ? dl - 1 : dl, path) >= (int)sizeof dir ||
      snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp ||
      (tracks && split && !tc_gdal_tracks_path(path, fmt, tpath, sizeof tpath)))
    return tc_fail(err, TC_ERR_ARG, "%s: name too long", path);
  if (!dl)
    snprintf(dir, sizeof dir, ".");
  /* The name inside the temporary directory is the final one: a Shapefile's parts and a
   * GeoPackage's layers carry it. */
  snprintf(ebase, sizeof ebase, "%s", b);
  if (fmt == TC_FMT_SHP && strlen(ebase) > 4 && !strcasecmp(ebase + strlen(ebase) - 4, ".shp"))
    ebase[strlen(ebase) - 4] = '\0';
  snprintf(tbase, sizeof tbase, "%s", tracks && split ? base_name(tpath) : "");
  if (fmt == TC_FMT_SHP && strlen(tbase) > 4)
    tbase[strlen(tbase) - 4] = '\0';
  if (!mkdtemp(tmp))
    return tc_fail(err, TC_ERR_IO, "%s: cannot create a temporary directory beside it: %s", path, strerror(errno));
  snprintf(file, sizeof file, "%s/%s", tmp, b);
  if (tracks && split)
    snprintf(tfile, sizeof tfile, "%s/%s", tmp, base_name(tpath));

  int shp = fmt == TC_FMT_SHP;
  GDALDatasetH d;
  as_text = shp;
  tc_gdal_layer enc = {0}, trk = {0};
  tc_status s = TC_OK;
  tc_gdal_capture_begin();
  OGRSpatialReferenceH srs = g->OSRNewSpatialReference(NULL);
  if (!srs || g->OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
    s = tc_gdal_fail(err, "EPSG:4326 (GDAL's PROJ database)");
    goto cleanup;
  }
  g->OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER); /* lon, lat as written */
  if ((s = tc_gdal_open_layer(&enc, NULL, driver_of(fmt), file, shp ? ebase : "encounters", wkbPoint, srs, shp, path,
                      err)) != TC_OK ||
      (s = tc_gdal_make_fields(enc.lyr, enc_fields, F_COUNT, shp, err)) != TC_OK)
    goto cleanup;
  /* One transaction: GeoPackage (SQLite) commits once instead of per feature. */
  enc.txn = fmt == TC_FMT_GPKG && g->GDALDatasetStartTransaction(enc.ds, 0) == OGRERR_NONE;
  if ((s = write_encounters(&enc, c, path, err)) != TC_OK)
    goto cleanup;
  if (tracks) {
    const char *tw = split ? tpath : path;
    if ((s = tc_gdal_open_layer(&trk, split ? NULL : enc.ds, driver_of(fmt), tfile, shp ? tbase : "tracks",
                               wkbMultiLineStringM, srs, shp, tw, err)) != TC_OK ||
        (s = tc_gdal_make_fields(trk.lyr, trk_fields, T_COUNT, shp, err)) != TC_OK ||
        (s = write_tracks(&trk, c, tw, err)) != TC_OK)
      goto cleanup;
  }
  if (enc.txn && g->GDALDatasetCommitTransaction(enc.ds) != OGRERR_NONE) {
    s = tc_gdal_fail(err, path);
    goto cleanup;
  }
  enc.txn = 0;
  if (split && trk.ds) {
    d = trk.ds;
    trk.ds = NULL;
    if ((s = tc_gdal_close(d, tpath, err)) != TC_OK)
      goto cleanup;
  }
  trk.ds = NULL;
  d = enc.ds;
  enc.ds = NULL;
  if ((s = tc_gdal_close(d, path, err)) != TC_OK)
    goto cleanup;
  /* Tracks first: a failure then leaves neither. */
  if (tracks && split)
    s = tc_gdal_move_files(tmp, dir, tbase, moved, &nmoved, 16, err);
  if (s == TC_OK)
    s = tc_gdal_move_files(tmp, dir, ebase, moved, &nmoved, 16, err);
  if (s != TC_OK)
    for (int i = 0; i < nmoved; i++)
      remove(moved[i]);

cleanup:
  if (split && trk.ds)
    g->GDALClose(trk.ds);
  if (enc.ds)
    g->GDALClose(enc.ds);
  if (srs)
    g->OSRRelease(srs);
  tc_gdal_capture_end();
  tc_gdal_remove_tree(tmp);
  return s;
}

#else

tc_status tc_write_gdal(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err) {
  (void)path;
  (void)c;
  return tc_gdal_load(title_of(fmt), err);
}

#endif
