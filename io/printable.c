#include "io/printable.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes) and its code point; 0 when
 * the bytes are not one (overlong forms, surrogates, beyond U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp) {
  size_t k;
  uint32_t c, min;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    k = 2, c = p[0] & 0x1f, min = 0x80;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    k = 3, c = p[0] & 0x0f, min = 0x800;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    k = 4, c = p[0] & 0x07, min = 0x10000;
  else
    return 0;
  if (k > n)
    return 0;
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (p[i] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return 0;
  *cp = c;
  return k;
}

/* Code points a terminal or a bidirectional text renderer acts on. */
static int active(uint32_t c) {
  return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x200e || c == 0x200f || c == 0x061c;
}

/* Writes what fits; with reserve, keeps room for the ellipsis after every piece but
 * the last. Returns 1 when all of src[0..len) (within max_in) was written. */
static int emit(char *dst, size_t cap, const unsigned char *p, size_t len, size_t max_in, int reserve,
                size_t *out) {
  static const size_t ell = 3; /* U+2026 in UTF-8 */
  size_t o = 0, i = 0;
  int all = 1;
  while (i < len) {
    char piece[16];
    size_t pn, used;
    uint32_t cp;
    if (p[i] >= 0x20 && p[i] < 0x7f) {
      piece[0] = (char)p[i], pn = 1, used = 1;
    } else if (p[i] >= 0x80 && (used = utf8_seq(p + i, len - i, &cp)) > 0) {
      if (active(cp))
        pn = (size_t)snprintf(piece, sizeof piece, "\\u{%04x}", (unsigned)cp);
      else
        memcpy(piece, p + i, used), pn = used;
    } else {
      pn = (size_t)snprintf(piece, sizeof piece, "\\x%02x", p[i]), used = 1;
    }
    int last = i + used >= len;
    if ((max_in && i >= max_in) || o + pn + (reserve && !last ? ell : 0) + 1 > cap) {
      all = 0;
      break;
    }
    memcpy(dst + o, piece, pn);
    o += pn;
    i += used;
  }
  *out = o;
  return all;
}

const char *tc_printable(char *dst, size_t cap, const void *src, size_t len, size_t max_in) {
  size_t o;
  if (!cap)
    return dst;
  if (!emit(dst, cap, src, len, max_in, 0, &o)) {
    emit(dst, cap, src, len, max_in, 1, &o);
    if (o + 4 <= cap)
      memcpy(dst + o, "\xe2\x80\xa6", 3), o += 3;
  }
  dst[o] = '\0';
  return dst;
}
