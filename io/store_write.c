#include "io/store_write.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "io/codec.h"
#include "io/codec_pack.h"
#include "io/deflate_planes.h"
#include "io/store_schema.h"

/* Distinct MMSIs over the whole store: open addressing, 0 = empty (MMSI 0 is never stored). */
typedef struct {
  uint32_t *slot;
  size_t cap, n;
} mmsi_set;

static int set_add(mmsi_set *s, uint32_t m) {
  if (2 * (s->n + 1) > s->cap) {
    size_t ncap = s->cap ? 2 * s->cap : 4096;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
      return -1;
    for (size_t i = 0; i < s->cap; i++)
      if (s->slot[i]) {
        size_t j = (s->slot[i] * 2654435761u) & (ncap - 1);
        while (ns[j])
          j = (j + 1) & (ncap - 1);
        ns[j] = s->slot[i];
      }
    free(s->slot);
    s->slot = ns;
    s->cap = ncap;
  }
  size_t j = (m * 2654435761u) & (s->cap - 1);
  while (s->slot[j] && s->slot[j] != m)
    j = (j + 1) & (s->cap - 1);
  if (!s->slot[j]) {
    s->slot[j] = m;
    s->n++;
  }
  return 0;
}

struct tc_store_writer {
  hid_t file, buckets;
  int space_fd;       /* the file again, for reserving disk space (-1: none) */
  uint64_t reserved;  /* bytes from offset 0 allocated to the file so far */
  char *path, *store;
  tc_store_writer_opts o;
  mmsi_set vessels;
  /* bucket table */
  tc_store_bucket_meta *table;
  size_t nb, cap_b;
  uint64_t rows;
  /* the bucket being streamed */
  int open;
  hid_t g, d[TC_H5_NCOLS];
  tc_store_bucket_meta cur;
  size_t chunk;
  tc_columns buf;
  uint64_t written;
  uint32_t last_mmsi;
  int64_t last_t;
  unsigned char *shuf[TC_H5_NCOLS], *zbuf[TC_H5_NCOLS]; /* per-column chunk scratch */
  size_t zcap[TC_H5_NCOLS], zlen[TC_H5_NCOLS], scratch_rows;
  uint32_t *ix_mmsi;
  uint64_t *ix_start, *ix_count;
  size_t ix_n, ix_cap;
  /* the delta codec's mode of each chunk of the bucket, per column */
  uint8_t *modes[TC_H5_NCOLS];
  uint64_t *pbytes[TC_H5_NCOLS]; /* the pack codec's packed bytes of each chunk */
  size_t nmodes, cap_modes;
};

static hid_t pack_dset_create(hid_t g, const char *name, hid_t type, size_t chunk);

static tc_codec codec_of(const tc_store_writer_opts *o) {
  return o->pack ? TC_CODEC_PACK
         : o->delta ? TC_CODEC_DELTA
         : o->deflate_level > 0 ? TC_CODEC_DEFLATE
                                : TC_CODEC_NONE;
}

/* The file type of column c: transformed columns hold unsigned integers of its width. */
static hid_t col_file_type(const tc_store_writer *w, int c) {
  size_t es = tc_h5_kind_size(tc_h5_col_kind(c));
  if (tc_codec_transforms(codec_of(&w->o), c))
    return es == 8 ? H5T_STD_U64LE : es == 4 ? H5T_STD_U32LE : H5T_STD_U16LE;
  return tc_h5_file_type(tc_h5_col_kind(c));
}

/* Disk space is reserved before HDF5 writes anything that needs it. HDF5 1.10 does not
 * survive a failed write: after ENOSPC in H5Ocopy or a flush it crashes (a double
 * close in H5Ocopy's cleanup, H5F__close_cb at exit) and leaves the temporary file.
 * So every bucket, index and table first has its largest possible size allocated to
 * the file with fallocate(FALLOC_FL_KEEP_SIZE) beyond what it already holds; a full
 * disk is then a named error from fallocate, before HDF5 is asked to write. Where the
 * filesystem cannot preallocate, the free space (statvfs) is compared instead.
 * tc_store_writer_finish gives back what was reserved and not used. */
#define RESERVE_SLACK ((uint64_t)256 << 10) /* object headers, B-tree nodes, heaps */

static uint64_t row_bytes(void) {
  uint64_t b = 0;
  for (int c = 0; c < TC_H5_NCOLS; c++)
    b += tc_h5_kind_size(tc_h5_col_kind(c));
  return b;
}

