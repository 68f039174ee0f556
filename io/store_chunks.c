#include "io/store_chunks.h"

#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef TRAJCORR_HAVE_LIBDEFLATE
#include <libdeflate.h>
#else
#include <zlib.h>
#endif

#include "io/codec.h"
#include "io/codec_h5.h"
#include "io/codec_pack.h"
#include "io/store_schema.h"
#include "io/unshuffle.h"

#ifdef _OPENMP
#include <omp.h>
#endif


enum { JOB_OK, JOB_CORRUPT, JOB_BADSUM, JOB_RANGE, JOB_IO };

/* One column of the bucket, as the raw path sees it. */
typedef struct {
  hid_t d;
  int c, fast, filtered, checksum;
  size_t es, chunk;
  size_t c0, c1;       /* the chunks the rows asked for lie in */
  int coded;           /* the delta codec's transform: decoded after inflating */
  uint8_t *modes;      /* its mode per chunk (fast columns only) */
  int packed;          /* the pack codec's chunks (io/codec_pack.h) */
  uint64_t *pbytes;    /* their packed bytes per chunk */
} col_plan;

/* One stored chunk and where its rows go. */
typedef struct {
  unsigned char *dst;  /* the chunk's first row in its column */
  unsigned char *src;  /* raw bytes: at dst (when they fit there) or in the spill buffer */
  size_t spill_off, zlen, first, n, chunk, es;
  haddr_t addr;        /* in the file */
  hid_t d;             /* its dataset */
  unsigned mask;       /* filters skipped */
  int c, filtered, checksum, in_dst, bad, err_no;
  int all_sums;        /* verify the Fletcher-32 of compressed chunks too */
  int coded;           /* undo the delta codec's transform (mode) after inflating */
  uint8_t mode;
  int packed;          /* a pack codec chunk; pbytes: its packed bytes (0: the values as they are) */
  uint64_t pbytes;
  double lim;          /* lat/lon: the rows must lie in [-lim, lim] (0: no such rule) */
} chunk_job;

/* Recognises our layout: 1-D chunked, filters exactly shuffle then deflate, or none,
 * either followed by fletcher32 (stores written before checksums have none); with
 * packed, exactly deflate then fletcher32 (the pack codec's). */
static int plain_layout(hid_t d, int packed, hsize_t *chunk, int *filtered, int *checksum) {
  hid_t p = H5Dget_create_plist(d);
  if (p < 0)
    return 0;
  int ok = H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 1, chunk) == 1 && *chunk > 0;
  int nf = ok ? H5Pget_nfilters(p) : -1;
  H5Z_filter_t id[3] = {-1, -1, -1};
  for (int i = 0; ok && i < nf && i < 3; i++) {
    unsigned flags, cd[8];
    size_t ncd = 8;
    id[i] = H5Pget_filter2(p, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
  }
  *checksum = nf > 0 && id[nf - 1 < 3 ? nf - 1 : 0] == H5Z_FILTER_FLETCHER32;
  int rest = nf - *checksum; /* filters before the checksum */
  *filtered = rest == 2;
  if (packed)
    ok = ok && rest == 1 && *checksum && id[0] == H5Z_FILTER_DEFLATE;
  else if (rest == 2)
    ok = ok && id[0] == H5Z_FILTER_SHUFFLE && id[1] == H5Z_FILTER_DEFLATE;
  else if (rest != 0)
    ok = 0;
  H5Pclose(p);
  return ok;
}

/* Raw chunk bytes are in the file's type: usable only when that is the native one. */
static int native_type(hid_t d, hid_t mem_type) {
  hid_t ft = H5Dget_type(d);
  if (ft < 0)
    return 0;
  int same = H5Tequal(ft, mem_type) > 0;
  H5Tclose(ft);
  return same;
}

/* The descriptor under a read-only file on the default (sec2) driver with no user
 * block, where chunk addresses are plain file offsets; -1 otherwise. Reading chunks
 * with pread lets every thread read its own instead of one thread calling HDF5. */
