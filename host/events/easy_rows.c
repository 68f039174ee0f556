/* Pass 1's rows that only move a vessel's last kept fix (host/events/easy_rows.h): the
 * test of one row and, past the first, of four at a time with the same arithmetic. */
#include <math.h>
#include <string.h>

#include "host/events/easy_rows.h"

/* easy_rows' test of one row, dt after the last kept fix and (dla, dlo) from it. */
static inline int easy(int64_t dt, double dla, double dlo, int64_t t, int64_t gn, uint64_t span, double k) {
  /* |dlo| is at least the wrapped difference the filter takes: a longer bound, so a
   * fix across the antimeridian goes to the whole test */
  return (uint64_t)dt - 1 < span && t < gn && (fabs(dla) + fabs(dlo)) * k <= (double)dt;
}

typedef int64_t ev_i4 __attribute__((vector_size(32)));
typedef uint64_t ev_u4 __attribute__((vector_size(32)));
typedef double ev_d4 __attribute__((vector_size(32)));

/* easy() of rows [i, i + 4), each after the row before, as bits (1: easy): the same
 * operations on the same numbers. fabs clears the sign bit; dt becomes a double
 * through the bits of 2^52 + dt, exact for 0 <= dt < 2^52 (the lanes where the first
 * test holds: 1 <= dt <= span; the others fail whatever the rest gives). */
static inline unsigned easy4(const int64_t *ct, const double *cla, const double *clo, size_t i, ev_i4 gn,
                          ev_u4 span, ev_d4 k) {
  ev_i4 t, tp;
  ev_d4 la, lap, lo, lop;
  memcpy(&t, ct + i, sizeof t);
  memcpy(&tp, ct + i - 1, sizeof tp);
  memcpy(&la, cla + i, sizeof la);
  memcpy(&lap, cla + i - 1, sizeof lap);
  memcpy(&lo, clo + i, sizeof lo);
  memcpy(&lop, clo + i - 1, sizeof lop);
  const ev_u4 abs_bits = (ev_u4){0, 0, 0, 0} + 0x7fffffffffffffffu, two52_bits = (ev_u4){0, 0, 0, 0} + 0x4330000000000000u;
  ev_i4 dt = t - tp;
  ev_d4 dla = (ev_d4)((ev_u4)(la - lap) & abs_bits), dlo = (ev_d4)((ev_u4)(lo - lop) & abs_bits);
  ev_d4 ddt = (ev_d4)((ev_u4)dt | two52_bits) - 0x1p52;
  ev_i4 m = ((ev_u4)dt - 1 < span) & (t < gn) & ((dla + dlo) * k <= ddt);
  return (unsigned)(m[0] & 1) | (unsigned)(m[1] & 2) | (unsigned)(m[2] & 4) | (unsigned)(m[3] & 8);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
size_t tc_easy_rows(const int64_t *ct, const double *cla, const double *clo, size_t i, size_t i1, hot_fix *h,
                    int after_row, int64_t gn, uint64_t span, double k) {
  if (i == i1)
    return i;
  if (!after_row) {
    if (!easy(ct[i] - h->t, cla[i] - h->la, clo[i] - h->lo, ct[i], gn, span, k))
      return i;
    i++;
  }
  /* from here the last kept fix is the row before */
  const ev_i4 gn4 = (ev_i4){0, 0, 0, 0} + gn;
  const ev_u4 span4 = (ev_u4){0, 0, 0, 0} + span;
  const ev_d4 k4 = (ev_d4){0, 0, 0, 0} + k;
  int stop = 0;
  for (; i + 4 <= i1; i += 4) {
    unsigned m = easy4(ct, cla, clo, i, gn4, span4, k4);
    if (m != 15) {
      i += (unsigned)__builtin_ctz(~m); /* the first row not easy */
      stop = 1;
      break;
    }
  }
  for (; !stop && i < i1 && easy(ct[i] - ct[i - 1], cla[i] - cla[i - 1], clo[i] - clo[i - 1], ct[i], gn, span, k);
       i++)
    ;
  *h = (hot_fix){ct[i - 1], cla[i - 1], clo[i - 1]};
  return i;
}
