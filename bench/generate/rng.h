/* Small seeded PRNG for the synthetic traffic generator: xoshiro256** seeded through
 * splitmix64 (Blackman & Vigna). Never rand(): output must be byte-identical for the
 * same seed on every platform and whatever else runs in the process. Each vessel has
 * its own stream (seed, stream id), so one vessel's track can be regenerated alone. */
#ifndef TC_GEN_RNG_H
#define TC_GEN_RNG_H

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} tc_rng;

static inline uint64_t tc_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Independent stream `stream` of generator `seed`. */
static inline void tc_rng_seed(tc_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
  x = tc_splitmix64(&x) ^ stream; /* decorrelate neighbouring streams */
  for (int i = 0; i < 4; i++)
    r->s[i] = tc_splitmix64(&x);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
    r->s[0] = 1; /* the all-zero state is a fixed point */
}

static inline uint64_t tc_rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t tc_rng_u64(tc_rng *r) {
  uint64_t *s = r->s;
  uint64_t out = tc_rng_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = tc_rng_rotl(s[3], 45);
  return out;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double tc_rng_unit(tc_rng *r) { return (double)(tc_rng_u64(r) >> 11) * 0x1.0p-53; }

/* Uniform in [a, b). */
static inline double tc_rng_range(tc_rng *r, double a, double b) {
  return a + (b - a) * tc_rng_unit(r);
}

/* Uniform integer in [0, n) (n > 0); the modulo bias is < 2^-40 for the n used here. */
static inline uint64_t tc_rng_below(tc_rng *r, uint64_t n) { return tc_rng_u64(r) % n; }

/* Uniform integer in [a, b] (a <= b). */
static inline int64_t tc_rng_int(tc_rng *r, int64_t a, int64_t b) {
  return a + (int64_t)tc_rng_below(r, (uint64_t)(b - a) + 1u);
}

static inline int tc_rng_chance(tc_rng *r, double p) { return tc_rng_unit(r) < p; }

#endif