static int raw_fd(hid_t file) {
  unsigned intent = 0;
  hsize_t ub = 1;
  hid_t fapl = H5Fget_access_plist(file), fcpl = H5Fget_create_plist(file);
  int ok = fapl >= 0 && fcpl >= 0 && H5Pget_driver(fapl) == H5FD_SEC2 &&
           H5Pget_userblock(fcpl, &ub) >= 0 && ub == 0 && H5Fget_intent(file, &intent) >= 0 &&
           intent == H5F_ACC_RDONLY;
  if (fapl >= 0)
    H5Pclose(fapl);
  if (fcpl >= 0)
    H5Pclose(fcpl);
  void *h = NULL;
  if (!ok || H5Fget_vfd_handle(file, H5P_DEFAULT, &h) < 0 || !h)
    return -1;
  return *(int *)h;
}

/* Rows decoded per piece after inflating: the piece is unshuffled, its delta
 * transform undone and its coordinates checked while it is in L1, one pass over the
 * column instead of one per step. */
#define PIECE_ROWS 512
_Static_assert(PIECE_ROWS == TC_PACK_BLOCK, "a pack codec stored block is decoded as one piece");

/* zlib-format inflate of exactly out_len bytes: libdeflate when the build found it
 * (same bytes out, several times faster, faster Adler-32 too), else zlib. */
#ifdef TRAJCORR_HAVE_LIBDEFLATE
typedef struct libdeflate_decompressor inflater;
static inflater *inflater_new(void) { return libdeflate_alloc_decompressor(); }
static void inflater_free(inflater *z) {
  if (z)
    libdeflate_free_decompressor(z);
}
static int inflate_exact(inflater *z, const unsigned char *src, size_t len, unsigned char *out,
                         size_t out_len) {
  return libdeflate_zlib_decompress(z, src, len, out, out_len, NULL) == LIBDEFLATE_SUCCESS;
}
#else
typedef char inflater;
static inflater *inflater_new(void) { return malloc(1); }
static void inflater_free(inflater *z) { free(z); }
static int inflate_exact(inflater *z, const unsigned char *src, size_t len, unsigned char *out,
                         size_t out_len) {
  (void)z;
  uLongf got = (uLongf)out_len;
  return uncompress(out, &got, src, (uLong)len) == Z_OK && got == out_len;
}
#endif