static tc_status reserve(tc_store_writer *w, uint64_t bytes, const char *what, tc_err *err) {
  struct stat sb;
  if (w->space_fd < 0 || fstat(w->space_fd, &sb) != 0)
    return TC_OK;
  hsize_t h5size = 0;
  uint64_t used = (uint64_t)sb.st_size;
  if (H5Fget_filesize(w->file, &h5size) >= 0 && h5size > used)
    used = h5size; /* allocated by HDF5, not yet written */
  uint64_t want = used + bytes + RESERVE_SLACK;
  if (want <= w->reserved)
    return TC_OK;
  int e = 0;
  if (fallocate(w->space_fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)want) != 0) {
    e = errno;
    if (e == EOPNOTSUPP || e == ENOSYS) {
      struct statvfs fs;
      e = 0;
      if (fstatvfs(w->space_fd, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < want - used)
        e = ENOSPC;
    }
  }
  if (e) {
    struct statvfs fs;
    double free_mb = fstatvfs(w->space_fd, &fs) == 0 ? (double)fs.f_bavail * fs.f_frsize / 1e6 : -1;
    return tc_fail(err, TC_ERR_IO, "%s: %s: writing %s into '%s' needs up to %.1f MB more disk space "
                   "(%.1f MB free there)", w->store, strerror(e), what, w->path,
                   (double)(want - (w->reserved > used ? w->reserved : used)) / 1e6, free_mb);
  }
  w->reserved = want;
  return TC_OK;
}

/* Gives back the space reserved past the end of the closed file: shrinking a file
 * frees every block beyond its new end, preallocated ones included. */
static tc_status release_reserve(tc_store_writer *w, tc_err *err) {
  struct stat sb;
  if (w->space_fd < 0 || !w->reserved)
    return TC_OK;
  if (fstat(w->space_fd, &sb) != 0 || ftruncate(w->space_fd, sb.st_size + 1) != 0 ||
      ftruncate(w->space_fd, sb.st_size) != 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot trim '%s': %s", w->store, w->path, strerror(errno));
  w->reserved = 0;
  return TC_OK;
}

/* Bytes bucket k of src takes in its file: its datasets' storage and a margin for
 * their headers. */
static uint64_t stored_bucket_bytes(tc_store *src, int64_t t0) {
  char name[64];
  snprintf(name, sizeof name, "%s/%" PRId64, TC_H5_G_BUCKETS, t0);
  hid_t g = H5Gopen2(tc_store_file_id(src), name, H5P_DEFAULT);
  if (g < 0)
    return 0;
  uint64_t total = 0;
  H5G_info_t gi;
  if (H5Gget_info(g, &gi) >= 0)
    for (hsize_t i = 0; i < gi.nlinks; i++) {
      hid_t d = H5Oopen_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT);
      if (d < 0)
        continue;
      if (H5Iget_type(d) == H5I_DATASET)
        total += H5Dget_storage_size(d) + 4096;
      H5Oclose(d);
    }
  H5Gclose(g);
  return total;
}

