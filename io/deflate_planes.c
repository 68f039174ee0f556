#include "io/deflate_planes.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef TRAJCORR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

/* A plane is judged on SAMPLE_PIECES pieces of SAMPLE_PIECE bytes spread over it. */
#define SAMPLE_PIECES 8
#define SAMPLE_PIECE 4096
/* Stored when the sample deflates to more than this share of itself. */
#define INCOMPRESSIBLE 0.97

size_t tc_deflate_planes_bound(size_t bytes, size_t es) {
  /* compressBound covers stored blocks; each change of level ends a block */
  return (size_t)compressBound((uLong)bytes) + 64 * (es + 1);
}

#ifdef TRAJCORR_HAVE_ISAL
/* At level 1 (the default) with ISA-L: its level-1 deflate is several times zlib's
 * speed. The stream is built by hand: zlib header; per plane either ISA-L's blocks
 * (a fresh history, ending with a sync flush's empty stored block, so the next plane
 * starts on a byte) or stored blocks, the last plane's ending the stream; the
 * Adler-32 of all planes. A fresh history per plane matters: a match may not reach
 * into a plane the compressor did not see. */

/* ISA-L raw deflate of n bytes at level 1 into out (cap); the bytes written, or 0 when
 * they did not fit. last: end the stream, else end on a byte boundary. lvl:
 * ISAL_DEF_LVL1_DEFAULT bytes of scratch. */
static size_t isal_plane(const unsigned char *p, size_t n, unsigned char *out, size_t cap, int last,
                         uint8_t *lvl) {
  struct isal_zstream z;
  isal_deflate_init(&z);
  z.level = 1;
  z.level_buf = lvl;
  z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  z.flush = last ? NO_FLUSH : SYNC_FLUSH;
  z.end_of_stream = last;
  z.next_in = (uint8_t *)p;
  z.avail_in = (uint32_t)n;
  z.next_out = out;
  z.avail_out = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
  if (isal_deflate(&z) != COMP_OK || z.avail_in != 0 ||
      z.internal_state.state != (last ? ZSTATE_END : ZSTATE_NEW_HDR))
    return 0;
  return z.total_out;
}

/* Stored blocks of p[0..n) at out, the last one final when last; the bytes written. */
static size_t stored(const unsigned char *p, size_t n, unsigned char *out, int last) {
  size_t o = 0;
  do {
    size_t k = n < 65535 ? n : 65535;
    out[o++] = last && k == n; /* BFINAL, BTYPE 00; the stream is on a byte boundary */
    out[o++] = (unsigned char)k, out[o++] = (unsigned char)(k >> 8);
    out[o++] = (unsigned char)~k, out[o++] = (unsigned char)(~k >> 8);
    memcpy(out + o, p, k);
    o += k, p += k, n -= k;
  } while (n);
  return o;
}

