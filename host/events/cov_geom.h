/* Geometry of the coverage screen (host/events/coverage.c): bounds on the haversine
 * between a gap end and every point of a latitude/longitude box, so that a vessel's run
 * of fixes is accepted or rejected whole, and the quarter-degree cells and reach of an
 * end. Every bound errs only towards "undecided": the haversine decides the rest. */
#ifndef TC_EVENTS_COV_GEOM_H
#define TC_EVENTS_COV_GEOM_H

#include <stdint.h>

/* Quarter-degree cells (a power of two: the scaling is exact, so a fix and an end's
 * reach agree on the cell of every latitude and longitude). */
#define TC_COV_COARSE 4
#define TC_COV_COLS (360 * TC_COV_COARSE)
#define TC_COV_ANY_LON TC_COV_COLS /* a column meaning every longitude (near the poles) */

/* A gap end as the screen reads it. */
typedef struct {
  double lat, lon, cos, u[3];
  /* every point within the radius lies within dlat degrees of latitude and dlon of
   * longitude (dlon >= 180: any longitude) */
  double dlat, dlon;
} tc_cov_end;

/* The haversine thresholds of a radius: sin^2(r / 2R) less and plus a margin far above
 * the rounding of the bounds and of the haversine itself. */
typedef struct {
  double radius, in, out;
} tc_cov_reach;

void tc_cov_reach_of(double radius_m, tc_cov_reach *r);
void tc_cov_end_of(const tc_cov_reach *r, double lat, double lon, tc_cov_end *e);

/* The cells within an end's reach: rows r0..r1 and columns c0..c1 (unwrapped), or every
 * column (*any = 1). */
void tc_cov_end_cells(const tc_cov_end *e, int64_t *r0, int64_t *r1, int64_t *c0, int64_t *c1, int *any);

/* A box of fixes: latitudes [la0, la1], longitudes [lo0, lo1] (unwrapped, lo1 - lo0 <
 * 180), with the cosines of its latitudes bounded once (tc_cov_box_cos). */
typedef struct {
  double la0, la1, lo0, lo1;
  double cmin, cmax;
  int has_cos;
} tc_cov_box;

/* -1: every point of b lies beyond the radius of e; 1: every point within it; 0: either
 * may hold (test the fixes). */
int tc_cov_box_vs_end(const tc_cov_reach *r, tc_cov_box *b, const tc_cov_end *e);

#endif
