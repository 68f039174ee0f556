/* Geodesy shared by the OpenCL kernels and the CPU code: compiles as OpenCL C
 * (1.2, with cl_khr_fp64) and as C11. Keep it free of anything either side lacks.
 *
 * "Within dist" is decided on unit vectors: the chord between two points of the unit
 * sphere is c = 2 sin(d / 2R), monotonic in the great-circle distance d, so
 * d <= dist  <=>  |u_a - u_b|^2 <= (2 sin(dist / 2R))^2, with no trigonometry per pair. */
#ifndef TC_GEO_H
#define TC_GEO_H

#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF
#define TC_GEO_FN static inline
#define TC_PRIV __private
#else
#include <math.h>
#include <stdint.h>
#define TC_GEO_FN static inline
#define TC_PRIV
#endif

#define TC_EARTH_R_M 6371008.8
#define TC_KNOT_MPS (1852.0 / 3600.0)
#define TC_PI 3.14159265358979323846
#define TC_DEG2RAD (TC_PI / 180.0)

/* A longitude difference wrapped into [-180, 180] (the short way round). */
TC_GEO_FN double tc_wrap_dlon(double x) {
  if (x > 180.0)
    return x - 360.0;
  if (x < -180.0)
    return x + 360.0;
  return x;
}

/* A longitude normalised into [-180, 180). */
TC_GEO_FN double tc_norm_lon(double x) {
  if (x >= 180.0)
    return x - 360.0;
  if (x < -180.0)
    return x + 360.0;
  return x;
}

/* Spec §2: position a fraction f of the way from fix i to fix j. */
TC_GEO_FN void tc_interp(double lat_i, double lon_i, double lat_j, double lon_j, double f,
                         TC_PRIV double *lat, TC_PRIV double *lon) {
  *lat = lat_i + f * (lat_j - lat_i);
  *lon = tc_norm_lon(lon_i + f * tc_wrap_dlon(lon_j - lon_i));
}

/* Midpoint of two positions, as the encounter's mean position averages it: latitudes
 * halved, longitudes the short way round. */
TC_GEO_FN void tc_midpoint(double lat_a, double lon_a, double lat_b, double lon_b,
                           TC_PRIV double *lat, TC_PRIV double *lon) {
  *lat = (lat_a + lat_b) / 2.0;
  *lon = tc_norm_lon(lon_a + tc_wrap_dlon(lon_b - lon_a) / 2.0);
}

/* Spec §3 haversine distance in metres, with cos(lat) of both ends given (callers
 * that test many pairs compute them once per position; the result is bit-identical
 * to tc_haversine_m). */
TC_GEO_FN double tc_haversine_cos_m(double lat_a, double lon_a, double cos_a, double lat_b,
                                    double lon_b, double cos_b) {
  double pa = lat_a * TC_DEG2RAD, pb = lat_b * TC_DEG2RAD;
  double sdp = sin((pb - pa) / 2.0);
  double sdl = sin((lon_b - lon_a) * TC_DEG2RAD / 2.0);
  double h = sdp * sdp + cos_a * cos_b * sdl * sdl;
  double r = sqrt(h);
  if (r > 1.0)
    r = 1.0;
  return 2.0 * TC_EARTH_R_M * asin(r);
}

TC_GEO_FN double tc_cos_lat(double lat) { return cos(lat * TC_DEG2RAD); }

/* Spec §3 haversine distance in metres. */
TC_GEO_FN double tc_haversine_m(double lat_a, double lon_a, double lat_b, double lon_b) {
  return tc_haversine_cos_m(lat_a, lon_a, tc_cos_lat(lat_a), lat_b, lon_b, tc_cos_lat(lat_b));
}

/* A cheap upper bound of the great-circle distance: the path along a meridian to
 * the other latitude, then along a parallel no longer than the equator's arc.
 * Lets the teleport filter skip the trigonometry for the common, slow case. */