static int read_at(int fd, unsigned char *buf, size_t len, haddr_t off) {
  while (len > 0) {
    ssize_t r = pread(fd, buf, len, (off_t)off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return r < 0 ? errno : EIO;
    buf += r, len -= (size_t)r, off += (haddr_t)r;
  }
  return 0;
}

/* A chunk stored without compression (filters none, or both skipped). */
static int chunk_plain(const chunk_job *j) { return !j->filtered || (j->mask & 3u) == 3u; }

/* Reads (fd >= 0) and decodes one chunk into its rows, checking its Fletcher-32 sum
 * when it has one (HDF5 would; this path must too; see the note on compressed chunks
 * below). tmp: chunk * es + 4 bytes. *decoded: set when an inflated chunk's delta
 * transform and range rule were done here too. */
static int decode_one(chunk_job *j, int fd, inflater *z, unsigned char *tmp, int *decoded) {
  size_t bytes = j->n * j->es, whole = j->chunk * j->es, sum = j->checksum ? 4 : 0;
  int plain = chunk_plain(j);
  unsigned fl_bit = j->filtered ? 4u : 1u; /* the checksum's place in the pipeline */
  if (j->checksum && (j->mask & fl_bit)) /* the checksum is never skipped */
    return JOB_CORRUPT;
  if (j->filtered && !plain && (j->mask & 3u) != 0) /* one filter skipped: not what we write */
    return JOB_CORRUPT;
  if (plain && (j->zlen < bytes + sum || (sum && j->zlen != whole + sum)))
    return JOB_CORRUPT;
  if (fd >= 0 && plain && sum) { /* the rows into place, the rest of the chunk and its sum aside */
    if ((j->err_no = read_at(fd, j->dst, bytes, j->addr)) != 0 ||
        (j->err_no = read_at(fd, tmp, whole - bytes + 4, j->addr + bytes)) != 0)
      return JOB_IO;
    tc_h5_fletcher32 f;
    tc_h5_fletcher32_init(&f);
    tc_h5_fletcher32_add(&f, j->dst, bytes);
    tc_h5_fletcher32_add(&f, tmp, whole - bytes);
    return tc_h5_fletcher32_matches(tc_h5_fletcher32_end(&f), tmp + whole - bytes) ? JOB_OK : JOB_BADSUM;
  }
  if (fd >= 0) { /* a plain chunk is read straight into its rows, and only those */
    if ((j->err_no = read_at(fd, plain ? j->dst : j->src, plain ? bytes : j->zlen, j->addr)) != 0)
      return JOB_IO;
    if (plain)
      return JOB_OK;
  }
  /* A compressed chunk's zlib stream carries the Adler-32 of its inflated bytes, which
   * inflate_exact verifies: damage anywhere in it is caught there at no extra cost, so
   * its Fletcher-32 is verified only when asked (trajcorr check). */
  if (sum && (plain || j->all_sums)) {
    if (j->zlen < 4 || !tc_h5_fletcher32_matches(tc_h5_fletcher32_of(j->src, j->zlen - 4),
                                                 j->src + j->zlen - 4))
      return JOB_BADSUM;
  }
  if (plain) {
    if (!j->in_dst)
      memcpy(j->dst, j->src, bytes);
    return JOB_OK;
  }
  if (!inflate_exact(z, j->src, j->zlen - sum, tmp, j->chunk * j->es))
    return JOB_CORRUPT;
  /* unshuffling may overwrite src: inflated already */
  uint64_t acc = 0, outside = 0;
  for (size_t a = 0; a < j->n; a += PIECE_ROWS) {
    size_t m = j->n - a < PIECE_ROWS ? j->n - a : PIECE_ROWS;
    unsigned char *d = j->dst + a * j->es;
    tc_unshuffle(tmp + a, j->chunk, j->es, m, d);
    if (j->coded)
      tc_codec_decode_more(j->c, j->mode, d, m, &acc); /* modes checked when planned */
    if (j->lim > 0)
      outside |= tc_store_outside((const double *)(const void *)d, m, j->lim);
  }
  *decoded = 1;
  return outside ? JOB_RANGE : JOB_OK;
}

/* Reads (fd >= 0: into tmp) and decodes a pack codec chunk: each stored block's pieces
 * (PIECE_ROWS = TC_PACK_BLOCK rows) straight into their rows, their transform undone and
 * coordinates checked while in L1; the zlib stream's Adler-32 verified over the pieces
 * (and the zeros after them, computed), so nothing of the chunk is inflated. */
static int decode_packed(chunk_job *j, int fd, unsigned char *tmp, int *decoded) {
  const unsigned char *z = j->src;
  if (j->mask != 0 || !j->checksum || j->zlen < 4)
    return JOB_CORRUPT;
  if (fd >= 0) {
    if ((j->err_no = read_at(fd, tmp, j->zlen, j->addr)) != 0)
      return JOB_IO;
    z = tmp;
  }
  if (j->all_sums && !tc_h5_fletcher32_matches(tc_h5_fletcher32_of(z, j->zlen - 4), z + j->zlen - 4))
    return JOB_BADSUM;
  tc_pack_reader r;
  if (tc_pack_begin(&r, z, j->zlen - 4) != 0)
    return JOB_CORRUPT;
  uint64_t acc = 0, outside = 0;
  for (size_t a = 0; a < j->n; a += PIECE_ROWS) {
    size_t m = j->n - a < PIECE_ROWS ? j->n - a : PIECE_ROWS, len;
    unsigned char *d = j->dst + a * j->es;
    const unsigned char *p;
    if (tc_pack_next(&r, &p, &len) != 0)
      return JOB_CORRUPT;
    if (j->pbytes ? tc_pack_decode(p, len, m, j->es, d) != 0 : len != m * j->es)
      return JOB_CORRUPT;
    if (!j->pbytes)
      memcpy(d, p, len);
    tc_codec_decode_more(j->c, j->mode, d, m, &acc); /* modes checked when planned */
    if (j->lim > 0)
      outside |= tc_store_outside((const double *)(const void *)d, m, j->lim);
  }
  if (r.bytes != (j->pbytes ? j->pbytes : j->n * j->es) || tc_pack_end(&r, j->chunk * j->es) != 0)
    return JOB_CORRUPT;
  *decoded = 1;
  return outside ? JOB_RANGE : JOB_OK;
}

/* Decodes a chunk, then checks its coordinates while they are in cache (the range
 * rule of tc_store_check_rows, which then skips them). */
static int decode_checked(chunk_job *j, int fd, inflater *z, unsigned char *tmp) {
  int decoded = 0, r = j->packed ? decode_packed(j, fd, tmp, &decoded) : decode_one(j, fd, z, tmp, &decoded);
  if (decoded)
    return r;
  if (r == JOB_OK && j->coded)
    tc_codec_decode(j->c, j->mode, j->dst, j->n); /* modes checked when planned */
  if (r == JOB_OK && j->lim > 0 && tc_store_outside((const double *)(const void *)j->dst, j->n, j->lim))
    r = JOB_RANGE;
  return r;
}

/* Threads decode_all uses for njobs jobs. */
static int decode_threads(size_t njobs, int threads) {
  int nt = 1;
  (void)threads;
  (void)njobs;
#ifdef _OPENMP
  nt = threads > 0 ? threads : omp_get_max_threads();
  if ((size_t)nt > njobs)
    nt = njobs > 0 ? (int)njobs : 1;
#endif
  return nt;
}

/* Runs every job on decode_threads(njobs, threads) threads, thread i inflating into
 * tmp + i * tmp_bytes; 0 when one failed (marked in its bad). */
static int decode_all(chunk_job *jobs, size_t njobs, int fd, unsigned char *tmp_all,
                      size_t tmp_bytes, int threads) {
  int bad = 0;
  long long nj = (long long)njobs;
  int nt = decode_threads(njobs, threads);
  (void)nt;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(| : bad)
#endif
  {
    int me = 0;
#ifdef _OPENMP
    me = omp_get_thread_num();
#endif
    unsigned char *tmp = tmp_bytes ? tmp_all + (size_t)me * tmp_bytes : NULL;
    inflater *z = tmp_bytes ? inflater_new() : NULL;
    int ready = !tmp_bytes || z;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long long i = 0; i < nj; i++) {
      if (bad)
        continue;
      jobs[i].bad = ready ? decode_checked(&jobs[i], fd, z, tmp) : JOB_IO;
      if (!ready)
        jobs[i].err_no = ENOMEM;
      bad |= jobs[i].bad != JOB_OK;
    }
    inflater_free(z);
  }
  return !bad;
}

