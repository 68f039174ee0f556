#include "host/report/events_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report/h5image.h"

#define PLACE_LEN 64
#define TIME_UNITS "seconds since 1970-01-01T00:00:00Z" /* CF conventions, as the encounters' .h5 */

typedef struct {
  uint32_t mmsi;
  int64_t start, end, duration_s, slots;
  double mean_lat, mean_lon, median_speed_kn;
  char place[PLACE_LEN];
} loiter_row;

typedef struct {
  uint32_t mmsi;
  int64_t start, end, duration_s;
  double lat0, lon0, lat1, lon1, dist_m, implied_speed_kn;
  uint32_t others_seen;
  double coverage;
  char place0[PLACE_LEN], place1[PLACE_LEN];
} gap_row;

typedef struct {
  uint32_t mmsi_a, mmsi_b;
  int64_t gap_a_start, gap_a_end, gap_b_start, gap_b_end, l_star_s;
  double lat, lon;
  int64_t window_start, window_end, slack_s;
  double dist_dark_m, dist_reappear_m, coverage_a, coverage_b;
  char place[PLACE_LEN];
  uint64_t rank;
} dark_row;

enum { U32, I64, U64, F64, STR };

/* A field of a table: name (the CSV column's), offset, type, units (NULL: none); the
 * place fields and the rank only when places are given, as in the CSV. */
typedef struct {
  const char *name;
  size_t off;
  int type;
  const char *units;
} field;

static int with_places_only(const field *f) { return f->type == STR || !strcmp(f->name, "rank"); }

#define LF(n, t, u) {#n, offsetof(loiter_row, n), t, u}
static const field loiter_fields[] = {
    LF(mmsi, U32, NULL),           LF(start, I64, TIME_UNITS),       LF(end, I64, TIME_UNITS),
    LF(duration_s, I64, "s"),      LF(slots, I64, NULL),             LF(mean_lat, F64, "degrees_north"),
    LF(mean_lon, F64, "degrees_east"), LF(median_speed_kn, F64, "knot"), LF(place, STR, NULL)};
#undef LF
#define GF(n, t, u) {#n, offsetof(gap_row, n), t, u}
static const field gap_fields[] = {
    GF(mmsi, U32, NULL),         GF(start, I64, TIME_UNITS),     GF(end, I64, TIME_UNITS),
    GF(duration_s, I64, "s"),    GF(lat0, F64, "degrees_north"), GF(lon0, F64, "degrees_east"),
    GF(lat1, F64, "degrees_north"), GF(lon1, F64, "degrees_east"), GF(dist_m, F64, "m"),
    GF(implied_speed_kn, F64, "knot"), GF(others_seen, U32, NULL), GF(coverage, F64, "1"),
    GF(place0, STR, NULL),       GF(place1, STR, NULL)};
#undef GF
#define DF(n, t, u) {#n, offsetof(dark_row, n), t, u}
static const field dark_fields[] = {
    DF(mmsi_a, U32, NULL),          DF(mmsi_b, U32, NULL),           DF(gap_a_start, I64, TIME_UNITS),
    DF(gap_a_end, I64, TIME_UNITS), DF(gap_b_start, I64, TIME_UNITS), DF(gap_b_end, I64, TIME_UNITS),
    DF(l_star_s, I64, "s"),         DF(lat, F64, "degrees_north"),   DF(lon, F64, "degrees_east"),
    DF(window_start, I64, TIME_UNITS), DF(window_end, I64, TIME_UNITS), DF(slack_s, I64, "s"),
    DF(dist_dark_m, F64, "m"),      DF(dist_reappear_m, F64, "m"),   DF(coverage_a, F64, "1"),
    DF(coverage_b, F64, "1"),       DF(place, STR, NULL),            DF(rank, U64, NULL)};
#undef DF

static void put_place(char *dst, const tc_event_places *pl, int idx) {
  if (pl && idx >= 0) { /* a longer name is cut; dst stays NUL-padded */
    const char *name = tc_places_get(pl->places, (size_t)idx)->name;
    memcpy(dst, name, strnlen(name, PLACE_LEN - 1));
  }
}

/* The rows of one list (calloc'd: strings NUL-padded); NULL when out of memory. */
static void *rows_of(unsigned kind, const tc_event_lists *l, int64_t dwell, const tc_event_places *pl,
                     size_t *n, size_t *size) {
  if (kind == TC_EV_LOITER) {
    loiter_row *r = calloc(l->n_loiter ? l->n_loiter : 1, sizeof *r);
    for (size_t i = 0; r && i < l->n_loiter; i++) {
      const tc_loiter *e = &l->loiter[i];
      r[i] = (loiter_row){e->mmsi, e->start, e->end, e->end - e->start, e->slots,
                          e->mean_lat, e->mean_lon, e->median_speed_kn, {0}};
      put_place(r[i].place, pl, pl ? pl->loiter[i] : -1);
    }
    *n = l->n_loiter;
    *size = sizeof *r;
    return r;
  }
  if (kind == TC_EV_GAPS) {
    gap_row *r = calloc(l->n_gaps ? l->n_gaps : 1, sizeof *r);
    for (size_t i = 0; r && i < l->n_gaps; i++) {
      const tc_gap *g = &l->gaps[i];
      int64_t dur = g->t1 - g->t0;
      r[i] = (gap_row){g->mmsi, g->t0, g->t1, dur, g->lat0, g->lon0, g->lat1, g->lon1, g->dist_m,
                       g->dist_m / (double)dur / (1852.0 / 3600.0), g->others_seen, g->coverage, {0}, {0}};
      put_place(r[i].place0, pl, pl ? pl->gap0[i] : -1);
      put_place(r[i].place1, pl, pl ? pl->gap1[i] : -1);
    }
    *n = l->n_gaps;
    *size = sizeof *r;
    return r;
  }
  dark_row *r = calloc(l->n_dark ? l->n_dark : 1, sizeof *r);
  for (size_t i = 0; r && i < l->n_dark; i++) {
    const tc_dark *d = &l->dark[i];
    int64_t ls = (int64_t)llround(d->l_star); /* whole seconds, as the CSV */
    r[i] = (dark_row){d->mmsi_a, d->mmsi_b, d->a0, d->a1, d->b0, d->b1, ls, d->lat, d->lon,
                      (int64_t)llround(d->w_start), (int64_t)llround(d->w_end), ls - dwell, d->dist_dark_m,
                      d->dist_reappear_m, d->coverage_a, d->coverage_b, {0}, pl ? pl->dark_rank[i] : 0};
    put_place(r[i].place, pl, pl ? pl->dark[i] : -1);
  }
  *n = l->n_dark;
  *size = sizeof *r;
  return r;
}

