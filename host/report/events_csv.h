/* The events CSVs (spec/events.md; columns as issue 17 lists them) and their JSON
 * sidecar: PREFIX.loitering.csv, PREFIX.gaps.csv, PREFIX.dark.csv, PREFIX.events.json.
 * All are written under temporary names and renamed only once every one is complete;
 * --format geojson, kml or hdf5 writes PREFIX.KIND.geojson, .kml or .h5 (events_h5.h)
 * instead of the CSVs; gpkg PREFIX.events.gpkg, fgb and shp PREFIX.KIND.fgb or .shp
 * (events_gdal.h). */
#ifndef TC_EVENTS_CSV_H
#define TC_EVENTS_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "host/events/events.h"
#include "host/report/events_places.h"
#include "io/status.h"

#define TC_LOITER_CSV_HEADER "mmsi,start,end,duration_s,slots,mean_lat,mean_lon,median_speed_kn"
#define TC_GAPS_CSV_HEADER \
  "mmsi,start,end,duration_s,lat0,lon0,lat1,lon1,dist_m,implied_speed_kn,others_seen,coverage"
#define TC_DARK_CSV_HEADER                                                                     \
  "mmsi_a,mmsi_b,gap_a_start,gap_a_end,gap_b_start,gap_b_end,l_star_s,lat,lon,window_start," \
  "window_end,slack_s,dist_dark_m,dist_reappear_m,coverage_a,coverage_b"

/* Columns after the spec's when places are given (pl non-NULL): the name of the port or
 * anchorage at the event (empty: none), and for dark rendezvous the rank (1 = first to
 * look at) and its reason. */
#define TC_LOITER_CSV_PLACES ",place"
#define TC_GAPS_CSV_PLACES ",place0,place1"
#define TC_DARK_CSV_PLACES ",place,rank,reason"

/* One list as CSV (header first) to an open stream; pl may be NULL. */
tc_status tc_loiter_csv_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_gaps_csv_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl);
tc_status tc_dark_csv_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell, const tc_event_places *pl);

/* GPKG, FGB and SHP go through GDAL (events_gdal.h). */
enum { TC_EV_FORMAT_CSV = 0, TC_EV_FORMAT_GEOJSON, TC_EV_FORMAT_KML, TC_EV_FORMAT_HDF5, TC_EV_FORMAT_GPKG,
       TC_EV_FORMAT_FGB, TC_EV_FORMAT_SHP };

#define TC_EV_NPATHS 4     /* the three lists and the sidecar */
#define TC_EV_PATH_MAX 4096

/* The files tc_events_write writes under prefix, in this order: PREFIX.KIND.EXT of each
 * kind in kinds (GeoPackage: the one PREFIX.events.gpkg), then PREFIX.events.json; *n of them (at most TC_EV_NPATHS). For the
 * commands' check that no output is one of their inputs. */
tc_status tc_events_paths(const char *prefix, unsigned kinds, int format, char paths[][TC_EV_PATH_MAX],
                          size_t *n, tc_err *err);

/* The lists of `kinds` in `format` (PREFIX.KIND.csv, .geojson: events_geojson.h, .kml:
 * events_kml.h; GeoPackage, FlatGeobuf, Shapefile: events_gdal.h) and the sidecar text (json, len bytes) under prefix. */
tc_status tc_events_write(const char *prefix, unsigned kinds, int format, const tc_event_lists *l,
                          int64_t dwell, const tc_event_places *pl, const char *json, size_t len,
                          tc_err *err);

#endif
