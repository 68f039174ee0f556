/* The events lists as GeoPackage, FlatGeobuf or Shapefile through GDAL/OGR's C API
 * (docs/events.md, "GIS formats"): one layer per kind, loitering (Point at the mean
 * position), gaps (MultiLineString from where the vessel went silent to where it was
 * heard again, cut at the antimeridian) and dark (Point at X*), with the CSV's columns
 * typed and its values rounded as the CSV gives them. GeoPackage: the layers in one
 * file PREFIX.events.gpkg; FlatGeobuf and Shapefile: PREFIX.KIND.fgb / .shp. */
#ifndef TC_EVENTS_GDAL_H
#define TC_EVENTS_GDAL_H

#include <stdint.h>

#include "host/events/events.h"
#include "host/report/events_places.h"
#include "io/status.h"

/* What a format is called in messages ("GeoPackage", ...); format is TC_EV_FORMAT_*. */
const char *tc_events_gdal_title(int format);

/* Writes the lists of `kinds` under prefix: everything goes into a temporary directory
 * beside the prefix and is renamed into place once complete (a failure leaves none of
 * these files). pl may be NULL (no place columns). TC_ERR_UNSUPPORTED without GDAL. */
tc_status tc_events_gdal_write(const char *prefix, unsigned kinds, int format, const tc_event_lists *l,
                               int64_t dwell, const tc_event_places *pl, tc_err *err);

#endif
