#include "host/report/places.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/report/csvline.h"
#include "host/report/textout.h"
#include "kernels/geo.h"

struct tc_places {
  tc_place *v;
  size_t n, cap;
  size_t *by_lat; /* indices sorted by latitude, rebuilt lazily */
  double max_radius;
  int sorted;
};

tc_status tc_places_create(tc_places **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

void tc_places_free(tc_places *p) {
  if (!p)
    return;
  free(p->v);
  free(p->by_lat);
  free(p);
}

tc_status tc_places_add(tc_places *p, const tc_place *pl) {
  tc_place *v = tc_grow(p->v, &p->cap, p->n + 1, sizeof *v, 64);
  if (!v)
    return TC_ERR_NOMEM;
  p->v = v;
  p->v[p->n++] = *pl;
  if (pl->radius_m > p->max_radius)
    p->max_radius = pl->radius_m;
  p->sorted = 0;
  return TC_OK;
}

size_t tc_places_count(const tc_places *p) { return p ? p->n : 0; }
const tc_place *tc_places_get(const tc_places *p, size_t i) { return &p->v[i]; }

static int parse_num(const char *s, double *v) {
  char *e;
  errno = 0;
  *v = strtod(s, &e);
  return e != s && !*e && !errno && isfinite(*v);
}

static int col_is(const char *h, const char *const *names) {
  for (; *names; names++)
    if (!strcasecmp(h, *names))
      return 1;
  return 0;
}

tc_status tc_places_load(tc_places *p, const char *path, tc_err *err) {
  static const char *const nm[] = {"name", "port", "port_name", "anchorage", NULL};
  static const char *const la[] = {"lat", "latitude", NULL};
  static const char *const lo[] = {"lon", "lng", "long", "longitude", NULL};
  static const char *const ve[] = {"vessels", NULL};
  static const char *const ra[] = {"radius_m", "radius", NULL};
  char *line = NULL;
  size_t cap = 0;
  tc_status s = TC_OK;
  FILE *f = fopen(path, "r");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  int cn = 0, cla = 1, clo = 2, cv = -1, cr = -1, r, header_done = 0, anch = 0;
  size_t lineno = 0;
  while ((r = tc_csvl_read_line(f, &line, &cap)) == 1) {
    lineno++;
    if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
      continue;
    char *fld[64];
    int nf = tc_csvl_split(line, fld, 64);
    double lat, lon;
    if (!header_done) {
      header_done = 1;
      if (nf < 3 || !parse_num(fld[1], &lat)) { /* a header */
        cn = cla = clo = -1;
        for (int i = 0; i < nf; i++) {
          if (cn < 0 && col_is(fld[i], nm)) cn = i;
          else if (cla < 0 && col_is(fld[i], la)) cla = i;
          else if (clo < 0 && col_is(fld[i], lo)) clo = i;
          else if (cv < 0 && col_is(fld[i], ve)) cv = i;
          else if (cr < 0 && col_is(fld[i], ra)) cr = i;
          if (!strcasecmp(fld[i], "anchorage")) anch = 1;
        }
        if (cv >= 0)
          anch = 1; /* the anchorages command writes a vessels column */
        if (cn < 0 || cla < 0 || clo < 0) {
          s = tc_fail(err, TC_ERR_FORMAT, "%s:%zu: header must name columns name, lat and lon", path,
                      lineno);
          goto cleanup;
        }
        continue;
      }
    }
    int need = cn > cla ? cn : cla;
    need = need > clo ? need : clo;
    if (nf <= need || !parse_num(fld[cla], &lat) || !parse_num(fld[clo], &lon) || fabs(lat) > 90 ||
        fabs(lon) > 360) {
      s = tc_fail(err, TC_ERR_FORMAT, "%s:%zu: expected name, lat, lon with valid degrees", path,
                  lineno);
      goto cleanup;
    }
    tc_place pl;
    memset(&pl, 0, sizeof pl);
    snprintf(pl.name, sizeof pl.name, "%s", fld[cn]);
    pl.lat = lat;
    pl.lon = tc_norm_lon(fmod(lon, 360.0));
    double v;
    pl.vessels = cv >= 0 && cv < nf && parse_num(fld[cv], &v) ? (int)v : 0;
    pl.is_anchorage = anch;
    pl.radius_m = cr >= 0 && cr < nf && parse_num(fld[cr], &v) && v > 0 ? v : 0;
    if (tc_places_add(p, &pl) != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
      goto cleanup;
    }
  }
  if (r < 0)
    s = tc_fail(err, TC_ERR_IO, "%s: read error", path);
cleanup:
  free(line);
  fclose(f);
  return s;
}

static int cmp_lat(const void *a, const void *b, void *ctx) {
  const tc_place *v = ctx;
  const tc_place *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];
  if (x->lat != y->lat)
    return x->lat < y->lat ? -1 : 1;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int ensure_sorted(tc_places *p) {
  if (p->sorted)
    return 1;
  size_t *ix = realloc(p->by_lat, (p->n ? p->n : 1) * sizeof *ix);
  if (!ix)
    return 0;
  p->by_lat = ix;
  for (size_t i = 0; i < p->n; i++)
    ix[i] = i;
  qsort_r(ix, p->n, sizeof *ix, cmp_lat, p->v);
  p->sorted = 1;
  return 1;
}

const tc_place *tc_places_nearest(const tc_places *cp, double lat, double lon, double max_m,
                                  double *dist_m) {
  tc_places *p = (tc_places *)cp;
  *dist_m = NAN;
  if (!p || !p->n || !isfinite(lat) || !ensure_sorted(p))
    return NULL;
  /* Only places within max_m of latitude can be within max_m. */
  double dlat = (max_m + p->max_radius) / TC_EARTH_R_M / TC_DEG2RAD * 1.0001;
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (p->v[p->by_lat[m]].lat < lat - dlat)
      lo = m + 1;
    else
      hi = m;
  }
  const tc_place *best = NULL;
  double bd = INFINITY;
  size_t bi = 0;
  for (size_t k = lo; k < p->n && p->v[p->by_lat[k]].lat <= lat + dlat; k++) {
    size_t i = p->by_lat[k];
    double d = fmax(0.0, tc_haversine_m(lat, lon, p->v[i].lat, p->v[i].lon) - p->v[i].radius_m);
    if (d <= max_m && (d < bd || (d == bd && i < bi))) {
      bd = d;
      best = &p->v[i];
      bi = i;
    }
  }
  if (best)
    *dist_m = bd;
  return best;
}

static void write_rows(const tc_places *p, FILE *f) {
  fputs("name,lat,lon,vessels,radius_m\n", f);
  for (size_t i = 0; i < p->n; i++) {
    tc_put_csv(f, p->v[i].name);
    fprintf(f, ",%.6f,%.6f,%d,%.0f\n", p->v[i].lat, p->v[i].lon, p->v[i].vessels, p->v[i].radius_m);
  }
}

tc_status tc_places_write_csv(const tc_places *p, const char *path, tc_err *err) {
  if (!strcmp(path, "-")) {
    write_rows(p, stdout);
    if (fflush(stdout) != 0 || ferror(stdout))
      return tc_fail(err, TC_ERR_IO, "standard output: write failed");
    return TC_OK;
  }
  tc_atomic a;
  TC_TRY(tc_atomic_open(&a, path, err));
  write_rows(p, a.f);
  tc_status s = tc_atomic_commit(&a, err);
  tc_atomic_abort(&a);
  return s;
}