tc_status tc_store_writer_create(const char *file_path, const char *store_path,
                                 const tc_store_writer_opts *o, tc_store_writer **out, tc_err *err) {
  *out = NULL;
  tc_h5_quiet();
  if (o->bucket_s <= 0 || o->deflate_level < 0 || o->deflate_level > 9 ||
      ((o->delta || o->pack) && o->deflate_level == 0))
    return tc_fail(err, TC_ERR_ARG, "%s: bad store options (bucket %" PRId64 " s, deflate %d%s)",
                   store_path, o->bucket_s, o->deflate_level,
                   o->pack ? ", codec pack" : o->delta ? ", codec delta" : "");
  tc_store_writer *w = calloc(1, sizeof *w);
  if (!w)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", store_path);
  w->file = w->buckets = w->g = w->space_fd = -1;
  for (int c = 0; c < TC_H5_NCOLS; c++)
    w->d[c] = -1;
  tc_columns_init(&w->buf);
  if (!(w->path = strdup(file_path)) || !(w->store = strdup(store_path))) {
    tc_store_writer_free(w);
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", store_path);
  }
  w->o = *o;
  if (!w->o.chunk_rows)
    w->o.chunk_rows = TC_STORE_CHUNK_ROWS;
  /* The newest file format: checksummed metadata (superblock, object headers, chunk
   * indexes), so a flipped byte there is an error too. */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0)
    w->file = H5Fcreate(file_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (w->file < 0) {
    tc_status st = tc_h5_fail(err, store_path, "cannot create '%s'", file_path);
    tc_store_writer_free(w);
    return st;
  }
  w->space_fd = open(file_path, O_RDWR | O_CLOEXEC);
  tc_status rs = w->space_fd < 0 ? tc_fail(err, TC_ERR_IO, "%s: cannot open '%s': %s", store_path,
                                           file_path, strerror(errno))
                                 : reserve(w, 0, "the file's header", err);
  if (rs != TC_OK) {
    tc_store_writer_free(w);
    return rs;
  }
  w->buckets = H5Gcreate2(w->file, TC_H5_G_BUCKETS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (w->buckets < 0) {
    tc_status st = tc_h5_fail(err, store_path, "cannot create group '/%s'", TC_H5_G_BUCKETS);
    tc_store_writer_free(w);
    return st;
  }
  *out = w;
  return TC_OK;
}

static tc_status table_push(tc_store_writer *w, const tc_store_bucket_meta *m, tc_err *err) {
  if (w->nb && m->t0 <= w->table[w->nb - 1].t0)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 " written after bucket %" PRId64,
                   w->store, m->t0, w->table[w->nb - 1].t0);
  if (w->nb == w->cap_b) {
    size_t nc = w->cap_b ? 2 * w->cap_b : 64;
    tc_store_bucket_meta *t = realloc(w->table, nc * sizeof *t);
    if (!t)
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the bucket table", w->store);
    w->table = t;
    w->cap_b = nc;
  }
  w->table[w->nb++] = *m;
  w->rows += m->rows;
  return TC_OK;
}

tc_status tc_store_writer_copy_bucket(tc_store_writer *w, tc_store *src, size_t k, tc_err *err) {
  tc_store_bucket_meta m;
  if (w->open || tc_store_bucket_get_meta(src, k, &m) != TC_OK)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: bad bucket copy (bucket %zu)", w->store, k);
  if (tc_store_get_info(src)->bucket_s != w->o.bucket_s)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: copying a bucket of another length", w->store);
  const uint32_t *mmsi;
  const uint64_t *start, *count;
  size_t n;
  TC_TRY(tc_store_read_index(src, k, &mmsi, &start, &count, &n, err));
  for (size_t i = 0; i < n; i++)
    if (set_add(&w->vessels, mmsi[i]) < 0)
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the vessel set", w->store);
  char from[64], to[32];
  snprintf(from, sizeof from, "%s/%" PRId64, TC_H5_G_BUCKETS, m.t0);
  snprintf(to, sizeof to, "%" PRId64, m.t0);
  uint64_t bytes = stored_bucket_bytes(src, m.t0);
  if (!bytes) /* unknown: the largest it can be, uncompressed */
    bytes = m.rows * row_bytes() + m.vessels * 20;
  char what[64];
  snprintf(what, sizeof what, "bucket %" PRId64, m.t0);
  TC_TRY(reserve(w, bytes, what, err));
  tc_h5_quiet();
  if (H5Ocopy(tc_store_file_id(src), from, w->buckets, to, H5P_DEFAULT, H5P_DEFAULT) < 0)
    return tc_h5_fail(err, w->store, "cannot copy bucket '/%s' into '%s'", from, w->path);
  return table_push(w, &m, err);
}

static tc_status scratch_reserve(tc_store_writer *w, tc_err *err);

