/* The events as KML 2.2 documents, one per kind, for Google Earth and QGIS: a
 * Placemark per event with its TimeSpan (loitering: the run; gap: the silence; dark
 * rendezvous: the window at X*), a Point (a gap: the LineString between its ends), and
 * the CSV's columns (events_csv.h) as ExtendedData. */
#ifndef TC_EVENTS_KML_H
#define TC_EVENTS_KML_H

#include <stdio.h>

#include "host/events/events.h"
#include "host/report/events_places.h"
#include "io/status.h"

/* pl may be NULL (no place data). */
tc_status tc_loiter_kml_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_gaps_kml_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_dark_kml_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell, const tc_event_places *pl);

#endif
