/* JSON pieces shared by the GeoJSON writer and the HTML report, built with jansson
 * (io/json.h); numbers carry the decimals of the CSV columns (tc_json_fixed), so
 * dump them with TC_JSON_FIXED_PRECISION. */
#ifndef TC_JSONOUT_H
#define TC_JSONOUT_H

#include "host/report/candidates.h"
#include "io/json.h"

/* A candidate's properties object. NULL when out of memory. */
json_t *tc_json_candidate_props(const tc_candidate *k);
/* Track coordinates as GeoJSON geometry: a LineString, split into a MultiLineString
 * where it crosses the antimeridian; a Point for one fix; null for none. NULL when out
 * of memory. */
json_t *tc_json_track_geometry(const tc_columns *t);

#endif
