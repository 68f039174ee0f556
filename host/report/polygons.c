#include "host/report/polygons.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "host/engine/grow.h"
#include "kernels/geo.h"

typedef struct {
  size_t first_ring, nrings;
  double lat0, lat1, lon0, lon1; /* bounding box, unwrapped longitudes */
} poly;

typedef struct {
  size_t first, n; /* vertices */
} ring;

struct tc_polyset {
  double *lat, *lon;
  size_t nv, capv;
  ring *rings;
  size_t nr, capr;
  poly *polys;
  size_t np, capp;
};

static int push_vertex(tc_polyset *s, double lat, double lon) {
  if (s->nv + 1 > s->capv) {
    size_t cap = s->capv, c2 = s->capv;
    double *la = tc_grow(s->lat, &cap, s->nv + 1, sizeof *la, 64);
    if (!la)
      return 0;
    s->lat = la;
    double *lo = tc_grow(s->lon, &c2, s->nv + 1, sizeof *lo, 64);
    if (!lo)
      return 0;
    s->lon = lo;
    s->capv = cap;
  }
  s->lat[s->nv] = lat;
  s->lon[s->nv] = lon;
  s->nv++;
  return 1;
}

/* One ring: coordinates [[lon, lat], ...]. */
static tc_status add_ring(tc_polyset *s, const json_t *coords, const char *name, tc_err *err) {
  if (!json_is_array(coords))
    return tc_fail(err, TC_ERR_FORMAT, "%s: a polygon ring is not an array", name);
  if (json_array_size(coords) < 3)
    return tc_fail(err, TC_ERR_FORMAT, "%s: a polygon ring has %zu positions (at least 3 needed)",
                   name, json_array_size(coords));
  size_t first = s->nv;
  double prev = 0, lat_sum = 0;
  size_t k;
  const json_t *pt;
  json_array_foreach(coords, k, pt) {
    if (!json_is_array(pt) || json_array_size(pt) < 2 || !json_is_number(json_array_get(pt, 0)) ||
        !json_is_number(json_array_get(pt, 1)))
      return tc_fail(err, TC_ERR_FORMAT, "%s: position %zu of a ring is not [lon, lat]", name, k);
    double lon = json_number_value(json_array_get(pt, 0)), lat = json_number_value(json_array_get(pt, 1));
    if (!isfinite(lon) || !isfinite(lat) || fabs(lat) > 90)
      return tc_fail(err, TC_ERR_FORMAT, "%s: position %zu [%g, %g] is not a valid [lon, lat]",
                     name, k, lon, lat);
    lon = k == 0 ? tc_norm_lon(fmod(lon, 360.0)) : prev + tc_wrap_dlon(fmod(lon - prev, 360.0));
    prev = lon;
    lat_sum += lat;
    if (!push_vertex(s, lat, lon))
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", name);
  }
  /* Close the ring; one that went once round a pole closes through the pole. */
  double dl = s->lon[s->nv - 1] - s->lon[first];
  if (fabs(dl) > 180.0) {
    double pole = lat_sum >= 0 ? 90.0 : -90.0;
    if (!push_vertex(s, pole, s->lon[s->nv - 1]) || !push_vertex(s, pole, s->lon[first]))
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", name);
  }
  if (s->lat[s->nv - 1] != s->lat[first] || s->lon[s->nv - 1] != s->lon[first])
    if (!push_vertex(s, s->lat[first], s->lon[first]))
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", name);
  size_t n = s->nv - first;
  ring *rg = tc_grow(s->rings, &s->capr, s->nr + 1, sizeof *rg, 64);
  if (!rg)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", name);
  s->rings = rg;
  s->rings[s->nr++] = (ring){first, n};
  return TC_OK;
}

static tc_status add_polygon(tc_polyset *s, const json_t *rings, const char *name, tc_err *err) {
  if (!json_is_array(rings) || json_array_size(rings) == 0)
    return tc_fail(err, TC_ERR_FORMAT, "%s: Polygon coordinates must be a non-empty array of rings",
                   name);
  size_t r0 = s->nr, i;
  const json_t *r;
  json_array_foreach(rings, i, r)
    TC_TRY(add_ring(s, r, name, err));
  poly p = {r0, s->nr - r0, INFINITY, -INFINITY, INFINITY, -INFINITY};
  /* Holes are unwrapped on their own; shift each next to the outer ring. */
  double ref = s->lon[s->rings[r0].first];
  for (size_t i = r0; i < s->nr; i++) {
    ring *g = &s->rings[i];
    double shift = 360.0 * round((s->lon[g->first] - ref) / 360.0);
    for (size_t v = g->first; v < g->first + g->n; v++) {
      s->lon[v] -= i == r0 ? 0 : shift;
      if (s->lat[v] < p.lat0) p.lat0 = s->lat[v];
      if (s->lat[v] > p.lat1) p.lat1 = s->lat[v];
      if (s->lon[v] < p.lon0) p.lon0 = s->lon[v];
      if (s->lon[v] > p.lon1) p.lon1 = s->lon[v];
    }
  }
  poly *pg = tc_grow(s->polys, &s->capp, s->np + 1, sizeof *pg, 64);
  if (!pg)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", name);
  s->polys = pg;
  s->polys[s->np++] = p;
  return TC_OK;
}

