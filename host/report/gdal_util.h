/* Helpers of the GDAL writers (out_gdal.c for encounters, events_gdal.c for events):
 * typed fields with Shapefile names, values rounded as the CSVs give them, a layer per
 * dataset, and the temporary directory whose files are renamed into place once all are
 * complete. Only with GDAL (TRAJCORR_HAVE_GDAL). */
#ifndef TC_GDAL_UTIL_H
#define TC_GDAL_UTIL_H

#ifdef TRAJCORR_HAVE_GDAL
#include <stddef.h>
#include <stdint.h>

#include "host/report/gdal_lib.h"

/* name: everywhere; shp: the Shapefile's (dBASE names have at most 10 characters, and
 * GDAL's own truncation would make gap_befo_1 and the like); NULL: name. */
typedef struct {
  const char *name, *shp;
  OGRFieldType type;
  int width; /* Shapefile string width; 0 for GDAL's default */
} tc_gdal_field;

/* The n fields on lyr; shp: Shapefile names, and times as ISO 8601 text. */
tc_status tc_gdal_make_fields(OGRLayerH lyr, const tc_gdal_field *f, int n, int shp, tc_err *err);

/* t (Unix seconds) as an OGR datetime in UTC, or as_text: ISO 8601 text. */
void tc_gdal_set_time(OGRFeatureH ft, int i, int64_t t, int as_text);
/* v rounded to the decimals the CSV gives it, so every format carries the same value. */
double tc_gdal_rounded(double v, int dec);
/* Rounded; non-finite: null. */
void tc_gdal_set_real(OGRFeatureH ft, int i, double v, int dec);
/* Below min_known: null. */
void tc_gdal_set_int(OGRFeatureH ft, int i, long long v, long long min_known);

/* One open dataset and layer. */
typedef struct {
  GDALDatasetH ds;
  OGRLayerH lyr;
  int txn;
} tc_gdal_layer;

/* A layer in shared (NULL: a new dataset file of the driver). shp: the Shapefile's
 * options. what names the output for messages. */
tc_status tc_gdal_open_layer(tc_gdal_layer *o, GDALDatasetH shared, const char *driver, const char *file,
                             const char *name, OGRwkbGeometryType gt, OGRSpatialReferenceH srs, int shp,
                             const char *what, tc_err *err);
/* ft with geom (taken; NULL: out of memory) into o's layer. */
tc_status tc_gdal_put_feature(const tc_gdal_layer *o, OGRFeatureH ft, OGRGeometryH geom, const char *what,
                              tc_err *err);
/* Closes ds (closing writes what the driver buffered); an error kept meanwhile fails. */
tc_status tc_gdal_close(GDALDatasetH ds, const char *what, tc_err *err);

/* Removes dir and the files in it. */
void tc_gdal_remove_tree(const char *dir);
/* Renames every file of tmp named base or base.* (NAME.shp, NAME.dbf, ...) into dir,
 * recording each in moved so the caller can take them back. */
tc_status tc_gdal_move_files(const char *tmp, const char *dir, const char *base, char moved[][4096], int *nmoved,
                             int cap, tc_err *err);
#endif

#endif
