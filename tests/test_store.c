/* The HDF5 track store: round trip, index, vessel reads, tables, version refusal,
 * codecs, and the h5py recipe of docs/format.md. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/columns.h"
#include "io/import.h"
#include "io/sha256.h"
#include "io/store.h"
#include "support/store_fixtures.h"

#define T2022 1640995200 /* 2022-01-01T00:00:00Z */

static const char *make_store(const char *name, int64_t bucket_s, int level, tc_fix *f, size_t n,
                              char *path, size_t cap) {
  store_tmp_path(name, path, cap);
  tc_import_opts o;
  tc_import_opts_init(&o);
  o.bucket_s = bucket_s;
  o.deflate_level = level;
  tc_import_result res;
  tc_err err;
  tc_status st = store_import_fixes(path, &o, f, n, &res, &err);
  cr_assert_eq(st, TC_OK, "import: %s", err.msg);
  return path;
}

Test(store, round_trip) {
  size_t n = 20000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 1, T2022, 3 * 86400 + 5000, 60);
  char path[1024];
  make_store("round_trip.h5", 0, -1, in, n, path, sizeof path);
  tc_fix *exp, *got;
  size_t nexp, ngot;
  store_expected(in, n, 86400, &exp, &nexp);
  cr_assert_lt(nexp, n, "the generator makes duplicates");
  store_read_all(path, &got, &ngot);
  cr_assert(store_rows_equal(exp, nexp, got, ngot), "rows differ (%zu expected, %zu read)", nexp, ngot);

  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  const tc_store_info *info = tc_store_get_info(s);
  cr_assert_eq(info->format_version, TC_STORE_FORMAT_VERSION);
  cr_assert_eq(info->bucket_s, 86400);
  cr_assert_eq(info->rows, nexp);
  cr_assert_eq(info->nbuckets, 4);
  cr_assert_eq(info->deflate_level, 1);
  cr_assert_str_eq(tc_store_codec(s), "pack", "the default codec");
  cr_assert_eq(info->clean.rows_read, n);
  cr_assert_eq(info->clean.duplicate, n - nexp);
  cr_assert_eq(info->clean.rows_stored, nexp);
  int64_t tmin = INT64_MAX, tmax = INT64_MIN;
  size_t nv = 0;
  for (size_t i = 0; i < nexp; i++) {
    tmin = exp[i].t < tmin ? exp[i].t : tmin;
    tmax = exp[i].t > tmax ? exp[i].t : tmax;
    size_t j = 0;
    while (j < i && exp[j].mmsi != exp[i].mmsi)
      j++;
    nv += j == i;
  }
  cr_assert_eq(info->t_min, tmin);
  cr_assert_eq(info->t_max, tmax);
  cr_assert_eq(info->vessels, nv);
  size_t off = 0;
  for (size_t k = 0; k < info->nbuckets; k++) {
    tc_store_bucket_meta m;
    cr_assert_eq(tc_store_bucket_get_meta(s, k, &m), TC_OK);
    cr_assert_eq(m.t0, T2022 + (int64_t)k * 86400);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint64_t i = 0; i < m.rows; i++) {
      const tc_fix *f = &got[off + i];
      cr_assert(f->t >= m.t0 && f->t < m.t0 + 86400, "row in its bucket's time span");
      lo = f->t < lo ? f->t : lo;
      hi = f->t > hi ? f->t : hi;
    }
    cr_assert(m.t_min == lo && m.t_max == hi);
    off += m.rows;
  }
  int64_t t0;
  uint64_t r;
  cr_assert_eq(tc_store_bucket(s, info->nbuckets, &t0, &r), TC_ERR_NOT_FOUND);
  tc_store_close(s);
  free(in), free(exp), free(got);
}

