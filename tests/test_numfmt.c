/* io/numfmt: the same bytes as printf for every kind of value: random magnitudes,
 * exact ties (printf rounds them to even), values one ulp either side of a tie,
 * negative values that round to zero, and what only snprintf handles. */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/numfmt.h"

static void same_fixed(double x, int d) {
  char want[400], got[TC_FMT_FIXED_MAX + 1];
  snprintf(want, sizeof want, "%.*f", d, x);
  size_t n = tc_fmt_fixed(got, x, d);
  got[n] = '\0';
  cr_assert_str_eq(got, want, "%.17g with %d decimals: '%s', printf '%s'", x, d, got, want);
}

static uint64_t state = 0x9e3779b97f4a7c15u;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

Test(numfmt, random_magnitudes_equal_printf) {
  for (int i = 0; i < 2000000; i++) {
    double m = (double)(next() >> 11) * 0x1p-53;   /* [0, 1) */
    int e = (int)(next() % 40) - 20;                /* 1e-20 .. 1e19 */
    double x = m * pow(10.0, e) * ((next() & 1) ? -1 : 1);
    same_fixed(x, (int)(next() % 10));
  }
}

Test(numfmt, ties_and_their_neighbours_equal_printf) {
  for (int d = 0; d <= 9; d++)
    for (int64_t k = -3000; k <= 3000; k++) {
      double t = ((double)k + 0.5) / pow(10.0, d); /* near a tie; exact for some */
      same_fixed(t, d);
      same_fixed(nextafter(t, INFINITY), d);
      same_fixed(nextafter(t, -INFINITY), d);
    }
  /* exact binary ties: printf rounds them to even */
  const double exact[] = {0.5, 1.5, 2.5, 0.125, 0.375, 0.0625, 1.0625, 2.5e-1, 1234.5, 0.0005};
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    for (int d = 0; d <= 9; d++) {
      same_fixed(exact[i], d);
      same_fixed(-exact[i], d);
    }
}

Test(numfmt, signs_zeros_and_what_snprintf_handles) {
  const double v[] = {0.0, -0.0, -0.0001, -0.0004999, 0.0004999, 1e-300, -1e-300, DBL_MIN, DBL_TRUE_MIN,
                      0x1p52, 0x1p53, 0x1p53 + 2, 9007199254740993.0, 1e15 + 0.5, 1e21, -1e21, DBL_MAX,
                      -DBL_MAX, INFINITY, -INFINITY, NAN, 180.0, -180.0, 89.999999999, 123.4565,
                      57.451, 0.0457};
  for (size_t i = 0; i < sizeof v / sizeof *v; i++)
    for (int d = 0; d <= 9; d++)
      same_fixed(v[i], d);
  char a[TC_FMT_FIXED_MAX + 1], b[TC_FMT_FIXED_MAX + 1];
  a[tc_fmt_fixed(a, 2.5, -3)] = b[tc_fmt_fixed(b, 2.5, 0)] = '\0';
  cr_assert_str_eq(a, b, "decimals below 0 are 0");
  a[tc_fmt_fixed(a, 2.5, 12)] = b[tc_fmt_fixed(b, 2.5, 9)] = '\0';
  cr_assert_str_eq(a, b, "decimals above 9 are 9");
}

Test(numfmt, integers_equal_printf) {
  char want[32], got[32];
  const uint64_t u[] = {0, 1, 9, 10, 99, 100, 4294967295u, 4294967296u, UINT64_MAX, UINT64_MAX - 1};
  for (size_t i = 0; i < sizeof u / sizeof *u; i++) {
    snprintf(want, sizeof want, "%" PRIu64, u[i]);
    got[tc_fmt_u64(got, u[i])] = '\0';
    cr_assert_str_eq(got, want);
  }
  const int64_t s[] = {0, -1, 1, -9, INT64_MIN, INT64_MAX, -1000000007, 3600};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
    snprintf(want, sizeof want, "%" PRId64, s[i]);
    got[tc_fmt_i64(got, s[i])] = '\0';
    cr_assert_str_eq(got, want);
  }
  for (int i = 0; i < 100000; i++) {
    uint64_t x = next() >> (next() % 64);
    snprintf(want, sizeof want, "%" PRIu64, x);
    got[tc_fmt_u64(got, x)] = '\0';
    cr_assert_str_eq(got, want);
  }
}