TC_GEO_FN double tc_distance_upper_m(double lat_a, double lon_a, double lat_b, double lon_b) {
  double dl = tc_wrap_dlon(lon_b - lon_a);
  return TC_EARTH_R_M * TC_DEG2RAD * (fabs(lat_b - lat_a) + fabs(dl));
}

TC_GEO_FN void tc_unit_vec(double lat, double lon, TC_PRIV double *x, TC_PRIV double *y,
                           TC_PRIV double *z) {
  double p = lat * TC_DEG2RAD, l = lon * TC_DEG2RAD;
  double cp = cos(p);
  *x = cp * cos(l);
  *y = cp * sin(l);
  *z = sin(p);
}

/* sin and cos of x degrees, |x| <= 540, without libm: reduce to r in [-45, 45]
 * degrees (x - 90 q is exact there), then Taylor series to degree 15/16 on
 * |r| <= pi/4, whose truncation error (< 5e-17) is below double rounding. About 4x
 * faster than sincos; only the screen's unit vectors use it (the exact test keeps
 * libm), and tests/test_engine.c checks it against libm to 1e-15. */
TC_GEO_FN void tc_sincos_deg(double x, TC_PRIV double *s, TC_PRIV double *c) {
  double q = rint(x / 90.0);
  double r = (x - 90.0 * q) * TC_DEG2RAD, r2 = r * r;
  double sp = r * (1.0 + r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 +
              r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0 + r2 * (-1.0 / 1307674368000.0))))))));
  double cp = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 +
              r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600 + r2 * (-1.0 / 87178291200.0 +
              r2 * (1.0 / 20922789888000.0))))))));
  int k = (int)q & 3;
  *s = k == 0 ? sp : k == 1 ? cp : k == 2 ? -sp : -cp;
  *c = k == 0 ? cp : k == 1 ? -sp : k == 2 ? -cp : sp;
}

/* Unit vector for the screen (see tc_sincos_deg). */
TC_GEO_FN void tc_unit_vec_fast(double lat, double lon, TC_PRIV double *x, TC_PRIV double *y,
                                TC_PRIV double *z) {
  double sp, cp, sl, cl;
  tc_sincos_deg(lat, &sp, &cp);
  tc_sincos_deg(lon, &sl, &cl);
  *x = cp * cl;
  *y = cp * sl;
  *z = sp;
}

/* Squared unit-sphere chord of a great-circle distance. */
TC_GEO_FN double tc_chord2_of_dist(double dist_m) {
  double c = 2.0 * sin(dist_m / (2.0 * TC_EARTH_R_M));
  return c * c;
}

/* Relative margins on the squared chord for the screen. Double: unit vectors and
 * differences carry ~1e-15 relative error, so 1e-9 keeps every true close pair.
 * Single: components near 1 carry ~6e-8 absolute error, ~1e-3 of a 500 m chord, so
 * the float screen widens by an absolute term too; the exact test removes the extra. */
#define TC_SCREEN_REL_DOUBLE 1e-9
#define TC_SCREEN_REL_SINGLE 1e-2
#define TC_SCREEN_ABS_SINGLE 1e-12 /* on the squared chord: (1e-6)^2, about 6 m */

TC_GEO_FN double tc_screen_chord2(double dist_m, int single_precision) {
  double c2 = tc_chord2_of_dist(dist_m);
  if (single_precision)
    return c2 * (1.0 + TC_SCREEN_REL_SINGLE) + TC_SCREEN_ABS_SINGLE;
  return c2 * (1.0 + TC_SCREEN_REL_DOUBLE);
}

/* Cell size of the spatial hash on unit vectors: no smaller than the screen chord,
 * so every screened pair lies in the same or a neighbouring cell along each axis.
 * Cubes in 3-D need no special case at the antimeridian or the poles. */
TC_GEO_FN double tc_cell_size(double screen_chord2) { return sqrt(screen_chord2) * 1.000001; }

