#include "host/report/coast.h"

#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/engine/grow.h"
#include "host/report/polygons.h"
#include "kernels/geo.h"

#define ROWS 180
#define COLS 360
#define MAX_RING 40        /* beyond 40° of search, scan every edge */
#define MAX_STEP_DEG 0.5   /* longer edges are split, so their bulge stays in their cells */

typedef struct {
  uint32_t first, n;
} line;

struct tc_coast {
  double *lat, *lon, *x, *y, *z;
  size_t np, capp;
  line *lines;
  size_t nl, capl;
  uint32_t *cell_start; /* ROWS * COLS + 1 */
  uint32_t *cell_edges; /* start vertex of each edge, grouped by cell */
  char desc[256];
};

static int push_point(tc_coast *c, double lat, double lon) {
  if (c->np + 1 > c->capp) {
    size_t cap = c->capp;
    double **arr[5] = {&c->lat, &c->lon, &c->x, &c->y, &c->z};
    for (int k = 0; k < 5; k++) {
      size_t cc = c->capp;
      double *v = tc_grow(*arr[k], &cc, c->np + 1, sizeof *v, 1024);
      if (!v)
        return 0;
      *arr[k] = v;
      cap = cc;
    }
    c->capp = cap;
  }
  lon = tc_norm_lon(lon);
  c->lat[c->np] = lat;
  c->lon[c->np] = lon;
  tc_unit_vec(lat, lon, &c->x[c->np], &c->y[c->np], &c->z[c->np]);
  c->np++;
  return 1;
}

/* Adds a polyline, splitting long steps along the great circle. */
static int add_line(tc_coast *c, const double *lat, const double *lon, size_t n) {
  if (n < 2)
    return 1;
  uint32_t first = (uint32_t)c->np;
  if (!push_point(c, lat[0], lon[0]))
    return 0;
  for (size_t i = 1; i < n; i++) {
    double dlat = lat[i] - lat[i - 1], dlon = tc_wrap_dlon(tc_norm_lon(lon[i]) - tc_norm_lon(lon[i - 1]));
    double step = fmax(fabs(dlat), fabs(dlon));
    int pieces = step > MAX_STEP_DEG ? (int)ceil(step / MAX_STEP_DEG) : 1;
    double ax, ay, az, bx, by, bz;
    tc_unit_vec(lat[i - 1], lon[i - 1], &ax, &ay, &az);
    tc_unit_vec(lat[i], lon[i], &bx, &by, &bz);
    for (int k = 1; k <= pieces; k++) {
      double f = (double)k / pieces, la = lat[i], lo = lon[i];
      if (k < pieces) { /* normalised linear blend of unit vectors: a point of the arc */
        double x = ax + f * (bx - ax), y = ay + f * (by - ay), z = az + f * (bz - az);
        double r = sqrt(x * x + y * y + z * z);
        la = asin(z / r) / TC_DEG2RAD;
        lo = atan2(y, x) / TC_DEG2RAD;
      }
      if (!push_point(c, la, lo))
        return 0;
    }
  }
  line *ln = tc_grow(c->lines, &c->capl, c->nl + 1, sizeof *ln, 1024);
  if (!ln)
    return 0;
  c->lines = ln;
  c->lines[c->nl++] = (line){first, (uint32_t)(c->np - first)};
  return 1;
}

static int row_of(double lat) {
  int r = (int)floor(lat + 90.0);
  return r < 0 ? 0 : r >= ROWS ? ROWS - 1 : r;
}

static int col_of(double lon) {
  int k = (int)floor(lon + 180.0);
  return ((k % COLS) + COLS) % COLS;
}