Test(store, index_and_read_vessel) {
  size_t n = 5000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 2, T2022, 2 * 86400, 25);
  char path[1024];
  make_store("index.h5", 0, -1, in, n, path, sizeof path);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  tc_columns all, one, part;
  tc_columns_init(&all), tc_columns_init(&one), tc_columns_init(&part);
  for (size_t k = 0; k < tc_store_get_info(s)->nbuckets; k++) {
    cr_assert_eq(tc_store_read_bucket(s, k, &all, &err), TC_OK, "%s", err.msg);
    const uint32_t *mm;
    const uint64_t *st, *ct;
    size_t nv;
    cr_assert_eq(tc_store_read_index(s, k, &mm, &st, &ct, &nv, &err), TC_OK, "%s", err.msg);
    uint64_t next = 0;
    for (size_t v = 0; v < nv; v++) {
      cr_assert(v == 0 || mm[v] > mm[v - 1]);
      cr_assert_eq(st[v], next, "spans tile the bucket");
      next += ct[v];
    }
    cr_assert_eq(next, all.n);
    for (size_t v = 0; v < nv; v++) {
      uint32_t m = mm[v];
      cr_assert_eq(tc_store_read_vessel(s, k, m, &one, &err), TC_OK, "%s", err.msg);
      size_t j = 0;
      for (size_t i = 0; i < all.n; i++)
        if (all.mmsi[i] == m) {
          cr_assert_lt(j, one.n);
          cr_assert(one.t[j] == all.t[i] && one.lat[j] == all.lat[i] && one.lon[j] == all.lon[i]);
          j++;
        }
      cr_assert_eq(j, one.n, "vessel %u: %zu rows in the bucket, %zu read", m, j, one.n);
    }
    cr_assert_eq(tc_store_read_vessel(s, k, 123, &one, &err), TC_OK);
    cr_assert_eq(one.n, 0, "absent vessel reads nothing");
    cr_assert_eq(tc_store_read_rows(s, k, 3, 10, &part, &err), TC_OK, "%s", err.msg);
    cr_assert_eq(part.n, 10);
    cr_assert(part.t[0] == all.t[3] && part.mmsi[9] == all.mmsi[12]);
    cr_assert_eq(tc_store_read_rows(s, k, all.n - 1, 2, &part, &err), TC_ERR_ARG);
  }
  cr_assert_eq(tc_store_read_bucket(s, 99, &all, &err), TC_ERR_NOT_FOUND);
  tc_columns_free(&all), tc_columns_free(&one), tc_columns_free(&part);
  tc_store_close(s);
  free(in);
}

Test(store, hourly_buckets_before_1970) {
  tc_fix f[] = {
      {.mmsi = 5, .t = -5000, .lat = 1, .lon = 2, .sog = 1, .cog = 2, .heading = 3},
      {.mmsi = 5, .t = -1, .lat = 1, .lon = 2, .sog = 1, .cog = 2, .heading = 3},
      {.mmsi = 5, .t = 0, .lat = 1, .lon = 2, .sog = 1, .cog = 2, .heading = 3},
      {.mmsi = 4, .t = 3600, .lat = 1, .lon = 2, .sog = NAN, .cog = NAN, .heading = 511},
      {.mmsi = 4, .t = -3600, .lat = 1, .lon = 2, .sog = 1, .cog = 2, .heading = 3},
  };
  char path[1024];
  make_store("hourly.h5", 3600, -1, f, 5, path, sizeof path);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  const tc_store_info *in = tc_store_get_info(s);
  cr_assert_eq(in->bucket_s, 3600);
  cr_assert_eq(in->nbuckets, 4);
  int64_t t0s[] = {-7200, -3600, 0, 3600};
  uint64_t rows[] = {1, 2, 1, 1};
  for (size_t k = 0; k < 4; k++) {
    int64_t t0;
    uint64_t r;
    cr_assert_eq(tc_store_bucket(s, k, &t0, &r), TC_OK);
    cr_assert_eq(t0, t0s[k], "bucket %zu starts at %" PRId64, k, t0);
    cr_assert_eq(r, rows[k]);
  }
  tc_columns c;
  tc_columns_init(&c);
  cr_assert_eq(tc_store_read_bucket(s, 1, &c, &err), TC_OK);
  cr_assert(c.mmsi[0] == 4 && c.t[0] == -3600 && c.mmsi[1] == 5 && c.t[1] == -1);
  cr_assert_eq(tc_store_read_bucket(s, 3, &c, &err), TC_OK);
  cr_assert(isnan(c.sog[0]) && isnan(c.cog[0]) && c.heading[0] == 511);
  cr_assert_eq(in->t_min, -5000);
  cr_assert_eq(in->t_max, 3600);
  tc_columns_free(&c);
  tc_store_close(s);
}

