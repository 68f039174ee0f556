/* Named places (ports given by the user, anchorages found by `trajcorr anchorages`)
 * and the nearest of them to a position. File: CSV with a header naming columns
 * name, lat (or latitude) and lon (or lng, longitude), in any order, optional vessels
 * and radius_m, others ignored (an anchorages CSV reads as it is); without a header,
 * name,lat,lon. */
#ifndef TC_PLACES_H
#define TC_PLACES_H

#include <stddef.h>

#include "io/status.h"

typedef struct {
  char name[64];
  double lat, lon;
  int vessels; /* distinct vessels seen stationary there (anchorages), 0 when unknown */
  int is_anchorage;
  double radius_m; /* extent of an anchorage around its centre; 0 for a point */
} tc_place;

typedef struct tc_places tc_places;

tc_status tc_places_create(tc_places **out);
void tc_places_free(tc_places *p);
tc_status tc_places_add(tc_places *p, const tc_place *pl);
/* Appends every place of a CSV file. */
tc_status tc_places_load(tc_places *p, const char *path, tc_err *err);
size_t tc_places_count(const tc_places *p);
const tc_place *tc_places_get(const tc_places *p, size_t i);

/* Writes name,lat,lon,vessels,radius_m (the anchorages command's output, which
 * tc_places_load reads back); path "-" is standard output, else atomic. */
tc_status tc_places_write_csv(const tc_places *p, const char *path, tc_err *err);

/* The nearest place within max_m metres of its edge (its centre, less radius_m; 0 when
 * inside), NULL when none; *dist_m that distance. Ties go to the place added first. */
const tc_place *tc_places_nearest(const tc_places *p, double lat, double lon, double max_m,
                                  double *dist_m);

#endif
