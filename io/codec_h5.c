#include "io/codec_h5.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "io/codec.h"
#include "io/codec_pack.h"
#include "io/hugepages.h"
#include "io/store_schema.h"

hid_t tc_codec_stored_type(int c) {
  size_t es = tc_h5_kind_size(tc_h5_col_kind(c));
  return es == 8 ? H5T_NATIVE_UINT64 : es == 4 ? H5T_NATIVE_UINT32 : H5T_NATIVE_UINT16;
}

tc_status tc_codec_modes(hid_t d, int c, uint64_t rows, uint64_t chunk, uint8_t **modes, const char *path,
                         int64_t t0, tc_err *err) {
  *modes = NULL;
  const char *cn = tc_h5_col_name(c);
  uint64_t want = chunk ? (rows + chunk - 1) / chunk : 0;
  hid_t a = H5Aopen(d, TC_CODEC_A_MODES, H5P_DEFAULT), sp = a >= 0 ? H5Aget_space(a) : -1;
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  uint8_t *m = n >= 0 && (uint64_t)n == want ? malloc(want ? (size_t)want : 1) : NULL;
  int ok = m && H5Aread(a, H5T_NATIVE_UINT8, m) >= 0;
  for (uint64_t i = 0; ok && i < want; i++) { /* a mode the column cannot have: damage */
    unsigned char probe[8] = {0};
    ok = tc_codec_decode(c, m[i], probe, 1) == 0;
  }
  if (sp >= 0)
    H5Sclose(sp);
  if (a >= 0)
    H5Aclose(a);
  if (!ok) {
    free(m);
    H5Eclear2(H5E_DEFAULT);
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': attribute '%s' is missing or "
                   "does not hold one valid delta-codec mode per chunk (%" PRIu64 " chunks)", path, t0, cn,
                   TC_CODEC_A_MODES, want);
  }
  *modes = m;
  return TC_OK;
}

tc_status tc_codec_chunk_bytes(hid_t d, int c, uint64_t rows, uint64_t chunk, uint64_t **bytes, const char *path,
                               int64_t t0, tc_err *err) {
  *bytes = NULL;
  size_t es = tc_h5_kind_size(tc_h5_col_kind(c));
  uint64_t want = chunk ? (rows + chunk - 1) / chunk : 0;
  hid_t a = H5Aopen(d, TC_CODEC_A_BYTES, H5P_DEFAULT), sp = a >= 0 ? H5Aget_space(a) : -1;
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  uint64_t *b = n >= 0 && (uint64_t)n == want ? malloc(want ? (size_t)want * sizeof *b : 1) : NULL;
  int ok = b && H5Aread(a, H5T_NATIVE_UINT64, b) >= 0;
  for (uint64_t i = 0; ok && i < want; i++) { /* a chunk's pieces lie within its rows */
    uint64_t len = rows - i * chunk < chunk ? rows - i * chunk : chunk;
    ok = b[i] <= len * es;
  }
  if (sp >= 0)
    H5Sclose(sp);
  if (a >= 0)
    H5Aclose(a);
  if (!ok) {
    free(b);
    H5Eclear2(H5E_DEFAULT);
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': attribute '%s' is missing or "
                   "does not hold one packed length per chunk (%" PRIu64 " chunks), each within its rows",
                   path, t0, tc_h5_col_name(c), TC_CODEC_A_BYTES, want);
  }
  *bytes = b;
  return TC_OK;
}

/* Unpacks the pack codec's chunks of tmp (rows [r0, r1) as HDF5 read them: each
 * chunk's pieces, then zeros) in place, chunk by chunk. 0, or -1 when one is damaged. */
