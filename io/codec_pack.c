/* The "pack" codec's chunks (io/codec_pack.h). Values are read and written in the
 * host's byte order, which the store's little-endian layout assumes (x86-64, arm64). */
#include "io/codec_pack.h"

#include <string.h>
#include <zlib.h>

#ifdef TRAJCORR_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "io/codec_pack.c reads little-endian bit strings with native loads"
#endif

#define PIECE_HEAD 3   /* w, e */
#define BLOCK_HEAD 5   /* a stored block's BFINAL/BTYPE byte, LEN, NLEN */
#define ADLER_MOD 65521u

static inline uint64_t ld64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline uint64_t value_at(const unsigned char *v, size_t i, size_t es) {
  if (es == 8) {
    uint64_t x;
    memcpy(&x, v + 8 * i, 8);
    return x;
  }
  if (es == 4) {
    uint32_t x;
    memcpy(&x, v + 4 * i, 4);
    return x;
  }
  uint16_t x;
  memcpy(&x, v + 2 * i, 2);
  return x;
}

static inline unsigned bit_len(uint64_t x) { return x ? 64u - (unsigned)__builtin_clzll(x) : 0u; }

/* Packs one piece (m values from v) at out; returns its length. out needs the piece's
 * length + 8 bytes of room (the bit writer ORs whole words). */
static size_t pack_piece(const unsigned char *v, size_t m, size_t es, unsigned char *out) {
  unsigned cnt[65] = {0};
  for (size_t i = 0; i < m; i++)
    cnt[bit_len(value_at(v, i, es))]++;
  /* the width that makes the piece shortest: values wider than it become exceptions */
  unsigned top = (unsigned)(8 * es), w = top;
  size_t e = 0, best = (m * top + 7) / 8, best_e = 0;
  for (unsigned k = top; k-- > 0;) {
    e += cnt[k + 1];
    size_t cost = (m * k + 7) / 8 + e * (2 + es);
    if (e <= m && cost < best)
      best = cost, w = k, best_e = e;
  }
  e = best_e;
  size_t nb = (m * w + 7) / 8;
  out[0] = (unsigned char)w;
  out[1] = (unsigned char)e, out[2] = (unsigned char)(e >> 8);
  unsigned char *bits = out + PIECE_HEAD;
  memset(bits, 0, nb + 8);
  uint64_t mask = w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
  unsigned char *ix = bits + nb, *val = ix + 2 * e;
  size_t j = 0;
  for (size_t i = 0; i < m; i++) {
    uint64_t x = value_at(v, i, es);
    if (w) {
      size_t bit = i * w, at = bit >> 3;
      unsigned s = (unsigned)(bit & 7);
      uint64_t lo = ld64(bits + at) | (x & mask) << s;
      memcpy(bits + at, &lo, 8);
      if (s && w + s > 64)
        bits[at + 8] |= (unsigned char)((x & mask) >> (64 - s));
    }
    if (bit_len(x) > w) {
      ix[2 * j] = (unsigned char)i, ix[2 * j + 1] = (unsigned char)(i >> 8);
      memcpy(val + es * j, v + es * i, es);
      j++;
    }
  }
  return PIECE_HEAD + nb + e * (2 + es);
}

/* The fixed-Huffman codes of RFC 1951 are sent most significant bit first. */
typedef struct {
  unsigned char *o;
  size_t n, cap;
  uint64_t acc;
  unsigned nb;
  int over;
} bitw;

static void put(bitw *b, uint32_t v, unsigned k) {
  b->acc |= (uint64_t)v << b->nb;
  b->nb += k;
  while (b->nb >= 8) {
    if (b->n < b->cap)
      b->o[b->n++] = (unsigned char)b->acc;
    else
      b->over = 1;
    b->acc >>= 8;
    b->nb -= 8;
  }
}

static void put_code(bitw *b, uint32_t code, unsigned k) {
  uint32_t r = 0;
  for (unsigned i = 0; i < k; i++)
    r |= ((code >> i) & 1u) << (k - 1 - i);
  put(b, r, k);
}