/* Opens column c and sees whether its chunks can be read raw: rows [row0, row0 + n)
 * of the bucket's `rows` must then be whole chunks (the bucket's last may be short). */
static tc_status plan_column(tc_store *s, hid_t g, int64_t t0, uint64_t rows, uint64_t row0,
                             uint64_t n, int c, col_plan *p, tc_err *err) {
  const char *cn = tc_h5_col_name(c);
  memset(p, 0, sizeof *p);
  p->c = c;
  p->es = tc_h5_kind_size(tc_h5_col_kind(c));
  p->d = H5Dopen2(g, cn, H5P_DEFAULT);
  if (p->d < 0)
    return tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot open dataset '%s'", t0, cn);
  hid_t sp = H5Dget_space(p->d);
  hsize_t len = 0, chunk = 0;
  int ok = sp >= 0 && H5Sget_simple_extent_dims(sp, &len, NULL) == 1 && len == rows;
  if (sp >= 0)
    H5Sclose(sp);
  if (!ok)
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' does not hold %" PRIu64
                   " rows as the bucket table says", tc_store_path(s), t0, cn, rows);
  /* HDF5 would convert any other type into numbers that are not the stored ones */
  p->coded = tc_codec_transforms(tc_store_get_info(s)->codec, c);
  hid_t mt = p->coded ? tc_codec_stored_type(c) : tc_h5_native(tc_h5_col_kind(c));
  if (!tc_h5_type_matches(p->d, mt))
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': its datatype is not %s "
                   "little-endian as docs/format.md says", tc_store_path(s), t0, cn,
                   p->coded ? (p->es == 8 ? "uint64" : p->es == 4 ? "uint32" : "uint16")
                            : tc_h5_kind_name(tc_h5_col_kind(c)));
  p->packed = tc_store_get_info(s)->codec == TC_CODEC_PACK;
  if (plain_layout(p->d, p->packed, &chunk, &p->filtered, &p->checksum) && native_type(p->d, mt) &&
      chunk <= SIZE_MAX / 16 && row0 % chunk == 0 && (row0 + n == rows || n % chunk == 0)) {
    if (p->coded)
      TC_TRY(tc_codec_modes(p->d, c, rows, chunk, &p->modes, tc_store_path(s), t0, err));
    if (p->packed)
      TC_TRY(tc_codec_chunk_bytes(p->d, c, rows, chunk, &p->pbytes, tc_store_path(s), t0, err));
    p->fast = 1;
    p->chunk = (size_t)chunk;
    p->c0 = (size_t)(row0 / chunk);
    p->c1 = (size_t)((row0 + n + chunk - 1) / chunk);
  }
  return TC_OK;
}

