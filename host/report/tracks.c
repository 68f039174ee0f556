#include "host/report/tracks.h"

#include <math.h>
#include <stdlib.h>

static size_t lower(const tc_columns *c, uint32_t mmsi, int64_t t) {
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (c->mmsi[m] < mmsi || (c->mmsi[m] == mmsi && c->t[m] < t))
      lo = m + 1;
    else
      hi = m;
  }
  return lo;
}

static tc_status mem_read(void *ctx, uint32_t mmsi, int64_t t0, int64_t t1, tc_columns *out, tc_err *err) {
  const tc_columns *c = ctx;
  out->n = 0;
  for (size_t i = lower(c, mmsi, t0); i < c->n && c->mmsi[i] == mmsi && c->t[i] <= t1; i++) {
    tc_fix f;
    tc_columns_get(c, i, &f);
    if (tc_columns_push(out, &f) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
  }
  return TC_OK;
}

static double mem_coverage(void *ctx, int64_t t0, int64_t t1) {
  const tc_columns *c = ctx;
  int64_t hours = (t1 - t0) / 3600;
  if (hours <= 0)
    return NAN;
  unsigned char *seen = calloc((size_t)hours, 1);
  if (!seen)
    return NAN;
  for (size_t i = 0; i < c->n; i++)
    if (c->t[i] >= t0 && c->t[i] < t0 + hours * 3600)
      seen[(c->t[i] - t0) / 3600] = 1;
  int64_t k = 0;
  for (int64_t h = 0; h < hours; h++)
    k += seen[h];
  free(seen);
  return (double)k / (double)hours;
}

tc_track_source tc_track_source_memory(const tc_columns *sorted) {
  tc_track_source s = {(void *)sorted, mem_read, 0, 0, mem_coverage};
  if (sorted->n) {
    s.t_min = s.t_max = sorted->t[0];
    for (size_t i = 1; i < sorted->n; i++) {
      if (sorted->t[i] < s.t_min)
        s.t_min = sorted->t[i];
      if (sorted->t[i] > s.t_max)
        s.t_max = sorted->t[i];
    }
  }
  return s;
}

static void consider(const tc_track_source *src, int64_t a, int64_t b, int64_t start, int64_t end,
                     int64_t min_gap, int64_t window, tc_gaps *g) {
  int64_t len = b - a;
  if (len < min_gap)
    return;
  if ((b <= start && b >= start - window && len > g->before_s) || (a >= end && a <= end + window && len > g->after_s)) {
    double cov = src->coverage ? src->coverage(src->ctx, a + 1, b) : NAN;
    if (cov < 0.5)
      return; /* an outage: nobody was heard */
  }
  if (b <= start && b >= start - window && len > g->before_s)
    g->before_s = len;
  if (a >= end && a <= end + window && len > g->after_s)
    g->after_s = len;
}

tc_status tc_track_gaps(const tc_track_source *src, uint32_t mmsi, int64_t start, int64_t end,
                        int64_t min_gap, int64_t window, tc_columns *scratch, tc_gaps *out, tc_err *err) {
  out->before_s = out->after_s = 0;
  int64_t w0 = start - window - min_gap, w1 = end + window + min_gap;
  TC_TRY(src->read(src->ctx, mmsi, w0, w1, scratch, err));
  if (scratch->n == 0)
    return TC_OK;
  const int64_t *t = scratch->t;
  size_t n = scratch->n;
  /* No fix between the window's start and the first one: a gap at least that long,
   * provided the data itself reaches back past the window. */
  if (src->t_min <= w0)
    consider(src, w0, t[0], start, end, min_gap, window, out);
  for (size_t i = 0; i + 1 < n; i++)
    consider(src, t[i], t[i + 1], start, end, min_gap, window, out);
  if (src->t_max >= w1)
    consider(src, t[n - 1], w1, start, end, min_gap, window, out);
  return TC_OK;
}
