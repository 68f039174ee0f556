/* Distance from shore. Shorelines come from GSHHG's binned netCDF-4 files (Debian
 * package gmt-gshhg-low: crude, low and intermediate resolutions; read with the HDF5
 * C API since netCDF-4 is HDF5) or from a user's GeoJSON land polygons. Every
 * shoreline level counts (sea coast, lakes, islands in lakes, Antarctica), so a point
 * on a lake gets its distance to the lake shore. Edges are indexed on a 1° grid and
 * searched ring by ring outward with an exact lower bound, so a lookup touches only
 * the edges near the point. Distances are great-circle distances (R = 6371008.8 m) to
 * the nearest point of a shoreline edge; a point on land gets its distance to the
 * coast too (the data's polygons are not used to tell land from sea). */
#ifndef TC_COAST_H
#define TC_COAST_H

#include <stddef.h>

#include "io/status.h"

typedef struct tc_coast tc_coast;

/* GSHHG binned file, e.g. /usr/share/gmt-gshhg/binned_GSHHS_i.nc. */
tc_status tc_coast_load_gshhg(const char *path, tc_coast **out, tc_err *err);
/* Outer and inner rings of the Polygons/MultiPolygons of a GeoJSON file. */
tc_status tc_coast_load_geojson(const char *path, tc_coast **out, tc_err *err);
/* The best installed GSHHG file: resolution letters tried in order from res ("i"
 * tries intermediate, then low, then crude), in $TC_GSHHG_DIR, /usr/share/gmt-gshhg,
 * /usr/share/gmt/coast. TC_ERR_NOT_FOUND when none. */
tc_status tc_coast_find_gshhg(char res, char *path, size_t cap);
void tc_coast_free(tc_coast *c);

/* Metres to the nearest shoreline; NaN when the set is empty or lat/lon invalid. */
double tc_coast_distance_m(const tc_coast *c, double lat, double lon);
/* The same by scanning every edge (the reference the index is tested against). */
double tc_coast_distance_exhaustive_m(const tc_coast *c, double lat, double lon);
/* What was loaded, for notes in outputs ("GSHHG 2.3.7 intermediate (~1 km) ..."). */
const char *tc_coast_describe(const tc_coast *c);
size_t tc_coast_points(const tc_coast *c);

/* Calls fn for every shoreline polyline with a vertex inside the box (lon0 > lon1
 * means the box crosses the antimeridian); vertices with longitudes in [-180, 180). */
typedef void (*tc_coast_line_fn)(void *ctx, const double *lat, const double *lon, size_t n);
void tc_coast_lines(const tc_coast *c, double lat0, double lat1, double lon0, double lon1,
                    tc_coast_line_fn fn, void *ctx);

#endif