static int planes_isal(const unsigned char *planes, size_t n, size_t es, unsigned char *out, size_t cap,
                       size_t *len) {
  uint8_t *lvl = malloc(ISAL_DEF_LVL1_DEFAULT);
  unsigned char sample[SAMPLE_PIECES * SAMPLE_PIECE], zs[SAMPLE_PIECES * SAMPLE_PIECE];
  size_t o = 2, tail = 4;
  if (!lvl || cap < o + 5 + tail)
    goto fail;
  out[0] = 0x78, out[1] = 0x01; /* deflate, 32 KiB window, no dictionary */
  if (n == 0)
    es = 0;
  for (size_t b = 0; b < es || b == 0; b++) {
    int last = b + 1 >= es;
    if (es == 0) { /* nothing to deflate: one final empty stored block */
      o += stored(planes, 0, out + o, 1);
      break;
    }
    const unsigned char *p = planes + b * n;
    /* judged on a sample as the zlib path does: stored when it does not shrink */
    size_t m = 0;
    if (n <= sizeof sample) {
      memcpy(sample, p, n), m = n;
    } else {
      for (size_t k = 0; k < SAMPLE_PIECES; k++, m += SAMPLE_PIECE)
        memcpy(sample + m, p + k * ((n - SAMPLE_PIECE) / (SAMPLE_PIECES - 1)), SAMPLE_PIECE);
    }
    size_t zl = m < 64 ? 0 : isal_plane(sample, m, zs, sizeof zs, 1, lvl);
    int keep = m >= 64 && (zl == 0 || (double)zl > INCOMPRESSIBLE * (double)m);
    size_t w = keep ? 0 : isal_plane(p, n, out + o, cap - o - tail, last, lvl);
    if (w == 0) { /* stored, also when compressing did not fit */
      if (cap - o - tail < n + 5 * (n / 65535 + 1))
        goto fail;
      w = stored(p, n, out + o, last);
    }
    o += w;
  }
  uLong ad = adler32(1L, Z_NULL, 0);
  for (size_t done = 0, all = n * es; done < all;) { /* adler32 takes a uInt length */
    size_t k = all - done < (1u << 30) ? all - done : (1u << 30);
    ad = adler32(ad, planes + done, (uInt)k);
    done += k;
  }
  out[o++] = (unsigned char)(ad >> 24), out[o++] = (unsigned char)(ad >> 16);
  out[o++] = (unsigned char)(ad >> 8), out[o++] = (unsigned char)ad;
  *len = o;
  free(lvl);
  return 0;
fail:
  free(lvl);
  return -1;
}
#endif

/* 1 when plane p (n bytes) looks incompressible at level. */
static int incompressible(const unsigned char *p, size_t n, int level) {
  unsigned char sample[SAMPLE_PIECES * SAMPLE_PIECE];
  size_t m = 0;
  if (n <= sizeof sample) {
    memcpy(sample, p, n);
    m = n;
  } else {
    for (size_t k = 0; k < SAMPLE_PIECES; k++) {
      memcpy(sample + m, p + k * ((n - SAMPLE_PIECE) / (SAMPLE_PIECES - 1)), SAMPLE_PIECE);
      m += SAMPLE_PIECE;
    }
  }
  if (m < 64)
    return 0;
  uLongf zl = compressBound((uLong)m);
  unsigned char *z = malloc(zl);
  if (!z)
    return 0;
  int bad = compress2(z, &zl, sample, (uLong)m, level) != Z_OK;
  free(z);
  return !bad && (double)zl > INCOMPRESSIBLE * (double)m;
}

int tc_deflate_planes(const unsigned char *planes, size_t n, size_t es, int level, unsigned char *out,
                      size_t cap, size_t *len) {
#ifdef TRAJCORR_HAVE_ISAL
  if (level == 1 && n <= UINT32_MAX)
    return planes_isal(planes, n, es, out, cap, len);
#endif
  z_stream s;
  memset(&s, 0, sizeof s);
  if (n > UINT_MAX || cap > UINT_MAX || deflateInit(&s, level) != Z_OK) /* zlib counts in uInt */
    return -1;
  s.next_out = out;
  s.avail_out = (uInt)cap;
  int ok = 1, cur = level;
  if (n == 0)
    es = 0; /* nothing to deflate: an empty stream */
  for (size_t b = 0; ok && b < es; b++) {
    int want = incompressible(planes + b * n, n, level) ? 0 : level;
    /* a new level ends the block so far (Z_BLOCK), so each plane gets its own */
    if (want != cur)
      ok = deflateParams(&s, want, Z_DEFAULT_STRATEGY) == Z_OK;
    cur = want;
    s.next_in = (unsigned char *)(planes + b * n);
    s.avail_in = (uInt)n;
    int flush = b + 1 == es ? Z_FINISH : Z_NO_FLUSH;
    int r = ok ? deflate(&s, flush) : Z_STREAM_ERROR;
    ok = ok && (flush == Z_FINISH ? r == Z_STREAM_END : r == Z_OK) && s.avail_in == 0;
  }
  if (es == 0 && ok)
    ok = deflate(&s, Z_FINISH) == Z_STREAM_END;
  *len = s.total_out;
  deflateEnd(&s);
  return ok ? 0 : -1;
}