static int attr_i64(hid_t loc, const char *name, int64_t v) {
  hid_t sp = H5Screate(H5S_SCALAR), a = -1;
  int ok = sp >= 0 && (a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
           H5Awrite(a, H5T_NATIVE_INT64, &v) >= 0;
  if (a >= 0)
    H5Aclose(a);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

/* The table: a chunked, deflated 1-D dataset of the compound type; one FIELD_units
 * attribute per field with units (a compound member cannot carry attributes). */
static int write_table(hid_t file, const char *name, const field *f, size_t nf, size_t size, size_t n,
                       const void *rows, int places) {
  hid_t t = H5Tcreate(H5T_COMPOUND, size), str = H5Tcopy(H5T_C_S1), sp = -1, pl = -1, d = -1;
  int ok = t >= 0 && str >= 0 && H5Tset_size(str, PLACE_LEN) >= 0 && H5Tset_strpad(str, H5T_STR_NULLPAD) >= 0;
  for (size_t i = 0; ok && i < nf; i++) {
    if (!places && with_places_only(&f[i]))
      continue;
    hid_t ft = f[i].type == U32 ? H5T_NATIVE_UINT32 : f[i].type == I64 ? H5T_NATIVE_INT64
             : f[i].type == U64 ? H5T_NATIVE_UINT64 : f[i].type == F64 ? H5T_NATIVE_DOUBLE : str;
    ok = H5Tinsert(t, f[i].name, f[i].off, ft) >= 0;
  }
  hsize_t dims[1] = {n}, chunk[1] = {n < 65536 ? (n ? n : 1) : 65536};
  ok = ok && (sp = H5Screate_simple(1, dims, NULL)) >= 0 && (pl = H5Pcreate(H5P_DATASET_CREATE)) >= 0;
  if (ok && n)
    ok = H5Pset_chunk(pl, 1, chunk) >= 0 && H5Pset_shuffle(pl) >= 0 && H5Pset_deflate(pl, 4) >= 0;
  ok = ok && (d = H5Dcreate2(file, name, t, sp, H5P_DEFAULT, pl, H5P_DEFAULT)) >= 0;
  if (ok && n)
    ok = H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0;
  for (size_t i = 0; ok && i < nf; i++)
    if (f[i].units) {
      char an[96];
      snprintf(an, sizeof an, "%s_units", f[i].name);
      ok = tc_h5_attr_str(d, an, f[i].units);
    }
  if (d >= 0)
    H5Dclose(d);
  if (pl >= 0)
    H5Pclose(pl);
  if (sp >= 0)
    H5Sclose(sp);
  if (str >= 0)
    H5Tclose(str);
  if (t >= 0)
    H5Tclose(t);
  return ok;
}

tc_status tc_events_h5_write(const char *path, unsigned kind, const tc_event_lists *l, int64_t dwell,
                             const tc_event_places *pl, tc_err *err) {
  tc_status s = TC_OK;
  hid_t file = -1;
  size_t n = 0, size = 0;
  const char *name = kind == TC_EV_LOITER ? "loitering" : kind == TC_EV_GAPS ? "gaps" : "dark";
  const field *f = kind == TC_EV_LOITER ? loiter_fields : kind == TC_EV_GAPS ? gap_fields : dark_fields;
  size_t nf = kind == TC_EV_LOITER ? sizeof loiter_fields / sizeof *f
            : kind == TC_EV_GAPS   ? sizeof gap_fields / sizeof *f
                                   : sizeof dark_fields / sizeof *f;
  H5E_auto2_t old_fn;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  void *rows = rows_of(kind, l, dwell, pl, &n, &size);
  if (!rows) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for %s rows", path, name);
    goto cleanup;
  }
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) >= 0)
    file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (file < 0) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot create the HDF5 file", path);
    goto cleanup;
  }
  if (!write_table(file, name, f, nf, size, n, rows, pl != NULL)) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot write the %s table", path, name);
    goto cleanup;
  }
  if (!tc_h5_attr_str(file, "generator", "trajcorr " TRAJCORR_VERSION) ||
      !tc_h5_attr_str(file, "spec", "spec/events.md") ||
      (kind == TC_EV_DARK && !attr_i64(file, "dark_dwell_s", dwell))) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot write attributes", path);
    goto cleanup;
  }
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: flush failed", path);
    goto cleanup;
  }
  s = tc_h5_save_image(file, path, err);
cleanup:
  if (file >= 0 && H5Fclose(file) < 0 && s == TC_OK)
    s = tc_fail(err, TC_ERR_HDF5, "%s: close failed", path);
  H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
  free(rows);
  return s;
}