tc_status tc_store_writer_begin_bucket(tc_store_writer *w, int64_t t0, uint64_t max_rows, tc_err *err) {
  if (w->open || (w->nb && t0 <= w->table[w->nb - 1].t0) || max_rows == 0)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 " begun out of order", w->store, t0);
  char name[32];
  snprintf(name, sizeof name, "%" PRId64, t0);
  /* equal chunks of at most chunk_rows, not full ones and a mostly empty last one:
   * an uncompressed chunk is stored whole, and readers decode whole chunks */
  uint64_t nchunks = (max_rows + w->o.chunk_rows - 1) / w->o.chunk_rows;
  w->chunk = (size_t)((max_rows + nchunks - 1) / nchunks);
  if (tc_columns_reserve(&w->buf, w->chunk) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for a write buffer", w->store);
  TC_TRY(scratch_reserve(w, err));
  /* uncompressed, or deflate's stored blocks at worst; the index at end_bucket */
  char what[64];
  snprintf(what, sizeof what, "bucket %" PRId64, t0);
  TC_TRY(reserve(w, max_rows * row_bytes() + max_rows / 64 + nchunks * TC_H5_NCOLS * 64, what, err));
  w->buf.n = 0;
  w->g = H5Gcreate2(w->buckets, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (w->g < 0)
    return tc_h5_fail(err, w->store, "cannot create group '/%s/%s'", TC_H5_G_BUCKETS, name);
  w->open = 1;
  for (int c = 0; c < TC_H5_NCOLS; c++) {
    w->d[c] = w->o.pack ? pack_dset_create(w->g, tc_h5_col_name(c), col_file_type(w, c), w->chunk)
                        : tc_h5_dset_create(w->g, tc_h5_col_name(c), col_file_type(w, c), 0,
                                            w->chunk, w->o.deflate_level, 1);
    if (w->d[c] < 0)
      return tc_h5_fail(err, w->store, "cannot create dataset '/%s/%s/%s'", TC_H5_G_BUCKETS, name,
                        tc_h5_col_name(c));
  }
  w->cur = (tc_store_bucket_meta){.t0 = t0, .t_min = INT64_MAX, .t_max = INT64_MIN};
  w->written = 0;
  w->ix_n = 0;
  w->nmodes = 0;
  return TC_OK;
}

/* A bucket column of the pack codec: chunked, deflate (its chunks are zlib streams
 * of stored blocks, io/codec_pack.h) and fletcher32, no shuffle (the packed bytes
 * are read back in order). */
static hid_t pack_dset_create(hid_t g, const char *name, hid_t type, size_t chunk) {
  hsize_t dims = 0, maxdims = H5S_UNLIMITED, cdims = chunk;
  hid_t sp = H5Screate_simple(1, &dims, &maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
  if (sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &cdims) >= 0 && H5Pset_deflate(dcpl, 1) >= 0 &&
      H5Pset_fletcher32(dcpl) >= 0 && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0)
    d = H5Dcreate2(g, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (sp >= 0)
    H5Sclose(sp);
  return d;
}

/* Scratch for compressing one chunk of every column. */
static tc_status scratch_reserve(tc_store_writer *w, tc_err *err) {
  if (w->o.deflate_level == 0 || w->scratch_rows >= w->chunk)
    return TC_OK;
  for (int c = 0; c < TC_H5_NCOLS; c++) {
    size_t bytes = w->chunk * tc_h5_kind_size(tc_h5_col_kind(c));
    free(w->shuf[c]);
    free(w->zbuf[c]);
    size_t es = tc_h5_kind_size(tc_h5_col_kind(c)), zb = tc_deflate_planes_bound(bytes, es),
           pb = tc_pack_chunk_bound(w->chunk, es, bytes);
    w->zcap[c] = (zb > pb ? zb : pb) + 4;
    w->shuf[c] = malloc(bytes);
    w->zbuf[c] = malloc(w->zcap[c]);
    if (!w->shuf[c] || !w->zbuf[c]) {
      w->scratch_rows = 0;
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for compression buffers", w->store);
    }
  }
  w->scratch_rows = w->chunk;
  return TC_OK;
}

/* What HDF5's shuffle, deflate and Fletcher-32 filters would make of one chunk (rows
 * past n zero), so chunks can be compressed on several threads and written with
 * H5Dwrite_chunk; readers see an ordinary shuffle + deflate + fletcher32 dataset, whose
 * incompressible byte planes are stored blocks (io/deflate_planes.h). 0 or -1. */
static int compress_chunk(tc_store_writer *w, int c) {
  size_t es = tc_h5_kind_size(tc_h5_col_kind(c)), n = w->buf.n, rows = w->chunk;
  unsigned char *src = tc_h5_col_ptr(&w->buf, c), *dst = w->shuf[c];
  if (tc_codec_transforms(codec_of(&w->o), c)) /* in place: the buffer is emptied after */
    w->modes[c][w->nmodes] = tc_codec_encode(c, src, n);
  if (w->o.pack) {
    w->zlen[c] = tc_pack_chunk(src, n, es, rows * es, w->zbuf[c], w->zcap[c] - 4, &w->pbytes[c][w->nmodes]);
    if (!w->zlen[c])
      return -1;
  } else {
    memset(src + n * es, 0, (rows - n) * es);
  for (size_t b = 0; b < es; b++)
    for (size_t i = 0; i < rows; i++)
      dst[b * rows + i] = src[i * es + b];
  if (tc_deflate_planes(dst, rows, es, w->o.deflate_level, w->zbuf[c], w->zcap[c] - 4, &w->zlen[c]) != 0)
    return -1;
  }
  uint32_t sum = tc_h5_fletcher32_of(w->zbuf[c], w->zlen[c]);
  unsigned char *tail = w->zbuf[c] + w->zlen[c];
  for (int i = 0; i < 4; i++)
    tail[i] = (unsigned char)(sum >> 8 * i);
  w->zlen[c] += 4;
  return 0;
}

/* Appends the buffered rows to every column (one extent change and one write each). */
static tc_status flush(tc_store_writer *w, tc_err *err) {
  if (w->buf.n == 0)
    return TC_OK;
  hsize_t ext = w->written + w->buf.n, off = w->written;
  int failed = 0;
  if (w->nmodes == w->cap_modes) {
    size_t nc = w->cap_modes ? 2 * w->cap_modes : 16;
    for (int c = 0; c < TC_H5_NCOLS; c++) {
      uint8_t *m = realloc(w->modes[c], nc);
      if (m)
        w->modes[c] = m;
      uint64_t *b = m ? realloc(w->pbytes[c], nc * sizeof *b) : NULL;
      if (!b)
        return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for chunk modes", w->store);
      w->pbytes[c] = b;
    }
    w->cap_modes = nc;
  }
  if (w->o.deflate_level > 0) {
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
#endif
    for (int c = 0; c < TC_H5_NCOLS; c++)
      failed |= compress_chunk(w, c) != 0;
    if (failed)
      return tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 ": zlib compression failed",
                     w->store, w->cur.t0);
  }
  for (int c = 0; c < TC_H5_NCOLS; c++) {
    int bad = H5Dset_extent(w->d[c], &ext) < 0;
    if (!bad && w->o.deflate_level > 0)
      bad = H5Dwrite_chunk(w->d[c], H5P_DEFAULT, 0, &off, w->zlen[c], w->zbuf[c]) < 0;
    else if (!bad)
      bad = tc_h5_dset_write(w->d[c], tc_h5_native(tc_h5_col_kind(c)), w->written, w->buf.n,
                             tc_h5_col_ptr(&w->buf, c)) < 0;
    if (bad)
      return tc_h5_fail(err, w->store, "bucket %" PRId64 ": cannot write dataset '%s' rows %" PRIu64
                        "..%llu", w->cur.t0, tc_h5_col_name(c), w->written, (unsigned long long)ext);
  }
  w->written = ext;
  w->buf.n = 0;
  w->nmodes++;
  return TC_OK;
}

tc_status tc_store_writer_add(tc_store_writer *w, const tc_fix *f, tc_err *err) {
  size_t n = w->buf.n;
  uint64_t row = w->written + n;
  if (row > 0 && (f->mmsi < w->last_mmsi || (f->mmsi == w->last_mmsi && f->t <= w->last_t)))
    return tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 ": rows out of (mmsi, t) order",
                   w->store, w->cur.t0);
  w->last_mmsi = f->mmsi;
  w->last_t = f->t;
  if (f->t < w->cur.t0 || f->t - w->cur.t0 >= w->o.bucket_s)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: time %" PRId64 " outside bucket %" PRId64, w->store,
                   f->t, w->cur.t0);
  if (row == 0 || f->mmsi != w->ix_mmsi[w->ix_n - 1]) {
    if (w->ix_n == w->ix_cap) {
      size_t nc = w->ix_cap ? 2 * w->ix_cap : 1024;
      if (!tc_h5_index_resize(&w->ix_mmsi, &w->ix_start, &w->ix_count, nc))
        return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for a vessel index", w->store);
      w->ix_cap = nc;
    }
    w->ix_mmsi[w->ix_n] = f->mmsi;
    w->ix_start[w->ix_n] = row;
    w->ix_count[w->ix_n++] = 0;
    if (set_add(&w->vessels, f->mmsi) < 0)
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the vessel set", w->store);
  }
  w->ix_count[w->ix_n - 1]++;
  if (f->t < w->cur.t_min)
    w->cur.t_min = f->t;
  if (f->t > w->cur.t_max)
    w->cur.t_max = f->t;
  w->buf.mmsi[n] = f->mmsi;
  w->buf.t[n] = f->t;
  w->buf.lat[n] = f->lat;
  w->buf.lon[n] = f->lon;
  w->buf.sog[n] = f->sog;
  w->buf.cog[n] = f->cog;
  w->buf.heading[n] = f->heading;
  w->buf.n = n + 1;
  if (w->buf.n == w->chunk)
    return flush(w, err);
  return TC_OK;
}

