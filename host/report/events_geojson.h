/* The events as GeoJSON (RFC 7946) FeatureCollections, one per kind: loitering as a
 * Point at its mean position, a gap as the LineString from where the vessel went silent
 * to where it was heard again, a dark rendezvous as a Point at X*. Properties are the
 * CSV's columns (events_csv.h) by the same names, times as ISO 8601 strings. */
#ifndef TC_EVENTS_GEOJSON_H
#define TC_EVENTS_GEOJSON_H

#include <stdio.h>

#include "host/events/events.h"
#include "host/report/events_places.h"
#include "io/status.h"

/* pl may be NULL (no place properties). */
tc_status tc_loiter_geojson_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_gaps_geojson_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_dark_geojson_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell,
                                 const tc_event_places *pl);

#endif
