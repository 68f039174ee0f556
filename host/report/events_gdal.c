#include "host/report/events_gdal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/events_csv.h"
#include "host/report/gdal_lib.h"
#include "host/report/gdal_util.h"
#include "io/numfmt.h"
#include "io/outpath.h"
#include "kernels/geo.h"

const char *tc_events_gdal_title(int format) {
  return format == TC_EV_FORMAT_GPKG ? "GeoPackage" : format == TC_EV_FORMAT_FGB ? "FlatGeobuf" : "Shapefile";
}

#ifdef TRAJCORR_HAVE_GDAL

/* The CSV's columns (events_csv.h), in its order; the place columns last. */
enum { L_MMSI, L_START, L_END, L_DUR, L_SLOTS, L_LAT, L_LON, L_SPEED, L_PLACE, L_COUNT };
static const tc_gdal_field loiter_fields[L_COUNT] = {
    {"mmsi", NULL, OFTInteger, 0},           {"start", NULL, OFTDateTime, 0},
    {"end", NULL, OFTDateTime, 0},           {"duration_s", NULL, OFTInteger64, 0},
    {"slots", NULL, OFTInteger, 0},          {"mean_lat", NULL, OFTReal, 0},
    {"mean_lon", NULL, OFTReal, 0},          {"median_speed_kn", "med_spd_kn", OFTReal, 0},
    {"place", NULL, OFTString, 64},
};

enum { G_MMSI, G_START, G_END, G_DUR, G_LAT0, G_LON0, G_LAT1, G_LON1, G_DIST, G_SPEED, G_OTHERS, G_COV,
       G_PLACE0, G_PLACE1, G_COUNT };
static const tc_gdal_field gap_fields[G_COUNT] = {
    {"mmsi", NULL, OFTInteger, 0},        {"start", NULL, OFTDateTime, 0},
    {"end", NULL, OFTDateTime, 0},        {"duration_s", NULL, OFTInteger64, 0},
    {"lat0", NULL, OFTReal, 0},           {"lon0", NULL, OFTReal, 0},
    {"lat1", NULL, OFTReal, 0},           {"lon1", NULL, OFTReal, 0},
    {"dist_m", NULL, OFTReal, 0},         {"implied_speed_kn", "impl_spd", OFTReal, 0},
    {"others_seen", "others", OFTInteger, 0}, {"coverage", NULL, OFTReal, 0},
    {"place0", NULL, OFTString, 64},      {"place1", NULL, OFTString, 64},
};

enum { D_MMSI_A, D_MMSI_B, D_A0, D_A1, D_B0, D_B1, D_LSTAR, D_LAT, D_LON, D_WSTART, D_WEND, D_SLACK, D_DDARK,
       D_DREAP, D_COV_A, D_COV_B, D_PLACE, D_RANK, D_REASON, D_COUNT };
static const tc_gdal_field dark_fields[D_COUNT] = {
    {"mmsi_a", NULL, OFTInteger, 0},               {"mmsi_b", NULL, OFTInteger, 0},
    {"gap_a_start", "gap_a_st", OFTDateTime, 0},   {"gap_a_end", NULL, OFTDateTime, 0},
    {"gap_b_start", "gap_b_st", OFTDateTime, 0},   {"gap_b_end", NULL, OFTDateTime, 0},
    {"l_star_s", NULL, OFTInteger64, 0},           {"lat", NULL, OFTReal, 0},
    {"lon", NULL, OFTReal, 0},                     {"window_start", "win_start", OFTDateTime, 0},
    {"window_end", "win_end", OFTDateTime, 0},     {"slack_s", NULL, OFTInteger64, 0},
    {"dist_dark_m", "dist_dark", OFTReal, 0},      {"dist_reappear_m", "dist_reap", OFTReal, 0},
    {"coverage_a", NULL, OFTReal, 0},              {"coverage_b", NULL, OFTReal, 0},
    {"place", NULL, OFTString, 64},                {"rank", NULL, OFTInteger, 0},
    {"reason", NULL, OFTString, 254},
};

static const char *place_name(const tc_event_places *pl, int idx) {
  return idx < 0 ? "" : tc_places_get(pl->places, (size_t)idx)->name;
}

static OGRGeometryH point(double lon, double lat, int dec) {
  const tc_gdal_api *g = tc_gdal();
  OGRGeometryH pt = g->OGR_G_CreateGeometry(wkbPoint);
  if (pt)
    g->OGR_G_SetPoint_2D(pt, 0, tc_gdal_rounded(lon, dec), tc_gdal_rounded(lat, dec));
  return pt;
}

/* The silent stretch as a MultiLineString: one segment, or two where it crosses the
 * antimeridian the short way (the crossing interpolated, as the encounters' tracks). */
