/* The synthetic world of `trajcorr generate`: a few sea regions, shipping lanes that
 * cross them and port clusters beside the lanes. Positions inside a region are metres
 * east (e) and north (n) of its centre; tc_gen_to_latlon maps them to degrees, so a
 * region centred on 180° longitude straddles the antimeridian with no special case. */
#ifndef TC_GEN_LANES_H
#define TC_GEN_LANES_H

#include <stddef.h>

#include "bench/generate/rng.h"
#include "io/status.h"

#define TC_GEN_NAMED_REGIONS 3 /* the default world */
#define TC_GEN_MAX_REGIONS 200  /* with --regions, the others in open sea */
#define TC_GEN_LANE_CENTRE_PTS 4
#define TC_GEN_LANE_LOOP_PTS (2 * TC_GEN_LANE_CENTRE_PTS)
#define TC_GEN_REGION_HALF_M 150000.0 /* regions are 300 km squares */

typedef struct {
  const char *name;
  double lat0, lon0; /* centre, degrees */
} tc_gen_region;

/* A lane is a closed loop: out along one side of the centreline, across, back along
 * the other side, so a vessel circulating on it never jumps (no teleports). */
typedef struct {
  int region;
  int npts;
  double e[TC_GEN_LANE_LOOP_PTS], n[TC_GEN_LANE_LOOP_PTS];
  double cum[TC_GEN_LANE_LOOP_PTS + 1]; /* arc length at each point; cum[npts] = loop length */
  double ue[TC_GEN_LANE_LOOP_PTS], un[TC_GEN_LANE_LOOP_PTS]; /* unit direction of each segment */
  double course[TC_GEN_LANE_LOOP_PTS];                       /* and its course, degrees */
} tc_gen_lane;

typedef struct {
  int region;
  double e, n;     /* centre */
  double radius_m; /* anchorage radius */
  size_t vessels;  /* vessels assigned to it */
} tc_gen_port;

typedef struct {
  int nregions;
  tc_gen_region region[TC_GEN_MAX_REGIONS];
  size_t nlanes, nports;
  tc_gen_lane *lanes;
  tc_gen_port *ports;
} tc_gen_world;

/* Builds nregions regions (1 .. TC_GEN_MAX_REGIONS; region 0 centred on 180° when
 * antimeridian), lanes_per_region lanes in each, and nports ports placed away from the
 * lanes. port_vessels[i] sizes port i. */
tc_status tc_gen_world_build(tc_gen_world *w, tc_rng *rng, int antimeridian, int nregions,
                             size_t lanes_per_region, size_t nports, const size_t *port_vessels,
                             tc_err *err);
void tc_gen_world_free(tc_gen_world *w); /* NULL safe; leaves an empty world */

/* Local metres to degrees, rounded to the 1e-6° that the CSV carries (so truth computed
 * on these values is exactly what a reader of the CSV sees); lon in [-180, 180). */
void tc_gen_to_latlon(const tc_gen_region *r, double e, double n, double *lat, double *lon);

/* Point at arc length s (any real; taken modulo the loop length) and the index of its
 * segment (for ue, un, course). */
int tc_gen_lane_point(const tc_gen_lane *l, double s, double *e, double *n);

/* Shortest distance from (e, n) to any lane of region `region`, metres. */
double tc_gen_dist_to_lanes(const tc_gen_world *w, int region, double e, double n);

/* Distance from (e, n) to the edge of the nearest port's anchorage in `region`
 * (negative inside), metres; a large value when the region has no port. */
double tc_gen_dist_to_ports(const tc_gen_world *w, int region, double e, double n);

/* Course in degrees (0 = north, clockwise) of the vector (de, dn). */
double tc_gen_course(double de, double dn);

#endif