static void set_version(const char *path, int32_t v) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
  cr_assert_geq(a, 0);
  cr_assert_geq(H5Awrite(a, H5T_NATIVE_INT32, &v), 0);
  H5Aclose(a);
  H5Fclose(f);
}

Test(store, refuses_unknown_version) {
  tc_fix f = {.mmsi = 7, .t = T2022, .lat = 10, .lon = 20, .sog = 1, .cog = 2, .heading = 3};
  char path[1024];
  make_store("version.h5", 0, -1, &f, 1, path, sizeof path);
  set_version(path, TC_STORE_FORMAT_VERSION + 1);
  char before[65], after[65];
  store_file_hash(path, before);
  tc_store *s = NULL;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_ERR_VERSION);
  cr_assert_null(s);
  char vs[32];
  snprintf(vs, sizeof vs, "version %d", TC_STORE_FORMAT_VERSION + 1);
  cr_assert(strstr(err.msg, vs) && strstr(err.msg, path), "message: %s", err.msg);
  /* an import into it is refused too, and leaves it alone */
  tc_import *im = NULL;
  tc_import_opts o;
  tc_import_opts_init(&o);
  cr_assert_eq(tc_import_begin(path, &o, &im, &err), TC_ERR_VERSION);
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
  cr_assert_eq(store_system("'%s' info '%s' >/dev/null 2>&1", TC_BINARY, path), 1);
  for (int v = 1; v <= 2; v++) { /* a pack store that says version 1 or 2: its codec is not theirs */
    set_version(path, v);
    cr_assert_eq(tc_store_open(path, &s, &err), TC_ERR_VERSION);
    cr_assert(strstr(err.msg, "pack"), "message: %s", err.msg);
  }
  set_version(path, 3);
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  tc_store_close(s);
}

Test(store, refuses_what_is_not_a_store) {
  char path[1024];
  tc_store *s = NULL;
  tc_err err;
  store_tmp_path("missing.h5", path, sizeof path);
  cr_assert_eq(tc_store_open(path, &s, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, path));
  store_tmp_path("text.h5", path, sizeof path);
  FILE *fp = fopen(path, "w");
  fputs("MMSI,BaseDateTime\n", fp);
  fclose(fp);
  cr_assert_eq(tc_store_open(path, &s, &err), TC_ERR_FORMAT);
  store_tmp_path("other.h5", path, sizeof path);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  cr_assert_eq(tc_store_open(path, &s, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "not a trajcorr store"), "%s", err.msg);
}

Test(store, codec_recorded) {
  size_t n = 3000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 3, T2022, 86400, 10);
  int levels[] = {0, 6, 6, 6};
  const char *codecs[] = {"none", "deflate", "delta", "pack"};
  for (int i = 0; i < 4; i++) {
    char path[1024], name[32];
    snprintf(name, sizeof name, "codec%d.h5", i);
    store_tmp_path(name, path, sizeof path);
    tc_import_opts o;
    tc_import_opts_init(&o);
    o.deflate_level = levels[i];
    o.codec = i == 0 ? -1 : i; /* --deflate 0 alone: none */
    tc_import_result res;
    tc_err err;
    cr_assert_eq(store_import_fixes(path, &o, in, n, &res, &err), TC_OK, "import: %s", err.msg);
    tc_store *s;
    cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
    cr_assert_eq(tc_store_get_info(s)->deflate_level, levels[i]);
    cr_assert_str_eq(tc_store_codec(s), codecs[i]);
    cr_assert_eq(tc_store_get_info(s)->format_version, i >= 2 ? i : 1);
    tc_store_close(s);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char dn[64];
    snprintf(dn, sizeof dn, "buckets/%d/lat", T2022);
    hid_t d = H5Dopen2(f, dn, H5P_DEFAULT);
    hid_t pl = H5Dget_create_plist(d);
    cr_assert_eq(H5Pget_nfilters(pl), i == 3 ? 2 : levels[i] ? 3 : 1,
                 "shuffle + deflate, deflate (pack), or nothing; then fletcher32");
    unsigned flags;
    cr_assert_geq(H5Pget_filter_by_id2(pl, H5Z_FILTER_FLETCHER32, &flags, NULL, NULL, 0, NULL, NULL), 0,
                  "every chunk has a checksum");
    H5Pclose(pl), H5Dclose(d), H5Fclose(f);
    tc_fix *got;
    size_t ngot;
    store_read_all(path, &got, &ngot);
    tc_fix *exp;
    size_t nexp;
    store_expected(in, n, 86400, &exp, &nexp);
    cr_assert(store_rows_equal(exp, nexp, got, ngot));
    free(got), free(exp);
  }
  free(in);
}