static OGRGeometryH gap_line(const tc_gap *gp) {
  const tc_gdal_api *g = tc_gdal();
  double lat0 = tc_gdal_rounded(gp->lat0, 6), lon0 = tc_gdal_rounded(gp->lon0, 6);
  double lat1 = tc_gdal_rounded(gp->lat1, 6), lon1 = tc_gdal_rounded(gp->lon1, 6);
  OGRGeometryH multi = g->OGR_G_CreateGeometry(wkbMultiLineString);
  OGRGeometryH line = g->OGR_G_CreateGeometry(wkbLineString);
  if (!multi || !line) {
    if (multi)
      g->OGR_G_DestroyGeometry(multi);
    if (line)
      g->OGR_G_DestroyGeometry(line);
    return NULL;
  }
  g->OGR_G_AddPoint_2D(line, lon0, lat0);
  if (fabs(lon1 - lon0) > 180.0) {
    double l1u = lon0 + tc_wrap_dlon(lon1 - lon0), edge = lon0 > 0 ? 180.0 : -180.0;
    double la = lat0 + (edge - lon0) / (l1u - lon0) * (lat1 - lat0);
    g->OGR_G_AddPoint_2D(line, edge, la);
    g->OGR_G_AddGeometryDirectly(multi, line);
    if (!(line = g->OGR_G_CreateGeometry(wkbLineString))) {
      g->OGR_G_DestroyGeometry(multi);
      return NULL;
    }
    g->OGR_G_AddPoint_2D(line, -edge, la);
  }
  g->OGR_G_AddPoint_2D(line, lon1, lat1);
  g->OGR_G_AddGeometryDirectly(multi, line);
  return multi;
}

/* The CSV's reason column (events_csv.c), the same text. */
static void dark_reason(const tc_dark *d, int at_place, int64_t slack, char *b, size_t cap) {
  char dd[TC_FMT_FIXED_MAX + 1], dr[TC_FMT_FIXED_MAX + 1];
  dd[tc_fmt_fixed(dd, d->dist_dark_m, 0)] = '\0';
  dr[tc_fmt_fixed(dr, d->dist_reappear_m, 0)] = '\0';
  snprintf(b, cap, "%swent dark %s m apart and reappeared %s m apart; slack %lld s",
           at_place ? "at a port or anchorage (ranked after the others); " : "", dd, dr, (long long)slack);
}

typedef struct {
  const tc_event_lists *l;
  const tc_event_places *pl;
  int64_t dwell;
  int text_time; /* Shapefile */
} ctx;

