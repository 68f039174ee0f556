#include "io/deflate_planes.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A plane is judged on SAMPLE_PIECES pieces of SAMPLE_PIECE bytes spread over it. */
#define SAMPLE_PIECES 8
#define SAMPLE_PIECE 4096
/* Stored when the sample deflates to more than this share of itself. */
#define INCOMPRESSIBLE 0.97

size_t tc_deflate_planes_bound(size_t bytes, size_t es) {
  /* compressBound covers stored blocks; each change of level ends a block */
  return (size_t)compressBound((uLong)bytes) + 64 * (es + 1);
}

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
