#include "host/report/tracks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
  tc_track_source s = {(void *)sorted, mem_read, 0, 0, mem_coverage, NULL};
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

void tc_gap_scan_init(tc_gap_scan *g, int64_t start, int64_t end, int64_t min_gap, int64_t window) {
  memset(g, 0, sizeof *g);
  g->start = start;
  g->end = end;
  g->min_gap = min_gap;
  g->window = window;
}

void tc_gap_scan_window(const tc_gap_scan *g, int64_t *t0, int64_t *t1) {
  *t0 = g->start - g->window - g->min_gap;
  *t1 = g->end + g->window + g->min_gap;
}

void tc_gap_scan_free(tc_gap_scan *g) {
  if (!g)
    return;
  free(g->span);
  g->span = NULL;
  g->nspan = g->cap = 0;
}

/* Keeps (a, b) when it is long enough and ends by the start or begins at or after the
 * end, within the window: only those can count, and only the coverage is left to ask. */
static void note(tc_gap_scan *g, int64_t a, int64_t b) {
  if (b - a < g->min_gap || b - a <= 0)
    return;
  if (!((b <= g->start && b >= g->start - g->window) || (a >= g->end && a <= g->end + g->window)))
    return;
  if (g->nspan == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 4;
    int64_t *v = realloc(g->span, cap * 2 * sizeof *v);
    if (!v) {
      g->nomem = 1;
      return;
    }
    g->span = v;
    g->cap = cap;
  }
  g->span[2 * g->nspan] = a;
  g->span[2 * g->nspan + 1] = b;
  g->nspan++;
}

void tc_gap_scan_fix(tc_gap_scan *g, int64_t t) {
  if (g->n == 0)
    g->first = t;
  else
    note(g, g->last, t);
  g->last = t;
  g->n++;
}

tc_status tc_gap_scan_finish(tc_gap_scan *g, const tc_track_source *src, tc_gaps *out, tc_err *err) {
  out->before_s = out->after_s = 0;
  if (g->nomem)
    return tc_fail(err, TC_ERR_NOMEM, "gaps: out of memory");
  if (g->n == 0)
    return TC_OK;
  int64_t w0, w1;
  tc_gap_scan_window(g, &w0, &w1);
  /* No fix between the window's start and the first one (or the last one and its
   * end): a gap at least that long, provided the data itself reaches past the window. */
  if (src->t_min <= w0)
    note(g, w0, g->first);
  if (src->t_max >= w1)
    note(g, g->last, w1);
  if (g->nomem)
    return tc_fail(err, TC_ERR_NOMEM, "gaps: out of memory");
  /* The longest on each side that is not an outage (nobody heard): asking the
   * coverage only of gaps that would win. */
  for (size_t i = 0; i < g->nspan; i++) {
    int64_t a = g->span[2 * i], b = g->span[2 * i + 1], len = b - a;
    int before = b <= g->start && len > out->before_s, after = a >= g->end && len > out->after_s;
    if (!before && !after)
      continue;
    double cov = src->coverage ? src->coverage(src->ctx, a + 1, b) : NAN;
    if (cov < 0.5)
      continue;
    if (before)
      out->before_s = len;
    if (after)
      out->after_s = len;
  }
  return TC_OK;
}

tc_status tc_track_gaps(const tc_track_source *src, uint32_t mmsi, int64_t start, int64_t end,
                        int64_t min_gap, int64_t window, tc_columns *scratch, tc_gaps *out, tc_err *err) {
  tc_gap_scan g;
  tc_gap_scan_init(&g, start, end, min_gap, window);
  int64_t w0, w1;
  tc_gap_scan_window(&g, &w0, &w1);
  tc_status s = src->read(src->ctx, mmsi, w0, w1, scratch, err);
  for (size_t i = 0; s == TC_OK && i < scratch->n; i++)
    tc_gap_scan_fix(&g, scratch->t[i]);
  if (s == TC_OK)
    s = tc_gap_scan_finish(&g, src, out, err);
  else
    out->before_s = out->after_s = 0;
  tc_gap_scan_free(&g);
  return s;
}

tc_status tc_track_gather(const tc_track_source *src, tc_track_req *reqs, size_t n, tc_track_progress progress,
                          void *user, tc_err *err) {
  if (src->gather)
    return src->gather(src->ctx, reqs, n, progress, user, err);
  tc_columns tmp;
  tc_columns_init(&tmp);
  tc_status s = TC_OK;
  for (size_t i = 0; s == TC_OK && i < n; i++) {
    if ((s = src->read(src->ctx, reqs[i].mmsi, reqs[i].t0, reqs[i].t1, &tmp, err)) != TC_OK)
      break;
    for (size_t j = 0; j < tmp.n; j++) {
      if (reqs[i].gap)
        tc_gap_scan_fix(reqs[i].gap, tmp.t[j]);
      if (reqs[i].out) {
        tc_fix f;
        tc_columns_get(&tmp, j, &f);
        if (tc_columns_push(reqs[i].out, &f) != TC_OK) {
          s = tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
          break;
        }
      }
    }
    if (progress)
      progress(user, "reading tracks", i + 1, n);
  }
  tc_columns_free(&tmp);
  return s;
}
