#include "io/store_chunks.h"

#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/store_schema.h"

#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct {
  unsigned char *z;     /* all raw chunks of one column, back to back */
  size_t zcap;
  size_t *zoff, *zlen;  /* per chunk */
  unsigned *mask;       /* per chunk: filters skipped */
  size_t ccap;
} raw_chunks;

/* Recognises our layout: 1-D chunked, filters exactly shuffle then deflate, or none. */
static int plain_layout(hid_t d, hsize_t *chunk, int *filtered) {
  hid_t p = H5Dget_create_plist(d);
  if (p < 0)
    return 0;
  int ok = H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 1, chunk) == 1 && *chunk > 0;
  int nf = ok ? H5Pget_nfilters(p) : -1;
  if (nf == 0) {
    *filtered = 0;
  } else if (nf == 2) {
    unsigned flags, cd[8];
    size_t ncd = 8;
    ok = ok && H5Pget_filter2(p, 0, &flags, &ncd, cd, 0, NULL, NULL) == H5Z_FILTER_SHUFFLE;
    ncd = 8;
    ok = ok && H5Pget_filter2(p, 1, &flags, &ncd, cd, 0, NULL, NULL) == H5Z_FILTER_DEFLATE;
    *filtered = 1;
  } else {
    ok = 0;
  }
  H5Pclose(p);
  return ok;
}

/* Raw chunk bytes are in the file's type: usable only when that is the native one. */
static int native_type(hid_t d, int c) {
  hid_t ft = H5Dget_type(d);
  if (ft < 0)
    return 0;
  int same = H5Tequal(ft, tc_h5_native(tc_h5_col_kind(c))) > 0;
  H5Tclose(ft);
  return same;
}

static int read_raw(hid_t d, hsize_t chunk, size_t nchunks, raw_chunks *r) {
  if (nchunks > r->ccap) {
    size_t *a = realloc(r->zoff, nchunks * sizeof *a), *b;
    if (!a)
      return 0;
    r->zoff = a;
    if (!(b = realloc(r->zlen, nchunks * sizeof *b)))
      return 0;
    r->zlen = b;
    unsigned *m = realloc(r->mask, nchunks * sizeof *m);
    if (!m)
      return 0;
    r->mask = m;
    r->ccap = nchunks;
  }
  size_t total = 0;
  for (size_t i = 0; i < nchunks; i++) {
    hsize_t off = (hsize_t)i * chunk, sz = 0;
    if (H5Dget_chunk_storage_size(d, &off, &sz) < 0)
      return 0;
    r->zoff[i] = total;
    r->zlen[i] = (size_t)sz;
    total += (size_t)sz;
  }
  if (total > r->zcap) {
    unsigned char *z = realloc(r->z, total);
    if (!z)
      return 0;
    r->z = z;
    r->zcap = total;
  }
  for (size_t i = 0; i < nchunks; i++) {
    hsize_t off = (hsize_t)i * chunk;
    uint32_t mask = 0;
    if (H5Dread_chunk(d, H5P_DEFAULT, &off, &mask, r->z + r->zoff[i]) < 0)
      return 0;
    r->mask[i] = mask;
  }
  return 1;
}

/* Inflates and unshuffles every chunk into dst; 0 on a corrupt chunk. */
static int decode(const raw_chunks *r, size_t nchunks, hsize_t chunk, size_t es, int filtered,
                  uint64_t rows, unsigned char *dst, int threads) {
  int bad = 0;
  long long nc = (long long)nchunks;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads()) reduction(| : bad)
