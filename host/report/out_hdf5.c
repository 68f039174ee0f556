/* HDF5 output for reprocessing: /encounters is a compound table (one row per
 * candidate, fields as the CSV columns), /tracks holds both vessels' fixes as
 * columns with the row's encounter index and role, /tracks/ranges the first row and
 * count of each encounter's two tracks. docs/outputs.md. */
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report/h5image.h"
#include "host/report/textout.h"
#include "host/report/writers.h"

typedef struct {
  char id[16];
  uint32_t mmsi_a, mmsi_b;
  int64_t start, end, duration_s;
  int32_t close_slots;
  double min_dist_m, median_dist_m, mean_lat, mean_lon, speed_a_kn, speed_b_kn, score;
  char flag_a[2], flag_b[2];
  char name_a[24], name_b[24];
  uint32_t imo_a, imo_b;
  char callsign_a[12], callsign_b[12];
  int32_t type_a, type_b;
  double shore_dist_m;
  char port[64];
  double port_dist_m;
  uint32_t tags;
  int32_t crowd;
  int64_t gap_before_a_s, gap_after_a_s, gap_before_b_s, gap_after_b_s;
  char reasons[TC_REASONS_MAX];
} row;

static hid_t str_type(size_t n) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t >= 0 && (H5Tset_size(t, n) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0)) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/* The compound type of row; strings are fixed-size, NUL-padded. */
static hid_t row_type(hid_t strs[8]) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(row));
  if (t < 0)
    return -1;
  size_t sizes[8] = {16, 2, 24, 12, 64, TC_REASONS_MAX, 0, 0};
  for (int i = 0; i < 6; i++)
    if ((strs[i] = str_type(sizes[i])) < 0)
      return -1;
  herr_t r = 0;
#define F(name, type) r |= H5Tinsert(t, #name, HOFFSET(row, name), type)
  F(id, strs[0]);
  F(mmsi_a, H5T_NATIVE_UINT32);
  F(mmsi_b, H5T_NATIVE_UINT32);
  F(start, H5T_NATIVE_INT64);
  F(end, H5T_NATIVE_INT64);
  F(duration_s, H5T_NATIVE_INT64);
  F(close_slots, H5T_NATIVE_INT32);
  F(min_dist_m, H5T_NATIVE_DOUBLE);
  F(median_dist_m, H5T_NATIVE_DOUBLE);
  F(mean_lat, H5T_NATIVE_DOUBLE);
  F(mean_lon, H5T_NATIVE_DOUBLE);
  F(speed_a_kn, H5T_NATIVE_DOUBLE);
  F(speed_b_kn, H5T_NATIVE_DOUBLE);
  F(score, H5T_NATIVE_DOUBLE);
  F(flag_a, strs[1]);
  F(flag_b, strs[1]);
  F(name_a, strs[2]);
  F(name_b, strs[2]);
  F(imo_a, H5T_NATIVE_UINT32);
  F(imo_b, H5T_NATIVE_UINT32);
  F(callsign_a, strs[3]);
  F(callsign_b, strs[3]);
  F(type_a, H5T_NATIVE_INT32);
  F(type_b, H5T_NATIVE_INT32);
  F(shore_dist_m, H5T_NATIVE_DOUBLE);
  F(port, strs[4]);
  F(port_dist_m, H5T_NATIVE_DOUBLE);
  F(tags, H5T_NATIVE_UINT32);
  F(crowd, H5T_NATIVE_INT32);
  F(gap_before_a_s, H5T_NATIVE_INT64);
  F(gap_after_a_s, H5T_NATIVE_INT64);
  F(gap_before_b_s, H5T_NATIVE_INT64);
  F(gap_after_b_s, H5T_NATIVE_INT64);
  F(reasons, strs[5]);
