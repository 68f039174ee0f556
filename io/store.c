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

#include "io/codec.h"
#include "io/codec_h5.h"
#include "io/hugepages.h"
#include "io/printable.h"
#include "io/store_chunks.h"
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
  /* where tc_store_check_rows stopped in a bucket read in order: its next row, the
   * last (mmsi, t) and the vessels and time span seen so far */
  size_t ck_k; /* SIZE_MAX: none */
  uint64_t ck_next, ck_vessels;
  uint32_t ck_mmsi;
  int64_t ck_t, ck_tmin, ck_tmax;
  int verify_all;
  tc_codec_cache ccache[TC_H5_NCOLS]; /* delta-coded chunks decoded through HDF5 */
};

tc_codec_cache *tc_store_codec_cache(tc_store *s, int c) { return &s->ccache[c]; }

void tc_store_set_verify_all(tc_store *s, int on) { s->verify_all = on; }
int tc_store_verify_all(const tc_store *s) { return s->verify_all; }

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
  if (version < TC_STORE_FORMAT_VERSION_MIN || version > TC_STORE_FORMAT_VERSION)
    return tc_fail(err, TC_ERR_VERSION,
                   "%s: store format version %d is not supported: this trajcorr reads versions %d to %d "
                   "(a store written by a newer trajcorr needs that version to read it)",
                   s->path, (int)version, TC_STORE_FORMAT_VERSION_MIN, TC_STORE_FORMAT_VERSION);
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
  /* stores of the first layout may lack "codec": their level says it */
  else if (tc_h5_attr_get_str(f, TC_H5_A_CODEC, s->codec, sizeof s->codec) < 0)
    snprintf(s->codec, sizeof s->codec, "%s", tc_codec_name(level > 0 ? TC_CODEC_DEFLATE : TC_CODEC_NONE));
  if (bad)
    return tc_fail(err, TC_ERR_FORMAT, "%s: root attribute '%s' missing or invalid", s->path, bad);
  int codec = tc_codec_parse(s->codec);
  /* a codec this trajcorr does not know would be read as numbers that are not the stored ones */
  if (codec < 0 || tc_codec_version(codec) != version) {
    char shown[TC_PRINTABLE_CAP(sizeof s->codec)];
    return tc_fail(err, TC_ERR_VERSION, "%s: codec \"%s\" in a version %d store is not one this trajcorr "
                   "reads (none, deflate: version 1; delta: version 2; pack: version 3)", s->path,
                   tc_printable(shown, sizeof shown, s->codec, strnlen(s->codec, sizeof s->codec), 0),
                   (int)version);
  }
  in->codec = codec;
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
  int64_t b = s->info.bucket_s;
  uint64_t sum = 0;
  for (size_t k = 0; k < n; k++) {
    const char *rule = NULL;
    if (k && t0[k] <= t0[k - 1])
      rule = "t0 is not ascending";
    else if (t0[k] % b != 0 || t0[k] > INT64_MAX - b)
      rule = "t0 is not a multiple of bucket_s";
    else if (rows[k] == 0 || ves[k] == 0 || ves[k] > rows[k] || rows[k] > UINT64_MAX - sum)
      rule = "rows and vessels must be 1 <= vessels <= rows";
    else if (tmin[k] < t0[k] || tmin[k] > tmax[k] || (uint64_t)tmax[k] - (uint64_t)t0[k] >= (uint64_t)b)
      rule = "t0 <= t_min <= t_max < t0 + bucket_s does not hold";
    if (rule) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s: /%s row %zu (bucket %" PRId64 "): %s", s->path,
                   TC_H5_G_TABLE, k, t0[k], rule);
      goto cleanup;
    }
    sum += rows[k];
    s->buckets[k] = (tc_store_bucket_meta){t0[k], rows[k], ves[k], tmin[k], tmax[k]};
  }
  if (sum != s->info.rows || (n && (s->info.t_min != s->buckets[0].t_min ||
                                    s->info.t_max != s->buckets[n - 1].t_max))) {
    st = tc_fail(err, TC_ERR_FORMAT, "%s: the root attributes rows/t_min/t_max (%" PRIu64 ", %" PRId64
                 ", %" PRId64 ") do not match /%s (%" PRIu64 " rows)", s->path, s->info.rows,
                 s->info.t_min, s->info.t_max, TC_H5_G_TABLE, sum);
    goto cleanup;
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
  s->ck_k = SIZE_MAX;
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
  for (int c = 0; c < TC_H5_NCOLS; c++)
    free(s->ccache[c].buf);
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
    int coded = tc_codec_transforms(s->info.codec, c);
    hid_t mt = tc_h5_native(tc_h5_col_kind(c));
    void *buf = tc_h5_col_ptr(out, c);
    if (!tc_h5_type_matches(d, coded ? tc_codec_stored_type(c) : mt))
      st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': its datatype is not %s "
                   "little-endian as docs/format.md says", s->path, s->buckets[k].t0, cn,
                   coded ? (tc_h5_kind_size(tc_h5_col_kind(c)) == 8   ? "uint64"
                            : tc_h5_kind_size(tc_h5_col_kind(c)) == 4 ? "uint32"
                                                                      : "uint16")
                         : tc_h5_kind_name(tc_h5_col_kind(c)));
    else if (tc_h5_dset_len(d) != (int64_t)rows)
      st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' has %" PRId64
                   " rows, the bucket table says %" PRIu64, s->path, s->buckets[k].t0, cn,
                   tc_h5_dset_len(d), rows);
    else if (coded)
      st = tc_codec_read_rows(d, c, s->info.codec, rows, start, n, buf, &s->ccache[c], s->path,
                              s->buckets[k].t0, err);
    else if (whole ? H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0
                   : tc_h5_dset_read(d, mt, start, n, buf) < 0)
      st = tc_h5_fail(err, s->path, "bucket %" PRId64 ": cannot read dataset '%s'", s->buckets[k].t0, cn);
    H5Dclose(d);
  }
  H5Gclose(g);
  if (st == TC_OK)
    st = tc_store_check_rows(s, k, start, out, (size_t)n, TC_COL_ALL, err);
  if (st == TC_OK)
    out->n = (size_t)n;
  return st;
}