static void close_bucket(tc_store_writer *w) {
  for (int c = 0; c < TC_H5_NCOLS; c++) {
    if (w->d[c] >= 0)
      H5Dclose(w->d[c]);
    w->d[c] = -1;
  }
  if (w->g >= 0)
    H5Gclose(w->g);
  w->g = -1;
  w->open = 0;
}

static int put_attrs(hid_t loc, const tc_store_bucket_meta *m) {
  return tc_h5_attr_put(loc, TC_H5_B_T0, TC_H5_I64, &m->t0) | tc_h5_attr_put(loc, TC_H5_B_ROWS, TC_H5_U64, &m->rows) |
         tc_h5_attr_put(loc, TC_H5_B_VESSELS, TC_H5_U64, &m->vessels) |
         tc_h5_attr_put(loc, TC_H5_B_T_MIN, TC_H5_I64, &m->t_min) |
         tc_h5_attr_put(loc, TC_H5_B_T_MAX, TC_H5_I64, &m->t_max);
}

/* The delta codec's attributes of a transformed dataset: its chunks' modes and, for
 * people reading the file, what was done to it. */
static int put_array_attr(hid_t d, const char *name, hid_t ft, hid_t mt, const void *v, size_t n) {
  hsize_t dims = n;
  hid_t sp = H5Screate_simple(1, &dims, NULL), a = -1;
  int ok = sp >= 0 && (a = H5Acreate2(d, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, mt, v) >= 0;
  if (a >= 0)
    ok = H5Aclose(a) >= 0 && ok;
  if (sp >= 0)
    H5Sclose(sp);
  return ok ? 0 : -1;
}

static int put_modes(hid_t d, int c, const uint8_t *modes, const uint64_t *pbytes, size_t n) {
  int ok = put_array_attr(d, TC_CODEC_A_MODES, H5T_STD_U8LE, H5T_NATIVE_UINT8, modes, n) == 0 &&
           (!pbytes || put_array_attr(d, TC_CODEC_A_BYTES, H5T_STD_U64LE, H5T_NATIVE_UINT64, pbytes, n) == 0);
  const char *what = c == TC_H5_T      ? "per chunk: zigzag(t[i] - t[i-1]), t[-1] = 0"
                     : c == TC_H5_MMSI ? "per chunk: zigzag(mmsi[i] - mmsi[i-1]), mmsi[-1] = 0"
                     : c == TC_H5_HEADING
                         ? "per chunk: zigzag(heading[i] - heading[i-1]), heading[-1] = 0, 16 bits"
                         : "per chunk: zigzag(v[i] - v[i-1]), v[-1] = 0, v = round(x * 10^k) "
                           "when chunk_modes = k > 0, else the IEEE bits of x";
  char full[256];
  snprintf(full, sizeof full, "%s%s", what,
           pbytes ? "; then bit-packed in pieces of 128 rows, chunk_bytes bytes a chunk (docs/format.md)" : "");
  return ok && tc_h5_attr_put_str(d, TC_CODEC_A_TRANSFORM, full) == 0 ? 0 : -1;
}

tc_status tc_store_writer_end_bucket(tc_store_writer *w, tc_err *err) {
  if (!w->open)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: end of a bucket never begun", w->store);
  TC_TRY(flush(w, err));
  tc_status st = TC_OK;
  w->cur.rows = w->written;
  w->cur.vessels = w->ix_n;
  int lv = w->o.deflate_level;
  char what[64];
  snprintf(what, sizeof what, "the index of bucket %" PRId64, w->cur.t0);
  if (w->written == 0)
    st = tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 " is empty", w->store, w->cur.t0);
  else if ((st = reserve(w, (uint64_t)w->ix_n * 20 + 4096, what, err)) != TC_OK)
    ;
  else if (tc_h5_put_array(w->g, TC_H5_I_MMSI, H5T_STD_U32LE, H5T_NATIVE_UINT32, w->ix_n, w->ix_mmsi, lv) < 0 ||
           tc_h5_put_array(w->g, TC_H5_I_START, H5T_STD_U64LE, H5T_NATIVE_UINT64, w->ix_n, w->ix_start, lv) < 0 ||
           tc_h5_put_array(w->g, TC_H5_I_COUNT, H5T_STD_U64LE, H5T_NATIVE_UINT64, w->ix_n, w->ix_count, lv) < 0)
    st = tc_h5_fail(err, w->store, "bucket %" PRId64 ": cannot write its vessel index", w->cur.t0);
  else if (put_attrs(w->g, &w->cur) != 0)
    st = tc_h5_fail(err, w->store, "bucket %" PRId64 ": cannot write its attributes", w->cur.t0);
  for (int c = 0; c < TC_H5_NCOLS && st == TC_OK; c++)
    if (tc_codec_transforms(codec_of(&w->o), c) &&
        put_modes(w->d[c], c, w->modes[c], w->o.pack ? w->pbytes[c] : NULL, w->nmodes) != 0)
      st = tc_h5_fail(err, w->store, "bucket %" PRId64 ": cannot write the chunk modes of '%s'", w->cur.t0,
                      tc_h5_col_name(c));
  for (int c = 0; c < TC_H5_NCOLS && st == TC_OK; c++) {
    if (H5Dclose(w->d[c]) < 0)
      st = tc_h5_fail(err, w->store, "bucket %" PRId64 ": cannot close dataset '%s'", w->cur.t0,
                      tc_h5_col_name(c));
    w->d[c] = -1;
  }
  close_bucket(w);
  if (st != TC_OK)
    return st;
  return table_push(w, &w->cur, err);
}

