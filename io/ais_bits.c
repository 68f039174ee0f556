/* 6-bit armouring of AIVDM payloads (ITU-R M.1371 / IEC 61162-1 §8.2.3). */
#include "io/ais_bits.h"

#include <string.h>

/* Bytes past nbits are kept zero by append, so clearing needs only the length and
 * the first window a reader may load. */
void tc_ais_bits_clear(tc_ais_bits *b) {
  b->nbits = 0;
  memset(b->b, 0, 8);
}

tc_ais_bits_status tc_ais_bits_append(tc_ais_bits *b, const char *payload, size_t n, int fill) {
  if (fill < 0 || fill > 5 || (n == 0 && fill != 0))
    return TC_AIS_BITS_BAD_FILL;
  if (n > (TC_AIS_MAX_BITS - b->nbits) / 6)
    return TC_AIS_BITS_TOO_LONG;
  /* shift 6-bit values into an accumulator and store whole bytes; a partial first
   * byte (the previous fragment's tail) is taken back into the accumulator */
  size_t at = b->nbits >> 3;
  unsigned have = (unsigned)(b->nbits & 7);
  uint32_t acc = have ? (uint32_t)b->b[at] >> (8 - have) : 0;
  for (size_t i = 0; i < n; i++) {
    int v = tc_ais_armor_value((unsigned char)payload[i]);
    if (v < 0)
      return TC_AIS_BITS_BAD_CHAR;
    acc = acc << 6 | (uint32_t)v;
    have += 6;
    if (have >= 8) {
      have -= 8;
      b->b[at++] = (uint8_t)(acc >> have);
    }
  }
  size_t nbits = b->nbits + 6 * n - (size_t)fill;
  if (have)
    b->b[at++] = (uint8_t)(acc << (8 - have));
  memset(b->b + at, 0, 8); /* the window after the end reads as zero */
  /* clear the fill bits so the tail reads as zero */
  if (fill) {
    size_t k = nbits >> 3;
    b->b[k] &= (uint8_t)(0xFF00u >> (nbits & 7));
    for (k++; k < at; k++)
      b->b[k] = 0;
  }
  b->nbits = nbits;
  return TC_AIS_BITS_OK;
}

uint32_t tc_ais_bits_u(const tc_ais_bits *b, size_t start, unsigned len) {
  if (len == 0 || len > 32 || start >= TC_AIS_MAX_BITS)
    return 0;
  uint64_t w;
  memcpy(&w, b->b + (start >> 3), 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return (uint32_t)((w << (start & 7)) >> (64 - len));
}

int32_t tc_ais_bits_s(const tc_ais_bits *b, size_t start, unsigned len) {
  uint32_t u = tc_ais_bits_u(b, start, len);
  if (len > 0 && len < 32 && (u >> (len - 1)) & 1u)
    return (int32_t)((int64_t)u - ((int64_t)1 << len));
  return (int32_t)u;
}

void tc_ais_bits_text(const tc_ais_bits *b, size_t start, size_t nchars, char *out) {
  static const char sixbit[64] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";
  size_t k = 0;
  for (size_t i = 0; i < nchars && start + 6 * (i + 1) <= b->nbits; i++) {
    char c = sixbit[tc_ais_bits_u(b, start + 6 * i, 6)];
    if (c == '@')
      break;
    out[k++] = c;
  }
  while (k > 0 && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
}
