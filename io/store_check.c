/* trajcorr check, the library part: reads every bucket through the engine's own read
 * path (tc_store_read_bucket_slice, whose chunk checksums and row rules then hold for
 * every row) and adds what a single read cannot see: the vessel index against the rows,
 * the bucket groups' attributes against the bucket table, the tables' order. */
#include "io/store_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/store_chunks.h"
#include "io/store_schema.h"

#define CHECK_SLICE_ROWS (1u << 22) /* rows per read, rounded to whole chunks */

typedef struct {
  tc_store_problem_fn fn;
  void *ctx;
  tc_store_check_report *r;
} sink;

static void problem(sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(sink *k, const char *fmt, ...) {
  char msg[TC_ERR_MSG_MAX + 256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  k->r->problems++;
  if (k->fn)
    k->fn(k->ctx, msg);
}

typedef struct {
  size_t datasets, bare;
} visit_counts;

static herr_t count_dataset(hid_t obj, const char *name, const H5O_info_t *info, void *data) {
  visit_counts *c = data;
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  c->datasets++;
  hid_t d = H5Oopen(obj, name, H5P_DEFAULT); /* by name: addresses are 1.10's, tokens 1.12's */
  hid_t p = d >= 0 ? H5Dget_create_plist(d) : -1;
  int has = 0;
  if (p >= 0) {
    unsigned flags;
    has = H5Pget_filter_by_id2(p, H5Z_FILTER_FLETCHER32, &flags, NULL, NULL, 0, NULL, NULL) >= 0;
    H5Pclose(p);
  }
  if (d >= 0)
    H5Oclose(d);
  c->bare += !has;
  return 0;
}

tc_status tc_store_checksums(tc_store *s, size_t *datasets, size_t *unchecksummed, int *metadata,
                             tc_err *err) {
  hid_t f = tc_store_file_id(s);
  tc_h5_quiet();
  H5F_info2_t fi;
  if (H5Fget_info2(f, &fi) < 0)
    return tc_h5_fail(err, tc_store_path(s), "cannot read the file's superblock");
  *metadata = fi.super.version >= 2;
  visit_counts c = {0, 0};
  if (H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, count_dataset, &c) < 0)
    return tc_h5_fail(err, tc_store_path(s), "cannot walk the objects of the file");
  *datasets = c.datasets;
  *unchecksummed = c.bare;
  return TC_OK;
}

/* The bucket group's own attributes must repeat its bucket table row. */
static void check_attrs(tc_store *s, const tc_store_bucket_meta *m, sink *k) {
  char name[64];
  snprintf(name, sizeof name, "%s/%" PRId64, TC_H5_G_BUCKETS, m->t0);
  hid_t g = H5Gopen2(tc_store_file_id(s), name, H5P_DEFAULT);
  if (g < 0) {
    tc_err e;
    tc_h5_fail(&e, tc_store_path(s), "cannot open bucket group '/%s'", name);
    problem(k, "%s", e.msg);
    return;
  }
  tc_store_bucket_meta a;
  int bad = tc_h5_attr_get(g, TC_H5_B_T0, TC_H5_I64, &a.t0) | tc_h5_attr_get(g, TC_H5_B_ROWS, TC_H5_U64, &a.rows) |
            tc_h5_attr_get(g, TC_H5_B_VESSELS, TC_H5_U64, &a.vessels) |
            tc_h5_attr_get(g, TC_H5_B_T_MIN, TC_H5_I64, &a.t_min) |
            tc_h5_attr_get(g, TC_H5_B_T_MAX, TC_H5_I64, &a.t_max);
  if (bad)
    problem(k, "%s: bucket %" PRId64 ": its attributes t0, rows, vessels, t_min, t_max are missing or unreadable",
            tc_store_path(s), m->t0);
  else if (a.t0 != m->t0 || a.rows != m->rows || a.vessels != m->vessels || a.t_min != m->t_min ||
           a.t_max != m->t_max)
    problem(k, "%s: bucket %" PRId64 ": its attributes (t0 %" PRId64 ", rows %" PRIu64 ", vessels %" PRIu64
            ") differ from its /%s row (t0 %" PRId64 ", rows %" PRIu64 ", vessels %" PRIu64 ")",
            tc_store_path(s), m->t0, a.t0, a.rows, a.vessels, TC_H5_G_TABLE, m->t0, m->rows, m->vessels);
  H5Gclose(g);
}

/* Every row of bucket b, slice by slice, each row's MMSI against the index span it is in. */
static tc_status check_bucket(tc_store *s, size_t b, tc_columns *cols, sink *k, tc_err *err) {
  tc_store_bucket_meta m;
  tc_store_bucket_get_meta(s, b, &m);
  check_attrs(s, &m, k);
  tc_err e;
  tc_err_clear(&e);
  const uint32_t *im = NULL;
  const uint64_t *is = NULL, *ic = NULL;
  size_t ni = 0;
  int have_index = tc_store_read_index(s, b, &im, &is, &ic, &ni, &e) == TC_OK;
  if (!have_index)
    problem(k, "%s", e.msg);
  uint64_t chunk = 0;
  if (tc_store_bucket_chunk(s, b, &chunk, &e) != TC_OK) {
    problem(k, "%s", e.msg);
    return TC_OK;
  }
  uint64_t slice = chunk ? chunk * (CHECK_SLICE_ROWS > chunk ? CHECK_SLICE_ROWS / chunk : 1) : m.rows;
  size_t j = 0; /* index entry of the current row */
  for (uint64_t row = 0; row < m.rows; row += slice) {
    uint64_t n = m.rows - row < slice ? m.rows - row : slice;
    tc_status st = tc_store_read_bucket_slice(s, b, row, n, cols, TC_COL_ALL, 0, &e);
    if (st == TC_ERR_NOMEM)
      return tc_fail(err, st, "%s", e.msg);
    if (st != TC_OK) {
      problem(k, "%s", e.msg);
      return TC_OK; /* the rest of the bucket would only repeat it */
    }
    k->r->rows += n;
    for (size_t i = 0; have_index && i < n; i++) {
      uint64_t r = row + i;
      while (j < ni && r >= is[j] + ic[j])
        j++;
      if (j == ni || cols->mmsi[i] != im[j]) {
        problem(k, "%s: bucket %" PRId64 ": dataset 'mmsi', row %" PRIu64 ": MMSI %u, the vessel index "
                "says %u", tc_store_path(s), m.t0, r, (unsigned)cols->mmsi[i], j < ni ? (unsigned)im[j] : 0u);
        have_index = 0;
      }
    }
  }
  return TC_OK;
}

static void check_tables(tc_store *s, sink *k) {
  tc_err e;
  tc_err_clear(&e);
  const tc_vessel_static *v;
  size_t nv;
  if (tc_store_vessels(s, &v, &nv, &e) != TC_OK) {
    problem(k, "%s", e.msg);
  } else {
    for (size_t i = 1; i < nv; i++)
      if (v[i].mmsi < v[i - 1].mmsi || (v[i].mmsi == v[i - 1].mmsi && v[i].t < v[i - 1].t)) {
        problem(k, "%s: /%s, row %zu: not sorted by (mmsi, valid_from)", tc_store_path(s), TC_H5_G_VESSELS, i);
        break;
      }
  }
  const tc_store_srcfile *src;
  size_t ns;
  if (tc_store_sources(s, &src, &ns, &e) != TC_OK) {
    problem(k, "%s", e.msg);
    return;
  }
  for (size_t i = 0; i < ns; i++) {
    size_t h = strspn(src[i].sha256, "0123456789abcdef");
    if (h != 64 || src[i].sha256[64]) {
      problem(k, "%s: /%s/%s, row %zu: not 64 lowercase hex digits", tc_store_path(s), TC_H5_G_SOURCES,
              TC_H5_S_SHA, i);
      break;
    }
  }
}

tc_status tc_store_check(const char *path, tc_store_problem_fn fn, void *ctx,
                         tc_store_check_report *r, tc_err *err) {
  memset(r, 0, sizeof *r);
  sink k = {fn, ctx, r};
  tc_store *s = NULL;
  tc_err e;
  tc_err_clear(&e);
  tc_status st = tc_store_open(path, &s, &e);
  if (st == TC_ERR_NOMEM || st == TC_ERR_IO) /* missing, unreadable, a directory: no verdict */
    return tc_fail(err, st, "%s", e.msg);
  if (st != TC_OK) {
    problem(&k, "%s", e.msg);
    return TC_OK;
  }
  tc_store_set_verify_all(s, 1);
  tc_columns cols;
  tc_columns_init(&cols);
  if (tc_store_checksums(s, &r->datasets, &r->unchecksummed, &r->metadata_checksums, &e) != TC_OK)
    problem(&k, "%s", e.msg);
  const tc_store_info *in = tc_store_get_info(s);
  for (size_t b = 0; b < in->nbuckets && st == TC_OK; b++, r->buckets++)
    st = check_bucket(s, b, &cols, &k, err);
  if (st == TC_OK)
    check_tables(s, &k);
  tc_columns_free(&cols);
  tc_store_close(s);
  return st;
}
