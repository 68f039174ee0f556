/* Bounds of the coverage screen (cov_geom.h). The haversine of spec §2,
 * h = sin^2(dphi / 2) + cos phi1 cos phi2 sin^2(dlambda / 2), grows with |dphi| and
 * |dlambda| (up to pi) and with the cosines, so bounding each over a box bounds h. */
#include "host/events/cov_geom.h"

void tc_cov_reach_of(double radius_m, tc_cov_reach *r) {
  double s = sin(radius_m / (2.0 * TC_EARTH_R_M)), h = s * s;
  /* relative, and absolute in sqrt(h) for radii of millimetres, where an error of 1e-16
   * radians in a difference weighs on h as sqrt(h) * 1e-16 */
  double m = h * 1e-6 + s * 1e-13 + 1e-30;
  r->radius = radius_m;
  r->in = h - m;
  r->out = h + m;
}

void tc_cov_end_of(const tc_cov_reach *r, double lat, double lon, tc_cov_end *e) {
  e->lat = lat;
  e->lon = lon;
  e->cos = tc_cos_lat(lat);
  /* sin^2(d/2R) >= sin^2(dphi/2) and >= cos phi1 cos phi2 sin^2(dlambda/2): a point within
   * r lies within r/R of latitude and, where both latitudes stay below phi_m, within
   * 2 asin(sin(r/2R) / cos phi_m) of longitude */
  double dlat = r->radius / TC_EARTH_R_M / TC_DEG2RAD * 1.001 + 1e-9;
  double lo = lat - dlat < -90.0 ? -90.0 : lat - dlat, hi = lat + dlat > 90.0 ? 90.0 : lat + dlat;
  double pm = fmax(fabs(lo), fabs(hi)) * TC_DEG2RAD;
  double q = sin(r->radius / (2.0 * TC_EARTH_R_M)) / cos(pm);
  e->dlat = dlat;
  e->dlon = q >= 1.0 || pm >= TC_PI / 2 ? 360.0 : 2.0 * asin(q) / TC_DEG2RAD * 1.001 + 1e-9;
  /* the rectangle "surely inside": each term of tc_cov_box_vs_end's h_max at most 0.45 of
   * r->in, the cosine of the box at most 1, then checked by the very sum it bounds (the
   * terms grow with their degrees, so any box within it passes that test too) */
  double ce = (e->cos * (1.0 + 1e-12) + 1e-15) * (1.0 + 1e-12 + 1e-15);
  e->in_dlat = e->in_dlon = -1.0;
  if (r->in > 0.0) {
    double ia = sqrt(0.45 * r->in) / (TC_DEG2RAD / 2.0), il = sqrt(0.45 * r->in / ce) / (TC_DEG2RAD / 2.0);
    ia = ia < 180.0 ? ia : 180.0;
    il = il < 180.0 ? il : 180.0;
    if (tc_cov_hav_hi(ia) + ce * tc_cov_hav_hi(il) < r->in) {
      e->in_dlat = ia;
      e->in_dlon = il;
    }
  }
}

void tc_cov_end_cells(const tc_cov_end *e, int64_t *r0, int64_t *r1, int64_t *c0, int64_t *c1, int *any) {
  double lo = e->lat - e->dlat < -90.0 ? -90.0 : e->lat - e->dlat;
  double hi = e->lat + e->dlat > 90.0 ? 90.0 : e->lat + e->dlat;
  *r0 = (int64_t)floor(lo * TC_COV_COARSE);
  *r1 = (int64_t)floor(hi * TC_COV_COARSE);
  *c0 = (int64_t)floor((e->lon - e->dlon) * TC_COV_COARSE);
  *c1 = (int64_t)floor((e->lon + e->dlon) * TC_COV_COARSE);
  *any = e->dlon >= 180.0 || *c1 - *c0 >= TC_COV_COLS - 1;
}

void tc_cov_box_cos_band(tc_cov_box *b, double a0, double a1, double c0, double c1) {
  /* cos is concave where it is positive: least at an edge (0 past a pole), greatest at 0
   * when inside */
  double lo = (c0 < c1 ? c0 : c1) * (1.0 - 1e-12) - 1e-15;
  b->cmin = lo > 0.0 ? lo : 0.0;
  b->cmax = (a0 <= 0.0 && a1 >= 0.0 ? 1.0 : c0 > c1 ? c0 : c1) * (1.0 + 1e-12) + 1e-15;
  b->has_cos = 1;
}

int tc_cov_box_vs_end(const tc_cov_reach *r, tc_cov_box *b, const tc_cov_end *e, tc_cov_pair *k) {
  double p_min = e->lat < b->la0 ? b->la0 - e->lat : e->lat > b->la1 ? e->lat - b->la1 : 0.0;
  double q0 = fabs(e->lat - b->la0), q1 = fabs(e->lat - b->la1);
  double p_max = (q0 > q1 ? q0 : q1) + TC_COV_SLACK_DEG;
  p_min = p_min > TC_COV_SLACK_DEG ? p_min - TC_COV_SLACK_DEG : 0.0;
  /* the end's longitude from the box's middle, folded into [0, 180] */
  double half = 0.5 * (b->lo1 - b->lo0) + TC_COV_SLACK_DEG;
  double d = fabs(e->lon - 0.5 * (b->lo0 + b->lo1));
  d = d > 180.0 ? 360.0 - d : d; /* its rounding is far below the slack */
  double l_min = d > half ? d - half : 0.0, l_max = d + half < 180.0 ? d + half : 180.0;
  if (p_max <= e->in_dlat && l_max <= e->in_dlon)
    return 1; /* what the sums below would say, without the box's cosines */
  if (!b->has_cos)
    tc_cov_box_cos_band(b, b->la0, b->la1, tc_cos_lat(b->la0), tc_cos_lat(b->la1));
  double ce = e->cos;
  double h_min = tc_cov_hav_lo(p_min) + ce * (1.0 - 1e-12) * b->cmin * tc_cov_hav_lo(l_min);
  if (h_min > r->out)
    return -1;
  double h_max = tc_cov_hav_hi(p_max) + (ce * (1.0 + 1e-12) + 1e-15) * b->cmax * tc_cov_hav_hi(l_max);
  if (h_max < r->in)
    return 1;
  /* for s <= S: s >= sin s >= s - s^3/6 >= s (1 - S^2/6), S the largest half-angle in the
   * box (at most pi/2: the factor stays positive); a fix's p and l less the slack are at
   * most p_max and l_max, and its cosine within the box's */
  const double c = TC_DEG2RAD / 2.0;
  double sp = p_max * c, sl = l_max * c, fp = c * (1.0 - sp * sp / 6.0), fl = c * (1.0 - sl * sl / 6.0);
  k->lp = fp * fp * (1.0 - 1e-12);
  k->ll = ce * (1.0 - 1e-12) * b->cmin * fl * fl * (1.0 - 1e-12);
  k->hp = c * c * (1.0 + 1e-12);
  k->hl = (ce * (1.0 + 1e-12) + 1e-15) * b->cmax * c * c * (1.0 + 1e-12);
  return 0;
}
