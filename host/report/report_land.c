/* Land polygons for the page's maps, from the same shoreline the distances use. GSHHG's
 * binned files cut every polygon at the edges of their bins, so the pieces are stitched
 * back end to end (a piece's last vertex is the next piece's first) into closed rings;
 * a GeoJSON coast comes as closed rings already. Rings are clipped to the page's box and
 * thinned; the page fills them even-odd, so lakes (rings inside land) stay water. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "host/engine/grow.h"
#include "host/report/jsonout.h"
#include "host/report/report.h"
#include "kernels/geo.h"

typedef struct {
  const double *lat, *lon;
  size_t n;
} piece;

typedef struct {
  piece *v;
  size_t n, cap;
  int bad;
} pieces;

typedef struct {
  double *x, *y; /* x: longitude unwrapped along the ring, y: latitude */
  size_t n, cap;
} ring;

static void collect(void *ctx, const double *lat, const double *lon, size_t n) {
  pieces *p = ctx;
  if (p->bad || n < 2)
    return;
  piece *v = tc_grow(p->v, &p->cap, p->n + 1, sizeof *v, 4096);
  if (!v) {
    p->bad = 1;
    return;
  }
  p->v = v;
  p->v[p->n++] = (piece){lat, lon, n};
}

/* Vertices meet exactly where a polygon crosses a bin edge, up to rounding. */
static uint64_t key(double lat, double lon) {
  int64_t a = llround(lat * 1e6), b = llround(tc_norm_lon(lon) * 1e6);
  if (b == 180000000)
    b = -180000000;
  return ((uint64_t)a << 32) ^ (uint64_t)(uint32_t)b;
}

static uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}

static int ring_push(ring *r, double x, double y) {
  if (r->n + 1 > r->cap) {
    size_t cap = r->cap;
    double *nx = tc_grow(r->x, &cap, r->n + 1, sizeof *nx, 256);
    if (!nx)
      return 0;
    r->x = nx;
    cap = r->cap;
    double *ny = tc_grow(r->y, &cap, r->n + 1, sizeof *ny, 256);
    if (!ny)
      return 0;
    r->y = ny;
    r->cap = cap;
  }
  r->x[r->n] = x;
  r->y[r->n++] = y;
  return 1;
}

/* Appends a piece, longitudes continued from the ring's last vertex (or near ref). */
static int append(ring *r, const piece *p, double ref) {
  for (size_t i = r->n ? 1 : 0; i < p->n; i++) {
    double prev = r->n ? r->x[r->n - 1] : ref;
    if (!ring_push(r, prev + tc_wrap_dlon(p->lon[i] - prev), p->lat[i]))
      return 0;
  }
  return 1;
}

/* Sutherland–Hodgman against one side of the box: keep where s * (v - c) >= 0 on axis. */
static int clip_side(ring *in, ring *out, int axis, double c, double s) {
  out->n = 0;
  for (size_t i = 0; i < in->n; i++) {
    size_t j = (i + 1) % in->n;
    double pi = axis ? in->y[i] : in->x[i], pj = axis ? in->y[j] : in->x[j];
    int ii = s * (pi - c) >= 0, ij = s * (pj - c) >= 0;
    if (ii && !ring_push(out, in->x[i], in->y[i]))
      return 0;
    if (ii != ij) {
      double f = (c - pi) / (pj - pi);
      double x = in->x[i] + f * (in->x[j] - in->x[i]), y = in->y[i] + f * (in->y[j] - in->y[i]);
      if (!ring_push(out, axis ? x : c, axis ? c : y))
        return 0;
    }
  }
  return 1;
}

typedef struct {
  json_t *rings;
  double box[4]; /* lat0, lon0, lat1, lon1 (lon unwrapped) */
  double tol;
  ring a, b;
  int bad;
} emit_ctx;

/* Clips r shifted by dx to the box, thins it to tol and adds it to the page's rings. */
static void emit(emit_ctx *e, const ring *r, double dx) {
  e->a.n = 0;
  for (size_t i = 0; i < r->n && !e->bad; i++)
    e->bad |= !ring_push(&e->a, r->x[i] + dx, r->y[i]);
  if (e->bad || !clip_side(&e->a, &e->b, 0, e->box[1], 1) || !clip_side(&e->b, &e->a, 0, e->box[3], -1) ||
      !clip_side(&e->a, &e->b, 1, e->box[0], 1) || !clip_side(&e->b, &e->a, 1, e->box[2], -1)) {
    e->bad = 1;
    return;
  }
  if (e->a.n < 3)
    return;
  json_t *out = json_array();
  if (!out) {
    e->bad = 1;
    return;
  }
  double px = 0, py = 0;
  for (size_t i = 0; i < e->a.n && !e->bad; i++) {
    if (i && fabs(e->a.x[i] - px) < e->tol && fabs(e->a.y[i] - py) < e->tol)
      continue;
    tc_json_push(out, json_pack("[o,o]", tc_json_fixed(e->a.x[i], 4), tc_json_fixed(e->a.y[i], 4)), &e->bad);
    px = e->a.x[i];
    py = e->a.y[i];
  }
  if (json_array_size(out) >= 3)
    tc_json_push(e->rings, out, &e->bad);
  else
    json_decref(out);
}

