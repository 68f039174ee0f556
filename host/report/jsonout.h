/* JSON pieces shared by the GeoJSON writer and the HTML report. */
#ifndef TC_JSONOUT_H
#define TC_JSONOUT_H

#include <stdio.h>

#include "host/report/candidates.h"

/* The members of a candidate's properties object, without the braces. */
void tc_json_candidate_props(FILE *f, const tc_candidate *k);
/* Track coordinates as GeoJSON geometry: a LineString, split into a MultiLineString
 * where it crosses the antimeridian; a Point for one fix. Returns 0 for no fix. */
int tc_json_track_geometry(FILE *f, const tc_columns *t);

#endif
