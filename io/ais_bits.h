/* AIS payload bits: the 6-bit "armoured" ASCII of an AIVDM payload unpacked into a
 * big-endian bit string, and the field readers of ITU-R M.1371 (unsigned, two's
 * complement signed, 6-bit text). */
#ifndef TC_AIS_BITS_H
#define TC_AIS_BITS_H

#include <stddef.h>
#include <stdint.h>

/* Longest message kept: 5 slots (type 26/8 can fill more than 1000 bits); a
 * reassembled group longer than this is rejected as a bad bit count. */
#define TC_AIS_MAX_BITS 2048
/* +8 zero bytes so that a field read near the end can load 8 bytes at once. */
#define TC_AIS_MAX_BYTES (TC_AIS_MAX_BITS / 8 + 8)

typedef struct {
  size_t nbits;
  uint8_t b[TC_AIS_MAX_BYTES];
} tc_ais_bits;

typedef enum {
  TC_AIS_BITS_OK = 0,
  TC_AIS_BITS_BAD_CHAR,  /* a payload character outside the 6-bit alphabet */
  TC_AIS_BITS_BAD_FILL,  /* fill bits not 0..5, or more than the last character holds */
  TC_AIS_BITS_TOO_LONG   /* more than TC_AIS_MAX_BITS */
} tc_ais_bits_status;

void tc_ais_bits_clear(tc_ais_bits *b);
/* Appends n armoured characters, then drops `fill` bits from the end (fill is the
 * pad of the last fragment only; pass 0 for the others). */
tc_ais_bits_status tc_ais_bits_append(tc_ais_bits *b, const char *payload, size_t n, int fill);

/* Field readers. len is 1..32; bits past nbits read as zero (callers check nbits
 * against the message length first). */
uint32_t tc_ais_bits_u(const tc_ais_bits *b, size_t start, unsigned len);
int32_t tc_ais_bits_s(const tc_ais_bits *b, size_t start, unsigned len);
/* nchars 6-bit characters from start as ASCII into out (size >= nchars+1): stops at
 * the first '@' (padding), drops trailing spaces. */
void tc_ais_bits_text(const tc_ais_bits *b, size_t start, size_t nchars, char *out);

/* 6-bit value of an armoured character, -1 when it is not one. */
static inline int tc_ais_armor_value(unsigned char c) {
  if (c < 48 || c > 119 || (c > 87 && c < 96))
    return -1;
  return c < 96 ? c - 48 : c - 56;
}

#endif
