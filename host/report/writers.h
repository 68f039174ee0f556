/* Candidate writers (docs/outputs.md). Stream writers take an open FILE and check
 * its error state at the end; tc_candidates_write writes a file atomically. */
#ifndef TC_WRITERS_H
#define TC_WRITERS_H

#include <stdio.h>

#include "host/report/candidates.h"

/* CSV, GeoJSON, KML and HDF5 are written by the project's own writers; GeoPackage,
 * FlatGeobuf and Shapefile through GDAL (out_gdal.c; docs/outputs.md says why). */
typedef enum { TC_FMT_CSV, TC_FMT_GEOJSON, TC_FMT_KML, TC_FMT_HDF5, TC_FMT_GPKG, TC_FMT_FGB, TC_FMT_SHP } tc_format;

/* From a name (csv, geojson/json, kml, hdf5/h5, gpkg, fgb, shp, or GDAL's driver names
 * as ogr2ogr -f takes them: CSV, GeoJSON, KML, GPKG, FlatGeobuf, "ESRI Shapefile"), or
 * when name is NULL from the path's extension: CSV when the file name has none,
 * TC_ERR_ARG listing the formats when it has one nobody knows (out.xyz).
 * TC_ERR_UNSUPPORTED when the format needs GDAL and GDAL cannot be loaded. */
tc_status tc_format_parse(const char *name, const char *path, tc_format *out, tc_err *err);
const char *tc_format_name(tc_format f);
/* "GeoPackage", "Shapefile", ...: for messages. */
const char *tc_format_title(tc_format f);
/* Whether GDAL writes the format (tc_write_gdal). */
int tc_format_is_gdal(tc_format f);

/* The CSV columns: the spec's twelve (as the expected lists in shared/data have
 * them), then id, score, flags, static data, place, tags and reasons. */
extern const char *const tc_csv_columns[];
extern const int tc_csv_ncolumns;

tc_status tc_write_csv(FILE *f, const tc_candidates *c, tc_err *err);
/* The encounters as Points; with tracks loaded, tc_candidates_write puts them in a
 * second file (tc_geojson_tracks_path) as LineStrings with scalar fields, so each file
 * is one layer of one geometry type that converts to any GIS format. */
tc_status tc_write_geojson(FILE *f, const tc_candidates *c, tc_err *err);
tc_status tc_write_geojson_tracks(FILE *f, const tc_candidates *c, tc_err *err);
/* PATH less .geojson or .json, plus ".tracks.geojson" (0 when it does not fit). */
int tc_geojson_tracks_path(const char *path, char *buf, size_t cap);
tc_status tc_write_kml(FILE *f, const tc_candidates *c, tc_err *err);
tc_status tc_write_hdf5(const char *path, const tc_candidates *c, tc_err *err);

/* GeoPackage (layers encounters and tracks), FlatGeobuf or Shapefile (the tracks in
 * tc_gdal_tracks_path) through GDAL, atomically (host/report/out_gdal.c). */
tc_status tc_write_gdal(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err);
/* FlatGeobuf and Shapefile hold one layer a file: the tracks go to PATH less .fgb/.shp
 * plus ".tracks.fgb"/".tracks.shp". 0 for other formats or when it does not fit. */
int tc_gdal_tracks_path(const char *path, tc_format fmt, char *buf, size_t cap);

/* Writes path in the format, under a temporary name renamed when complete. */
tc_status tc_candidates_write(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err);

#endif
