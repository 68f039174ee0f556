/* Anchorages from the data, as Global Fishing Watch's public pipeline derives them:
 * fixes where a vessel is stationary (reported sog < max_speed, or, where sog is
 * unknown, the speed implied by its neighbouring fixes) are binned on a grid of
 * cell_m cells; a cell where at least min_vessels distinct vessels stayed is an
 * anchorage cell; touching anchorage cells (8-neighbourhood) merge into one
 * anchorage, named after the nearest given port within 20 km, else after its
 * position. Feed batches sorted by (mmsi, t) (store buckets), then finish. */
#ifndef TC_ANCHORAGE_H
#define TC_ANCHORAGE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "host/report/places.h"
#include "io/status.h"
#include "io/columns.h"

typedef struct {
  double cell_m;        /* grid cell size (default 1000) */
  double max_speed_kn;  /* stationary below this (default 0.5) */
  int min_vessels;      /* distinct vessels for an anchorage cell (default 5) */
  double name_radius_m; /* ports this close name the anchorage (default 20000) */
} tc_anchorage_params;

void tc_anchorage_defaults(tc_anchorage_params *p);

typedef struct tc_anchorage_finder tc_anchorage_finder;

tc_status tc_anchorage_create(const tc_anchorage_params *p, tc_anchorage_finder **out, tc_err *err);
void tc_anchorage_free(tc_anchorage_finder *a);
/* One batch of fixes sorted by (mmsi, t). */
tc_status tc_anchorage_add(tc_anchorage_finder *a, const tc_columns *batch, tc_err *err);
/* The same one fix at a time: cur with its vessel's previous and next fixes of the same
 * batch (NULL: none), which judge it when its sog is unknown. */
typedef struct {
  uint32_t mmsi;
  int64_t t;
  double lat, lon, sog;
} tc_anchorage_row;
tc_status tc_anchorage_add_row(tc_anchorage_finder *a, const tc_anchorage_row *prev, const tc_anchorage_row *cur,
                               const tc_anchorage_row *next, tc_err *err);
/* Speeds from here up are no speed: AIS's 102.2 means "102.2 knots or more" and 102.3 "not
 * available". */
#define TC_ANCHORAGE_SOG_NONE 102.2
/* A fix's own sog decides (no neighbours needed) when it is known: finite and below
 * TC_ANCHORAGE_SOG_NONE. */
static inline int tc_anchorage_sog_known(double sog) { return isfinite(sog) && sog < TC_ANCHORAGE_SOG_NONE; }
/* Known and not below max_kn (a fix too fast to be anchored): false for NaN and the
 * infinities, as tc_anchorage_sog_known, without its isfinite. */
static inline int tc_anchorage_sog_fast(double sog, double max_kn) {
  return sog >= max_kn && sog < TC_ANCHORAGE_SOG_NONE;
}
/* tc_anchorage_add_row of a fix whose sog is known. */
tc_status tc_anchorage_add_known(tc_anchorage_finder *a, uint32_t mmsi, double lat, double lon, double sog,
                                 tc_err *err);
/* tc_anchorage_add_known of rows i, i + 1, ... of c while their sog is known and below
 * max_speed_kn; *next the first row not taken. A fix in the last stationary fix's cell,
 * of the same vessel, costs a few comparisons. */
tc_status tc_anchorage_add_still(tc_anchorage_finder *a, const tc_columns *c, size_t i, size_t *next,
                                 tc_err *err);
/* Appends the anchorages to out (is_anchorage set, radius_m their extent), largest
 * first; ports (may be NULL) name them. */
tc_status tc_anchorage_finish(tc_anchorage_finder *a, const tc_places *ports, tc_places *out, tc_err *err);
/* Stationary fixes seen so far. */
size_t tc_anchorage_stationary(const tc_anchorage_finder *a);

#endif