static tc_status write_root(tc_store_writer *w, const tc_clean_counts *clean, tc_store_info *in,
                            tc_err *err) {
  int32_t version = tc_codec_version(codec_of(&w->o)), level = w->o.deflate_level;
  uint64_t nb = w->nb, chunk = w->o.chunk_rows;
  hid_t f = w->file;
  int bad = tc_h5_attr_put_str(f, TC_H5_A_FORMAT, TC_H5_MAGIC) |
            tc_h5_attr_put(f, TC_H5_A_VERSION, TC_H5_I32, &version) |
            tc_h5_attr_put(f, TC_H5_A_BUCKET_S, TC_H5_I64, &in->bucket_s) |
            tc_h5_attr_put(f, TC_H5_A_T_MIN, TC_H5_I64, &in->t_min) |
            tc_h5_attr_put(f, TC_H5_A_T_MAX, TC_H5_I64, &in->t_max) |
            tc_h5_attr_put(f, TC_H5_A_ROWS, TC_H5_U64, &in->rows) |
            tc_h5_attr_put(f, TC_H5_A_VESSELS, TC_H5_U64, &in->vessels) |
            tc_h5_attr_put(f, TC_H5_A_BUCKETS, TC_H5_U64, &nb) |
            tc_h5_attr_put_str(f, TC_H5_A_CODEC, tc_codec_name(codec_of(&w->o))) |
            tc_h5_attr_put(f, TC_H5_A_LEVEL, TC_H5_I32, &level) |
            tc_h5_attr_put(f, TC_H5_A_CHUNK, TC_H5_U64, &chunk) |
            tc_h5_attr_put_str(f, TC_H5_A_CREATED_BY, "trajcorr " TRAJCORR_VERSION);
  size_t off;
  const char *name;
  for (size_t i = 0; (name = tc_h5_clean_field(i, &off)); i++) {
    char an[64];
    snprintf(an, sizeof an, TC_H5_CLEAN_PREFIX "%s", name);
    bad |= tc_h5_attr_put(f, an, TC_H5_U64, (const char *)clean + off);
  }
  if (bad)
    return tc_h5_fail(err, w->store, "cannot write the root attributes");
  return TC_OK;
}

