/* Pass 1's fast path (host/events/events.c runs_pass1): the rows of a vessel's run that
 * need nothing but becoming its last kept fix, found four at a time. Inline: the run
 * loop stops at about one row in nine (a grid time reached), and a call there, with its
 * constants, cost as much as the rows it passed. */
#ifndef TC_EVENTS_EASY_ROWS_H
#define TC_EVENTS_EASY_ROWS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/geo.h"

/* A vessel's last kept fix while its run of rows goes by. */
typedef struct {
  int64_t t;
  double la, lo;
} hot_fix;

/* tc_teleport_keep's bound with a wider margin, folded into one factor: an upper bound
 * of its own bound (the margin covers the roundings), so a fix it keeps the filter keeps. */
#define EASY_BOUND (TC_EARTH_R_M * TC_DEG2RAD * (1.0 + 4e-9))

typedef int64_t tc_easy_i4 __attribute__((vector_size(32)));
typedef double tc_easy_d4 __attribute__((vector_size(32)));

/* A slice's columns and what the easy rows are compared with, fixed for the slice; the
 * four-row test's constants in lanes once (tc_easy_cols_set), not at every stop. */
typedef struct {
  tc_easy_i4 span4;   /* span ^ the sign bit, the age test signed */
  tc_easy_i4 max4;    /* INT64_MAX: (dt - 1) ^ the sign bit is dt + it; fabs's mask */
  tc_easy_i4 two52;   /* the bits of 2^52 */
  tc_easy_d4 k4;
  const int64_t *t;
  const double *lat, *lon;
  uint64_t span;      /* a row is no gap and kept by age when 1 <= dt <= span */
  double k;           /* the filter's bound factor (0: no filter) */
} tc_easy_cols;

static inline void tc_easy_cols_set(tc_easy_cols *c, const int64_t *t, const double *lat, const double *lon,
                                    uint64_t span, double k) {
  c->t = t;
  c->lat = lat;
  c->lon = lon;
  c->span = span;
  c->k = k;
  c->span4 = (tc_easy_i4){0, 0, 0, 0} + (int64_t)(span ^ (uint64_t)INT64_MIN);
  c->max4 = (tc_easy_i4){0, 0, 0, 0} + INT64_MAX;
  c->two52 = (tc_easy_i4){0, 0, 0, 0} + 0x4330000000000000;
  c->k4 = (tc_easy_d4){0, 0, 0, 0} + k;
}

/* The age and bound part of the test of one row, dt after the last kept fix and (dla,
 * dlo) from it: later by less than span + 1 (no gap, and younger than the filter's
 * max_gap, beyond which it keeps every fix) and within the teleport filter's bound times
 * k. |dlo| is at least the wrapped difference the filter takes: a longer bound, so a fix
 * across the antimeridian goes to the whole test. A row that passes is kept, no gap. */
static inline int tc_easy_ok(int64_t dt, double dla, double dlo, uint64_t span, double k) {
  return (uint64_t)dt - 1 < span && (fabs(dla) + fabs(dlo)) * k <= (double)dt;
}

/* Rows [i, i1) of one vessel, each after the row before (which is its last kept fix), as
 * long as each passes tc_easy_ok and lies before the next grid time gn (no loitering
 * position): the first that does not, or i1. *grid: that row passed tc_easy_ok and only
 * reaches gn (loitering's position is its only work); 0 at i1. */
static inline size_t tc_easy_rows_plain(const tc_easy_cols *c, size_t i, size_t i1, int64_t gn, int *grid) {
  const int64_t *ct = c->t;
  const double *cla = c->lat, *clo = c->lon;
  for (; i < i1; i++) {
    int ok = tc_easy_ok(ct[i] - ct[i - 1], cla[i] - cla[i - 1], clo[i] - clo[i - 1], c->span, c->k);
    if (!ok || ct[i] >= gn) {
      *grid = ok;
      return i;
    }
  }
  *grid = 0;
  return i;
}

/* The end of the run of rows of vessel m from row j: the first row from j of another
 * vessel, or n. Runs are hundreds of rows: four at a time with one branch, then one by
 * one. */
static inline size_t tc_run_end_plain(const uint32_t *mm, size_t j, size_t n, uint32_t m) {
  for (; j + 4 <= n && !((mm[j] ^ m) | (mm[j + 1] ^ m) | (mm[j + 2] ^ m) | (mm[j + 3] ^ m)); j += 4)
    ;
  for (; j < n && mm[j] == m; j++)
    ;
  return j;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && !defined(TC_EASY_NO_AVX2)
#define TC_EASY_AVX2 1 /* TC_EASY_NO_AVX2: the plain path alone, to test it */
#include <immintrin.h>

/* tc_easy_rows_plain four rows at a time, with the same operations on the same numbers:
 * the age test unsigned (through the sign bit: (dt - 1) ^ it is dt + INT64_MAX), fabs a
 * cleared sign bit, dt a double through the bits of 2^52 + dt, exact for 0 <= dt < 2^52
 * (where the age test holds; a lane beyond that only goes to the whole test). For a
 * caller compiled for AVX2. */
__attribute__((target("avx2"))) static inline size_t tc_easy_rows_avx2(const tc_easy_cols *c, size_t i, size_t i1,
                                                                      int64_t gn, int *grid) {
  const int64_t *ct = c->t;
  const double *cla = c->lat, *clo = c->lon;
  const __m256i span = (__m256i)c->span4, max = (__m256i)c->max4, two52 = (__m256i)c->two52;
  const __m256i gn4 = _mm256_set1_epi64x(gn);
  const __m256d abs = _mm256_castsi256_pd(max), k = (__m256d)c->k4;
  for (; i + 4 <= i1; i += 4) {
    __m256i t = _mm256_loadu_si256((const __m256i *)(ct + i));
    __m256i dt = _mm256_sub_epi64(t, _mm256_loadu_si256((const __m256i *)(ct + i - 1)));
    __m256d dla = _mm256_and_pd(_mm256_sub_pd(_mm256_loadu_pd(cla + i), _mm256_loadu_pd(cla + i - 1)), abs);
    __m256d dlo = _mm256_and_pd(_mm256_sub_pd(_mm256_loadu_pd(clo + i), _mm256_loadu_pd(clo + i - 1)), abs);
    __m256d ddt = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(dt, two52)), _mm256_castsi256_pd(two52));
    __m256i age = _mm256_cmpgt_epi64(span, _mm256_add_epi64(dt, max));
    __m256d ok = _mm256_and_pd(_mm256_castsi256_pd(age),
                               _mm256_cmp_pd(_mm256_mul_pd(_mm256_add_pd(dla, dlo), k), ddt, _CMP_LE_OQ));
    unsigned mok = (unsigned)_mm256_movemask_pd(ok);
    unsigned m = mok & (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(gn4, t)));
    if (m != 15) {
      unsigned j = (unsigned)__builtin_ctz(~m); /* the first row not easy */
      *grid = (int)(mok >> j & 1);
      return i + j;
    }
  }
  return tc_easy_rows_plain(c, i, i1, gn, grid);
}

/* tc_run_end_plain sixteen rows at a time. */
__attribute__((target("avx2"))) static inline size_t tc_run_end_avx2(const uint32_t *mm, size_t j, size_t n,
                                                                    uint32_t m) {
  const __m256i m8 = _mm256_set1_epi32((int)m);
  for (; j + 16 <= n; j += 16) {
    __m256i a = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(mm + j)), m8);
    __m256i b = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(mm + j + 8)), m8);
    if (_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(a, b))) != 0xff)
      break;
  }
  return tc_run_end_plain(mm, j, n, m);
}
#endif

#endif