/* The format's per-row rules, written without branches so that the compiler
 * vectorises each loop: 64-bit lanes need AVX2's compares, hence the clones (what the
 * checks cost: docs/performance.md). Non-zero when a row in [a, b) breaks one. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define TC_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TC_VECTOR_CLONES
#endif

TC_VECTOR_CLONES static uint64_t outside(const double *x, size_t a, size_t b, double lim);

uint64_t tc_store_outside(const double *x, size_t n, double lim) { return outside(x, 0, n, lim); }

TC_VECTOR_CLONES static uint64_t outside(const double *x, size_t a, size_t b, double lim) {
  uint64_t bad = 0;
  for (size_t i = a; i < b; i++) /* NaN fails both comparisons */
    bad |= (uint64_t)!(x[i] >= -lim) | (uint64_t)!(x[i] <= lim);
  return bad;
}

TC_VECTOR_CLONES static uint64_t times_outside(const int64_t *t, size_t a, size_t b, int64_t lo, int64_t hi) {
  uint64_t bad = 0, span = (uint64_t)hi - (uint64_t)lo;
  for (size_t i = a; i < b; i++) /* t - lo wraps to a huge value below lo */
    bad |= (uint64_t)((uint64_t)t[i] - (uint64_t)lo >= span);
  return bad;
}

TC_VECTOR_CLONES static uint64_t mmsi_outside(const uint32_t *m, size_t a, size_t b) {
  uint32_t bad = 0;
  for (size_t i = a; i < b; i++)
    bad |= (uint32_t)(m[i] - 1u > 999999998u); /* 0 or above 999 999 999 */
  return bad;
}