/* The final block: z zeros as one literal 0 then matches of 258 at distance 1, in a
 * dynamic-Huffman block whose only codes are literal 0 (10), end of block (11),
 * length 258 (0) and distance 1 (0): 2 bits per 258 zeros. */
static void put_zero_lengths(bitw *b, unsigned n) { /* code-length symbol 18: n (11..138) zeros */
  put_code(b, 0, 1);
  put(b, n - 11, 7);
}

static size_t zeros_block(size_t z, unsigned char *out, size_t cap) {
  bitw b = {.o = out, .cap = cap};
  put(&b, 1, 1);       /* BFINAL */
  put(&b, 2, 2);       /* BTYPE 10 */
  put(&b, 286 - 257, 5); /* HLIT: literal/length codes 0..285 */
  put(&b, 0, 5);       /* HDIST: one distance code */
  put(&b, 18 - 4, 4);  /* HCLEN: code-length codes up to the 18th in RFC 1951's order */
  /* code-length code lengths in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1:
   * symbol 18 (a run of zeros) 1 bit, symbols 1 and 2 two bits each */
  static const unsigned char cl[18] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2};
  for (int i = 0; i < 18; i++)
    put(&b, cl[i], 3);
  /* canonical codes: 18 -> 0, 1 -> 10, 2 -> 11. Literal/length lengths: 0 -> 2,
   * 1..255 -> 0, 256 -> 2, 257..284 -> 0, 285 -> 1; then distance code 0 -> 1. */
  put_code(&b, 3, 2);          /* length 2 (literal 0) */
  put_zero_lengths(&b, 138);   /* literals 1..138 */
  put_zero_lengths(&b, 117);   /* literals 139..255 */
  put_code(&b, 3, 2);          /* length 2 (end of block) */
  put_zero_lengths(&b, 28);    /* lengths 257..284 */
  put_code(&b, 2, 2);          /* length 1 (length 258) */
  put_code(&b, 2, 2);          /* length 1 (distance code 0) */
  if (z > 0) {
    put_code(&b, 2, 2); /* literal 0 */
    size_t rem = z - 1;
    for (; rem >= 258; rem -= 258)
      put(&b, 0, 2); /* length 258, distance 1 */
    while (rem--)
      put_code(&b, 2, 2);
  }
  put_code(&b, 3, 2); /* end of block */
  put(&b, 0, 7);      /* to a byte boundary */
  return b.over ? 0 : b.n;
}

static uint32_t adler_zeros(uint32_t adler, uint64_t z) {
  uint64_t a = adler & 0xffffu, b = adler >> 16;
  b = (b + (z % ADLER_MOD) * a) % ADLER_MOD;
  return (uint32_t)(b << 16 | a);
}

static uint32_t adler_update(uint32_t adler, const unsigned char *p, size_t n) {
#ifdef TRAJCORR_HAVE_LIBDEFLATE
  return libdeflate_adler32(adler, p, n);
#else
  return (uint32_t)adler32(adler, p, (uInt)n);
#endif
}

size_t tc_pack_chunk_bound(size_t n, size_t es, size_t logical) {
  size_t pieces = (n + TC_PACK_PIECE - 1) / TC_PACK_PIECE, blocks = (n + TC_PACK_BLOCK - 1) / TC_PACK_BLOCK;
  /* 2 bits per 258 zeros, at most 257 literals, headers and the Adler-32 */
  return 2 + blocks * BLOCK_HEAD + pieces * PIECE_HEAD + n * es + logical / 1024 + 128 + 16;
}

/* The stored block header of len bytes at out. */
static void block_head(unsigned char *out, size_t len) {
  out[0] = 0; /* not final, BTYPE 00; the stream is on a byte boundary */
  out[1] = (unsigned char)len, out[2] = (unsigned char)(len >> 8);
  out[3] = (unsigned char)~len, out[4] = (unsigned char)(~len >> 8);
}

