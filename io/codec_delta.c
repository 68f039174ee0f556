/* The "delta" codec's per-chunk transform (io/codec.h). Every step is exact integer
 * arithmetic, or a division that the encoder has checked gives back every value bit
 * for bit, so decoding is lossless by construction. */
#include "io/codec.h"

#include <math.h>
#include <string.h>

#include "io/store_schema.h"

static const char *const names[] = {"none", "deflate", "delta", "pack"};

const char *tc_codec_name(tc_codec c) {
  return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "unknown";
}

int tc_codec_parse(const char *name) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (name && !strcmp(name, names[i]))
      return (int)i;
  return -1;
}

int tc_codec_version(tc_codec codec) { return codec == TC_CODEC_PACK ? 3 : codec == TC_CODEC_DELTA ? 2 : 1; }

int tc_codec_transforms(tc_codec codec, int c) {
  if (codec == TC_CODEC_PACK)
    return c >= 0 && c < TC_H5_NCOLS;
  return codec == TC_CODEC_DELTA &&
         (c == TC_H5_T || c == TC_H5_LAT || c == TC_H5_LON || c == TC_H5_SOG || c == TC_H5_COG);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define TC_CODEC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TC_CODEC_CLONES
#endif

/* Zigzag: small differences of either sign become small unsigned numbers. */
static inline uint64_t zz64(uint64_t d) { return (d << 1) ^ (0 - (d >> 63)); }
static inline uint64_t unzz64(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }
static inline uint32_t zz32(uint32_t d) { return (d << 1) ^ (0 - (d >> 31)); }
static inline uint32_t unzz32(uint32_t z) { return (z >> 1) ^ (0 - (z & 1)); }

static void delta64(uint64_t *v, size_t n) {
  uint64_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t x = v[i];
    v[i] = zz64(x - prev);
    prev = x;
  }
}

/* Undoing the zigzag vectorises on its own; the running sum that follows is then one
 * add a value (decoded a piece at a time, so the second loop reads from L1). */
TC_CODEC_CLONES static void unzigzag64(uint64_t *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    v[i] = unzz64(v[i]);
}

static uint64_t undelta64(uint64_t *v, size_t n, uint64_t acc) {
  unzigzag64(v, n);
  for (size_t i = 0; i < n; i++)
    v[i] = acc += v[i];
  return acc;
}

static void delta32(uint32_t *v, size_t n) {
  uint32_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t x = v[i];
    v[i] = zz32(x - prev);
    prev = x;
  }
}

TC_CODEC_CLONES static void unzigzag32(uint32_t *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    v[i] = unzz32(v[i]);
}

static uint32_t undelta32(uint32_t *v, size_t n, uint32_t acc) {
  unzigzag32(v, n);
  for (size_t i = 0; i < n; i++)
    v[i] = acc += v[i];
  return acc;
}

static void delta16(uint16_t *v, size_t n) {
  uint16_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t x = v[i], d = (uint16_t)(x - prev);
    v[i] = (uint16_t)((uint16_t)(d << 1) ^ (uint16_t)(0 - (d >> 15)));
    prev = x;
  }
}

static uint16_t undelta16(uint16_t *v, size_t n, uint16_t acc) {
  for (size_t i = 0; i < n; i++) {
    uint16_t z = v[i];
    v[i] = acc = (uint16_t)(acc + ((z >> 1) ^ (uint16_t)(0 - (z & 1))));
  }
  return acc;
}