#undef F
  if (r < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

static void fill(row *r, const tc_candidate *k) {
  memset(r, 0, sizeof *r);
  const tc_encounter *e = &k->e;
  memcpy(r->id, k->id, 16);
  r->mmsi_a = e->mmsi_a;
  r->mmsi_b = e->mmsi_b;
  r->start = e->start;
  r->end = e->end;
  r->duration_s = e->end - e->start;
  r->close_slots = e->close_slots;
  r->min_dist_m = e->min_dist_m;
  r->median_dist_m = e->median_dist_m;
  r->mean_lat = e->mean_lat;
  r->mean_lon = e->mean_lon;
  r->speed_a_kn = e->speed_a_kn;
  r->speed_b_kn = e->speed_b_kn;
  r->score = k->score;
  memcpy(r->flag_a, k->flag_a, 2);
  memcpy(r->flag_b, k->flag_b, 2);
  memcpy(r->name_a, k->va.name, sizeof r->name_a);
  memcpy(r->name_b, k->vb.name, sizeof r->name_b);
  r->imo_a = k->va.imo;
  r->imo_b = k->vb.imo;
  memcpy(r->callsign_a, k->va.callsign, sizeof r->callsign_a);
  memcpy(r->callsign_b, k->vb.callsign, sizeof r->callsign_b);
  r->type_a = k->va.ship_type;
  r->type_b = k->vb.ship_type;
  r->shore_dist_m = k->shore_m;
  memcpy(r->port, k->port, sizeof r->port);
  r->port_dist_m = k->port_m;
  r->tags = k->tags;
  r->crowd = k->crowd;
  r->gap_before_a_s = k->gap_before_a;
  r->gap_after_a_s = k->gap_after_a;
  r->gap_before_b_s = k->gap_before_b;
  r->gap_after_b_s = k->gap_after_b;
  memcpy(r->reasons, k->reasons, sizeof r->reasons);
}

/* A 1-D dataset (chunked and deflated when not empty), written whole. */
static int write_1d(hid_t loc, const char *name, hid_t ftype, hid_t mtype, size_t n, const void *buf) {
  hsize_t dims[1] = {n}, chunk[1] = {n < 65536 ? (n ? n : 1) : 65536};
  hid_t sp = H5Screate_simple(1, dims, NULL), pl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
  int ok = sp >= 0 && pl >= 0;
  if (ok && n)
    ok = H5Pset_chunk(pl, 1, chunk) >= 0 && H5Pset_shuffle(pl) >= 0 && H5Pset_deflate(pl, 4) >= 0;
  if (ok)
    ok = (d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT)) >= 0;
  if (ok && n)
    ok = H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  if (d >= 0)
    H5Dclose(d);
  if (pl >= 0)
    H5Pclose(pl);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

#define TC_TIME_UNITS "seconds since 1970-01-01T00:00:00Z" /* CF conventions */

/* String attributes (name, value pairs, NULL-terminated) on dataset loc/name. */
static int attrs_on(hid_t loc, const char *name, const char *const *kv) {
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  int ok = d >= 0;
  for (; ok && kv[0]; kv += 2)
    ok = tc_h5_attr_str(d, kv[0], kv[1]);
  if (d >= 0)
    H5Dclose(d);
  return ok;
}

/* Units of the encounters table's numeric fields: one attribute FIELD_units each (a
 * compound member cannot carry attributes), in CF's spelling. */
static int encounter_units(hid_t file) {
  static const char *const kv[] = {
      "start_units", TC_TIME_UNITS, "end_units", TC_TIME_UNITS, "duration_s_units", "s",
      "min_dist_m_units", "m", "median_dist_m_units", "m", "mean_lat_units", "degrees_north",
      "mean_lon_units", "degrees_east", "speed_a_kn_units", "knot", "speed_b_kn_units", "knot",
      "shore_dist_m_units", "m", "port_dist_m_units", "m", "gap_before_a_s_units", "s",
      "gap_after_a_s_units", "s", "gap_before_b_s_units", "s", "gap_after_b_s_units", "s", NULL};
  return attrs_on(file, "encounters", kv);
}

static int track_units(hid_t g) {
  static const char *const t[] = {"units", TC_TIME_UNITS, NULL}, *lat[] = {"units", "degrees_north", NULL},
                           *lon[] = {"units", "degrees_east", NULL}, *sog[] = {"units", "knot", NULL},
                           *cog[] = {"units", "degree", NULL};
  return attrs_on(g, "t", t) && attrs_on(g, "lat", lat) && attrs_on(g, "lon", lon) && attrs_on(g, "sog", sog) &&
         attrs_on(g, "cog", cog);
}

static int write_tracks(hid_t file, const tc_candidates *c) {
  size_t total = 0;
  for (size_t i = 0; i < c->n; i++)
    total += c->track_a[i].n + c->track_b[i].n;
  size_t m = total ? total : 1;
  uint32_t *enc = malloc(m * sizeof *enc), *mmsi = malloc(m * sizeof *mmsi);
  uint8_t *role = malloc(m);
  int64_t *t = malloc(m * sizeof *t), *ranges = malloc((c->n ? c->n : 1) * 4 * sizeof *ranges);
  double *lat = malloc(m * sizeof *lat), *lon = malloc(m * sizeof *lon);
  float *sog = malloc(m * sizeof *sog), *cog = malloc(m * sizeof *cog);
  hid_t g = -1;
  int ok = enc && mmsi && role && t && ranges && lat && lon && sog && cog;
  size_t o = 0;
  for (size_t i = 0; ok && i < c->n; i++)
    for (int r = 0; r < 2; r++) {
      const tc_columns *tr = r ? &c->track_b[i] : &c->track_a[i];
      ranges[4 * i + 2 * r] = (int64_t)o;
      ranges[4 * i + 2 * r + 1] = (int64_t)tr->n;
      for (size_t j = 0; j < tr->n; j++, o++) {
        enc[o] = (uint32_t)i;
        role[o] = (uint8_t)r;
        mmsi[o] = tr->mmsi[j];
        t[o] = tr->t[j];
        lat[o] = tr->lat[j];
        lon[o] = tr->lon[j];
        sog[o] = tr->sog[j];
        cog[o] = tr->cog[j];
      }
    }
  if (ok)
    ok = (g = H5Gcreate2(file, "tracks", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0;
  ok = ok && write_1d(g, "encounter", H5T_STD_U32LE, H5T_NATIVE_UINT32, total, enc) &&
       write_1d(g, "role", H5T_STD_U8LE, H5T_NATIVE_UINT8, total, role) &&
       write_1d(g, "mmsi", H5T_STD_U32LE, H5T_NATIVE_UINT32, total, mmsi) &&
       write_1d(g, "t", H5T_STD_I64LE, H5T_NATIVE_INT64, total, t) &&
       write_1d(g, "lat", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, total, lat) &&
       write_1d(g, "lon", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, total, lon) &&
       write_1d(g, "sog", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, total, sog) &&
       write_1d(g, "cog", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, total, cog) && track_units(g);
  if (ok) { /* ranges[encounter][role][first, count] */
    hsize_t dims[3] = {c->n, 2, 2};
    hid_t sp = H5Screate_simple(3, dims, NULL), d = -1;
    ok = sp >= 0 && (d = H5Dcreate2(g, "ranges", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         (c->n == 0 || H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ranges) >= 0);
    if (d >= 0)
      H5Dclose(d);
    if (sp >= 0)
      H5Sclose(sp);
  }
  if (g >= 0)
    H5Gclose(g);
  free(enc);
  free(mmsi);
  free(role);
  free(t);
  free(ranges);
  free(lat);
  free(lon);
  free(sog);
  free(cog);
  return ok;
}

tc_status tc_write_hdf5(const char *path, const tc_candidates *c, tc_err *err) {
  tc_status s = TC_OK;
  hid_t strs[8] = {-1, -1, -1, -1, -1, -1, -1, -1}, mt = -1, file = -1;
  row *rows = malloc((c->n ? c->n : 1) * sizeof *rows);
  H5E_auto2_t old_fn;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (!rows) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  for (size_t i = 0; i < c->n; i++)
    fill(&rows[i], &c->v[i]);
  /* Built in memory (the core driver, no backing file) and written with write(2):
   * HDF5 1.10 crashes at exit after a failed write to disk, so a full disk must fail
   * in our write, not in HDF5's. The list and its tracks are small beside the store. */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) >= 0)
    file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (file < 0) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot create the HDF5 file", path);
    goto cleanup;
  }
  mt = row_type(strs);
  if (mt < 0 || !write_1d(file, "encounters", mt, mt, c->n, rows) || !encounter_units(file)) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot write the encounters table", path);
    goto cleanup;
  }
  if (!tc_h5_attr_str(file, "generator", "trajcorr " TRAJCORR_VERSION) || !tc_h5_attr_str(file, "note", c->note) ||
      !tc_h5_attr_str(file, "tags", "bit 0 watch_a, 1 watch_b, 2 near_port, 3 gap_before_a, 4 gap_after_a, "
                              "5 gap_before_b, 6 gap_after_b, 7 in_area")) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot write attributes", path);
    goto cleanup;
  }
  if (c->track_a && !write_tracks(file, c)) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: cannot write the tracks", path);
    goto cleanup;
  }
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
    s = tc_fail(err, TC_ERR_HDF5, "%s: flush failed", path);
    goto cleanup;
  }
  s = tc_h5_save_image(file, path, err);
cleanup:
  if (mt >= 0)
    H5Tclose(mt);
  for (int i = 0; i < 8; i++)
    if (strs[i] >= 0)
      H5Tclose(strs[i]);
  if (file >= 0 && H5Fclose(file) < 0 && s == TC_OK)
    s = tc_fail(err, TC_ERR_HDF5, "%s: close failed", path);
  H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
  free(rows);
  return s;
}