static unsigned rows_bad(const tc_columns *c, size_t a, size_t b, unsigned cols, int64_t lo, int64_t hi) {
  uint64_t bad = 0;
  if (cols & TC_COL_LAT)
    bad |= outside(c->lat, a, b, 90.0);
  if (cols & TC_COL_LON)
    bad |= outside(c->lon, a, b, 180.0);
  if (cols & TC_COL_MMSI)
    bad |= mmsi_outside(c->mmsi, a, b);
  if (cols & TC_COL_T)
    bad |= times_outside(c->t, a, b, lo, hi);
  return bad != 0;
}

/* (mmsi, t) strictly ascending over rows [a, b) after row a - 1 (a >= 1); counts the
 * vessels that start in it and the time span. */
TC_VECTOR_CLONES static unsigned order_bad(const tc_columns *c, size_t a, size_t b, uint64_t *ves,
                                           int64_t *tmin, int64_t *tmax) {
  uint64_t bad = 0, v = 0;
  int64_t lo = *tmin, hi = *tmax;
  const uint32_t *m = c->mmsi;
  const int64_t *t = c->t;
  for (size_t i = a; i < b; i++) {
    uint64_t m0 = m[i - 1], m1 = m[i];
    int64_t t0 = t[i - 1], t1 = t[i];
    bad |= (uint64_t)(m1 < m0) | ((uint64_t)(m1 == m0) & (uint64_t)(t1 <= t0));
    v += m1 != m0;
    lo = t1 < lo ? t1 : lo;
    hi = t1 > hi ? t1 : hi;
  }
  *ves += v, *tmin = lo, *tmax = hi;
  return bad != 0;
}

/* The first row of [a, b) that breaks a rule (rows_bad found one): which and where. */
static size_t first_bad(const tc_columns *c, size_t a, size_t b, unsigned cols, int64_t lo, int64_t hi,
                        uint32_t pm, int64_t pt, int check_order, const char **ds, const char **rule) {
  for (size_t i = a; i < b; i++) {
    if (rows_bad(c, i, i + 1, cols & ~(unsigned)(TC_COL_MMSI | TC_COL_T), lo, hi)) {
      int lat = (cols & TC_COL_LAT) && !(c->lat[i] >= -90.0 && c->lat[i] <= 90.0);
      *ds = lat ? "lat" : "lon";
      *rule = lat ? "latitude outside [-90, 90]" : "longitude outside [-180, 180]";
      return i;
    }
    if (rows_bad(c, i, i + 1, cols & TC_COL_MMSI, lo, hi)) {
      *ds = "mmsi", *rule = "MMSI outside 1..999999999";
      return i;
    }
    if (rows_bad(c, i, i + 1, cols & TC_COL_T, lo, hi)) {
      *ds = "t", *rule = "time outside bucket [t0, t0 + bucket_s)";
      return i;
    }
    if (check_order) {
      uint32_t m0 = i ? c->mmsi[i - 1] : pm;
      int64_t t0 = i ? c->t[i - 1] : pt;
      if (c->mmsi[i] < m0 || (c->mmsi[i] == m0 && c->t[i] <= t0)) {
        *ds = "mmsi/t", *rule = "rows not sorted by (mmsi, t)";
        return i;
      }
    }
  }
  return b; /* not reached: rows_bad or order_bad found one */
}

#define CHECK_BLOCK 4096

