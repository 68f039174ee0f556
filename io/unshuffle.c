#include "io/unshuffle.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define TC_UNSHUFFLE_SSE2 1
#endif

static void unshuffle_bytes(const unsigned char *src, size_t stride, size_t es, size_t a, size_t n,
                            unsigned char *out) {
  for (size_t e = a; e < n; e++)
    for (size_t b = 0; b < es; b++)
      out[e * es + b] = src[b * stride + e];
}

#ifdef TC_UNSHUFFLE_SSE2
#define LD(b) _mm_loadu_si128((const __m128i *)(const void *)(src + (b) * stride + e))
#define ST(k, v) _mm_storeu_si128((__m128i *)(void *)(o + 16 * (k)), v)

/* 16 elements a step: interleaving planes pairwise at byte, then 16-bit, then 32-bit
 * width turns 8 plane vectors into 8 vectors of two whole elements each. */
static size_t unshuffle8(const unsigned char *src, size_t stride, size_t n, unsigned char *out) {
  size_t e = 0;
  for (; e + 16 <= n; e += 16) {
    __m128i p0 = LD(0), p1 = LD(1), p2 = LD(2), p3 = LD(3), p4 = LD(4), p5 = LD(5), p6 = LD(6), p7 = LD(7);
    __m128i t0 = _mm_unpacklo_epi8(p0, p1), t1 = _mm_unpackhi_epi8(p0, p1);
    __m128i t2 = _mm_unpacklo_epi8(p2, p3), t3 = _mm_unpackhi_epi8(p2, p3);
    __m128i t4 = _mm_unpacklo_epi8(p4, p5), t5 = _mm_unpackhi_epi8(p4, p5);
    __m128i t6 = _mm_unpacklo_epi8(p6, p7), t7 = _mm_unpackhi_epi8(p6, p7);
    __m128i u0 = _mm_unpacklo_epi16(t0, t2), u1 = _mm_unpackhi_epi16(t0, t2); /* bytes 0-3 of 0-3, 4-7 */
    __m128i u2 = _mm_unpacklo_epi16(t1, t3), u3 = _mm_unpackhi_epi16(t1, t3); /* of 8-11, 12-15 */
    __m128i v0 = _mm_unpacklo_epi16(t4, t6), v1 = _mm_unpackhi_epi16(t4, t6); /* bytes 4-7 */
    __m128i v2 = _mm_unpacklo_epi16(t5, t7), v3 = _mm_unpackhi_epi16(t5, t7);
    unsigned char *o = out + e * 8;
    ST(0, _mm_unpacklo_epi32(u0, v0));
    ST(1, _mm_unpackhi_epi32(u0, v0));
    ST(2, _mm_unpacklo_epi32(u1, v1));
    ST(3, _mm_unpackhi_epi32(u1, v1));
    ST(4, _mm_unpacklo_epi32(u2, v2));
    ST(5, _mm_unpackhi_epi32(u2, v2));
    ST(6, _mm_unpacklo_epi32(u3, v3));
    ST(7, _mm_unpackhi_epi32(u3, v3));
  }
  return e;
}

static size_t unshuffle4(const unsigned char *src, size_t stride, size_t n, unsigned char *out) {
  size_t e = 0;
  for (; e + 16 <= n; e += 16) {
    __m128i p0 = LD(0), p1 = LD(1), p2 = LD(2), p3 = LD(3);
    __m128i t0 = _mm_unpacklo_epi8(p0, p1), t1 = _mm_unpackhi_epi8(p0, p1);
    __m128i t2 = _mm_unpacklo_epi8(p2, p3), t3 = _mm_unpackhi_epi8(p2, p3);
    unsigned char *o = out + e * 4;
    ST(0, _mm_unpacklo_epi16(t0, t2));
    ST(1, _mm_unpackhi_epi16(t0, t2));
    ST(2, _mm_unpacklo_epi16(t1, t3));
    ST(3, _mm_unpackhi_epi16(t1, t3));
  }
  return e;
}

static size_t unshuffle2(const unsigned char *src, size_t stride, size_t n, unsigned char *out) {
  size_t e = 0;
  for (; e + 16 <= n; e += 16) {
    __m128i p0 = LD(0), p1 = LD(1);
    unsigned char *o = out + e * 2;
    ST(0, _mm_unpacklo_epi8(p0, p1));
    ST(1, _mm_unpackhi_epi8(p0, p1));
  }
  return e;
}
#undef LD
#undef ST
#endif

void tc_unshuffle(const unsigned char *planes, size_t stride, size_t es, size_t n, unsigned char *out) {
  size_t done = 0;
#ifdef TC_UNSHUFFLE_SSE2
  if (es == 8)
    done = unshuffle8(planes, stride, n, out);
  else if (es == 4)
    done = unshuffle4(planes, stride, n, out);
  else if (es == 2)
    done = unshuffle2(planes, stride, n, out);
#endif
  unshuffle_bytes(planes, stride, es, done, n, out);
}
