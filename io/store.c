/* The HDF5 track store, read side (layout: docs/format.md). Every column of a bucket
 * is read with one H5Dread straight into the caller's reused buffers. */
#include "io/store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/hugepages.h"
#include "io/store_schema.h"

struct tc_store {
  hid_t file;
  char *path;
  char codec[16];
  tc_store_info info;
  tc_store_bucket_meta *buckets;
  /* vessel index of one bucket, cached for read_vessel */
  size_t idx_k; /* SIZE_MAX: none */
  uint32_t *idx_mmsi;
  uint64_t *idx_start, *idx_count;
  size_t idx_n;
  /* loaded on first use */
  tc_vessel_static *vessels;
  size_t nvessels;
  int vessels_loaded;
  tc_store_srcfile *sources;
  int sources_loaded;
  /* bucket reads' inflate buffers, kept: fresh pages cost more than inflating */
  unsigned char *scratch;
  size_t scratch_cap;
};

hid_t tc_store_file_id(const tc_store *s) { return s->file; }
const char *tc_store_path(const tc_store *s) { return s->path; }
const char *tc_store_codec(const tc_store *s) { return s->codec; }
const tc_store_info *tc_store_get_info(const tc_store *s) { return &s->info; }

unsigned char *tc_store_scratch(tc_store *s, size_t bytes) {
  if (bytes > s->scratch_cap) { /* megabytes, touched at once by every decoding thread */
    unsigned char *p = tc_realloc_huge(s->scratch, bytes);
    if (!p)
      return NULL;
    s->scratch = p;
    s->scratch_cap = bytes;
  }
  return s->scratch;
}

static tc_status read_root_attrs(tc_store *s, tc_err *err) {
  hid_t f = s->file;
  char magic[64];
  if (tc_h5_attr_get_str(f, TC_H5_A_FORMAT, magic, sizeof magic) < 0 || strcmp(magic, TC_H5_MAGIC))
    return tc_fail(err, TC_ERR_FORMAT, "%s: not a trajcorr store (no root attribute %s = \"%s\")",
                   s->path, TC_H5_A_FORMAT, TC_H5_MAGIC);
  int32_t version = 0;
  if (tc_h5_attr_get(f, TC_H5_A_VERSION, TC_H5_I32, &version) < 0)
    return tc_fail(err, TC_ERR_FORMAT, "%s: root attribute '%s' missing", s->path, TC_H5_A_VERSION);
  if (version != TC_STORE_FORMAT_VERSION)
    return tc_fail(err, TC_ERR_VERSION,
                   "%s: store format version %d is not supported: this trajcorr reads version %d "
                   "(a store written by a newer trajcorr needs that version to read it)",
                   s->path, (int)version, TC_STORE_FORMAT_VERSION);
  tc_store_info *in = &s->info;
  in->format_version = version;
  uint64_t nb = 0;
  int32_t level = 0;
  const char *bad = NULL;
  if (tc_h5_attr_get(f, TC_H5_A_BUCKET_S, TC_H5_I64, &in->bucket_s) < 0 || in->bucket_s <= 0)
    bad = TC_H5_A_BUCKET_S;
  else if (tc_h5_attr_get(f, TC_H5_A_T_MIN, TC_H5_I64, &in->t_min) < 0)
    bad = TC_H5_A_T_MIN;
  else if (tc_h5_attr_get(f, TC_H5_A_T_MAX, TC_H5_I64, &in->t_max) < 0)
    bad = TC_H5_A_T_MAX;
  else if (tc_h5_attr_get(f, TC_H5_A_ROWS, TC_H5_U64, &in->rows) < 0)
    bad = TC_H5_A_ROWS;
  else if (tc_h5_attr_get(f, TC_H5_A_VESSELS, TC_H5_U64, &in->vessels) < 0)
    bad = TC_H5_A_VESSELS;
  else if (tc_h5_attr_get(f, TC_H5_A_BUCKETS, TC_H5_U64, &nb) < 0 || nb > SIZE_MAX / 64)
    bad = TC_H5_A_BUCKETS;
  else if (tc_h5_attr_get(f, TC_H5_A_LEVEL, TC_H5_I32, &level) < 0)
    bad = TC_H5_A_LEVEL;
  else if (tc_h5_attr_get_str(f, TC_H5_A_CODEC, s->codec, sizeof s->codec) < 0)
    bad = TC_H5_A_CODEC;
  if (bad)
    return tc_fail(err, TC_ERR_FORMAT, "%s: root attribute '%s' missing or invalid", s->path, bad);
  in->nbuckets = (size_t)nb;
  in->deflate_level = level;
  size_t off;
  const char *name;
  for (size_t i = 0; (name = tc_h5_clean_field(i, &off)); i++) {
    char an[64];
    snprintf(an, sizeof an, TC_H5_CLEAN_PREFIX "%s", name);
    if (tc_h5_attr_get(f, an, TC_H5_U64, (char *)&in->clean + off) < 0)
      return tc_fail(err, TC_ERR_FORMAT, "%s: root attribute '%s' missing", s->path, an);
  }
  return TC_OK;
}