static const double pow10d[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

/* The grid's integers back to values: q / s, each correctly rounded. int64 -> double
 * has no AVX2 instruction, so q goes through the bits of 1.5 * 2^52 + q (exact for
 * |q| < 2^51, which the encoder guarantees), and the loop vectorises. */
TC_CODEC_CLONES static void grid_to_double(void *col, size_t n, double s) {
  const uint64_t *q = col;
  double *x = col;
  for (size_t i = 0; i < n; i++) {
    uint64_t b = q[i] + 0x4338000000000000u;
    double d;
    memcpy(&d, &b, sizeof d);
    x[i] = (d - 0x1.8p52) / s;
  }
}

/* 1 when every x[i] is q / 10^k for an integer q, bit for bit (so -0.0, NaN and values
 * between grid points fail). */
static int on_grid64(const double *x, size_t n, int k) {
  double s = pow10d[k];
  for (size_t i = 0; i < n; i++) {
    double q = nearbyint(x[i] * s), back = q / s;
    if (!(fabs(q) < 0x1p51) || memcmp(&back, &x[i], sizeof back))
      return 0;
  }
  return 1;
}

static int on_grid32(const float *x, size_t n, int k) {
  float s = (float)pow10d[k];
  for (size_t i = 0; i < n; i++) {
    float q = nearbyintf(x[i] * s), back = q / s;
    if (!(fabsf(q) < 0x1p23f) || memcmp(&back, &x[i], sizeof back))
      return 0;
  }
  return 1;
}

/* Grids tried, coarsest first: the coarsest that fits gives the smallest differences. */
static const int grids_pos[] = {5, 6, 7}, grids_speed[] = {1, 2};

uint8_t tc_codec_encode(int c, void *col, size_t n) {
  uint8_t mode = 0;
  if (c == TC_H5_LAT || c == TC_H5_LON) {
    double *x = col;
    for (size_t g = 0; g < sizeof grids_pos / sizeof grids_pos[0] && !mode; g++)
      if (on_grid64(x, n, grids_pos[g]))
        mode = (uint8_t)grids_pos[g];
    if (mode) {
      double s = pow10d[mode];
      int64_t *q = col;
      for (size_t i = 0; i < n; i++)
        q[i] = (int64_t)nearbyint(x[i] * s);
    }
    delta64(col, n);
  } else if (c == TC_H5_SOG || c == TC_H5_COG) {
    float *x = col;
    for (size_t g = 0; g < sizeof grids_speed / sizeof grids_speed[0] && !mode; g++)
      if (on_grid32(x, n, grids_speed[g]))
        mode = (uint8_t)grids_speed[g];
    if (mode) {
      float s = (float)pow10d[mode];
      int32_t *q = col;
      for (size_t i = 0; i < n; i++)
        q[i] = (int32_t)nearbyintf(x[i] * s);
    }
    delta32(col, n);
  } else if (c == TC_H5_T) {
    delta64(col, n);
  } else if (c == TC_H5_MMSI) { /* pack only: one MMSI per vessel, so the differences are 0 */
    delta32(col, n);
  } else if (c == TC_H5_HEADING) { /* pack only: a course held gives small differences */
    delta16(col, n);
  }
  return mode;
}

int tc_codec_decode(int c, uint8_t mode, void *col, size_t n) {
  uint64_t acc = 0;
  return tc_codec_decode_more(c, mode, col, n, &acc);
}

int tc_codec_decode_more(int c, uint8_t mode, void *col, size_t n, uint64_t *acc) {
  if (c == TC_H5_LAT || c == TC_H5_LON) {
    if (mode != 0 && (mode < grids_pos[0] || mode > grids_pos[2]))
      return -1;
    *acc = undelta64(col, n, *acc);
    if (mode) /* separate loop: the division vectorises without the running sum */
      grid_to_double(col, n, pow10d[mode]);
    return 0;
  }
  if (c == TC_H5_SOG || c == TC_H5_COG) {
    if (mode != 0 && (mode < grids_speed[0] || mode > grids_speed[1]))
      return -1;
    *acc = undelta32(col, n, (uint32_t)*acc);
    if (mode) {
      float s = (float)pow10d[mode], *x = col;
      const int32_t *q = col;
      for (size_t i = 0; i < n; i++)
        x[i] = (float)q[i] / s;
    }
    return 0;
  }
  if (c == TC_H5_T) {
    if (mode != 0)
      return -1;
    *acc = undelta64(col, n, *acc);
    return 0;
  }
  if (c == TC_H5_MMSI) {
    if (mode != 0)
      return -1;
    *acc = undelta32(col, n, (uint32_t)*acc);
    return 0;
  }
  if (c == TC_H5_HEADING) {
    if (mode != 0)
      return -1;
    *acc = undelta16(col, n, (uint16_t)*acc);
    return 0;
  }
  return -1;
}
