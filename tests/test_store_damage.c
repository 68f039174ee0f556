/* Damaged stores: a store is never trusted. Broken sort order, counts, datatypes and
 * flipped bytes in checksummed chunks must each give a named error from the reader
 * (and a non-zero exit from the program), never a crash or a shorter list. The damage
 * is made both through HDF5 (values rewritten, so the checksums stay valid and only
 * the reader's own checks can see it) and as raw bytes (what a bad disk does). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/engine/grid.h"
#include "io/codec.h"
#include "io/import.h"
#include "io/store.h"
#include "io/store_check.h"
#include "io/store_chunks.h"
#include "support/store_fixtures.h"

#define T2022 1640995200 /* 2022-01-01T00:00:00Z */

/* A one-day store of 30 vessels (one bucket), one chunk, in codec (-1: the default). */
static void make_store_codec(const char *name, int level, int codec, char *path, size_t cap) {
  size_t n = 12000;
  tc_fix *f = malloc(n * sizeof *f);
  cr_assert(f);
  store_gen_fixes(f, n, 7, T2022, 86400, 30);
  store_tmp_path(name, path, cap);
  tc_import_opts o;
  tc_import_opts_init(&o);
  o.deflate_level = level;
  o.codec = codec;
  tc_import_result res;
  tc_err err;
  cr_assert_eq(store_import_fixes(path, &o, f, n, &res, &err), TC_OK, "import: %s", err.msg);
  free(f);
}

static void make_store(const char *name, int level, char *path, size_t cap) {
  make_store_codec(name, level, -1, path, cap);
}

static void dset_name(const char *ds, char *out, size_t cap) {
  snprintf(out, cap, "/buckets/%d/%s", T2022, ds);
}

/* Rewrites rows [row, row + n) of a bucket dataset through HDF5 (checksums stay valid). */
static void rewrite(const char *path, const char *ds, hid_t mem, uint64_t row, uint64_t n, const void *v) {
  char name[128];
  dset_name(ds, name, sizeof name);
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "%s", name);
  hsize_t off = row, cnt = n;
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &cnt, NULL);
  cr_assert_geq(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &cnt, NULL), 0);
  cr_assert_geq(H5Dwrite(d, mem, ms, fs, H5P_DEFAULT, v), 0);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d);
  cr_assert_geq(H5Fclose(f), 0);
}

static void read_back(const char *path, const char *ds, hid_t mem, uint64_t row, uint64_t n, void *v) {
  char name[128];
  dset_name(ds, name, sizeof name);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "%s", name);
  hsize_t off = row, cnt = n;
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &cnt, NULL);
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &cnt, NULL);
  cr_assert_geq(H5Dread(d, mem, ms, fs, H5P_DEFAULT, v), 0);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d), H5Fclose(f);
}

/* File offset of byte `at` of a bucket dataset's first chunk (or contiguous data). */
static haddr_t data_offset(const char *path, const char *ds, size_t at) {
  char name[128];
  dset_name(ds, name, sizeof name);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "%s", name);
  haddr_t addr = H5Dget_offset(d);
  if (addr == HADDR_UNDEF) {
    hsize_t off[1], size = 0;
    unsigned mask;
    hid_t sp = H5Dget_space(d);
    cr_assert_geq(H5Dget_chunk_info(d, sp, 0, off, &mask, &addr, &size), 0);
    H5Sclose(sp);
    cr_assert_gt(size, at);
  }
  H5Dclose(d), H5Fclose(f);
  return addr + at;
}

static void flip_byte(const char *path, haddr_t at) {
  int fd = open(path, O_RDWR);
  cr_assert_geq(fd, 0);
  unsigned char b;
  cr_assert_eq(pread(fd, &b, 1, (off_t)at), 1);
  b ^= 0x5a;
  cr_assert_eq(pwrite(fd, &b, 1, (off_t)at), 1);
  close(fd);
}

/* Reads the bucket every way the program does; each must fail with TC_ERR_FORMAT and a
 * message containing `want`. */