static tc_status write_table(tc_store_writer *w, tc_err *err) {
  tc_status st = TC_OK;
  size_t n = w->nb, m = n ? n : 1;
  int64_t *i64 = malloc(m * 8 * 5);
  if (!i64)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the bucket table", w->store);
  int64_t *t0 = i64, *tmin = i64 + m, *tmax = i64 + 2 * m;
  uint64_t *rows = (uint64_t *)(i64 + 3 * m), *ves = (uint64_t *)(i64 + 4 * m);
  for (size_t k = 0; k < n; k++) {
    t0[k] = w->table[k].t0, tmin[k] = w->table[k].t_min, tmax[k] = w->table[k].t_max;
    rows[k] = w->table[k].rows, ves[k] = w->table[k].vessels;
  }
  hid_t g = H5Gcreate2(w->file, TC_H5_G_TABLE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0 ||
      tc_h5_put_array(g, TC_H5_B_T0, H5T_STD_I64LE, H5T_NATIVE_INT64, n, t0, 0) < 0 ||
      tc_h5_put_array(g, TC_H5_B_ROWS, H5T_STD_U64LE, H5T_NATIVE_UINT64, n, rows, 0) < 0 ||
      tc_h5_put_array(g, TC_H5_B_VESSELS, H5T_STD_U64LE, H5T_NATIVE_UINT64, n, ves, 0) < 0 ||
      tc_h5_put_array(g, TC_H5_B_T_MIN, H5T_STD_I64LE, H5T_NATIVE_INT64, n, tmin, 0) < 0 ||
      tc_h5_put_array(g, TC_H5_B_T_MAX, H5T_STD_I64LE, H5T_NATIVE_INT64, n, tmax, 0) < 0)
    st = tc_h5_fail(err, w->store, "cannot write the bucket table '/%s'", TC_H5_G_TABLE);
  if (g >= 0)
    H5Gclose(g);
  free(i64);
  return st;
}