/* Cell coordinate along one axis, offset so it is non-negative for |u| <= 1. */
TC_GEO_FN long tc_cell_coord(double u, double cell) { return (long)floor((u + 1.0) / cell); }

/* spec/events.md §3: one pair of gaps, vessel a dark from A0 at ta0 to A1 at ta1 and
 * b from B0 at tb0 to B1 at tb1 (times relative to a common origin, s), v the top
 * speed in m/s. The layout is that of the dark kernel's input rows (TC_DARK_IN
 * doubles: these 13, then the search box lat_lo, lat_hi, lon_lo, lon_hi). */
typedef struct {
  double a0lat, a0lon, a1lat, a1lon, b0lat, b0lon, b1lat, b1lon;
  double ta0, ta1, tb0, tb1;
  double v;
} tc_dark_pair;
#define TC_DARK_IN 17
#define TC_DARK_OUT 5 /* L*, lat, lon, start(X*), end(X*) */

/* L(X) = end(X) - start(X): how long both could have been at X; *w0, *w1 get start(X)
 * and end(X). */
TC_GEO_FN double tc_dark_dwell_at(TC_PRIV const tc_dark_pair *p, double lat, double lon,
                                  TC_PRIV double *w0, TC_PRIV double *w1) {
  double sa = p->ta0 + tc_haversine_m(p->a0lat, p->a0lon, lat, lon) / p->v;
  double sb = p->tb0 + tc_haversine_m(p->b0lat, p->b0lon, lat, lon) / p->v;
  double ea = p->ta1 - tc_haversine_m(lat, lon, p->a1lat, p->a1lon) / p->v;
  double eb = p->tb1 - tc_haversine_m(lat, lon, p->b1lat, p->b1lon) / p->v;
  *w0 = sa > sb ? sa : sb;
  *w1 = ea < eb ? ea : eb;
  return *w1 - *w0;
}

#define TC_GOLDEN 0.6180339887498949
#define TC_DARK_ITERS 48 /* the most: a range of 100 degrees shrinks below 1e-8 degree */
/* A search stops once its range is below 1e-5 degree (~1 m): L moves by at most 2 m / v
 * within it (under 0.4 s at 12 kn), far inside the spec's 60 s, at a third of the
 * evaluations of searching to 1 mm. */
#define TC_DARK_TOL_DEG 1e-5
/* L is often flat along a line: on the segment A0-A1, where vessel a's own ends bind both
 * start and end, L is a's whole gap less its straight run, the same at every point. The
 * search then maximises L less TC_DARK_TIE s per square degree from the box's centre, so
 * that X* is the point of the line nearest the centre and not wherever rounding leaves a
 * search (which moved X*, and with it the anchorage flag, by up to 2 degrees). Where L
 * peaks the tie's pull moves X* by millimetres: L falls by ~1e4 s a degree there. */
#define TC_DARK_TIE 0.1
/* The spec's starting points replace the search's X* only when L is higher there by more
 * than this (s): on a flat line they tie with it. */
#define TC_DARK_START_MARGIN 1.0

/* What the searches maximise: L at (lat, lon) less the tie's pull towards the centre,
 * dlon degrees of longitude and clat of latitude away (longitudes scaled by ccos). */
TC_GEO_FN double tc_dark_tied(TC_PRIV const tc_dark_pair *p, double lat, double lon, double dlon,
                              double clat, double ccos) {
  double w0, w1, y = lat - clat, x = dlon * ccos;
  return tc_dark_dwell_at(p, lat, lon, &w0, &w1) - TC_DARK_TIE * (x * x + y * y);
}

/* max over lat in [lo, hi] of the tied L at longitude lon_c + dlon (concave along the
 * line), the centre at the middle of [lo, hi] and lon_c; *best_lat gets where. */