/* Feature i of kind into o. */
static tc_status put(const ctx *c, unsigned kind, size_t i, const tc_gdal_layer *o, const char *what, tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  const tc_event_places *pl = c->pl;
  OGRFeatureH ft = g->OGR_F_Create(g->OGR_L_GetLayerDefn(o->lyr));
  if (!ft)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
  OGRGeometryH geom;
  if (kind == TC_EV_LOITER) {
    const tc_loiter *e = &c->l->loiter[i];
    g->OGR_F_SetFieldInteger64(ft, L_MMSI, e->mmsi);
    tc_gdal_set_time(ft, L_START, e->start, c->text_time);
    tc_gdal_set_time(ft, L_END, e->end, c->text_time);
    g->OGR_F_SetFieldInteger64(ft, L_DUR, e->end - e->start);
    g->OGR_F_SetFieldInteger64(ft, L_SLOTS, e->slots);
    tc_gdal_set_real(ft, L_LAT, e->mean_lat, 6);
    tc_gdal_set_real(ft, L_LON, e->mean_lon, 6);
    tc_gdal_set_real(ft, L_SPEED, e->median_speed_kn, 4);
    if (pl)
      g->OGR_F_SetFieldString(ft, L_PLACE, place_name(pl, pl->loiter[i]));
    geom = point(e->mean_lon, e->mean_lat, 6);
  } else if (kind == TC_EV_GAPS) {
    const tc_gap *e = &c->l->gaps[i];
    int64_t dur = e->t1 - e->t0;
    g->OGR_F_SetFieldInteger64(ft, G_MMSI, e->mmsi);
    tc_gdal_set_time(ft, G_START, e->t0, c->text_time);
    tc_gdal_set_time(ft, G_END, e->t1, c->text_time);
    g->OGR_F_SetFieldInteger64(ft, G_DUR, dur);
    tc_gdal_set_real(ft, G_LAT0, e->lat0, 6);
    tc_gdal_set_real(ft, G_LON0, e->lon0, 6);
    tc_gdal_set_real(ft, G_LAT1, e->lat1, 6);
    tc_gdal_set_real(ft, G_LON1, e->lon1, 6);
    tc_gdal_set_real(ft, G_DIST, e->dist_m, 1);
    tc_gdal_set_real(ft, G_SPEED, e->dist_m / (double)dur / (1852.0 / 3600.0), 3);
    g->OGR_F_SetFieldInteger64(ft, G_OTHERS, e->others_seen);
    tc_gdal_set_real(ft, G_COV, e->coverage, 4);
    if (pl) {
      g->OGR_F_SetFieldString(ft, G_PLACE0, place_name(pl, pl->gap0[i]));
      g->OGR_F_SetFieldString(ft, G_PLACE1, place_name(pl, pl->gap1[i]));
    }
    geom = gap_line(e);
  } else {
    const tc_dark *d = &c->l->dark[i];
    int64_t ls = (int64_t)llround(d->l_star); /* whole seconds, as the CSV */
    g->OGR_F_SetFieldInteger64(ft, D_MMSI_A, d->mmsi_a);
    g->OGR_F_SetFieldInteger64(ft, D_MMSI_B, d->mmsi_b);
    tc_gdal_set_time(ft, D_A0, d->a0, c->text_time);
    tc_gdal_set_time(ft, D_A1, d->a1, c->text_time);
    tc_gdal_set_time(ft, D_B0, d->b0, c->text_time);
    tc_gdal_set_time(ft, D_B1, d->b1, c->text_time);
    g->OGR_F_SetFieldInteger64(ft, D_LSTAR, ls);
    tc_gdal_set_real(ft, D_LAT, d->lat, 5);
    tc_gdal_set_real(ft, D_LON, d->lon, 5);
    tc_gdal_set_time(ft, D_WSTART, (int64_t)llround(d->w_start), c->text_time);
    tc_gdal_set_time(ft, D_WEND, (int64_t)llround(d->w_end), c->text_time);
    g->OGR_F_SetFieldInteger64(ft, D_SLACK, ls - c->dwell);
    tc_gdal_set_real(ft, D_DDARK, d->dist_dark_m, 0);
    tc_gdal_set_real(ft, D_DREAP, d->dist_reappear_m, 0);
    tc_gdal_set_real(ft, D_COV_A, d->coverage_a, 4);
    tc_gdal_set_real(ft, D_COV_B, d->coverage_b, 4);
    if (pl) {
      char why[1024];
      dark_reason(d, pl->dark[i] >= 0, ls - c->dwell, why, sizeof why);
      g->OGR_F_SetFieldString(ft, D_PLACE, place_name(pl, pl->dark[i]));
      g->OGR_F_SetFieldInteger64(ft, D_RANK, (long long)pl->dark_rank[i]);
      g->OGR_F_SetFieldString(ft, D_REASON, why);
    }
    geom = point(d->lon, d->lat, 5);
  }
  tc_status s = tc_gdal_put_feature(o, ft, geom, what, err);
  g->OGR_F_Destroy(ft);
  return s;
}

static const unsigned kind_of[3] = {TC_EV_LOITER, TC_EV_GAPS, TC_EV_DARK};
static const char *const kind_name[3] = {"loitering", "gaps", "dark"};

