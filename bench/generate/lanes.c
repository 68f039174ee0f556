#include "bench/generate/lanes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/geo.h"

#define LANE_HALF_SEP_M 1500.0  /* each direction 1.5 km off the centreline */
#define LANE_WOBBLE_M 20000.0   /* interior waypoints wander this far sideways */
#define PORT_LANE_CLEAR_M 15000.0
#define PORT_PORT_CLEAR_M 30000.0
#define PORT_EDGE_CLEAR_M 30000.0
#define PORT_DENSITY_PER_KM2 3.0 /* anchored vessels per km^2: a few neighbours within 500 m */
#define PLACE_TRIES 4000

/* Real sea areas; only the centre matters (there is no land in the model). */
static const tc_gen_region plain_regions[] = {
    {"north-sea", 55.5, 3.5}, {"south-china-sea", 12.0, 113.0}, {"gulf-of-mexico", 26.0, -90.0}};
static const tc_gen_region fiji_region = {"fiji-antimeridian", -17.5, 180.0};

/* Region r >= TC_GEN_NAMED_REGIONS (0 when none is left): the next point of a 6° grid between 57°S and 57°N
 * that lies at least 8° (over 600 km) in latitude or longitude from every region
 * before it, so no two 300 km squares touch; traffic density then stays that of the
 * named regions however many there are. */
static int open_sea_region(tc_gen_world *w, int r, int *next) {
  for (; *next < 20 * 60; (*next)++) {
    int row = *next % 20, col = *next / 20;
    double lat = -57.0 + 6.0 * row, lon = tc_norm_lon(-177.0 + 6.0 * col + (row % 2) * 3.0);
    int clear = 1;
    for (int q = 0; q < r && clear; q++)
      clear = fabs(w->region[q].lat0 - lat) >= 8.0 || fabs(tc_wrap_dlon(w->region[q].lon0 - lon)) >= 8.0;
    if (clear) {
      w->region[r] = (tc_gen_region){"open-sea", lat, lon};
      (*next)++;
      return 1;
    }
  }
  return 0;
}

double tc_gen_course(double de, double dn) {
  double c = atan2(de, dn) / TC_DEG2RAD;
  return c < 0.0 ? c + 360.0 : c;
}

void tc_gen_to_latlon(const tc_gen_region *r, double e, double n, double *lat, double *lon) {
  double la = r->lat0 + n / TC_EARTH_R_M / TC_DEG2RAD;
  double lo = r->lon0 + e / (TC_EARTH_R_M * cos(la * TC_DEG2RAD)) / TC_DEG2RAD;
  lo = tc_norm_lon(lo);
  /* Round to 1e-6 degree: a CSV reader's strtod of the printed digits gives exactly
   * this double (both are the correctly rounded value of the same decimal). */
  *lat = (double)llround(la * 1e6) / 1e6;
  *lon = tc_norm_lon((double)llround(lo * 1e6) / 1e6);
}

int tc_gen_lane_point(const tc_gen_lane *l, double s, double *e, double *n) {
  double len = l->cum[l->npts];
  if (s < 0.0 || s >= len) {
    s = fmod(s, len);
    if (s < 0.0)
      s += len;
  }
  int k = 0;
  while (k + 1 < l->npts && l->cum[k + 1] <= s)
    k++;
  double f = s - l->cum[k];
  *e = l->e[k] + f * l->ue[k];
  *n = l->n[k] + f * l->un[k];
  return k;
}

static double seg_dist(double px, double py, double ax, double ay, double bx, double by) {
  double dx = bx - ax, dy = by - ay;
  double l2 = dx * dx + dy * dy;
  double f = l2 > 0.0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0.0;
  if (f < 0.0)
    f = 0.0;
  if (f > 1.0)
    f = 1.0;
  double qx = ax + f * dx - px, qy = ay + f * dy - py;
  return sqrt(qx * qx + qy * qy);
}