/* Finds each chunk of a column in the file and where its raw bytes go: into its own
 * rows when they fit (the last chunk may also use the capacity past the rows), else
 * into the spill buffer, whose size *spill grows. 0 when HDF5 cannot say, -1 when a
 * chunk's stored length is impossible, 1 otherwise. Row numbers
 * in the jobs count from row0, the first row read. */
static int place_chunks(const col_plan *p, uint64_t rows, uint64_t row0, size_t cap, int fd,
                        int all_sums, unsigned char *dst, chunk_job *jobs, size_t *spill) {
  for (size_t i = p->c0; i < p->c1; i++) {
    chunk_job *j = &jobs[i - p->c0];
    hsize_t off = (hsize_t)(i * p->chunk), sz = 0;
    if (H5Dget_chunk_info_by_coord(p->d, &off, &j->mask, &j->addr, &sz) < 0)
      return 0;
    j->zlen = (size_t)sz;
    j->first = (size_t)(i * p->chunk - row0);
    j->n = rows - i * p->chunk < p->chunk ? (size_t)(rows - i * p->chunk) : p->chunk;
    j->chunk = p->chunk;
    j->es = p->es;
    j->c = p->c;
    j->d = p->d;
    j->filtered = p->filtered;
    j->checksum = p->checksum;
    j->all_sums = all_sums;
    j->coded = p->coded;
    j->mode = p->coded ? p->modes[i] : 0;
    j->packed = p->packed;
    j->pbytes = p->packed ? p->pbytes[i] : 0;
    j->lim = p->c == TC_H5_LAT ? 90.0 : p->c == TC_H5_LON ? 180.0 : 0.0;
    j->dst = dst + j->first * p->es;
    size_t room = (i + 1 == p->c1 ? cap - j->first : j->n) * p->es;
    /* an uncompressed chunk read by pread needs no source buffer (decode_one) */
    /* a packed chunk is read into the thread's scratch, decoded from there into its rows */
    j->in_dst = p->packed ? fd >= 0 : j->zlen <= room || (fd >= 0 && chunk_plain(j));
    /* deflate never grows data by more than a few bytes per 16 KiB block: a longer
     * chunk is a damaged chunk index, not a reason to allocate its length */
    if (j->zlen > (p->packed ? tc_pack_chunk_bound(p->chunk, p->es, p->chunk * p->es) + 4
                             : p->chunk * p->es + p->chunk * p->es / 64 + 1024))
      return -1;
    if (!j->in_dst) {
      j->spill_off = *spill;
      *spill += j->zlen;
    }
  }
  return 1;
}

static int bigger_first(const void *a, const void *b) {
  const chunk_job *x = a, *y = b;
  size_t cx = x->n * x->es + x->zlen, cy = y->n * y->es + y->zlen;
  return cx < cy ? 1 : cx > cy ? -1 : 0;
}

/* Reports the first failed job. */
static tc_status job_failure(tc_store *s, size_t k, int64_t t0, uint64_t row0, const chunk_job *jobs,
                             size_t njobs, const tc_columns *out, tc_err *err) {
  size_t b = 0;
  while (b + 1 < njobs && jobs[b].bad == JOB_OK)
    b++;
  const chunk_job *j = &jobs[b];
  uint64_t row = row0 + j->first;
  if (j->bad == JOB_RANGE) { /* the row and rule, from the whole-slice check of that column */
    unsigned col = j->c == TC_H5_LAT ? TC_COL_LAT : TC_COL_LON;
    tc_status st = tc_store_check_rows(s, k, row0, out, (size_t)(j->first + j->n), col, err);
    return st != TC_OK ? st : tc_fail(err, TC_ERR_INTERNAL, "%s: bucket %" PRId64 ": range check disagrees",
                                      tc_store_path(s), t0);
  }
  if (j->bad == JOB_IO)
    return tc_fail(err, TC_ERR_IO, "%s: bucket %" PRId64 ": cannot read the chunk of '%s' at row %" PRIu64 ": %s",
                   tc_store_path(s), t0, tc_h5_col_name(j->c), row, strerror(j->err_no));
  if (j->bad == JOB_BADSUM)
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': the chunk at row %" PRIu64
                   " fails its Fletcher-32 checksum (damaged on disk)", tc_store_path(s), t0,
                   tc_h5_col_name(j->c), row);
  return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': the chunk at row %" PRIu64
                 " is corrupt (it does not inflate to its length, or fails its zlib Adler-32 checksum, "
                 "or its packed pieces or filter mask are not what the store writes)", tc_store_path(s), t0,
                 tc_h5_col_name(j->c), row);
}