Test(store, empty_store) {
  char path[1024];
  make_store("empty.h5", 0, -1, NULL, 0, path, sizeof path);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_store_get_info(s)->rows, 0);
  cr_assert_eq(tc_store_get_info(s)->nbuckets, 0);
  const tc_vessel_static *v;
  size_t nv;
  cr_assert_eq(tc_store_vessels(s, &v, &nv, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(nv, 0);
  tc_store_close(s);
}

static tc_vessel_static vs(uint32_t mmsi, int64_t t, const char *name, float draught) {
  tc_vessel_static v;
  memset(&v, 0, sizeof v);
  v.mmsi = mmsi, v.t = t, v.imo = 9000000 + mmsi % 1000, v.ship_type = 70;
  v.length_m = 100, v.width_m = NAN, v.draught_m = draught;
  snprintf(v.name, sizeof v.name, "%s", name);
  snprintf(v.callsign, sizeof v.callsign, "CS%u", mmsi % 100);
  snprintf(v.destination, sizeof v.destination, "PORT");
  return v;
}

static void import_statics(const char *path, const tc_vessel_static *v, size_t n) {
  tc_import *im;
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_err err;
  tc_import_result res;
  cr_assert_eq(tc_import_begin(path, &o, &im, &err), TC_OK, "%s", err.msg);
  for (size_t i = 0; i < n; i++)
    cr_assert_eq(tc_import_add_static(im, &v[i], &err), TC_OK);
  tc_fix f = {.mmsi = 1, .t = T2022, .lat = 1, .lon = 1};
  cr_assert_eq(tc_import_add_fix(im, &f, &err), TC_OK);
  cr_assert_eq(tc_import_commit(im, &res, &err), TC_OK, "%s", err.msg);
  tc_import_abort(im);
}

Test(store, vessel_table) {
  char path[1024];
  store_tmp_path("vessels.h5", path, sizeof path);
  tc_vessel_static a[] = {
      vs(311000001, T2022 + 100, "ALPHA", 5.5f),
      vs(311000001, T2022 + 400, "ALPHA", 5.5f),   /* identical: skipped */
      vs(211000002, T2022 + 50, "BRAVO", NAN),
      vs(311000001, T2022 + 900, "ALPHA", 6.0f),   /* draught changed */
      vs(211000002, T2022 + 60, "BRAVO", NAN),     /* identical (NaN == NaN): skipped */
      vs(0, T2022, "BAD MMSI", 1),                 /* ignored */
  };
  import_statics(path, a, 6);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  const tc_vessel_static *v;
  size_t n;
  cr_assert_eq(tc_store_vessels(s, &v, &n, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(n, 3);
  cr_assert(v[0].mmsi == 211000002 && v[0].t == T2022 + 50 && isnan(v[0].draught_m));
  cr_assert(v[1].mmsi == 311000001 && v[1].t == T2022 + 100 && v[1].draught_m == 5.5f);
  cr_assert(v[2].mmsi == 311000001 && v[2].t == T2022 + 900 && v[2].draught_m == 6.0f);
  cr_assert_str_eq(v[1].name, "ALPHA");
  cr_assert_str_eq(v[1].callsign, "CS1");
  cr_assert_eq(v[1].imo, 9000001);
  tc_vessel_static r;
  cr_assert_eq(tc_store_vessel_at(s, 311000001, T2022 + 500, &r, &err), TC_OK);
  cr_assert_eq(r.draught_m, 5.5f);
  cr_assert_eq(tc_store_vessel_at(s, 311000001, T2022 + 900, &r, &err), TC_OK);
  cr_assert_eq(r.draught_m, 6.0f);
  cr_assert_eq(tc_store_vessel_at(s, 311000001, T2022, &r, &err), TC_OK);
  cr_assert_eq(r.t, T2022 + 100, "before the first record: the earliest");
  cr_assert_eq(tc_store_vessel_at(s, 999, T2022, &r, &err), TC_ERR_NOT_FOUND);
  tc_store_close(s);

  /* append: the same data again adds nothing; a renamed vessel adds a row */
  tc_vessel_static b[] = {vs(311000001, T2022 + 2000, "ALPHA", 6.0f),
                          vs(211000002, T2022 + 3000, "BRAVO II", NAN)};
  import_statics(path, b, 2);
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_store_vessels(s, &v, &n, &err), TC_OK);
  cr_assert_eq(n, 4);
  cr_assert_eq(tc_store_vessel_at(s, 211000002, T2022 + 5000, &r, &err), TC_OK);
  cr_assert_str_eq(r.name, "BRAVO II");
  tc_store_close(s);
}

/* SHA-256 over every column of every bucket as trajcorr reads them, in the recipe's
 * order (mmsi, t, lat, lon, sog, cog, heading), as lowercase hex. */
static void columns_digest(tc_store *s, char hex[TC_SHA256_HEX]) {
  tc_columns c;
  tc_columns_init(&c);
  tc_err err;
  tc_sha256 h;
  tc_sha256_init(&h);
  for (size_t k = 0; k < tc_store_get_info(s)->nbuckets; k++) {
    cr_assert_eq(tc_store_read_bucket(s, k, &c, &err), TC_OK, "%s", err.msg);
    tc_sha256_update(&h, c.mmsi, c.n * sizeof *c.mmsi);
    tc_sha256_update(&h, c.t, c.n * sizeof *c.t);
    tc_sha256_update(&h, c.lat, c.n * sizeof *c.lat);
    tc_sha256_update(&h, c.lon, c.n * sizeof *c.lon);
    tc_sha256_update(&h, c.sog, c.n * sizeof *c.sog);
    tc_sha256_update(&h, c.cog, c.n * sizeof *c.cog);
    tc_sha256_update(&h, c.heading, c.n * sizeof *c.heading);
  }
  uint8_t d[32];
  tc_sha256_final(&h, d);
  tc_sha256_hex(d, hex);
  tc_columns_free(&c);
}

/* The recipe in docs/format.md, run with the system Python and h5py on a store of
 * each codec: it must read every column as trajcorr does, bit for bit. */
Test(store, h5py_recipe_from_docs) {
  if (store_system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
    cr_skip("no /usr/bin/python3 with h5py");
  size_t n = 4000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 4, T2022, 2 * 86400, 30);
  for (size_t i = 0; i < n; i++) /* the first day on the grids the delta codec uses, the second not */
    if (in[i].t < T2022 + 86400)
      in[i].lat = round(in[i].lat * 1e6) / 1e6, in[i].lon = round(in[i].lon * 1e5) / 1e5,
      in[i].sog = roundf(in[i].sog * 10) / 10, in[i].cog = roundf(in[i].cog * 100) / 100;
  char py[1024];
  store_tmp_path("recipe.py", py, sizeof py);
  cr_assert_eq(store_system("awk '/^```python/{f=1;next} /^```/{f=0} f' '%s/docs/format.md' > '%s'",
                            TC_SOURCE_DIR, py), 0);
  for (int codec = 0; codec < 4; codec++) {
    char path[1024], outp[1024], name[32];
    snprintf(name, sizeof name, "h5py%d.h5", codec);
    store_tmp_path(name, path, sizeof path);
    snprintf(name, sizeof name, "recipe%d.out", codec);
    store_tmp_path(name, outp, sizeof outp);
    tc_import_opts o;
    tc_import_opts_init(&o);
    o.codec = codec;
    o.deflate_level = codec ? 1 : 0;
    tc_import_result res;
    tc_err err;
    cr_assert_eq(store_import_fixes(path, &o, in, n, &res, &err), TC_OK, "import: %s", err.msg);
    cr_assert_eq(store_system("/usr/bin/python3 '%s' '%s' > '%s'", py, path, outp), 0,
                 "the recipe failed on a store of codec %d", codec);
    tc_store *s;
    cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
    const tc_store_info *info = tc_store_get_info(s);
    tc_columns c;
    tc_columns_init(&c);
    cr_assert_eq(tc_store_read_bucket(s, 0, &c, &err), TC_OK);
    char hex[TC_SHA256_HEX], want[1024];
    columns_digest(s, hex);
    snprintf(want, sizeof want,
             "rows %" PRIu64 " %" PRIu64 "\nvessels %" PRIu64 " %" PRIu64 "\ncolumns %s\nfirst %u %" PRId64
             " %.7f %.7f\nvessel_rows 0\n",
             info->rows, info->rows, info->vessels, info->vessels, hex, c.mmsi[0], c.t[0], c.lat[0], c.lon[0]);
    FILE *fp = fopen(outp, "r");
    char got[2048] = "";
    size_t len = fread(got, 1, sizeof got - 1, fp);
    got[len] = '\0';
    fclose(fp);
    cr_assert(!strncmp(got, want, strlen(want)), "codec %s: h5py printed:\n%s\nC reads:\n%s",
              tc_store_codec(s), got, want);
    tc_columns_free(&c);
    tc_store_close(s);
  }
  free(in);
}

/* io/columns.c: a take moves the storage and leaves a view of the same rows; the view
 * reads as before, frees nothing, and a push or reservation into it starts new storage
 * (its rows copied) without touching the taker's. */
Test(store, columns_take_leaves_a_view) {
  tc_columns c, kept, other;
  tc_columns_init(&c);
  tc_columns_init(&kept);
  tc_columns_init(&other);
  for (size_t i = 0; i < 100; i++) {
    tc_fix f = {(int64_t)i, (double)i, -(double)i, (uint32_t)(300000000u + i), 1.0f, 2.0f, 3};
    cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
  }
  const int64_t *t = c.t;
  cr_assert_eq(tc_columns_take(&c, &kept), TC_OK);
  cr_assert(c.view && !kept.view && kept.n == 100 && kept.t == t && c.t == t && c.n == 100);
  cr_assert_eq(tc_columns_take(&c, &other), TC_ERR_ARG, "a view has nothing to give");
  cr_assert_eq(tc_columns_take(&kept, &kept), TC_ERR_ARG, "into columns that are not empty");
  tc_fix f = {1000, 10.0, 20.0, 1, 0.0f, 0.0f, 0};
  cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
  cr_assert(!c.view && c.t != t && c.n == 101 && c.t[99] == 99 && c.t[100] == 1000);
  cr_assert(kept.n == 100 && kept.t[99] == 99 && kept.mmsi[0] == 300000000u, "the taker's rows untouched");
  tc_columns_free(&c);
  cr_assert_eq(tc_columns_take(&kept, &other), TC_OK);
  const int64_t *ot = other.t;
  kept.n = 0; /* as a source does before it reads */
  cr_assert_eq(tc_columns_reserve(&kept, 10), TC_OK);
  cr_assert(!kept.view && kept.cap >= 10 && kept.t != ot && kept.n == 0);
  cr_assert_eq(tc_columns_take(&other, &c), TC_OK);
  tc_columns_free(&other); /* a view: frees nothing (ASan would see c's rows freed twice) */
  cr_assert(c.n == 100 && c.t == ot && c.t[5] == 5);
  tc_columns_free(&c);
  tc_columns_free(&kept);
}

/* io/columns.c: the first reservation puts every column in one allocation; growing past
 * it moves each column to its own, every row kept. */
Test(store, columns_grow_out_of_one_allocation) {
  tc_columns c;
  tc_columns_init(&c);
  cr_assert_eq(tc_columns_reserve(&c, 1000), TC_OK);
  cr_assert_not_null(c.one);
  for (size_t i = 0; i < 6000; i++) {
    tc_fix f = {(int64_t)i * 7, (double)i / 100.0, -(double)i / 50.0, (uint32_t)(200000000u + i),
                (float)i / 4.0f, (float)(i % 360), (uint16_t)(i % 512)};
    cr_assert_eq(tc_columns_push(&c, &f), TC_OK);
  }
  cr_assert_null(c.one);
  cr_assert_eq(c.n, 6000);
  for (size_t i = 0; i < 6000; i++) {
    tc_fix f;
    tc_columns_get(&c, i, &f);
    cr_assert(f.t == (int64_t)i * 7 && f.lat == (double)i / 100.0 && f.lon == -(double)i / 50.0 &&
                  f.mmsi == 200000000u + i && f.sog == (float)i / 4.0f && f.cog == (float)(i % 360) &&
                  f.heading == i % 512,
              "row %zu", i);
  }
  tc_columns_free(&c);
  tc_columns_free(&c); /* freed columns are empty: again is fine */
}