static void expect_refused(const char *path, const char *want) {
  tc_store *s;
  tc_err err = {0};
  tc_status st = tc_store_open(path, &s, &err);
  if (st != TC_OK) {
    cr_assert(strstr(err.msg, want), "open: '%s' lacks '%s'", err.msg, want);
    return;
  }
  tc_columns c;
  tc_columns_init(&c);
  st = tc_store_read_bucket_cols(s, 0, &c, TC_COL_POSITION, 2, &err);
  cr_assert_neq(st, TC_OK, "the engine's read of a damaged bucket succeeded");
  cr_assert(strstr(err.msg, want), "engine read: '%s' lacks '%s'", err.msg, want);
  cr_assert(strstr(err.msg, path), "'%s' does not name the store", err.msg);
  err.msg[0] = 0;
  st = tc_store_read_bucket(s, 0, &c, &err);
  cr_assert_neq(st, TC_OK, "tc_store_read_bucket of a damaged bucket succeeded");
  cr_assert(strstr(err.msg, want), "read_bucket: '%s' lacks '%s'", err.msg, want);
  tc_columns_free(&c);
  tc_store_close(s);
}

/* The program: exit 1, a message naming the store, no encounters list; and `check`
 * says the store is damaged. */
static void expect_cli_refuses(const char *path, const char *want) {
  char out[1100];
  snprintf(out, sizeof out, "%s.out", path);
  int rc = store_system("'%s' encounters -q '%s' -o '%s.csv' >'%s' 2>&1", TC_BINARY, path, path, out);
  cr_assert_eq(rc, 1, "encounters on a damaged store exited %d", rc);
  cr_assert_eq(store_system("grep -q -- '%s' '%s'", want, out), 0, "encounters' message lacks '%s'", want);
  rc = store_system("'%s' check '%s' >'%s' 2>&1", TC_BINARY, path, out);
  cr_assert_eq(rc, 1, "check of a damaged store exited %d", rc);
  cr_assert_eq(store_system("grep -q 'DAMAGED' '%s'", out), 0, "check does not say DAMAGED");
}

Test(store_damage, t_order_broken) {
  char path[1024];
  make_store("t_order.h5", 0, path, sizeof path);
  int64_t t[2];
  read_back(path, "t", H5T_NATIVE_INT64, 100, 1, &t[1]);
  read_back(path, "t", H5T_NATIVE_INT64, 5000, 1, &t[0]);
  rewrite(path, "t", H5T_NATIVE_INT64, 100, 1, &t[0]);
  rewrite(path, "t", H5T_NATIVE_INT64, 5000, 1, &t[1]);
  expect_refused(path, "not sorted by (mmsi, t)");
  expect_cli_refuses(path, "not sorted by (mmsi, t)");
}

Test(store_damage, mmsi_order_broken) {
  char path[1024];
  /* delta stores mmsi as it is, so HDF5 can rewrite one value (pack codes every column) */
  make_store_codec("mmsi_order.h5", 1, TC_CODEC_DELTA, path, sizeof path);
  uint32_t m = 999999999;
  rewrite(path, "mmsi", H5T_NATIVE_UINT32, 50, 1, &m);
  expect_refused(path, "not sorted by (mmsi, t)");
  expect_cli_refuses(path, "not sorted by (mmsi, t)");
}

Test(store_damage, time_outside_bucket) {
  char path[1024];
  make_store_codec("t_range.h5", 1, TC_CODEC_DELTA, path, sizeof path); /* as mmsi_order_broken */
  int64_t t = T2022 + 86400 + 5;
  uint64_t rows = 0;
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  int64_t t0;
  tc_store_bucket(s, 0, &t0, &rows);
  tc_store_close(s);
  rewrite(path, "t", H5T_NATIVE_INT64, rows - 1, 1, &t); /* the last row: order still holds */
  expect_refused(path, "outside bucket");
}

Test(store_damage, position_out_of_range) {
  char path[1024];
  make_store("lat_range.h5", 0, path, sizeof path);
  double lat = 91.5;
  rewrite(path, "lat", H5T_NATIVE_DOUBLE, 10, 1, &lat);
  expect_refused(path, "latitude");
}

/* The bit offset of the mmsi datatype changed: HDF5 would convert every value into
 * another MMSI; the reader refuses the type instead. */