/* Calls visit(cell) for each cell an edge's box touches. */
#define FOR_EDGE_CELLS(c, p, body)                                                        \
  do {                                                                                    \
    double la0_ = fmin(c->lat[p], c->lat[p + 1]), la1_ = fmax(c->lat[p], c->lat[p + 1]);  \
    double dl_ = tc_wrap_dlon(c->lon[p + 1] - c->lon[p]);                                 \
    double lo0_ = fmin(c->lon[p], c->lon[p] + dl_), lo1_ = fmax(c->lon[p], c->lon[p] + dl_); \
    int r0_ = row_of(la0_), r1_ = row_of(la1_);                                           \
    int c0_ = (int)floor(lo0_ + 180.0), c1_ = (int)floor(lo1_ + 180.0);                   \
    for (int rr_ = r0_; rr_ <= r1_; rr_++)                                                \
      for (int cc_ = c0_; cc_ <= c1_; cc_++) {                                            \
        size_t cell = (size_t)rr_ * COLS + (size_t)(((cc_ % COLS) + COLS) % COLS);        \
        body;                                                                             \
      }                                                                                   \
  } while (0)

static int build_index(tc_coast *c) {
  c->cell_start = calloc(ROWS * COLS + 1, sizeof *c->cell_start);
  if (!c->cell_start)
    return 0;
  size_t total = 0;
  for (size_t l = 0; l < c->nl; l++)
    for (uint32_t p = c->lines[l].first; p + 1 < c->lines[l].first + c->lines[l].n; p++)
      FOR_EDGE_CELLS(c, p, (c->cell_start[cell + 1]++, total++));
  for (size_t k = 0; k < ROWS * COLS; k++)
    c->cell_start[k + 1] += c->cell_start[k];
  c->cell_edges = malloc((total ? total : 1) * sizeof *c->cell_edges);
  uint32_t *fill = malloc(ROWS * COLS * sizeof *fill);
  if (!c->cell_edges || !fill) {
    free(fill);
    return 0;
  }
  memcpy(fill, c->cell_start, ROWS * COLS * sizeof *fill);
  for (size_t l = 0; l < c->nl; l++)
    for (uint32_t p = c->lines[l].first; p + 1 < c->lines[l].first + c->lines[l].n; p++)
      FOR_EDGE_CELLS(c, p, c->cell_edges[fill[cell]++] = p);
  free(fill);
  return 1;
}

/* Great-circle distance (radians) from unit vector P to the arc from vertex a to a+1. */
static double arc_dist(const tc_coast *c, uint32_t a, double px, double py, double pz) {
  double ax = c->x[a], ay = c->y[a], az = c->z[a];
  double bx = c->x[a + 1], by = c->y[a + 1], bz = c->z[a + 1];
  double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
  double nn = sqrt(nx * nx + ny * ny + nz * nz);
  if (nn > 1e-15) {
    double s = (px * nx + py * ny + pz * nz) / nn; /* sine of the distance to the circle */
    double fx = px - s * nx / nn, fy = py - s * ny / nn, fz = pz - s * nz / nn;
    /* The foot lies on the arc when A→F and F→B both turn the way A→B does. */
    double t1 = (ay * fz - az * fy) * nx + (az * fx - ax * fz) * ny + (ax * fy - ay * fx) * nz;
    double t2 = (fy * bz - fz * by) * nx + (fz * bx - fx * bz) * ny + (fx * by - fy * bx) * nz;
    if (t1 >= 0 && t2 >= 0)
      return asin(fmin(1.0, fabs(s)));
  }
  double dax = px - ax, day = py - ay, daz = pz - az, dbx = px - bx, dby = py - by, dbz = pz - bz;
  double ca = sqrt(dax * dax + day * day + daz * daz), cb = sqrt(dbx * dbx + dby * dby + dbz * dbz);
  return 2.0 * asin(fmin(1.0, fmin(ca, cb) / 2.0));
}