double tc_gen_dist_to_lanes(const tc_gen_world *w, int region, double e, double n) {
  double best = 1e12;
  for (size_t i = 0; i < w->nlanes; i++) {
    const tc_gen_lane *l = &w->lanes[i];
    if (l->region != region)
      continue;
    for (int k = 0; k < l->npts; k++) {
      int k1 = (k + 1) % l->npts;
      double d = seg_dist(e, n, l->e[k], l->n[k], l->e[k1], l->n[k1]);
      if (d < best)
        best = d;
    }
  }
  return best;
}

double tc_gen_dist_to_ports(const tc_gen_world *w, int region, double e, double n) {
  double best = 1e12;
  for (size_t i = 0; i < w->nports; i++) {
    const tc_gen_port *p = &w->ports[i];
    if (p->region != region || p->radius_m <= 0.0)
      continue;
    double d = hypot(e - p->e, n - p->n) - p->radius_m;
    if (d < best)
      best = d;
  }
  return best;
}

/* One lane: a centreline from one edge of the box to the opposite one (west-east when
 * we_only, so it crosses e = 0), then the two one-way sides joined into a loop. */
static void build_lane(tc_gen_lane *l, int region, tc_rng *rng, int we_only) {
  const double H = TC_GEN_REGION_HALF_M;
  double ce[TC_GEN_LANE_CENTRE_PTS], cn[TC_GEN_LANE_CENTRE_PTS];
  int ns = !we_only && tc_rng_chance(rng, 0.5); /* south-north instead of west-east */
  double a = tc_rng_range(rng, -0.8 * H, 0.8 * H), b = tc_rng_range(rng, -0.8 * H, 0.8 * H);
  for (int i = 0; i < TC_GEN_LANE_CENTRE_PTS; i++) {
    double f = (double)i / (TC_GEN_LANE_CENTRE_PTS - 1);
    double along = -H + 2.0 * H * f;
    double across = a + f * (b - a);
    if (i > 0 && i < TC_GEN_LANE_CENTRE_PTS - 1)
      across += tc_rng_range(rng, -LANE_WOBBLE_M, LANE_WOBBLE_M);
    ce[i] = ns ? across : along;
    cn[i] = ns ? along : across;
  }
  /* Right-hand normal of each centre point (mean of its segments' normals). */
  double re[TC_GEN_LANE_CENTRE_PTS], rn[TC_GEN_LANE_CENTRE_PTS];
  for (int i = 0; i < TC_GEN_LANE_CENTRE_PTS; i++) {
    double sx = 0.0, sy = 0.0;
    for (int j = i - 1; j <= i; j++) {
      if (j < 0 || j + 1 >= TC_GEN_LANE_CENTRE_PTS)
        continue;
      double dx = ce[j + 1] - ce[j], dy = cn[j + 1] - cn[j], len = hypot(dx, dy);
      sx += dy / len;
      sy += -dx / len;
    }
    double len = hypot(sx, sy);
    re[i] = sx / len;
    rn[i] = sy / len;
  }
  l->region = region;
  l->npts = TC_GEN_LANE_LOOP_PTS;
  for (int i = 0; i < TC_GEN_LANE_CENTRE_PTS; i++) {
    l->e[i] = ce[i] + LANE_HALF_SEP_M * re[i];
    l->n[i] = cn[i] + LANE_HALF_SEP_M * rn[i];
    int j = TC_GEN_LANE_LOOP_PTS - 1 - i; /* the way back, on the other side */
    l->e[j] = ce[i] - LANE_HALF_SEP_M * re[i];
    l->n[j] = cn[i] - LANE_HALF_SEP_M * rn[i];
  }
  l->cum[0] = 0.0;
  for (int k = 0; k < l->npts; k++) {
    int k1 = (k + 1) % l->npts;
    double de = l->e[k1] - l->e[k], dn = l->n[k1] - l->n[k], len = hypot(de, dn);
    l->cum[k + 1] = l->cum[k] + len;
    l->ue[k] = de / len;
    l->un[k] = dn / len;
    l->course[k] = tc_gen_course(de, dn);
  }
}

