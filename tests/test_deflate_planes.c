/* io/deflate_planes: every stream inflates (with zlib) to exactly its planes, for any
 * plane count and length, and a plane of random bytes is stored, not Huffman-coded
 * (stored blocks cost 5 bytes a 64 KiB; coding random bytes costs far more). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/deflate_planes.h"

static uint64_t rng = 12345;
static unsigned char rnd_byte(void) {
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned char)(rng >> 56);
}

/* Deflates planes and inflates the result back; returns the stream length. */
static size_t round_trip(const unsigned char *planes, size_t n, size_t es, int level) {
  size_t cap = tc_deflate_planes_bound(n * es, es), len = 0;
  unsigned char *z = malloc(cap), *back = malloc(n * es + 1);
  cr_assert(z && back);
  cr_assert_eq(tc_deflate_planes(planes, n, es, level, z, cap, &len), 0, "n=%zu es=%zu", n, es);
  uLongf got = (uLongf)(n * es);
  cr_assert_eq(uncompress(back, &got, z, (uLong)len), Z_OK, "n=%zu es=%zu: not a zlib stream", n, es);
  cr_assert_eq(got, n * es);
  cr_assert(n * es == 0 || memcmp(back, planes, n * es) == 0, "n=%zu es=%zu: different bytes", n, es);
  free(z);
  free(back);
  return len;
}

Test(deflate_planes, streams_inflate_to_their_planes) {
  static const size_t ns[] = {0, 1, 63, 64, 4096, 32769, 262144};
  static const size_t ess[] = {1, 2, 4, 8};
  for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
    for (size_t b = 0; b < sizeof ess / sizeof *ess; b++) {
      size_t n = ns[a], es = ess[b];
      unsigned char *p = malloc(n * es + 1);
      for (size_t k = 0; k < es; k++) /* random low planes, then runs, then a constant */
        for (size_t i = 0; i < n; i++)
          p[k * n + i] = k < es / 2 ? rnd_byte() : k + 1 < es ? (unsigned char)(i / 100) : 7;
      for (int level = 1; level <= 9; level += 4)
        round_trip(p, n, es, level);
      free(p);
    }
}

Test(deflate_planes, random_planes_are_stored_and_the_rest_compressed) {
  enum { N = 262144 };
  unsigned char *p = malloc(2 * N);
  for (size_t i = 0; i < N; i++) {
    p[i] = rnd_byte();
    p[N + i] = 7;
  }
  /* alone, a random plane is stored: N plus 5 bytes a 64 KiB block and zlib's 6
   * (Huffman-coded, its bytes would cost ~1 KiB more) */
  size_t len = round_trip(p, N, 1, 1);
  cr_assert_leq(len, N + 4 * 5 + 6 + 8, "%zu bytes for %d random ones", len, N);
  /* beside it, a constant plane still deflates to almost nothing */
  len = round_trip(p, N, 2, 1);
  cr_assert_lt(len, N + 4096, "%zu bytes for %d random and %d equal ones", len, N, N);
  free(p);
}