double tc_coast_distance_m(const tc_coast *c, double lat, double lon) {
  if (!c || !c->nl || !isfinite(lat) || !isfinite(lon) || fabs(lat) > 90)
    return NAN;
  lon = tc_norm_lon(fmod(lon, 360.0));
  double px, py, pz;
  tc_unit_vec(lat, lon, &px, &py, &pz);
  int row = row_of(lat), col = col_of(lon);
  double best = INFINITY, cphi = cos(lat * TC_DEG2RAD);
  for (int r = 0; r <= MAX_RING; r++) {
    for (int dr = -r; dr <= r; dr++) {
      int rr = row + dr;
      if (rr < 0 || rr >= ROWS)
        continue;
      int full = dr == -r || dr == r;
      for (int dc = -r; dc <= r; dc += full ? 1 : 2 * r) {
        size_t cell = (size_t)rr * COLS + (size_t)(((col + dc) % COLS + COLS) % COLS);
        for (uint32_t k = c->cell_start[cell]; k < c->cell_start[cell + 1]; k++) {
          double d = arc_dist(c, c->cell_edges[k], px, py, pz);
          if (d < best)
            best = d;
        }
        if (r == 0)
          break;
      }
    }
    /* Every cell not yet visited lies r whole degrees away in latitude, or r degrees
     * of longitude away: at least asin(cos φ sin r°) from P (distance to a meridian). */
    double lat_b = r * TC_DEG2RAD;
    double lon_b = asin(fmin(1.0, cphi * sin(fmin(r, 90) * TC_DEG2RAD)));
    if (best <= fmin(lat_b, lon_b))
      return best * TC_EARTH_R_M;
  }
  return tc_coast_distance_exhaustive_m(c, lat, lon); /* far from every shore, or near a pole */
}

double tc_coast_distance_exhaustive_m(const tc_coast *c, double lat, double lon) {
  if (!c || !c->nl || !isfinite(lat) || !isfinite(lon) || fabs(lat) > 90)
    return NAN;
  double px, py, pz, best = INFINITY;
  tc_unit_vec(lat, lon, &px, &py, &pz);
  for (size_t l = 0; l < c->nl; l++)
    for (uint32_t p = c->lines[l].first; p + 1 < c->lines[l].first + c->lines[l].n; p++) {
      double d = arc_dist(c, p, px, py, pz);
      if (d < best)
        best = d;
    }
  return best * TC_EARTH_R_M;
}

void tc_coast_free(tc_coast *c) {
  if (!c)
    return;
  free(c->lat);
  free(c->lon);
  free(c->x);
  free(c->y);
  free(c->z);
  free(c->lines);
  free(c->cell_start);
  free(c->cell_edges);
  free(c);
}

const char *tc_coast_describe(const tc_coast *c) { return c ? c->desc : ""; }
size_t tc_coast_points(const tc_coast *c) { return c ? c->np : 0; }

void tc_coast_lines(const tc_coast *c, double lat0, double lat1, double lon0, double lon1,
                    tc_coast_line_fn fn, void *ctx) {
  if (!c)
    return;
  for (size_t l = 0; l < c->nl; l++) {
    const line *g = &c->lines[l];
    for (uint32_t p = g->first; p < g->first + g->n; p++) {
      double la = c->lat[p], lo = c->lon[p];
      int in_lon = lon0 <= lon1 ? (lo >= lon0 && lo <= lon1) : (lo >= lon0 || lo <= lon1);
      if (la >= lat0 && la <= lat1 && in_lon) {
        fn(ctx, c->lat + g->first, c->lon + g->first, g->n);
        break;
      }
    }
  }
}

/* ---- loaders ---- */

static tc_status finish(tc_coast *c, tc_coast **out, const char *name, tc_err *err) {
  if (!build_index(c)) {
    tc_coast_free(c);
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the shoreline index", name);
  }
  *out = c;
  return TC_OK;
}

tc_status tc_coast_load_geojson(const char *path, tc_coast **out, tc_err *err) {
  *out = NULL;
  tc_polyset *ps = NULL;
  TC_TRY(tc_polyset_load(path, &ps, err));
  tc_coast *c = calloc(1, sizeof *c);
  if (!c) {
    tc_polyset_free(ps);
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
  }
  for (size_t r = 0; r < tc_polyset_rings(ps); r++) {
    const double *la, *lo;
    size_t n;
    tc_polyset_ring(ps, r, &la, &lo, &n);
    if (!add_line(c, la, lo, n)) {
      tc_polyset_free(ps);
      tc_coast_free(c);
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    }
  }
  snprintf(c->desc, sizeof c->desc, "land polygons from %s (%zu rings)", path, tc_polyset_rings(ps));
  tc_polyset_free(ps);
  return finish(c, out, path, err);
}

