/* Geometry of the coverage screen (host/events/coverage.c): bounds on the haversine
 * between a gap end and every point of a latitude/longitude box, so that a vessel's run
 * of fixes is accepted or rejected whole, and the quarter-degree cells and reach of an
 * end. Every bound errs only towards "undecided": the haversine decides the rest. */
#ifndef TC_EVENTS_COV_GEOM_H
#define TC_EVENTS_COV_GEOM_H

#include <math.h>
#include <stdint.h>

#include "kernels/geo.h"

/* Quarter-degree cells (a power of two: the scaling is exact, so a fix and an end's
 * reach agree on the cell of every latitude and longitude). */
#define TC_COV_COARSE 4
#define TC_COV_COLS (360 * TC_COV_COARSE)
#define TC_COV_ANY_LON TC_COV_COLS /* a column meaning every longitude (near the poles) */

/* A gap end as the screen reads it. */
typedef struct {
  double lat, lon, cos;
  /* every point within the radius lies within dlat degrees of latitude and dlon of
   * longitude (dlon >= 180: any longitude) */
  double dlat, dlon;
  /* every box within in_dlat degrees of latitude and in_dlon of longitude (the bounds of
   * tc_cov_box_vs_end, slack included) lies within the radius; negative: none */
  double in_dlat, in_dlon;
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

/* The cosines of b bounded from those of a band of latitudes [a0, a1] holding it
 * (c0 = cos a0, c1 = cos a1; the band may reach a quarter degree past a pole). */
void tc_cov_box_cos_band(tc_cov_box *b, double a0, double a1, double c0, double c1);

/* Constants of one (box, end) pair for the test of its fixes: h of a fix at distances p,
 * l (degrees) is at least p^2 lp + l^2 ll and at most p^2 hp + l^2 hl (the sine's bounds
 * over the box's largest distances, and its cosines). */
typedef struct {
  double lp, ll, hp, hl;
} tc_cov_pair;

/* -1: every point of b lies beyond the radius of e; 1: every point within it; 0: either
 * may hold (test the fixes: k is set). */
int tc_cov_box_vs_end(const tc_cov_reach *r, tc_cov_box *b, const tc_cov_end *e, tc_cov_pair *k);

/* Degrees added to differences of coordinates: far above the rounding of subtracting
 * two of them (~1e-14 degrees), far below any radius that matters. */
#define TC_COV_SLACK_DEG 1e-9

/* Bounds of sin^2(x / 2) for x = deg degrees in [0, 180], without libm: for s >= 0,
 * s - s^3/6 <= sin s <= s. */
static inline double tc_cov_hav_lo(double deg) {
  double s = deg * (TC_DEG2RAD / 2.0), v = s - s * s * s / 6.0;
  return v * v;
}

static inline double tc_cov_hav_hi(double deg) {
  double s = deg * (TC_DEG2RAD / 2.0);
  return s * s;
}

/* Is the fix (lat, lon), in a box that k was set for against e, within the radius of
 * e? The bounds decide all but the fixes within a few hundredths of a percent of the
 * radius; the haversine of spec §2 decides those. */
static inline int tc_cov_fix_near(const tc_cov_reach *r, const tc_cov_pair *k, double lat, double lon,
                                  const tc_cov_end *e) {
  double p = fabs(lat - e->lat), l = fabs(lon - e->lon);
  l = l > 180.0 ? 360.0 - l : l;
  double p0 = p > TC_COV_SLACK_DEG ? p - TC_COV_SLACK_DEG : 0.0, l0 = l > TC_COV_SLACK_DEG ? l - TC_COV_SLACK_DEG : 0.0;
  if (p0 * p0 * k->lp + l0 * l0 * k->ll > r->out)
    return 0;
  double p1 = p + TC_COV_SLACK_DEG, l1 = l + TC_COV_SLACK_DEG < 180.0 ? l + TC_COV_SLACK_DEG : 180.0;
  if (p1 * p1 * k->hp + l1 * l1 * k->hl < r->in)
    return 1;
  return tc_haversine_cos_m(e->lat, e->lon, e->cos, lat, lon, tc_cos_lat(lat)) <= r->radius;
}

#endif