size_t tc_pack_chunk(const void *values, size_t n, size_t es, size_t logical, unsigned char *out, size_t cap,
                     uint64_t *payload) {
  const unsigned char *v = values;
  size_t blocks = (n + TC_PACK_BLOCK - 1) / TC_PACK_BLOCK;
  if (logical < n * es || cap < tc_pack_chunk_bound(n, es, logical))
    return 0;
  out[0] = 0x78, out[1] = 0x01; /* deflate, 32 KiB window, no dictionary */
  size_t o = 2, total = 0;
  uint32_t adler = 1;
  for (size_t k = 0; k < blocks; k++) { /* a stored block of up to four pieces */
    size_t len = 0, end = (k + 1) * TC_PACK_BLOCK < n ? (k + 1) * TC_PACK_BLOCK : n;
    for (size_t a = k * TC_PACK_BLOCK; a < end; a += TC_PACK_PIECE)
      len += pack_piece(v + a * es, end - a < TC_PACK_PIECE ? end - a : TC_PACK_PIECE, es,
                        out + o + BLOCK_HEAD + len);
    block_head(out + o, len);
    adler = adler_update(adler, out + o + BLOCK_HEAD, len);
    o += BLOCK_HEAD + len, total += len;
  }
  if (total >= n * es) { /* not smaller: the values as they are */
    o = 2, total = 0, adler = 1;
    for (size_t k = 0; k < blocks; k++) {
      size_t a = k * TC_PACK_BLOCK, m = n - a < TC_PACK_BLOCK ? n - a : TC_PACK_BLOCK;
      block_head(out + o, m * es);
      memcpy(out + o + BLOCK_HEAD, v + a * es, m * es);
      adler = adler_update(adler, v + a * es, m * es);
      o += BLOCK_HEAD + m * es;
    }
    *payload = 0;
    total = n * es;
  } else {
    *payload = total;
  }
  size_t t = zeros_block(logical - total, out + o, cap - o - 4);
  if (!t)
    return 0;
  o += t;
  adler = adler_zeros(adler, logical - total);
  out[o++] = (unsigned char)(adler >> 24), out[o++] = (unsigned char)(adler >> 16);
  out[o++] = (unsigned char)(adler >> 8), out[o++] = (unsigned char)adler;
  return o;
}

/* Unpacking at a width known when compiled: the compiler turns each group of 8 values
 * (w bytes) into constant offsets and shifts. */
#define UNPACK_GROUP(T, W, p, out, r)                                              \
  do {                                                                             \
    _Pragma("GCC unroll 8") for (unsigned j_ = 0; j_ < (r); j_++) {                \
      unsigned bit_ = j_ * (W);                                                    \
      uint64_t x_ = ld64((p) + (bit_ >> 3)) >> (bit_ & 7);                         \
      if ((W) > 56 && (bit_ & 7))                                                  \
        x_ |= (uint64_t)(p)[(bit_ >> 3) + 8] << (64 - (bit_ & 7));                 \
      (out)[j_] = (T)((W) >= 64 ? x_ : x_ & (((uint64_t)1 << ((W) & 63)) - 1));    \
    }                                                                              \
  } while (0)

#define UNPACK_FN(T, NAME)                                                                  \
  static inline __attribute__((always_inline)) void NAME(const unsigned char *p, T *out,     \
                                                         size_t m, const unsigned w) {      \
    if (w == 0) {                                                                           \
      memset(out, 0, m * sizeof(T));                                                        \
      return;                                                                               \
    }                                                                                       \
    size_t i = 0;                                                                           \
    for (; i + 8 <= m; i += 8, p += w)                                                      \
      UNPACK_GROUP(T, w, p, out + i, 8u);                                                   \
    if (i < m)                                                                              \
      UNPACK_GROUP(T, w, p, out + i, (unsigned)(m - i));                                    \
  }

UNPACK_FN(uint64_t, unpack_w64)
UNPACK_FN(uint32_t, unpack_w32)
UNPACK_FN(uint16_t, unpack_w16)

#define C16(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)
#define C32(X) C16(X) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) \
  X(31) X(32)
#define C64(X) C32(X) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) X(46) \
  X(47) X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) X(60) X(61) X(62) X(63) X(64)

static void unpack64(const unsigned char *p, uint64_t *out, size_t m, unsigned w) {
  switch (w) {
#define X(W)                   \
  case W:                      \
    unpack_w64(p, out, m, W);  \
    break;
    C64(X)
#undef X
  default:
    memset(out, 0, m * sizeof *out);
  }
}