static tc_status place_port(tc_gen_world *w, size_t i, tc_rng *rng, tc_err *err) {
  tc_gen_port *p = &w->ports[i];
  const double lim = TC_GEN_REGION_HALF_M - PORT_EDGE_CLEAR_M;
  for (int tries = 0; tries < PLACE_TRIES; tries++) {
    double e = tc_rng_range(rng, -lim, lim), n = tc_rng_range(rng, -lim, lim);
    if (tc_gen_dist_to_lanes(w, p->region, e, n) < PORT_LANE_CLEAR_M + p->radius_m)
      continue;
    if (tc_gen_dist_to_ports(w, p->region, e, n) < PORT_PORT_CLEAR_M + p->radius_m)
      continue;
    p->e = e;
    p->n = n;
    return TC_OK;
  }
  return tc_fail(err, TC_ERR_ARG,
                 "generate: no room for port %zu (%zu vessels, radius %.0f m) in region %s; use fewer "
                 "--ports",
                 i, p->vessels, p->radius_m, w->region[p->region].name);
}

tc_status tc_gen_world_build(tc_gen_world *w, tc_rng *rng, int antimeridian, int nregions,
                             size_t lanes_per_region, size_t nports, const size_t *port_vessels,
                             tc_err *err) {
  tc_status st = TC_OK;
  memset(w, 0, sizeof *w);
  if (nregions < 1 || nregions > TC_GEN_MAX_REGIONS)
    return tc_fail(err, TC_ERR_ARG, "generate: %d regions outside 1..%d", nregions, TC_GEN_MAX_REGIONS);
  w->nregions = nregions;
  for (int r = 0, next = 0; r < nregions; r++)
    if (r == 0 && antimeridian) /* region 0 gets the first share of everything */
      w->region[r] = fiji_region;
    else if (r < TC_GEN_NAMED_REGIONS)
      w->region[r] = plain_regions[r];
    else if (!open_sea_region(w, r, &next))
      return tc_fail(err, TC_ERR_ARG, "generate: no room for %d regions", nregions);
  w->nlanes = lanes_per_region * (size_t)w->nregions;
  w->lanes = calloc(w->nlanes ? w->nlanes : 1, sizeof *w->lanes);
  w->ports = calloc(nports ? nports : 1, sizeof *w->ports);
  if (!w->lanes || !w->ports) {
    st = tc_fail(err, TC_ERR_NOMEM, "generate: out of memory for %zu lanes, %zu ports", w->nlanes,
                 nports);
    goto cleanup;
  }
  for (size_t i = 0; i < w->nlanes; i++) {
    int r = (int)(i % (size_t)w->nregions);
    build_lane(&w->lanes[i], r, rng, antimeridian && r == 0);
  }
  w->nports = nports;
  for (size_t i = 0; i < nports; i++) {
    tc_gen_port *p = &w->ports[i];
    p->region = (int)(i % (size_t)w->nregions);
    p->vessels = port_vessels[i];
    double km = sqrt((double)p->vessels / (PORT_DENSITY_PER_KM2 * TC_PI));
    p->radius_m = km < 1.0 ? 1000.0 : 1000.0 * km;
    p->radius_m = -p->radius_m; /* not yet placed: ignored by dist_to_ports */
  }
  for (size_t i = 0; i < nports; i++) {
    tc_gen_port *p = &w->ports[i];
    p->radius_m = -p->radius_m;
    st = place_port(w, i, rng, err);
    if (st != TC_OK)
      goto cleanup;
  }
cleanup:
  if (st != TC_OK)
    tc_gen_world_free(w);
  return st;
}

void tc_gen_world_free(tc_gen_world *w) {
  if (!w)
    return;
  free(w->lanes);
  free(w->ports);
  memset(w, 0, sizeof *w);
}