static tc_status read_bucket_table(tc_store *s, tc_err *err) {
  tc_status st = TC_OK;
  size_t n = s->info.nbuckets;
  int64_t *t0 = NULL, *tmin = NULL, *tmax = NULL;
  uint64_t *rows = NULL, *ves = NULL;
  hid_t g = H5Gopen2(s->file, TC_H5_G_TABLE, H5P_DEFAULT);
  if (g < 0)
    return tc_h5_fail(err, s->path, "cannot open group '/%s'", TC_H5_G_TABLE);
  size_t m = n ? n : 1;
  s->buckets = calloc(m, sizeof *s->buckets);
  t0 = malloc(m * 8), tmin = malloc(m * 8), tmax = malloc(m * 8), rows = malloc(m * 8), ves = malloc(m * 8);
  if (!s->buckets || !t0 || !tmin || !tmax || !rows || !ves) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the bucket table", s->path);
    goto cleanup;
  }
  const struct {
    const char *name;
    tc_h5_kind k;
    void *buf;
  } cols[] = {{TC_H5_B_T0, TC_H5_I64, t0},        {TC_H5_B_ROWS, TC_H5_U64, rows},
              {TC_H5_B_VESSELS, TC_H5_U64, ves},  {TC_H5_B_T_MIN, TC_H5_I64, tmin},
              {TC_H5_B_T_MAX, TC_H5_I64, tmax}};
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
    if (tc_h5_get_array(g, cols[c].name, tc_h5_native(cols[c].k), n, cols[c].buf) < 0) {
      st = tc_h5_fail(err, s->path, "cannot read dataset '/%s/%s' (%zu rows expected)", TC_H5_G_TABLE,
                      cols[c].name, n);
      goto cleanup;
    }
  for (size_t k = 0; k < n; k++) {
    if (k && t0[k] <= t0[k - 1]) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s: /%s/%s is not ascending at row %zu", s->path,
                   TC_H5_G_TABLE, TC_H5_B_T0, k);
      goto cleanup;
    }
    s->buckets[k] = (tc_store_bucket_meta){t0[k], rows[k], ves[k], tmin[k], tmax[k]};
  }
cleanup:
  free(t0), free(tmin), free(tmax), free(rows), free(ves);
  H5Gclose(g);
  return st;
}

/* The system's reason first (a directory, a FIFO that would block HDF5's open forever,
 * no permission, an I/O error, an empty file), so that "not an HDF5 file" is said only
 * of a readable file whose bytes are not HDF5. */