#endif
  {
    unsigned char *tmp = filtered ? malloc((size_t)chunk * es) : NULL;
    bad |= filtered && !tmp;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long long i = 0; i < nc; i++) {
      if (bad)
        continue;
      size_t first = (size_t)i * (size_t)chunk;
      size_t n = rows - first < chunk ? (size_t)(rows - first) : (size_t)chunk;
      const unsigned char *src = r->z + r->zoff[i];
      if (!filtered || (r->mask[i] & 3u) == 3u) { /* stored as is */
        if (r->zlen[i] < n * es) {
          bad = 1;
          continue;
        }
        memcpy(dst + first * es, src, n * es);
        continue;
      }
      if (r->mask[i] != 0) { /* one filter skipped: not what we write */
        bad = 1;
        continue;
      }
      uLongf len = (uLongf)((size_t)chunk * es);
      if (uncompress(tmp, &len, src, (uLong)r->zlen[i]) != Z_OK || len != (size_t)chunk * es) {
        bad = 1;
        continue;
      }
      /* shuffle stored byte b of every element together: put them back */
      unsigned char *out = dst + first * es;
      for (size_t b = 0; b < es; b++) {
        const unsigned char *plane = tmp + b * (size_t)chunk;
        for (size_t e = 0; e < n; e++)
          out[e * es + b] = plane[e];
      }
    }
    free(tmp);
  }
  return !bad;
}

tc_status tc_store_read_bucket_cols(tc_store *s, size_t k, tc_columns *out, unsigned cols,
                                    int threads, tc_err *err) {
  tc_h5_quiet();
  out->n = 0;
  int64_t t0;
  uint64_t rows;
  if (tc_store_bucket(s, k, &t0, &rows) != TC_OK)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu", tc_store_path(s), k);
  if (rows > SIZE_MAX / 16 || tc_columns_reserve(out, (size_t)rows) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %" PRIu64 " rows", tc_store_path(s), rows);
  if (rows == 0)
    return TC_OK;
  char name[96];
  snprintf(name, sizeof name, "%s/%" PRId64, TC_H5_G_BUCKETS, t0);
  hid_t g = H5Gopen2(tc_store_file_id(s), name, H5P_DEFAULT);
  if (g < 0)
    return tc_h5_fail(err, tc_store_path(s), "cannot open bucket group '/%s'", name);
  raw_chunks r;
  memset(&r, 0, sizeof r);
  tc_status st = TC_OK;
  for (int c = 0; c < TC_H5_NCOLS && st == TC_OK; c++) {
    if (!(cols & (1u << c)))
      continue;
    const char *cn = tc_h5_col_name(c);
    hid_t d = H5Dopen2(g, cn, H5P_DEFAULT);
    if (d < 0) {
      st = tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot open dataset '%s'", t0, cn);
      break;
    }
    hsize_t chunk = 0;
    int filtered = 0;
    size_t es = tc_h5_kind_size(tc_h5_col_kind(c));
    unsigned char *dst = tc_h5_col_ptr(out, c);
    hid_t sp = H5Dget_space(d);
    hsize_t len = 0;
    int ok = sp >= 0 && H5Sget_simple_extent_dims(sp, &len, NULL) == 1 && len == rows;
    if (sp >= 0)
      H5Sclose(sp);
    if (!ok) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' does not hold %" PRIu64
                   " rows as the bucket table says", tc_store_path(s), t0, cn, rows);
    } else if (plain_layout(d, &chunk, &filtered) && native_type(d, c)) {
      size_t nchunks = (size_t)((rows + chunk - 1) / chunk);
      if (!read_raw(d, chunk, nchunks, &r))
        st = tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot read chunks of '%s'", t0, cn);
      else if (!decode(&r, nchunks, chunk, es, filtered, rows, dst, threads))
        st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' has a corrupt chunk",
                     tc_store_path(s), t0, cn);
    } else if (H5Dread(d, tc_h5_native(tc_h5_col_kind(c)), H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0) {
      st = tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot read dataset '%s'", t0, cn);
    }
    H5Dclose(d);
  }
  H5Gclose(g);
  free(r.z);
  free(r.zoff);
  free(r.zlen);
  free(r.mask);
  if (st == TC_OK)
    out->n = (size_t)rows;
  return st;
}