static tc_status walk(tc_polyset *s, const json_t *g, const char *name, int depth, tc_err *err) {
  const char *t = json_string_value(json_object_get(g, "type"));
  if (!t)
    return tc_fail(err, TC_ERR_FORMAT, "%s: a GeoJSON object has no \"type\"", name);
  if (depth > 32)
    return tc_fail(err, TC_ERR_FORMAT, "%s: GeoJSON nested too deep", name);
  size_t i;
  const json_t *c;
  if (!strcmp(t, "FeatureCollection")) {
    const json_t *f = json_object_get(g, "features");
    if (!json_is_array(f))
      return tc_fail(err, TC_ERR_FORMAT, "%s: FeatureCollection without a \"features\" array", name);
    json_array_foreach(f, i, c)
      TC_TRY(walk(s, c, name, depth + 1, err));
    return TC_OK;
  }
  if (!strcmp(t, "Feature")) {
    const json_t *geo = json_object_get(g, "geometry");
    return json_is_object(geo) ? walk(s, geo, name, depth + 1, err) : TC_OK;
  }
  if (!strcmp(t, "GeometryCollection")) {
    const json_t *gs = json_object_get(g, "geometries");
    json_array_foreach(gs, i, c) /* no iterations unless an array */
      TC_TRY(walk(s, c, name, depth + 1, err));
    return TC_OK;
  }
  const json_t *coords = json_object_get(g, "coordinates");
  if (!strcmp(t, "Polygon"))
    return add_polygon(s, coords, name, err);
  if (!strcmp(t, "MultiPolygon")) {
    if (!json_is_array(coords))
      return tc_fail(err, TC_ERR_FORMAT, "%s: MultiPolygon coordinates must be an array", name);
    json_array_foreach(coords, i, c)
      TC_TRY(add_polygon(s, c, name, err));
  }
  return TC_OK; /* points and lines have no inside */
}

tc_status tc_polyset_load(const char *path, tc_polyset **out, tc_err *err) {
  *out = NULL;
  tc_status st = TC_OK;
  json_t *root = NULL;
  tc_polyset *s = NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  json_error_t je;
  /* integers as doubles: a coordinate written as a huge integer is a bad value, not a parse error */
  root = json_loadf(f, JSON_DECODE_INT_AS_REAL, &je);
  if (!root) {
    st = ferror(f) ? tc_fail(err, TC_ERR_IO, "%s: read error", path)
         : json_error_code(&je) == json_error_out_of_memory
             ? tc_fail(err, TC_ERR_NOMEM, "%s: JSON: out of memory", path)
             : tc_fail(err, TC_ERR_FORMAT, "%s: JSON: %s at line %d column %d", path, je.text, je.line,
                       je.column);
    goto cleanup;
  }
  if (!(s = calloc(1, sizeof *s))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  if ((st = walk(s, root, path, 0, err)) != TC_OK)
    goto cleanup;
  if (s->np == 0) {
    st = tc_fail(err, TC_ERR_FORMAT, "%s: no Polygon or MultiPolygon found", path);
    goto cleanup;
  }
  *out = s;
  s = NULL;
cleanup:
  tc_polyset_free(s);
  json_decref(root);
  fclose(f);
  return st;
}

void tc_polyset_free(tc_polyset *p) {
  if (!p)
    return;
  free(p->lat);
  free(p->lon);
  free(p->rings);
  free(p->polys);
  free(p);
}

size_t tc_polyset_count(const tc_polyset *p) { return p->np; }
size_t tc_polyset_rings(const tc_polyset *p) { return p->nr; }

void tc_polyset_ring(const tc_polyset *p, size_t r, const double **lat, const double **lon, size_t *n) {
  *lat = p->lat + p->rings[r].first;
  *lon = p->lon + p->rings[r].first;
  *n = p->rings[r].n;
}

/* Even-odd crossing count of a horizontal ray (in the unwrapped lon/lat plane). */
static int ring_crossings(const tc_polyset *s, const ring *g, double lat, double lon) {
  int c = 0;
  const double *y = s->lat + g->first, *x = s->lon + g->first;
  for (size_t i = 0, j = g->n - 1; i < g->n; j = i++) {
    if ((y[i] > lat) != (y[j] > lat)) {
      double xc = x[j] + (lat - y[j]) / (y[i] - y[j]) * (x[i] - x[j]);
      if (lon < xc)
        c ^= 1;
    }
  }
  return c;
}

int tc_polyset_contains(const tc_polyset *s, double lat, double lon) {
  if (!s || !isfinite(lat) || !isfinite(lon))
    return 0;
  lon = tc_norm_lon(lon);
  for (size_t k = 0; k < s->np; k++) {
    const poly *p = &s->polys[k];
    if (lat < p->lat0 || lat > p->lat1)
      continue;
    for (int w = -1; w <= 1; w++) {
      double x = lon + 360.0 * w;
      if (x < p->lon0 || x > p->lon1)
        continue;
      int in = 0;
      for (size_t r = p->first_ring; r < p->first_ring + p->nrings; r++)
        in ^= ring_crossings(s, &s->rings[r], lat, x);
      if (in)
        return 1;
    }
  }
  return 0;
}