static tc_status check_readable(const char *path, const struct stat *sb, tc_err *err) {
  if (S_ISDIR(sb->st_mode))
    return tc_fail(err, TC_ERR_IO, "%s: is a directory, not a store file", path);
  if (!S_ISREG(sb->st_mode))
    return tc_fail(err, TC_ERR_IO, "%s: not a regular file (a device, FIFO or socket), so not a store",
                   path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot open store: %s", path, strerror(errno));
  char b[8];
  ssize_t n = read(fd, b, sizeof b);
  int e = errno;
  close(fd);
  if (n < 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot read store: %s", path, strerror(e));
  if (n == 0)
    return tc_fail(err, TC_ERR_FORMAT, "%s: empty file (0 bytes), not a trajcorr store", path);
  return TC_OK;
}

tc_status tc_store_open(const char *path, tc_store **out, tc_err *err) {
  *out = NULL;
  tc_h5_quiet();
  struct stat sb;
  if (stat(path, &sb) != 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot open store: %s", path, strerror(errno));
  TC_TRY(check_readable(path, &sb, err));
  if (H5Fis_hdf5(path) <= 0)
    return tc_fail(err, TC_ERR_FORMAT, "%s: not an HDF5 file, so not a trajcorr store", path);
  tc_status st = TC_OK;
  tc_store *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    free(s);
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", path);
  }
  s->idx_k = SIZE_MAX;
  s->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (s->file < 0) {
    st = tc_h5_fail(err, path, "cannot open the HDF5 file");
    goto cleanup;
  }
  if ((st = read_root_attrs(s, err)) != TC_OK || (st = read_bucket_table(s, err)) != TC_OK)
    goto cleanup;
  hid_t g = H5Gopen2(s->file, TC_H5_G_SOURCES, H5P_DEFAULT);
  hid_t d = g >= 0 ? H5Dopen2(g, TC_H5_S_SHA, H5P_DEFAULT) : -1;
  int64_t ns = d >= 0 ? tc_h5_dset_len(d) : -1;
  if (ns < 0)
    st = tc_h5_fail(err, path, "cannot read dataset '/%s/%s'", TC_H5_G_SOURCES, TC_H5_S_SHA);
  if (d >= 0)
    H5Dclose(d);
  if (g >= 0)
    H5Gclose(g);
  s->info.nsources = ns > 0 ? (size_t)ns : 0;
cleanup:
  if (st != TC_OK) {
    tc_store_close(s);
    return st;
  }
  *out = s;
  return TC_OK;
}

void tc_store_close(tc_store *s) {
  if (!s)
    return;
  if (s->file >= 0 && s->file != 0)
    H5Fclose(s->file);
  free(s->path);
  free(s->buckets);
  free(s->idx_mmsi);
  free(s->idx_start);
  free(s->idx_count);
  free(s->vessels);
  free(s->sources);
  free(s->scratch);
  free(s);
}

tc_status tc_store_bucket(const tc_store *s, size_t k, int64_t *t0, uint64_t *rows) {
  if (k >= s->info.nbuckets)
    return TC_ERR_NOT_FOUND;
  *t0 = s->buckets[k].t0;
  *rows = s->buckets[k].rows;
  return TC_OK;
}

tc_status tc_store_bucket_get_meta(const tc_store *s, size_t k, tc_store_bucket_meta *m) {
  if (k >= s->info.nbuckets)
    return TC_ERR_NOT_FOUND;
  *m = s->buckets[k];
  return TC_OK;
}

static hid_t open_bucket(tc_store *s, size_t k, tc_err *err) {
  char name[64];
  snprintf(name, sizeof name, "%s/%" PRId64, TC_H5_G_BUCKETS, s->buckets[k].t0);
  hid_t g = H5Gopen2(s->file, name, H5P_DEFAULT);
  if (g < 0)
    tc_h5_fail(err, s->path, "cannot open bucket group '/%s'", name);
  return g;
}

/* Reads [start, start + n) of every column of bucket k, one H5Dread per column. */
static tc_status read_range(tc_store *s, size_t k, uint64_t start, uint64_t n, int whole,
                            tc_columns *out, tc_err *err) {
  out->n = 0;
  if (k >= s->info.nbuckets)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu (the store has %zu)", s->path, k,
                   s->info.nbuckets);
  uint64_t rows = s->buckets[k].rows;
  if (start > rows || n > rows - start)
    return tc_fail(err, TC_ERR_ARG, "%s: bucket %" PRId64 ": rows %" PRIu64 "+%" PRIu64
                   " outside its %" PRIu64 " rows", s->path, s->buckets[k].t0, start, n, rows);
  if (n > SIZE_MAX / 8 || tc_columns_reserve(out, (size_t)n) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %" PRIu64 " rows", s->path, n);
  tc_status st = TC_OK;
  hid_t g = open_bucket(s, k, err);
  if (g < 0)
    return TC_ERR_HDF5;
  for (int c = 0; c < TC_H5_NCOLS && st == TC_OK; c++) {
    const char *cn = tc_h5_col_name(c);
    hid_t d = H5Dopen2(g, cn, H5P_DEFAULT);
    if (d < 0) {
      st = tc_h5_fail(err, s->path, "bucket %" PRId64 ": cannot open dataset '%s'", s->buckets[k].t0, cn);
      break;
    }
    hid_t mt = tc_h5_native(tc_h5_col_kind(c));
    void *buf = tc_h5_col_ptr(out, c);
    if (tc_h5_dset_len(d) != (int64_t)rows)
      st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' has %" PRId64
                   " rows, the bucket table says %" PRIu64, s->path, s->buckets[k].t0, cn,
                   tc_h5_dset_len(d), rows);
    else if (whole ? H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0
                   : tc_h5_dset_read(d, mt, start, n, buf) < 0)
      st = tc_h5_fail(err, s->path, "bucket %" PRId64 ": cannot read dataset '%s'", s->buckets[k].t0, cn);
    H5Dclose(d);
  }
  H5Gclose(g);
  if (st == TC_OK)
    out->n = (size_t)n;
  return st;
}

tc_status tc_store_read_bucket(tc_store *s, size_t k, tc_columns *out, tc_err *err) {
  tc_h5_quiet();
  uint64_t rows = k < s->info.nbuckets ? s->buckets[k].rows : 0;
  return read_range(s, k, 0, rows, rows > 0, out, err);
}

tc_status tc_store_read_rows(tc_store *s, size_t k, uint64_t start, uint64_t n, tc_columns *out,
                             tc_err *err) {
  tc_h5_quiet();
  return read_range(s, k, start, n, 0, out, err);
}

tc_status tc_store_read_index(tc_store *s, size_t k, const uint32_t **mmsi, const uint64_t **start,
                              const uint64_t **count, size_t *n, tc_err *err) {
  tc_h5_quiet();
  if (k >= s->info.nbuckets)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu (the store has %zu)", s->path, k,
                   s->info.nbuckets);
  if (s->idx_k != k) {
    tc_status st = TC_OK;
    uint64_t nv = s->buckets[k].vessels;
    size_t m = nv ? (size_t)nv : 1;
    s->idx_k = SIZE_MAX;
    if (!tc_h5_index_resize(&s->idx_mmsi, &s->idx_start, &s->idx_count, m))
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for a vessel index", s->path);
    hid_t g = open_bucket(s, k, err);
    if (g < 0)
      return TC_ERR_HDF5;
    if (tc_h5_get_array(g, TC_H5_I_MMSI, H5T_NATIVE_UINT32, nv, s->idx_mmsi) < 0 ||
        tc_h5_get_array(g, TC_H5_I_START, H5T_NATIVE_UINT64, nv, s->idx_start) < 0 ||
        tc_h5_get_array(g, TC_H5_I_COUNT, H5T_NATIVE_UINT64, nv, s->idx_count) < 0)
      st = tc_h5_fail(err, s->path, "bucket %" PRId64 ": cannot read its vessel index (%" PRIu64
                      " vessels expected)", s->buckets[k].t0, nv);
    H5Gclose(g);
    if (st != TC_OK)
      return st;
    s->idx_k = k;
    s->idx_n = (size_t)nv;
  }
  *mmsi = s->idx_mmsi;
  *start = s->idx_start;
  *count = s->idx_count;
  *n = s->idx_n;
  return TC_OK;
}