Test(store_damage, mmsi_datatype_changed) {
  char path[1024], name[128];
  make_store("mmsi_type.h5", 0, path, sizeof path);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  int64_t t0;
  uint64_t rows;
  tc_store_bucket(s, 0, &t0, &rows);
  tc_store_close(s);
  uint32_t *m = malloc(rows * sizeof *m);
  read_back(path, "mmsi", H5T_NATIVE_UINT32, 0, rows, m);
  dset_name("mmsi", name, sizeof name);
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(H5Ldelete(f, name, H5P_DEFAULT), 0);
  hid_t ty = H5Tcopy(H5T_STD_U32LE);
  cr_assert_geq(H5Tset_precision(ty, 30), 0);
  cr_assert_geq(H5Tset_offset(ty, 2), 0);
  hsize_t dims = rows;
  hid_t sp = H5Screate_simple(1, &dims, NULL);
  hid_t d = H5Dcreate2(f, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(d, 0);
  cr_assert_geq(H5Dwrite(d, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, m), 0);
  H5Dclose(d), H5Sclose(sp), H5Tclose(ty), H5Fclose(f);
  free(m);
  expect_refused(path, "datatype");
  expect_cli_refuses(path, "datatype");
}

/* The vessel index no longer tiles the rows. */
Test(store_damage, index_broken) {
  char path[1024];
  make_store("index.h5", 1, path, sizeof path);
  uint64_t start = 3;
  rewrite(path, "index_start", H5T_NATIVE_UINT64, 1, 1, &start);
  tc_store *s;
  tc_err err = {0};
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  const uint32_t *mm;
  const uint64_t *st, *ct;
  size_t n;
  cr_assert_eq(tc_store_read_index(s, 0, &mm, &st, &ct, &n, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "index_start"), "%s", err.msg);
  tc_store_close(s);
  int rc = store_system("'%s' check '%s' >/dev/null 2>&1", TC_BINARY, path);
  cr_assert_eq(rc, 1);
}

/* A raw flipped byte in chunk data is caught by the checksum, compressed or not: an
 * uncompressed latitude with one changed byte would otherwise be a plausible value. */
static void raw_flip(const char *name, int level, const char *ds, size_t at) {
  char path[1024];
  make_store(name, level, path, sizeof path);
  flip_byte(path, data_offset(path, ds, at));
  expect_refused(path, "checksum");
  expect_cli_refuses(path, "checksum");
}
Test(store_damage, raw_flip_uncompressed_lat) { raw_flip("flip0.h5", 0, "lat", 8 * 37 + 1); }
Test(store_damage, raw_flip_compressed_t) { raw_flip("flip1.h5", 1, "t", 40); }

/* Only the Fletcher-32 after a compressed chunk is damaged: its data is intact (the
 * zlib stream's own Adler-32 says so), so the engine reads it; check reports it. */
Test(store_damage, compressed_chunk_checksum_only) {
  char path[1024], out[1100];
  make_store("flipsum.h5", 1, path, sizeof path);
  char name[128];
  dset_name("t", name, sizeof name);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
  hsize_t off[1], size = 0;
  unsigned mask;
  haddr_t addr;
  cr_assert_geq(H5Dget_chunk_info(d, sp, 0, off, &mask, &addr, &size), 0);
  H5Sclose(sp), H5Dclose(d), H5Fclose(f);
  flip_byte(path, addr + size - 2);
  tc_store *s;
  tc_err err = {0};
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  tc_columns c;
  tc_columns_init(&c);
  cr_assert_eq(tc_store_read_bucket_cols(s, 0, &c, TC_COL_POSITION, 2, &err), TC_OK, "%s", err.msg);
  tc_columns_free(&c);
  tc_store_close(s);
  snprintf(out, sizeof out, "%s.out", path);
  cr_assert_eq(store_system("'%s' check '%s' >'%s' 2>&1", TC_BINARY, path, out), 1);
  cr_assert_eq(store_system("grep -q 'Fletcher-32' '%s'", out), 0, "check names the checksum");
}

Test(store_damage, sound_store_checks_clean) {
  char path[1024];
  make_store("sound.h5", 1, path, sizeof path);
  tc_err err = {0};
  tc_store_check_report r;
  cr_assert_eq(tc_store_check(path, NULL, NULL, &r, &err), TC_OK, "%s", err.msg);
  cr_assert_gt(r.rows, 10000);
  cr_assert(r.metadata_checksums);
  cr_assert_eq(r.problems, 0);
  cr_assert_eq(r.unchecksummed, 0, "a new store has checksums on every dataset");
  char out[1100];
  snprintf(out, sizeof out, "%s.out", path);
  cr_assert_eq(store_system("'%s' check '%s' >'%s' 2>&1", TC_BINARY, path, out), 0);
  cr_assert_eq(store_system("grep -q 'sound' '%s'", out), 0);
}

/* A path that is no readable file gets the system's reason, not a verdict of damage. */
Test(store_damage, unreadable_path_is_no_verdict) {
  tc_err err = {0};
  tc_store_check_report r;
  cr_assert_eq(tc_store_check("/nonexistent/store.h5", NULL, NULL, &r, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, "No such file"), "%s", err.msg);
  cr_assert_eq(r.problems, 0);
  cr_assert_eq(tc_store_check("/", NULL, NULL, &r, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, "directory"), "%s", err.msg);
}

/* The grid itself refuses fixes out of order (whatever the source). */
Test(store_damage, grid_refuses_unsorted_fixes) {
  tc_grid_cpu *g;
  cr_assert_eq(tc_grid_cpu_create(600, 3600, 0, &g), TC_OK);
  uint32_t mmsi[2] = {5, 3};
  size_t off[3] = {0, 2, 4};
  int64_t t[4] = {0, 60, 100, 50};
  double lat[4] = {0}, lon[4] = {1, 1, 1, 1};
  tc_track_window fx = {2, mmsi, off, t, lat, lon, 3600};
  cr_assert_eq(tc_grid_cpu_add(g, &fx, INT64_MIN, 200, 1, NULL), TC_ERR_FORMAT, "mmsi descending");
  mmsi[0] = 3, mmsi[1] = 5;
  cr_assert_eq(tc_grid_cpu_add(g, &fx, INT64_MIN, 200, 1, NULL), TC_ERR_FORMAT, "t descending");
  t[3] = 150;
  cr_assert_eq(tc_grid_cpu_add(g, &fx, INT64_MIN, 200, 1, NULL), TC_OK);
  t[0] = 10, t[1] = 20, t[2] = 300, t[3] = 400; /* vessel 3's fixes must come after 60 */
  cr_assert_eq(tc_grid_cpu_add(g, &fx, INT64_MIN, 500, 1, NULL), TC_ERR_FORMAT, "t before the last fix");
  tc_grid_cpu_free(g);
}

/* Stores written before checksums still read and give the same list; info and check
 * say what lacks checksums; an import into one adds a bucket that has them. */
Test(store_damage, stores_before_checksums) {
  const char *names[] = {"v1-before-checksums.h5", "v1-before-checksums-none.h5"};
  char dir[1024], path[1100], out[1200];
  store_tmp_path("old", dir, sizeof dir);
  cr_assert_eq(store_system("rm -rf '%s' && mkdir -p '%s'", dir, dir), 0);
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(out, sizeof out, "%s.out", path);
    cr_assert_eq(store_system("cp '%s/tests/data/store/%s' '%s'", TC_SOURCE_DIR, names[i], path), 0);
    cr_assert_eq(store_system("'%s' encounters -q --min-duration 1h '%s' >'%s'", TC_BINARY, path, out), 0);
    cr_assert_eq(store_system("grep -q '^211000001,211000002,2024-01-01T00:00:00Z,2024-01-01T03:00:00Z,10800,' '%s'",
                              out), 0, "the old store's encounter");
    cr_assert_eq(store_system("'%s' info '%s' | grep -q 'checksums: 31 of 31 datasets without, metadata without'",
                              TC_BINARY, path), 0);
    cr_assert_eq(store_system("'%s' check '%s' >'%s'", TC_BINARY, path, out), 0, "an old sound store is sound");
    cr_assert_eq(store_system("grep -q 'sound: 1 bucket, 12 rows; 31 of 31 datasets without checksums' '%s'", out), 0);
  }
  /* a day later into the compressed one: its old bucket is copied as it is */
  snprintf(path, sizeof path, "%s/%s", dir, names[0]);
  cr_assert_eq(store_system("sed 's/2024-01-01T0/2024-01-02T0/' '%s/tests/data/store/v1-before-checksums.csv' >'%s/b.csv'",
                            TC_SOURCE_DIR, dir), 0);
  cr_assert_eq(store_system("'%s' import --quiet '%s' '%s/b.csv'", TC_BINARY, path, dir), 0);
  cr_assert_eq(store_system("'%s' check '%s' >'%s'", TC_BINARY, path, out), 0);
  cr_assert_eq(store_system("grep -q 'sound: 2 buckets, 24 rows; 1[0-9] of [3-9][0-9] datasets without checksums' '%s'",
                            out), 0, "the new bucket has checksums, the copied one not");
  cr_assert_eq(store_system("'%s' encounters -q --min-duration 1h '%s' | grep -c '^211000001,211000002' | grep -qx 2",
                            TC_BINARY, path), 0, "both days' encounters");
}