static void unpack32(const unsigned char *p, uint32_t *out, size_t m, unsigned w) {
  switch (w) {
#define X(W)                   \
  case W:                      \
    unpack_w32(p, out, m, W);  \
    break;
    C32(X)
#undef X
  default:
    memset(out, 0, m * sizeof *out);
  }
}

static void unpack16(const unsigned char *p, uint16_t *out, size_t m, unsigned w) {
  switch (w) {
#define X(W)                   \
  case W:                      \
    unpack_w16(p, out, m, W);  \
    break;
    C16(X)
#undef X
  default:
    memset(out, 0, m * sizeof *out);
  }
}

int tc_pack_piece(const unsigned char *p, size_t len, size_t m, size_t es, void *dst) {
  if (len < PIECE_HEAD || m > TC_PACK_PIECE || (es != 2 && es != 4 && es != 8))
    return -1;
  unsigned w = p[0];
  size_t e = (size_t)p[1] | (size_t)p[2] << 8, nb = (m * w + 7) / 8;
  if (w > 8 * es || e > m || len != PIECE_HEAD + nb + e * (2 + es))
    return -1;
  const unsigned char *bits = p + PIECE_HEAD, *ix = bits + nb, *val = ix + 2 * e;
  if (es == 8)
    unpack64(bits, dst, m, w);
  else if (es == 4)
    unpack32(bits, dst, m, w);
  else
    unpack16(bits, dst, m, w);
  unsigned char *d = dst;
  for (size_t j = 0; j < e; j++) {
    size_t i = (size_t)ix[2 * j] | (size_t)ix[2 * j + 1] << 8;
    if (i >= m)
      return -1;
    memcpy(d + i * es, val + j * es, es);
  }
  return 0;
}

int tc_pack_decode(const unsigned char *src, size_t len, size_t n, size_t es, void *dst) {
  size_t at = 0;
  unsigned char *d = dst;
  for (size_t a = 0; a < n; a += TC_PACK_PIECE) {
    size_t m = n - a < TC_PACK_PIECE ? n - a : TC_PACK_PIECE;
    if (len - at < PIECE_HEAD)
      return -1;
    unsigned w = src[at];
    size_t e = (size_t)src[at + 1] | (size_t)src[at + 2] << 8;
    size_t plen = PIECE_HEAD + (m * w + 7) / 8 + e * (2 + es);
    if (w > 8 * es || e > m || plen > len - at || tc_pack_piece(src + at, plen, m, es, d + a * es) != 0)
      return -1;
    at += plen;
  }
  return at == len ? 0 : -1;
}

int tc_pack_begin(tc_pack_reader *r, const unsigned char *z, size_t zlen) {
  *r = (tc_pack_reader){.z = z, .zlen = zlen, .pos = 2, .adler = 1};
  return zlen >= 2 + 6 && z[0] == 0x78 && z[1] == 0x01 ? 0 : -1;
}

int tc_pack_next(tc_pack_reader *r, const unsigned char **p, size_t *len) {
  const unsigned char *h = r->z + r->pos;
  /* a block, then at least the final block (2 bytes) and the Adler-32 */
  if (r->zlen - r->pos < BLOCK_HEAD + 6 || h[0] != 0)
    return -1;
  size_t n = (size_t)h[1] | (size_t)h[2] << 8, nn = (size_t)h[3] | (size_t)h[4] << 8;
  if ((n ^ nn) != 0xffff || n > r->zlen - r->pos - BLOCK_HEAD - 6)
    return -1;
  *p = h + BLOCK_HEAD;
  *len = n;
  r->adler = adler_update(r->adler, *p, n);
  r->pos += BLOCK_HEAD + n;
  r->bytes += n;
  return 0;
}

int tc_pack_end(tc_pack_reader *r, size_t logical) {
  if (r->bytes > logical)
    return -1;
  const unsigned char *t = r->z + r->zlen - 4;
  uint32_t want = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
  return adler_zeros(r->adler, logical - r->bytes) == want ? 0 : -1;
}