static int unpack_chunks(unsigned char *tmp, const uint64_t *bytes, uint64_t c0, uint64_t c1, uint64_t chunk,
                         uint64_t rows, uint64_t r0, size_t es) {
  unsigned char *src = NULL;
  int bad = 0;
  for (uint64_t k = c0; !bad && k < c1; k++) {
    uint64_t a = k * chunk, b = a + chunk < rows ? a + chunk : rows;
    if (!bytes[k])
      continue;
    unsigned char *at = tmp + (size_t)(a - r0) * es;
    if (!src && !(src = malloc((size_t)chunk * es + 8)))
      return -1;
    memcpy(src, at, (size_t)bytes[k]);
    memset(src + bytes[k], 0, 8);
    bad = tc_pack_decode(src, (size_t)bytes[k], (size_t)(b - a), es, at) != 0;
  }
  free(src);
  return bad ? -1 : 0;
}

tc_status tc_codec_read_rows(hid_t d, int c, int codec, uint64_t rows, uint64_t start, uint64_t n, void *buf,
                             tc_codec_cache *cache, const char *path, int64_t t0, tc_err *err) {
  const char *cn = tc_h5_col_name(c);
  size_t es = tc_h5_kind_size(tc_h5_col_kind(c));
  if (n == 0)
    return TC_OK;
  if (cache->buf && cache->t0 == t0 && start >= cache->r0 && start + n <= cache->r1) {
    memcpy(buf, cache->buf + (size_t)(start - cache->r0) * es, (size_t)n * es);
    return TC_OK;
  }
  hid_t p = H5Dget_create_plist(d);
  hsize_t chunk = 0;
  int chunked = p >= 0 && H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 1, &chunk) == 1 && chunk > 0;
  if (p >= 0)
    H5Pclose(p);
  if (!chunked || start + n > rows)
    return tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s' is not chunked as the delta "
                   "codec writes it", path, t0, cn);
  uint8_t *modes = NULL;
  uint64_t *pb = NULL;
  TC_TRY(tc_codec_modes(d, c, rows, chunk, &modes, path, t0, err));
  if (codec == TC_CODEC_PACK) {
    tc_status sb = tc_codec_chunk_bytes(d, c, rows, chunk, &pb, path, t0, err);
    if (sb != TC_OK) {
      free(modes);
      return sb;
    }
  }
  uint64_t c0 = start / chunk, c1 = (start + n + chunk - 1) / chunk;
  uint64_t r0 = c0 * chunk, r1 = c1 * chunk < rows ? c1 * chunk : rows;
  size_t bytes = (size_t)(r1 - r0) * es;
  unsigned char *tmp = bytes <= cache->cap ? cache->buf : tc_realloc_huge(cache->buf, bytes);
  cache->buf = tmp ? tmp : cache->buf;
  cache->cap = tmp && bytes > cache->cap ? bytes : cache->cap;
  cache->r0 = cache->r1 = 0; /* holds nothing until decoded */
  tc_status st = TC_OK;
  if (!tmp)
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for %" PRIu64 " rows of '%s'", path, r1 - r0, cn);
  else if (tc_h5_dset_read(d, tc_codec_stored_type(c), r0, r1 - r0, tmp) < 0)
    st = tc_h5_fail(err, path, "bucket %" PRId64 ": cannot read dataset '%s'", t0, cn);
  else if (pb && unpack_chunks(tmp, pb, c0, c1, chunk, rows, r0, es) != 0)
    st = tc_fail(err, TC_ERR_FORMAT, "%s: bucket %" PRId64 ": dataset '%s': a chunk's packed pieces are damaged "
                 "(rows %" PRIu64 "..%" PRIu64 ")", path, t0, cn, r0, r1);
  for (uint64_t k = c0; st == TC_OK && k < c1; k++) {
    uint64_t a = k * chunk, b = a + chunk < rows ? a + chunk : rows;
    tc_codec_decode(c, modes[k], tmp + (size_t)(a - r0) * es, (size_t)(b - a)); /* modes checked */
  }
  if (st == TC_OK) {
    memcpy(buf, tmp + (size_t)(start - r0) * es, (size_t)n * es);
    cache->t0 = t0, cache->r0 = r0, cache->r1 = r1;
  }
  free(modes);
  free(pb);
  return st;
}