static void ring_done(emit_ctx *e, ring *r) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, ysum = 0;
  for (size_t i = 0; i < r->n; i++) {
    x0 = fmin(x0, r->x[i]);
    x1 = fmax(x1, r->x[i]);
    y0 = fmin(y0, r->y[i]);
    y1 = fmax(y1, r->y[i]);
    ysum += r->y[i];
  }
  if (r->n < 4 || (x1 - x0 < e->tol && y1 - y0 < e->tol))
    return; /* smaller than the drawing tolerance */
  if (fabs(r->x[r->n - 1] - r->x[0]) > 180) { /* round a pole (Antarctica): close over it */
    double pole = ysum < 0 ? -90 : 90;
    if (!ring_push(r, r->x[r->n - 1], pole) || !ring_push(r, r->x[0], pole)) {
      e->bad = 1;
      return;
    }
    x0 = fmin(x0, r->x[0]);
    x1 = fmax(x1, r->x[r->n - 1]);
  }
  if (y1 < e->box[0] || y0 > e->box[2])
    return;
  for (int k = -1; k <= 1; k++)
    if (x1 + 360 * k >= e->box[1] && x0 + 360 * k <= e->box[3])
      emit(e, r, 360.0 * k);
}

json_t *tc_report_land(const tc_coast *coast, double lat0, double lat1, double lon0, double lon1, double tol) {
  pieces p = {NULL, 0, 0, 0};
  emit_ctx e = {json_array(), {lat0, lon0, lat1, lon1}, tol, {0}, {0}, 0};
  ring r = {0};
  size_t slots = 0;
  uint32_t *table = NULL; /* piece index + 1 by its first vertex; 0 empty */
  unsigned char *used = NULL;
  if (!e.rings)
    goto fail;
  tc_coast_lines(coast, -90, 90, -180, 180, collect, &p);
  if (p.bad)
    goto fail;
  for (slots = 1024; slots < 2 * p.n; slots *= 2)
    ;
  table = calloc(slots, sizeof *table);
  used = calloc(p.n ? p.n : 1, 1);
  if (!table || !used)
    goto fail;
  for (size_t i = 0; i < p.n; i++) {
    size_t h = mix(key(p.v[i].lat[0], p.v[i].lon[0])) & (slots - 1);
    while (table[h])
      h = (h + 1) & (slots - 1);
    table[h] = (uint32_t)(i + 1);
  }
  double ref = (lon0 + lon1) / 2;
  for (size_t i = 0; i < p.n && !e.bad; i++) {
    if (used[i])
      continue;
    used[i] = 1;
    r.n = 0;
    uint64_t start = key(p.v[i].lat[0], p.v[i].lon[0]);
    if (!append(&r, &p.v[i], ref))
      goto fail;
    int closed = 0;
    for (;;) {
      uint64_t end = key(r.y[r.n - 1], r.x[r.n - 1]);
      if (end == start) {
        closed = 1;
        break;
      }
      size_t h = mix(end) & (slots - 1), next = SIZE_MAX;
      for (; table[h]; h = (h + 1) & (slots - 1)) {
        size_t j = table[h] - 1;
        if (!used[j] && key(p.v[j].lat[0], p.v[j].lon[0]) == end) {
          next = j;
          break;
        }
      }
      if (next == SIZE_MAX)
        break; /* an open piece: a shoreline that does not close in this data */
      used[next] = 1;
      if (!append(&r, &p.v[next], ref))
        goto fail;
    }
    if (closed) {
      r.n--; /* the closing vertex repeats the first */
      ring_done(&e, &r);
    }
  }
  if (e.bad)
    goto fail;
  goto cleanup;
fail:
  json_decref(e.rings);
  e.rings = NULL;
cleanup:
  free(p.v);
  free(table);
  free(used);
  free(r.x);
  free(r.y);
  free(e.a.x);
  free(e.a.y);
  free(e.b.x);
  free(e.b.y);
  return e.rings;
}