tc_status tc_store_read_bucket_cols(tc_store *s, size_t k, tc_columns *out, unsigned cols,
                                    int threads, tc_err *err) {
  int64_t t0;
  uint64_t rows;
  if (tc_store_bucket(s, k, &t0, &rows) != TC_OK)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu", tc_store_path(s), k);
  return tc_store_read_bucket_slice(s, k, 0, rows, out, cols, threads, err);
}

tc_status tc_store_bucket_chunk(tc_store *s, size_t k, uint64_t *chunk, tc_err *err) {
  tc_h5_quiet();
  int64_t t0;
  uint64_t rows;
  *chunk = 0;
  if (tc_store_bucket(s, k, &t0, &rows) != TC_OK)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu", tc_store_path(s), k);
  char name[96];
  snprintf(name, sizeof name, "%s/%" PRId64 "/%s", TC_H5_G_BUCKETS, t0, tc_h5_col_name(TC_H5_T));
  hid_t d = H5Dopen2(tc_store_file_id(s), name, H5P_DEFAULT);
  if (d < 0)
    return tc_h5_fail(err, tc_store_path(s), "cannot open dataset '/%s'", name);
  hid_t p = H5Dget_create_plist(d);
  hsize_t c = 0;
  if (p >= 0 && H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 1, &c) == 1)
    *chunk = (uint64_t)c;
  if (p >= 0)
    H5Pclose(p);
  H5Dclose(d);
  return TC_OK;
}

