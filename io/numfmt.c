#include "io/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t tc_fmt_u64(char *out, uint64_t v) {
  char tmp[TC_FMT_U64_MAX];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

size_t tc_fmt_i64(char *out, int64_t v) {
  if (v >= 0)
    return tc_fmt_u64(out, (uint64_t)v);
  out[0] = '-';
  return 1 + tc_fmt_u64(out + 1, (uint64_t)0 - (uint64_t)v);
}

static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const uint64_t u10[] = {1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
                               1000000000u};

static size_t slow(char *out, double x, int decimals) {
  char buf[TC_FMT_FIXED_MAX + 1];
  int n = snprintf(buf, sizeof buf, "%.*f", decimals, x);
  size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
  memcpy(out, buf, len);
  return len;
}

size_t tc_fmt_fixed(char *out, double x, int decimals) {
  decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
  /* printf rounds x's exact binary value, ties to even. a = |x| 10^d carries at most
   * half an ulp of error (10^d is exact), so rounding a to nearest agrees unless a lies
   * within that error of a half: those few go through snprintf. */
  double a = fabs(x) * p10[decimals];
  if (!(a < 0x1p53)) /* NaN, infinities, and where a has no fraction bits left */
    return slow(out, x, decimals);
  double fl = floor(a), fr = a - fl; /* both exact */
  if (fabs(fr - 0.5) <= a * 0x1p-48 + 0x1p-60)
    return slow(out, x, decimals);
  uint64_t n = (uint64_t)fl + (fr > 0.5);
  size_t len = 0;
  if (signbit(x))
    out[len++] = '-'; /* "-0.000" for -0.0001, as printf */
  len += tc_fmt_u64(out + len, n / u10[decimals]);
  if (decimals) {
    out[len++] = '.';
    uint64_t f = n % u10[decimals];
    for (int i = decimals - 1; i >= 0; i--) {
      out[len + (size_t)i] = (char)('0' + f % 10);
      f /= 10;
    }
    len += (size_t)decimals;
  }
  return len;
}
