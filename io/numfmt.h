/* Decimal text for the writers, the same bytes as printf's but without its cost (a
 * list of a million encounters is a few million conversions). Kept hand-written for
 * that speed: `trajcorr bench format` (bench/harness/suite_format.c) times 2^20 values
 * as "%.6f" and checks the bytes agree: 70 ns a call here against 845 ns for
 * snprintf (AMD EPYC, 2 cores, Release build, machine under load ~15). */
#ifndef TC_NUMFMT_H
#define TC_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest text of each, without the NUL. */
#define TC_FMT_U64_MAX 20
#define TC_FMT_FIXED_MAX 330 /* DBL_MAX with 9 decimals: 320 (309 + 9 digits, sign, point) */

/* Writes v in decimal (as "%llu"); returns the length. No NUL. */
size_t tc_fmt_u64(char *out, uint64_t v);
/* As "%lld". */
size_t tc_fmt_i64(char *out, int64_t v);
/* As "%.*f" with decimals 0..9 (a count outside is clamped to it). NaN, infinities and
 * |x| 10^decimals of 2^53 and more go through snprintf; out has room for
 * TC_FMT_FIXED_MAX bytes. Returns the length; writes no NUL. */
size_t tc_fmt_fixed(char *out, double x, int decimals);

#endif