/* Reads a whole 1-D dataset of a GSHHG file as native ints (or shorts). */
static int read_var(hid_t f, const char *name, hid_t memtype, void *buf, size_t n) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0)
    return 0;
  hid_t sp = H5Dget_space(d);
  hssize_t have = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  int ok = have == (hssize_t)n && H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  if (sp >= 0)
    H5Sclose(sp);
  H5Dclose(d);
  return ok;
}

static int read_scalar(hid_t f, const char *name, int *v) { return read_var(f, name, H5T_NATIVE_INT, v, 1); }

/* A global text attribute (netCDF writes fixed-length strings). */
static void read_text_attr(hid_t f, const char *name, char *out, size_t cap) {
  out[0] = '\0';
  if (H5Aexists(f, name) <= 0)
    return;
  hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  if (a < 0)
    return;
  hid_t t = H5Aget_type(a);
  if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
    size_t sz = H5Tget_size(t);
    char *buf = calloc(sz + 1, 1);
    if (buf && H5Aread(a, t, buf) >= 0)
      snprintf(out, cap, "%s", buf);
    free(buf);
  }
  if (t >= 0)
    H5Tclose(t);
  H5Aclose(a);
}

static const char *res_name(char r, const char **tol) {
  switch (r) {
  case 'f': *tol = "full resolution"; return "full";
  case 'h': *tol = "~0.2 km"; return "high";
  case 'i': *tol = "~1 km"; return "intermediate";
  case 'l': *tol = "~5 km"; return "low";
  case 'c': *tol = "~25 km"; return "crude";
  }
  *tol = "unknown";
  return "unknown";
}