tc_status tc_events_gdal_write(const char *prefix, unsigned kinds, int format, const tc_event_lists *l,
                               int64_t dwell, const tc_event_places *pl, tc_err *err) {
  const char *what = tc_events_gdal_title(format);
  TC_TRY(tc_gdal_load(what, err));
  if (tc_path_is_stream(prefix))
    return tc_fail(err, TC_ERR_ARG, "%s: %s output needs a regular file name", prefix, what);
  const tc_gdal_api *g = tc_gdal();
  const char *driver = format == TC_EV_FORMAT_GPKG ? "GPKG" : format == TC_EV_FORMAT_FGB ? "FlatGeobuf"
                                                                                          : "ESRI Shapefile";
  const char *ext = format == TC_EV_FORMAT_GPKG ? "gpkg" : format == TC_EV_FORMAT_FGB ? "fgb" : "shp";
  int gpkg = format == TC_EV_FORMAT_GPKG, shp = format == TC_EV_FORMAT_SHP;
  const char *slash = strrchr(prefix, '/'), *base = slash ? slash + 1 : prefix;
  int dl = (int)(base - prefix); /* "d/x": "d"; "/x": "/"; "x": "." */
  char dir[4096], tmp[4096], file[8192], what_k[8192], name[4096];
  char moved[3 * 8][4096];
  int nmoved = 0;
  if (snprintf(dir, sizeof dir, "%.*s", dl > 1 ? dl - 1 : dl, prefix) >= (int)sizeof dir ||
      snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", prefix) >= (int)sizeof tmp || strlen(base) + 32 >= sizeof name)
    return tc_fail(err, TC_ERR_ARG, "%s: output prefix too long", prefix);
  if (!dl)
    snprintf(dir, sizeof dir, ".");
  if (!mkdtemp(tmp))
    return tc_fail(err, TC_ERR_IO, "%s: cannot create a temporary directory beside it: %s", prefix, strerror(errno));
  ctx c = {l, pl, dwell, shp};
  tc_gdal_layer lay[3];
  memset(lay, 0, sizeof lay);
  GDALDatasetH shared = NULL;
  tc_status s = TC_OK;
  tc_gdal_capture_begin();
  OGRSpatialReferenceH srs = g->OSRNewSpatialReference(NULL);
  if (!srs || g->OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
    s = tc_gdal_fail(err, "EPSG:4326 (GDAL's PROJ database)");
    goto cleanup;
  }
  g->OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER); /* lon, lat as written */
  for (int k = 0; k < 3; k++) {
    if (!(kinds & kind_of[k]))
      continue;
    /* The names inside the temporary directory are the final ones: a Shapefile's parts
     * carry them. */
    if (gpkg)
      snprintf(name, sizeof name, "%s.events", base);
    else
      snprintf(name, sizeof name, "%s.%s", base, kind_name[k]);
    if (snprintf(file, sizeof file, "%s/%s.%s", tmp, name, ext) >= (int)sizeof file ||
        snprintf(what_k, sizeof what_k, "%s.%s.%s", prefix, gpkg ? "events" : kind_name[k], ext) >= (int)sizeof what_k) {
      s = tc_fail(err, TC_ERR_ARG, "%s: output prefix too long", prefix);
      goto cleanup;
    }
    static const int nfields[3] = {L_COUNT, G_COUNT, D_COUNT};
    static const int nplace[3] = {1, 2, 3};
    const tc_gdal_field *f = k == 0 ? loiter_fields : k == 1 ? gap_fields : dark_fields;
    size_t n = k == 0 ? l->n_loiter : k == 1 ? l->n_gaps : l->n_dark;
    if ((s = tc_gdal_open_layer(&lay[k], shared, driver, file, shp ? name : kind_name[k],
                                k == 1 ? wkbMultiLineString : wkbPoint, srs, shp, what_k, err)) != TC_OK ||
        (s = tc_gdal_make_fields(lay[k].lyr, f, nfields[k] - (pl ? 0 : nplace[k]), shp, err)) != TC_OK)
      goto cleanup;
    if (gpkg)
      shared = lay[k].ds;
    /* One transaction per layer: GeoPackage (SQLite) commits once instead of per feature. */
    int txn = gpkg && g->GDALDatasetStartTransaction(lay[k].ds, 0) == OGRERR_NONE;
    for (size_t i = 0; s == TC_OK && i < n; i++)
      s = put(&c, kind_of[k], i, &lay[k], what_k, err);
    if (s != TC_OK)
      goto cleanup;
    if (txn && g->GDALDatasetCommitTransaction(lay[k].ds) != OGRERR_NONE) {
      s = tc_gdal_fail(err, what_k);
      goto cleanup;
    }
    if (gpkg)
      lay[k].ds = NULL; /* shared's */
    if (!gpkg) {
      GDALDatasetH d = lay[k].ds;
      lay[k].ds = NULL;
      if ((s = tc_gdal_close(d, what_k, err)) != TC_OK)
        goto cleanup;
    }
  }
  if (shared) {
    GDALDatasetH d = shared;
    shared = NULL;
    snprintf(what_k, sizeof what_k, "%s.events.gpkg", prefix);
    if ((s = tc_gdal_close(d, what_k, err)) != TC_OK)
      goto cleanup;
  }
  /* Every file is complete: into place. */
  for (int k = 0; s == TC_OK && k < 3; k++) {
    if (!(kinds & kind_of[k]) || (gpkg && k > 0 && nmoved))
      continue;
    if (gpkg)
      snprintf(name, sizeof name, "%s.events", base);
    else
      snprintf(name, sizeof name, "%s.%s", base, kind_name[k]);
    s = tc_gdal_move_files(tmp, dir, name, moved, &nmoved, (int)(sizeof moved / sizeof moved[0]), err);
  }
  if (s != TC_OK)
    for (int i = 0; i < nmoved; i++)
      remove(moved[i]);

cleanup:
  if (shared)
    g->GDALClose(shared);
  else
    for (int k = 0; k < 3; k++)
      if (lay[k].ds)
        g->GDALClose(lay[k].ds);
  if (srs)
    g->OSRRelease(srs);
  tc_gdal_capture_end();
  tc_gdal_remove_tree(tmp);
  return s;
}

#else

tc_status tc_events_gdal_write(const char *prefix, unsigned kinds, int format, const tc_event_lists *l,
                               int64_t dwell, const tc_event_places *pl, tc_err *err) {
  (void)prefix;
  (void)kinds;
  (void)l;
  (void)dwell;
  (void)pl;
  return tc_gdal_load(tc_events_gdal_title(format), err);
}

#endif