tc_status tc_store_read_vessel(tc_store *s, size_t k, uint32_t mmsi, tc_columns *out, tc_err *err) {
  const uint32_t *m = NULL;
  const uint64_t *start = NULL, *count = NULL;
  size_t n = 0;
  out->n = 0;
  TC_TRY(tc_store_read_index(s, k, &m, &start, &count, &n, err));
  size_t lo = tc_lower_bound_u32(m, n, mmsi);
  if (lo == n || m[lo] != mmsi)
    return TC_OK;
  return read_range(s, k, start[lo], count[lo], 0, out, err);
}

tc_status tc_store_vessels(tc_store *s, const tc_vessel_static **rows, size_t *n, tc_err *err) {
  if (!s->vessels_loaded) {
    tc_h5_quiet();
    TC_TRY(tc_h5_read_vessels(s->file, s->path, &s->vessels, &s->nvessels, err));
    s->vessels_loaded = 1;
  }
  *rows = s->vessels;
  *n = s->nvessels;
  return TC_OK;
}

tc_status tc_store_vessel_at(tc_store *s, uint32_t mmsi, int64_t t, tc_vessel_static *out,
                             tc_err *err) {
  const tc_vessel_static *v;
  size_t n;
  TC_TRY(tc_store_vessels(s, &v, &n, err));
  size_t lo = 0, hi = n; /* first row of mmsi */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].mmsi < mmsi)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == n || v[lo].mmsi != mmsi)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no static data for MMSI %u", s->path, (unsigned)mmsi);
  size_t best = lo;
  for (size_t i = lo; i < n && v[i].mmsi == mmsi && v[i].t <= t; i++)
    best = i;
  *out = v[best];
  return TC_OK;
}

tc_status tc_store_sources(tc_store *s, const tc_store_srcfile **rows, size_t *n, tc_err *err) {
  if (!s->sources_loaded) {
    size_t m = 0;
    tc_h5_quiet();
    TC_TRY(tc_h5_read_sources(s->file, s->path, &s->sources, &m, err));
    s->sources_loaded = 1;
    s->info.nsources = m;
  }
  *rows = s->sources;
  *n = s->info.nsources;
  return TC_OK;
}