tc_status tc_coast_load_gshhg(const char *path, tc_coast **out, tc_err *err) {
  *out = NULL;
  tc_status s = TC_OK;
  tc_coast *c = NULL;
  int *seg_info = NULL, *seg_first = NULL, *bin_first = NULL;
  short *bin_nseg = NULL, *dx = NULL, *dy = NULL;
  double *la = NULL, *lo = NULL;
  H5E_auto2_t old_fn;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors become one message, not a stack dump */
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    s = tc_fail(err, access(path, R_OK) ? TC_ERR_IO : TC_ERR_HDF5,
                "%s: cannot open as a GSHHG netCDF-4/HDF5 file", path);
    goto cleanup;
  }
  int bin_size, nx, nbins, nseg, npts;
  if (!read_scalar(f, "Bin_size_in_minutes", &bin_size) ||
      !read_scalar(f, "N_bins_in_360_longitude_range", &nx) || !read_scalar(f, "N_bins_in_file", &nbins) ||
      !read_scalar(f, "N_segments_in_file", &nseg) || !read_scalar(f, "N_points_in_file", &npts) ||
      bin_size <= 0 || nx <= 0 || nbins <= 0 || nseg < 0 || npts < 0) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s: not a GSHHG binned shoreline file (bin header missing)", path);
    goto cleanup;
  }
  seg_info = malloc((size_t)(nseg ? nseg : 1) * sizeof *seg_info);
  seg_first = malloc((size_t)(nseg ? nseg : 1) * sizeof *seg_first);
  bin_first = malloc((size_t)nbins * sizeof *bin_first);
  bin_nseg = malloc((size_t)nbins * sizeof *bin_nseg);
  dx = malloc((size_t)(npts ? npts : 1) * sizeof *dx);
  dy = malloc((size_t)(npts ? npts : 1) * sizeof *dy);
  c = calloc(1, sizeof *c);
  if (!seg_info || !seg_first || !bin_first || !bin_nseg || !dx || !dy || !c) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  if (!read_var(f, "Embedded_npts_levels_exit_entry_for_a_segment", H5T_NATIVE_INT, seg_info, (size_t)nseg) ||
      !read_var(f, "Id_of_first_point_in_a_segment", H5T_NATIVE_INT, seg_first, (size_t)nseg) ||
      !read_var(f, "Id_of_first_segment_in_a_bin", H5T_NATIVE_INT, bin_first, (size_t)nbins) ||
      !read_var(f, "N_segments_in_a_bin", H5T_NATIVE_SHORT, bin_nseg, (size_t)nbins) ||
      !read_var(f, "Relative_longitude_from_SW_corner_of_bin", H5T_NATIVE_SHORT, dx, (size_t)npts) ||
      !read_var(f, "Relative_latitude_from_SW_corner_of_bin", H5T_NATIVE_SHORT, dy, (size_t)npts)) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: a GSHHG segment or point array is missing or has the wrong size", path);
    goto cleanup;
  }
  /* Bin b covers [lon_sw, lon_sw + bsize) x [lat_sw, lat_sw + bsize), numbered from
   * the north-west, lon_sw from 0 to 360; points are 1/65535 of bsize from its SW corner. */
  double bsize = bin_size / 60.0, scale = bsize / 65535.0;
  size_t maxn = 0;
  for (int k = 0; k < nseg; k++)
    if ((size_t)((unsigned)seg_info[k] >> 9) > maxn)
      maxn = (unsigned)seg_info[k] >> 9;
  la = malloc((maxn ? maxn : 1) * sizeof *la);
  lo = malloc((maxn ? maxn : 1) * sizeof *lo);
  if (!la || !lo) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  for (int b = 0; b < nbins; b++) {
    double lon_sw = (b % nx) * bsize, lat_sw = 90.0 - (b / nx + 1) * bsize;
    for (int k = bin_first[b]; k < bin_first[b] + bin_nseg[b]; k++) {
      if (k < 0 || k >= nseg)
        continue;
      size_t n = (unsigned)seg_info[k] >> 9;
      if (seg_first[k] < 0 || (size_t)seg_first[k] + n > (size_t)npts) {
        s = tc_fail(err, TC_ERR_FORMAT, "%s: segment %d points outside the point arrays", path, k);
        goto cleanup;
      }
      for (size_t i = 0; i < n; i++) {
        lo[i] = lon_sw + (unsigned short)dx[seg_first[k] + i] * scale;
        la[i] = lat_sw + (unsigned short)dy[seg_first[k] + i] * scale;
      }
      if (!add_line(c, la, lo, n)) {
        s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
      }
    }
  }
  char version[64], tol_res = 'x';
  read_text_attr(f, "version", version, sizeof version);
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t bl = strlen(base);
  if (bl >= 4 && !strcmp(base + bl - 3, ".nc"))
    tol_res = base[bl - 4];
  const char *tol, *rn = res_name(tol_res, &tol);
  snprintf(c->desc, sizeof c->desc, "GSHHG %s %s resolution (%s, shorelines simplified to %s)",
           version[0] ? version : "?", rn, base, tol);
  s = finish(c, out, path, err);
  c = NULL;
cleanup:
  if (f >= 0)
    H5Fclose(f);
  H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
  free(seg_info);
  free(seg_first);
  free(bin_first);
  free(bin_nseg);
  free(dx);
  free(dy);
  free(la);
  free(lo);
  tc_coast_free(c);
  return s;
}

tc_status tc_coast_find_gshhg(char res, char *path, size_t cap) {
  static const char order[] = "fhilc";
  const char *start = strchr(order, res);
  if (!start)
    start = order + 2; /* intermediate */
  const char *env = getenv("TC_GSHHG_DIR");
  const char *dirs[] = {env && *env ? env : NULL, "/usr/share/gmt-gshhg", "/usr/share/gmt/coast",
                        "/usr/share/gshhg-gmt-nc4"};
  for (const char *r = start; *r; r++)
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
      if (!dirs[d])
        continue;
      if (snprintf(path, cap, "%s/binned_GSHHS_%c.nc", dirs[d], *r) >= (int)cap)
        continue;
      if (access(path, R_OK) == 0)
        return TC_OK;
    }
  if (cap)
    path[0] = '\0';
  return TC_ERR_NOT_FOUND;
}
