/* Polygons from GeoJSON (Polygon, MultiPolygon, inside Feature, FeatureCollection or
 * GeometryCollection; other geometries are ignored) and an antimeridian-safe
 * point-in-polygon test. Each ring is unwrapped (consecutive longitudes differ by at
 * most 180°, the short way), so a ring drawn across the antimeridian, whether as
 * 170…190 or 170…-170, is one continuous ring; a point is tested at lon, lon ± 360.
 * A ring that winds round a pole is closed through that pole. Holes count by the
 * even-odd rule within each polygon. Edges longer than 180° of longitude are taken
 * the short way (split such polygons, as RFC 7946 asks). */
#ifndef TC_POLYGONS_H
#define TC_POLYGONS_H

#include <stddef.h>

#include "io/status.h"

typedef struct tc_polyset tc_polyset;

/* Reads path (parsed by jansson); errors name the file, and the line and column of bad JSON. */
tc_status tc_polyset_load(const char *path, tc_polyset **out, tc_err *err);
void tc_polyset_free(tc_polyset *p);

size_t tc_polyset_count(const tc_polyset *p); /* polygons */
size_t tc_polyset_rings(const tc_polyset *p); /* rings, all polygons */
/* Ring r: n vertices (closing vertex included), unwrapped longitudes. */
void tc_polyset_ring(const tc_polyset *p, size_t r, const double **lat, const double **lon, size_t *n);

int tc_polyset_contains(const tc_polyset *p, double lat, double lon);

#endif