tc_status tc_store_writer_finish(tc_store_writer *w, const tc_clean_counts *clean,
                                 const tc_vessel_static *vessels, size_t nvessels,
                                 const tc_store_srcfile *sources, size_t nsources,
                                 tc_store_info *info, tc_err *err) {
  if (w->open || w->file < 0)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: finish with a bucket open", w->store);
  tc_store_info in = {.format_version = tc_codec_version(codec_of(&w->o)),
                      .bucket_s = w->o.bucket_s,
                      .rows = w->rows,
                      .vessels = w->vessels.n,
                      .nbuckets = w->nb,
                      .nsources = nsources,
                      .deflate_level = w->o.deflate_level,
                      .clean = *clean};
  for (size_t k = 0; k < w->nb; k++) {
    if (k == 0 || w->table[k].t_min < in.t_min)
      in.t_min = w->table[k].t_min;
    if (k == 0 || w->table[k].t_max > in.t_max)
      in.t_max = w->table[k].t_max;
  }
  /* the tables, and HDF5's metadata flushed at close (a few hundred bytes a dataset) */
  TC_TRY(reserve(w, (uint64_t)w->nb * (40 + TC_H5_NCOLS * 512 + 4096) + (uint64_t)nvessels * sizeof *vessels +
                        (uint64_t)nsources * sizeof *sources + ((uint64_t)1 << 20),
                 "the bucket, vessel and source tables", err));
  TC_TRY(write_table(w, err));
  TC_TRY(tc_h5_write_vessels(w->file, w->store, vessels, nvessels, w->o.deflate_level, err));
  TC_TRY(tc_h5_write_sources(w->file, w->store, sources, nsources, err));
  TC_TRY(write_root(w, clean, &in, err));
  H5Gclose(w->buckets);
  w->buckets = -1;
  herr_t rc = H5Fclose(w->file);
  w->file = -1;
  if (rc < 0)
    return tc_h5_fail(err, w->store, "cannot close '%s' (disk full?)", w->path);
  TC_TRY(release_reserve(w, err));
  if (fsync(w->space_fd) != 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot fsync '%s': %s", w->store, w->path, strerror(errno));
  if (info)
    *info = in;
  return TC_OK;
}

void tc_store_writer_free(tc_store_writer *w) {
  if (!w)
    return;
  close_bucket(w);
  if (w->buckets >= 0)
    H5Gclose(w->buckets);
  if (w->file >= 0)
    H5Fclose(w->file);
  if (w->space_fd >= 0)
    close(w->space_fd);
  free(w->path);
  free(w->store);
  free(w->vessels.slot);
  free(w->table);
  tc_columns_free(&w->buf);
  for (int c = 0; c < TC_H5_NCOLS; c++)
    free(w->shuf[c]), free(w->zbuf[c]), free(w->modes[c]), free(w->pbytes[c]);
  free(w->ix_mmsi);
  free(w->ix_start);
  free(w->ix_count);
  free(w);
}
