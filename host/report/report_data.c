/* The report's embedded JSON: candidates (as the GeoJSON properties), decimated
 * tracks of the candidates with panels, and the shoreline around them. */
#include <math.h>
#include <stdio.h>

#include "host/report/jsonout.h"
#include "host/report/report.h"
#include "host/report/textout.h"
#include "kernels/geo.h"

#define MAX_TRACK_POINTS 400

static void track(FILE *f, const tc_columns *c) {
  size_t step = c->n > MAX_TRACK_POINTS ? (c->n + MAX_TRACK_POINTS - 1) / MAX_TRACK_POINTS : 1;
  fputc('[', f);
  for (size_t i = 0, k = 0; i < c->n; i += step, k++) {
    size_t j = i + step >= c->n ? c->n - 1 : i; /* keep the last fix */
    fprintf(f, "%s[%lld,%.5f,%.5f]", k ? "," : "", (long long)c->t[j], c->lat[j], c->lon[j]);
    if (j == c->n - 1)
      break;
  }
  fputc(']', f);
}

typedef struct {
  FILE *f;
  double tol;
  int n;
} coast_ctx;

/* One shoreline polyline as [[lon, lat], ...], thinned to tol degrees, split where
 * it jumps across the antimeridian. */
static void coast_line(void *vctx, const double *lat, const double *lon, size_t n) {
  coast_ctx *c = vctx;
  double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
  for (size_t i = 0; i < n; i++) {
    la0 = fmin(la0, lat[i]);
    la1 = fmax(la1, lat[i]);
    lo0 = fmin(lo0, lon[i]);
    lo1 = fmax(lo1, lon[i]);
  }
  if (la1 - la0 < c->tol && lo1 - lo0 < c->tol)
    return; /* an island or lake smaller than the drawing tolerance */
  double plat = 0, plon = 0;
  int open = 0;
  for (size_t i = 0; i < n; i++) {
    int last = i + 1 == n;
    if (open && fabs(lon[i] - plon) > 180.0) {
      fputc(']', c->f);
      open = 0;
    }
    if (open && !last && fabs(lat[i] - plat) < c->tol && fabs(lon[i] - plon) < c->tol)
      continue;
    if (!open) {
      fprintf(c->f, "%s[", c->n++ ? "," : "");
      open = 1;
    } else {
      fputc(',', c->f);
    }
    fprintf(c->f, "[%.4f,%.4f]", lon[i], lat[i]);
    plat = lat[i];
    plon = lon[i];
  }
  if (open)
    fputc(']', c->f);
}

void tc_report_data(FILE *f, const tc_candidates *c, size_t panels, const tc_coast *coast) {
  fputs("{\"enc\":[", f);
  double lat0 = 90, lat1 = -90, ref = c->n ? c->v[0].e.mean_lon : 0, u0 = 1e9, u1 = -1e9;
  for (size_t i = 0; i < c->n; i++) {
    const tc_encounter *e = &c->v[i].e;
    fprintf(f, "%s\n{", i ? "," : "");
    tc_json_candidate_props(f, &c->v[i]);
    fputc('}', f);
    lat0 = fmin(lat0, e->mean_lat);
    lat1 = fmax(lat1, e->mean_lat);
    double u = ref + tc_wrap_dlon(e->mean_lon - ref); /* unwrapped round the first */
    u0 = fmin(u0, u);
    u1 = fmax(u1, u);
  }
  fputs("],\n\"tracks\":{", f);
  for (size_t i = 0, k = 0; c->track_a && i < c->n && i < panels; i++) {
    fprintf(f, "%s\"%zu\":{\"a\":", k++ ? ",\n" : "", i);
    track(f, &c->track_a[i]);
    fputs(",\"b\":", f);
    track(f, &c->track_b[i]);
    fputc('}', f);
  }
  fputs("},\n\"coast\":[", f);
  if (coast && c->n) {
    double span = fmax(lat1 - lat0, u1 - u0);
    double m = fmax(1.0, span * 0.25);
    coast_ctx cc = {f, fmax(0.002, span / 800.0), 0};
    double w = tc_norm_lon(u0 - m), e = tc_norm_lon(u1 + m);
    if (u1 - u0 + 2 * m >= 360)
      w = -180, e = 180;
    tc_coast_lines(coast, fmax(-90, lat0 - m), fmin(90, lat1 + m), w, e, coast_line, &cc);
  }
  fputs("]}", f);
}