TC_GEO_FN double tc_dark_inner(TC_PRIV const tc_dark_pair *p, double lon_c, double dlon, double lo,
                               double hi, TC_PRIV double *best_lat) {
  double lon = tc_norm_lon(lon_c + dlon), clat = 0.5 * (lo + hi), ccos = cos(clat * TC_DEG2RAD);
  double x1 = hi - TC_GOLDEN * (hi - lo), x2 = lo + TC_GOLDEN * (hi - lo);
  double f1 = tc_dark_tied(p, x1, lon, dlon, clat, ccos), f2 = tc_dark_tied(p, x2, lon, dlon, clat, ccos);
  for (int i = 0; i < TC_DARK_ITERS && hi - lo > TC_DARK_TOL_DEG; i++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + TC_GOLDEN * (hi - lo);
      f2 = tc_dark_tied(p, x2, lon, dlon, clat, ccos);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - TC_GOLDEN * (hi - lo);
      f1 = tc_dark_tied(p, x1, lon, dlon, clat, ccos);
    }
  }
  *best_lat = f1 >= f2 ? x1 : x2;
  return f1 >= f2 ? f1 : f2;
}

/* L* = max L(X) over the box (latitudes lat_lo..lat_hi, longitudes lon_lo..lon_hi
 * unwrapped, lon_lo <= lon_hi), which must hold every X of interest: nested golden
 * sections (L is concave, so its maximum over latitudes is concave in longitude) of L
 * tied towards the box's centre, then the gap ends and their midpoints, the spec's
 * starting points, as a floor. Returns L*; *lat, *lon get X*, *w0, *w1 its window. */
TC_GEO_FN double tc_dark_maximise(TC_PRIV const tc_dark_pair *p, double lat_lo, double lat_hi,
                                  double lon_lo, double lon_hi, TC_PRIV double *lat,
                                  TC_PRIV double *lon, TC_PRIV double *w0, TC_PRIV double *w1) {
  double lon_c = (lon_lo + lon_hi) / 2.0, lo = lon_lo - lon_c, hi = lon_hi - lon_c, ya, yb;
  double x1 = hi - TC_GOLDEN * (hi - lo), x2 = lo + TC_GOLDEN * (hi - lo);
  double f1 = tc_dark_inner(p, lon_c, x1, lat_lo, lat_hi, &ya);
  double f2 = tc_dark_inner(p, lon_c, x2, lat_lo, lat_hi, &yb);
  for (int i = 0; i < TC_DARK_ITERS && hi - lo > TC_DARK_TOL_DEG; i++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      ya = yb;
      x2 = lo + TC_GOLDEN * (hi - lo);
      f2 = tc_dark_inner(p, lon_c, x2, lat_lo, lat_hi, &yb);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      yb = ya;
      x1 = hi - TC_GOLDEN * (hi - lo);
      f1 = tc_dark_inner(p, lon_c, x1, lat_lo, lat_hi, &ya);
    }
  }
  double blat = f1 >= f2 ? ya : yb, blon = tc_norm_lon(lon_c + (f1 >= f2 ? x1 : x2));
  double best = tc_dark_dwell_at(p, blat, blon, w0, w1);
  double slat[6], slon[6];
  slat[0] = p->a0lat, slon[0] = p->a0lon, slat[1] = p->a1lat, slon[1] = p->a1lon;
  slat[2] = p->b0lat, slon[2] = p->b0lon, slat[3] = p->b1lat, slon[3] = p->b1lon;
  tc_midpoint(p->a0lat, p->a0lon, p->a1lat, p->a1lon, &slat[4], &slon[4]);
  tc_midpoint(p->b0lat, p->b0lon, p->b1lat, p->b1lon, &slat[5], &slon[5]);
  double floor = best + TC_DARK_START_MARGIN;
  for (int k = 0; k < 6; k++) {
    double s0, s1, f = tc_dark_dwell_at(p, slat[k], slon[k], &s0, &s1);
    if (f > floor) {
      floor = best = f;
      blat = slat[k];
      blon = slon[k];
      *w0 = s0;
      *w1 = s1;
    }
  }
  *lat = blat;
  *lon = blon;
  return best;
}

#endif
