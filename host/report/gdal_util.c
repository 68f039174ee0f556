#include "host/report/gdal_util.h"

#ifdef TRAJCORR_HAVE_GDAL
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/report/textout.h"
#include "io/numfmt.h"

tc_status tc_gdal_make_fields(OGRLayerH lyr, const tc_gdal_field *f, int n, int shp, tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  for (int i = 0; i < n; i++) {
    /* dBASE has dates without times: a Shapefile gets the times as ISO 8601 text. */
    int text_time = shp && f[i].type == OFTDateTime;
    OGRFieldDefnH d = g->OGR_Fld_Create(shp && f[i].shp ? f[i].shp : f[i].name, text_time ? OFTString : f[i].type);
    if (shp && (f[i].width || text_time))
      g->OGR_Fld_SetWidth(d, text_time ? 20 /* 2016-06-01T00:10:00Z */ : f[i].width);
    OGRErr e = g->OGR_L_CreateField(lyr, d, 1);
    g->OGR_Fld_Destroy(d);
    if (e != OGRERR_NONE)
      return tc_gdal_fail(err, f[i].name);
  }
  return TC_OK;
}

void tc_gdal_set_time(OGRFeatureH ft, int i, int64_t t, int as_text) {
  if (as_text) {
    char iso[TC_ISO_LEN];
    tc_fmt_iso(t, iso);
    tc_gdal()->OGR_F_SetFieldString(ft, i, iso);
    return;
  }
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm))
    return;
  tc_gdal()->OGR_F_SetFieldDateTime(ft, i, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                    tm.tm_sec, 100 /* UTC */);
}

double tc_gdal_rounded(double v, int dec) {
  char b[TC_FMT_FIXED_MAX + 1];
  snprintf(b, sizeof b, "%.*f", dec, v);
  return strtod(b, NULL);
}

void tc_gdal_set_real(OGRFeatureH ft, int i, double v, int dec) {
  if (isfinite(v))
    tc_gdal()->OGR_F_SetFieldDouble(ft, i, tc_gdal_rounded(v, dec));
  else
    tc_gdal()->OGR_F_SetFieldNull(ft, i);
}

void tc_gdal_set_int(OGRFeatureH ft, int i, long long v, long long min_known) {
  if (v >= min_known)
    tc_gdal()->OGR_F_SetFieldInteger64(ft, i, v);
  else
    tc_gdal()->OGR_F_SetFieldNull(ft, i);
}

tc_status tc_gdal_open_layer(tc_gdal_layer *o, GDALDatasetH shared, const char *driver, const char *file,
                             const char *name, OGRwkbGeometryType gt, OGRSpatialReferenceH srs, int shp,
                             const char *what, tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  o->ds = shared;
  o->lyr = NULL;
  o->txn = 0;
  if (!o->ds) {
    GDALDriverH drv = g->GDALGetDriverByName(driver);
    if (!drv)
      return tc_fail(err, TC_ERR_UNSUPPORTED, "%s: this GDAL has no %s driver", what, driver);
    if (!(o->ds = g->GDALCreate(drv, file, 0, 0, 0, GDT_Unknown, NULL)))
      return tc_gdal_fail(err, what);
  }
  char *shp_opts[] = {"ENCODING=UTF-8", NULL};
  if (!(o->lyr = g->GDALDatasetCreateLayer(o->ds, name, srs, gt, shp ? shp_opts : NULL)))
    return tc_gdal_fail(err, what);
  return TC_OK;
}

tc_status tc_gdal_put_feature(const tc_gdal_layer *o, OGRFeatureH ft, OGRGeometryH geom, const char *what,
                              tc_err *err) {
  const tc_gdal_api *g = tc_gdal();
  if (!geom)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
  g->OGR_F_SetGeometryDirectly(ft, geom);
  if (g->OGR_L_CreateFeature(o->lyr, ft) != OGRERR_NONE)
    return tc_gdal_fail(err, what);
  return TC_OK;
}

/* FlatGeobuf writes the whole file on close; GDALClose returns nothing before GDAL 3.7,
 * so an error is what the handler kept. */
tc_status tc_gdal_close(GDALDatasetH ds, const char *what, tc_err *err) {
  if (ds)
    tc_gdal()->GDALClose(ds);
  return tc_gdal_error_kept() ? tc_gdal_fail(err, what) : TC_OK;
}

void tc_gdal_remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *de;
    char p[8192];
    while ((de = readdir(d)))
      if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        remove(p);
      }
    closedir(d);
  }
  rmdir(dir);
}

tc_status tc_gdal_move_files(const char *tmp, const char *dir, const char *base, char moved[][4096], int *nmoved,
                             int cap, tc_err *err) {
  DIR *d = opendir(tmp);
  if (!d)
    return tc_fail(err, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
  struct dirent *de;
  tc_status s = TC_OK;
  size_t bl = strlen(base);
  while (s == TC_OK && (de = readdir(d))) {
    if (strncmp(de->d_name, base, bl) || (de->d_name[bl] != '.' && de->d_name[bl] != '\0'))
      continue;
    char from[8192];
    snprintf(from, sizeof from, "%s/%s", tmp, de->d_name);
    if (*nmoved >= cap)
      s = tc_fail(err, TC_ERR_INTERNAL, "%s: too many files", tmp);
    else if (snprintf(moved[*nmoved], 4096, "%s/%s", dir, de->d_name) >= 4096)
      s = tc_fail(err, TC_ERR_ARG, "%s/%s: name too long", dir, de->d_name);
    else if (rename(from, moved[*nmoved]) != 0)
      s = tc_fail(err, TC_ERR_IO, "%s: cannot rename into place: %s", moved[*nmoved], strerror(errno));
    else
      (*nmoved)++;
  }
  closedir(d);
  return s;
}

#endif