tc_status tc_store_read_bucket_slice(tc_store *s, size_t k, uint64_t row0, uint64_t n, tc_columns *out,
                                     unsigned cols, int threads, tc_err *err) {
  tc_h5_quiet();
  out->n = 0;
  int64_t t0;
  uint64_t rows;
  if (tc_store_bucket(s, k, &t0, &rows) != TC_OK)
    return tc_fail(err, TC_ERR_NOT_FOUND, "%s: no bucket %zu", tc_store_path(s), k);
  if (row0 > rows || n > rows - row0)
    return tc_fail(err, TC_ERR_ARG, "%s: bucket %" PRId64 " has no rows %" PRIu64 "..%" PRIu64,
                   tc_store_path(s), t0, row0, row0 + n);
  if (n > SIZE_MAX / 16)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %" PRIu64 " rows", tc_store_path(s), n);
  if (n == 0)
    return TC_OK;
  col_plan plan[TC_H5_NCOLS];
  int np = 0, fd = raw_fd(tc_store_file_id(s));
  chunk_job *jobs = NULL;
  unsigned char *spill = NULL;
  size_t njobs = 0, nspill = 0, tmp_bytes = 0, cap = (size_t)n;
  tc_status st = TC_OK;
  char name[96];
  snprintf(name, sizeof name, "%s/%" PRId64, TC_H5_G_BUCKETS, t0);
  hid_t g = H5Gopen2(tc_store_file_id(s), name, H5P_DEFAULT);
  if (g < 0)
    return tc_h5_fail(err, tc_store_path(s), "cannot open bucket group '/%s'", name);
  for (int c = 0; c < TC_H5_NCOLS && st == TC_OK; c++) {
    if (!(cols & (1u << c)))
      continue;
    col_plan *p = &plan[np];
    st = plan_column(s, g, t0, rows, row0, n, c, p, err);
    if (p->d >= 0)
      np++;
    if (st != TC_OK || !p->fast)
      continue;
    njobs += p->c1 - p->c0;
    size_t need = p->packed ? tc_pack_chunk_bound(p->chunk, p->es, p->chunk * p->es) + 4 : p->chunk * p->es + 4;
    if ((p->filtered || p->checksum) && need > tmp_bytes)
      tmp_bytes = need;
    /* room for a whole last chunk when that wastes little: HDF5 reads whole chunks */
    size_t whole = (p->c1 - p->c0) * p->chunk;
    if (fd < 0 && whole > cap && whole - (size_t)n <= (size_t)n / 8)
      cap = whole;
  }
  if (st != TC_OK)
    goto cleanup;
  if (tc_columns_reserve(out, cap) != TC_OK || !(jobs = calloc(njobs ? njobs : 1, sizeof *jobs))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %" PRIu64 " rows", tc_store_path(s), rows);
    goto cleanup;
  }
  cap = out->cap;
  size_t at = 0;
  int placed;
  for (int q = 0; q < np; q++) {
    col_plan *p = &plan[q];
    unsigned char *dst = tc_h5_col_ptr(out, p->c);
    if (!p->fast && p->coded) {
      if ((st = tc_codec_read_rows(p->d, p->c, tc_store_get_info(s)->codec, rows, row0, n, dst,
                                   tc_store_codec_cache(s, p->c),
                                   tc_store_path(s), t0, err)) != TC_OK)
        goto cleanup;
    } else if (!p->fast) {
      if (tc_h5_dset_read(p->d, tc_h5_native(tc_h5_col_kind(p->c)), row0, n, dst) != 0) {
        st = tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot read dataset '%s'", t0,
                        tc_h5_col_name(p->c));
        goto cleanup;
      }
    } else if ((placed = place_chunks(p, rows, row0, cap, fd, tc_store_verify_all(s), dst, &jobs[at],
                                        &nspill)) != 1) {
      st = placed < 0 ? tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': a chunk's "
                                "stored length is impossible (damaged chunk index)", tc_store_path(s), t0,
                                tc_h5_col_name(p->c))
                      : tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot find the chunks of '%s'",
                                   t0, tc_h5_col_name(p->c));
      goto cleanup;
    } else {
      at += p->c1 - p->c0;
    }
  }
  if (nspill && !(spill = malloc(nspill))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %zu bytes of chunks", tc_store_path(s), nspill);
    goto cleanup;
  }
  for (size_t i = 0; i < njobs; i++) {
    chunk_job *j = &jobs[i];
    j->src = j->in_dst ? j->dst : spill + j->spill_off;
    hsize_t off = (hsize_t)(row0 + j->first);
    uint32_t mask = 0;
    /* without a descriptor, one thread reads every chunk through HDF5 first */
    if (fd < 0 && H5Dread_chunk(j->d, H5P_DEFAULT, &off, &mask, j->src) < 0) {
      st = tc_h5_fail(err, tc_store_path(s), "bucket %" PRId64 ": cannot read the chunk of '%s' at row %zu",
                      t0, tc_h5_col_name(j->c), j->first);
      goto cleanup;
    }
  }
  qsort(jobs, njobs, sizeof *jobs, bigger_first); /* balances the threads' loads */
  unsigned char *tmp = NULL;
  if (tmp_bytes && !(tmp = tc_store_scratch(s, tmp_bytes * (size_t)decode_threads(njobs, threads)))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %zu bytes of chunks", tc_store_path(s), tmp_bytes);
    goto cleanup;
  }
  if (!decode_all(jobs, njobs, fd, tmp, tmp_bytes, threads)) {
    st = job_failure(s, k, t0, row0, jobs, njobs, out, err);
  } else { /* whatever path read them: a store is never trusted */
    unsigned done = 0; /* coordinates checked as their chunks were decoded */
    for (int q = 0; q < np; q++)
      if (plan[q].fast && (plan[q].c == TC_H5_LAT || plan[q].c == TC_H5_LON))
        done |= 1u << plan[q].c;
    st = tc_store_check_rows(s, k, row0, out, (size_t)n, cols & ~done, err);
  }
cleanup:
  for (int q = 0; q < np; q++) {
    H5Dclose(plan[q].d);
    free(plan[q].modes);
    free(plan[q].pbytes);
  }
  H5Gclose(g);
  free(jobs);
  free(spill);
  if (st == TC_OK)
    out->n = (size_t)n;
  else /* the engine reads on a thread of its own: leave no HDF5 error stack to leak */
    H5Eclear2(H5E_DEFAULT);
  return st;
}