tc_status tc_store_check_rows(tc_store *s, size_t k, uint64_t row0, const tc_columns *c, size_t n,
                              unsigned cols, tc_err *err) {
  const tc_store_bucket_meta *m = &s->buckets[k];
  int64_t lo = m->t0, hi = m->t0 + s->info.bucket_s; /* no overflow: read_bucket_table */
  int both = (cols & (TC_COL_MMSI | TC_COL_T)) == (TC_COL_MMSI | TC_COL_T);
  /* continuing the slice checked last: the order holds across slices too */
  int cont = both && row0 > 0 && s->ck_k == k && s->ck_next == row0;
  uint32_t pm = cont ? s->ck_mmsi : 0;
  int64_t pt = cont ? s->ck_t : INT64_MIN, tmin = cont ? s->ck_tmin : INT64_MAX;
  int64_t tmax = cont ? s->ck_tmax : INT64_MIN;
  uint64_t ves = cont ? s->ck_vessels : 0;
  s->ck_k = SIZE_MAX;
  /* With both columns, sorted rows need only their ends' MMSIs checked, and the span
   * order_bad measures bounds every time: the per-row loops cover the other columns. */
  unsigned per_row = both ? cols & ~(unsigned)(TC_COL_MMSI | TC_COL_T) : cols;
  for (size_t a = 0; a < n; a += CHECK_BLOCK) {
    size_t b = n - a < CHECK_BLOCK ? n : a + CHECK_BLOCK;
    unsigned bad = rows_bad(c, a, b, per_row, lo, hi);
    if (both && !bad) {
      if (a == 0) { /* row 0 against the slice before (or nothing) */
        bad = c->mmsi[0] < pm || (c->mmsi[0] == pm && c->t[0] <= pt);
        ves += c->mmsi[0] != pm;
        tmin = c->t[0] < tmin ? c->t[0] : tmin;
        tmax = c->t[0] > tmax ? c->t[0] : tmax;
      }
      bad |= order_bad(c, a ? a : 1, b, &ves, &tmin, &tmax);
      bad |= rows_bad(c, a, a + 1, TC_COL_MMSI, lo, hi) | rows_bad(c, b - 1, b, TC_COL_MMSI, lo, hi);
      bad |= tmin < lo || tmax >= hi;
    }
    if (bad) {
      const char *ds = "?", *rule = "?";
      size_t i = first_bad(c, a, b, cols, lo, hi, pm, pt, both, &ds, &rule);
      return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s', row %" PRIu64 ": %s",
                     s->path, m->t0, ds, row0 + i, rule);
    }
  }
  if (both && n > 0) {
    if (row0 == 0 || cont) {
      s->ck_k = k, s->ck_next = row0 + n, s->ck_mmsi = c->mmsi[n - 1], s->ck_t = c->t[n - 1];
      s->ck_vessels = ves, s->ck_tmin = tmin, s->ck_tmax = tmax;
    }
    if (s->ck_k == k && row0 + n == m->rows &&
        (ves != m->vessels || tmin != m->t_min || tmax != m->t_max))
      return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": its rows hold %" PRIu64
                     " vessels from %" PRId64 " to %" PRId64 ", /%s says %" PRIu64 " from %" PRId64
                     " to %" PRId64, s->path, m->t0, ves, tmin, tmax, TC_H5_G_TABLE, m->vessels,
                     m->t_min, m->t_max);
  }
  return TC_OK;
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
    /* the spans must tile [0, rows) in MMSI order: readers index rows with them */
    uint64_t next = 0, rows = s->buckets[k].rows;
    const char *ds = NULL;
    size_t i;
    for (i = 0; i < (size_t)nv && !ds; i++) {
      if (s->idx_mmsi[i] == 0 || (i && s->idx_mmsi[i] <= s->idx_mmsi[i - 1]))
        ds = TC_H5_I_MMSI " (MMSIs not ascending)";
      else if (s->idx_start[i] != next)
        ds = TC_H5_I_START " (spans do not tile the rows)";
      else if (s->idx_count[i] == 0 || s->idx_count[i] > rows - next)
        ds = TC_H5_I_COUNT " (spans do not tile the rows)";
      else
        next += s->idx_count[i];
    }
    if (ds || next != rows)
      return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": vessel index, dataset %s at entry %zu",
                     s->path, s->buckets[k].t0, ds ? ds : TC_H5_I_COUNT " (spans do not cover the rows)",
                     ds ? i - 1 : (size_t)nv);
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
  TC_TRY(read_range(s, k, start[lo], count[lo], 0, out, err));
  for (size_t i = 0; i < out->n; i++)
    if (out->mmsi[i] != mmsi) {
      out->n = 0;
      return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset 'mmsi', row %" PRIu64
                     ": MMSI %u where the vessel index has %u", s->path, s->buckets[k].t0,
                     start[lo] + i, (unsigned)out->mmsi[i], (unsigned)mmsi);
    }
  return TC_OK;
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
