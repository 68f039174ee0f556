/* Upper bounds of a dark pair's coverages (spec/events.md §2, §3) from which blocks of
 * each gap hold any evidence at all, so that the many pairs whose coverage provably
 * falls short of dark_min_coverage (a receiver outage: nobody heard for hours) skip the
 * exact count over their windows.
 *
 * A window [s, s + w) of the overlap holds a fix only if block j or j + 1 of the gap
 * (blocks aligned to t_i, j that of s) holds one; when s is aligned to t_i, only block j
 * can. So the windows holding a fix of anyone but the partner are at most those whose
 * blocks hold any fix, and prefix counts of such blocks give that number in O(1) per
 * pair. The blocks are asked through tc_cov_span, so the bound holds whatever the
 * summaries are. */
#include <stdlib.h>
#include <string.h>

#include "host/events/internal.h"

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

void tc_cov_bound_free(tc_cov_bound *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

tc_status tc_cov_bound_build(tc_cov_bound *b, const tc_gap_rec *r, int64_t lo, int64_t hi, int64_t window) {
  memset(b, 0, sizeof *b);
  if (hi <= lo || window <= 0)
    return TC_OK; /* no window: every bound 0 */
  int64_t t0 = r->g.t0;
  b->k0 = floor_div(lo - t0, window);
  b->n = (size_t)(floor_div(hi - 1 - t0, window) - b->k0 + 1);
  /* p[0 .. n]: blocks holding a fix among the first k; p[n + 1 .. 2n + 1]: blocks k
   * such that k or k + 1 holds one (a block past the range holds none) */
  if (!(b->p = malloc((2 * b->n + 2) * sizeof *b->p)))
    return TC_ERR_NOMEM;
  uint32_t *p0 = b->p, *p1 = b->p + b->n + 1;
  int prev = 0;
  p0[0] = p1[0] = 0;
  for (size_t k = b->n; k-- > 0;) { /* from the end: k + 1 is known */
    int64_t s = t0 + (b->k0 + (int64_t)k) * window;
    int seen = tc_cov_span(r, s, s + window, window, 0) > 0.0;
    p0[k + 1] = (uint32_t)seen; /* counts first, summed below */
    p1[k + 1] = (uint32_t)(seen | prev);
    prev = seen;
  }
  for (size_t k = 1; k <= b->n; k++) {
    p0[k] += p0[k - 1];
    p1[k] += p1[k - 1];
  }
  return TC_OK;
}

static inline double bound_span(const tc_cov_bound *b, const tc_gap_rec *r, int64_t u0, int64_t u1, int64_t window) {
  if (u1 <= u0 || window <= 0)
    return 0.0;
  int64_t nw = (u1 - u0) / window;
  if (nw == 0)
    return 0.0;
  int64_t off = u0 - r->g.t0, j = floor_div(off, window), rem = off - j * window;
  /* windows k = 0 .. nw - 1 start in blocks j .. j + nw - 1 and, unaligned, end in
   * j + 1 .. j + nw: every one must lie in what b holds, or there is no bound */
  int64_t a = j - b->k0, z = a + nw;
  if (a < 0 || z + (rem != 0) > (int64_t)b->n)
    return 1.0;
  const uint32_t *p = rem ? b->p + b->n + 1 : b->p;
  return (double)(p[z] - p[a]) / (double)nw;
}

double tc_cov_bound_span(const tc_cov_bound *b, const tc_gap_rec *r, int64_t u0, int64_t u1, int64_t window) {
  return bound_span(b, r, u0, u1, window);
}

/* tc_dark_pair_bound, inline in the loops over pairs. */
static inline int pair_bound(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                             const tc_cov_bound *ba, const tc_cov_bound *bb) {
  const tc_gap_rec *ra = &recs[c->i], *rb = &recs[c->j];
  int64_t o0 = max64(ra->g.t0, rb->g.t0), o1 = min64(ra->g.t1, rb->g.t1);
  /* covered k of nw windows against a count >= k: k / nw <= count / nw in floating
   * point too, so a bound below min_cov means the exact coverage is */
  c->coverage_a = bound_span(ba, ra, o0, o1, window);
  c->coverage_b = 0.0; /* not measured while a side already falls short */
  if (c->coverage_a < min_cov)
    return 0;
  double ub = bound_span(bb, rb, o0, o1, window);
  if (ub < min_cov) {
    c->coverage_b = ub;
    return 0;
  }
  return 1;
}

int tc_dark_pair_bound(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                       const tc_cov_bound *ba, const tc_cov_bound *bb) {
  return pair_bound(recs, c, window, min_cov, ba, bb);
}

void tc_dark_pair_coverage_exact(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov) {
  const tc_gap_rec *ra = &recs[c->i], *rb = &recs[c->j];
  int64_t o0 = max64(ra->g.t0, rb->g.t0), o1 = min64(ra->g.t1, rb->g.t1);
  c->coverage_a = tc_cov_span(ra, o0, o1, window, rb->g.mmsi);
  if (c->coverage_a >= min_cov)
    c->coverage_b = tc_cov_span(rb, o0, o1, window, ra->g.mmsi);
}

/* tc_dark_pair_coverage_bounded, inline in the loop over pairs. */
static inline void coverage_bounded(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                                    const tc_cov_bound *ba, const tc_cov_bound *bb) {
  if (pair_bound(recs, c, window, min_cov, ba, bb))
    tc_dark_pair_coverage_exact(recs, c, window, min_cov);
}

void tc_dark_pair_coverage_bounded(const tc_gap_rec *recs, tc_dark_cand *c, int64_t window, double min_cov,
                                   const tc_cov_bound *ba, const tc_cov_bound *bb) {
  coverage_bounded(recs, c, window, min_cov, ba, bb);
}

void tc_dark_pairs_coverage_bounded(const tc_gap_rec *recs, tc_dark_cand *v, size_t n, int64_t window,
                                    double min_cov, const tc_cov_bound *bounds, int threads) {
  long long nl = (long long)n;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads) if (nl > 4096)
#endif
  for (long long k = 0; k < nl; k++)
    coverage_bounded(recs, &v[k], window, min_cov, &bounds[v[k].i], &bounds[v[k].j]);
}
