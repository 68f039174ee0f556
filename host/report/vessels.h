/* Vessel static data as of a time. Records (io/vessel.h) arrive from several AIS
 * messages (type 5, 19, 24 A and B) that each carry some fields; the view as of t
 * takes each field from the latest record seen at or before t that knows it. When a
 * vessel has no record before t, its earliest record is used (ships rarely change
 * name or IMO, and a list is better with a name than without). */
#ifndef TC_VESSELS_H
#define TC_VESSELS_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/vessel.h"

typedef struct tc_vessel_index tc_vessel_index;

/* Copies the records and sorts them by (mmsi, t). */
tc_status tc_vessel_index_create(const tc_vessel_static *recs, size_t n, tc_vessel_index **out,
                                 tc_err *err);
void tc_vessel_index_free(tc_vessel_index *ix);
size_t tc_vessel_index_size(const tc_vessel_index *ix);

/* Fills *out with the view of mmsi as of t; returns 0 (and a blank record) when the
 * vessel has none. */
int tc_vessel_at(const tc_vessel_index *ix, uint32_t mmsi, int64_t t, tc_vessel_static *out);

/* Whether any record of mmsi carries this IMO (watchlists by IMO). */
int tc_vessel_has_imo(const tc_vessel_index *ix, uint32_t mmsi, uint32_t imo);

/* Short text for an ITU-R M.1371 ship type ("tanker", "fishing", ...). */
const char *tc_ship_type_name(int32_t type);

#endif
