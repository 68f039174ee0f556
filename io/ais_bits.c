/* 6-bit armouring of AIVDM payloads (ITU-R M.1371 / IEC 61162-1 §8.2.3). */
#include "io/ais_bits.h"

#include <string.h>

void tc_ais_bits_clear(tc_ais_bits *b) { memset(b, 0, sizeof *b); }

tc_ais_bits_status tc_ais_bits_append(tc_ais_bits *b, const char *payload, size_t n, int fill) {
  if (fill < 0 || fill > 5 || (n == 0 && fill != 0))
    return TC_AIS_BITS_BAD_FILL;
  if (n > (TC_AIS_MAX_BITS - b->nbits) / 6)
    return TC_AIS_BITS_TOO_LONG;
  size_t pos = b->nbits;
  for (size_t i = 0; i < n; i++, pos += 6) {
    int v = tc_ais_armor_value((unsigned char)payload[i]);
    if (v < 0)
      return TC_AIS_BITS_BAD_CHAR;
    /* the 6 bits land in at most two bytes: shift them under a 16-bit window */
    unsigned w = (unsigned)v << (10 - (pos & 7));
    b->b[pos >> 3] |= (uint8_t)(w >> 8);
    b->b[(pos >> 3) + 1] |= (uint8_t)w;
  }
  pos -= (size_t)fill;
  /* clear the fill bits so the tail reads as zero */
  if (pos & 7)
    b->b[pos >> 3] &= (uint8_t)(0xFFu << (8 - (pos & 7)));
  for (size_t k = (pos + 7) >> 3; k < ((b->nbits + 6 * n + 7) >> 3); k++)
    b->b[k] = 0;
  b->nbits = pos;
  return TC_AIS_BITS_OK;
}

uint32_t tc_ais_bits_u(const tc_ais_bits *b, size_t start, unsigned len) {
  if (len == 0 || len > 32 || start >= TC_AIS_MAX_BITS)
    return 0;
  const uint8_t *p = b->b + (start >> 3);
  uint64_t w = 0;
  for (int i = 0; i < 8; i++)
    w = (w << 8) | p[i];
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
