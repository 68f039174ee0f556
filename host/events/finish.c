/* Completing the gaps as pass 2's read goes (host/events/events.c drives it): a gap's
 * own coverage and others_seen, and each dark candidate pair's two coverages, taken
 * from the gaps' evidence summaries (cov_evidence.c) as soon as the read has delivered
 * every fix they need, the evidence freed as soon as nothing needs it. */
#include <stdlib.h>
#include <string.h>

#include "host/events/internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static int cmp_t1(const void *pa, const void *pb, void *arg) {
  const tc_gap_rec *g = arg;
  const tc_gap *a = &g[*(const uint32_t *)pa].g, *b = &g[*(const uint32_t *)pb].g;
  return (a->t1 > b->t1) - (a->t1 < b->t1);
}

/* A gap's evidence is complete once the read has delivered every fix before its end:
 * its own coverage and count are taken then, each dark pair's coverages once both of
 * its gaps are complete, and the evidence is freed as soon as nothing needs it, so
 * that it is held only for the gaps open around the read, not for every gap of the
 * stores. */
struct tc_gap_finisher {
  tc_gap_rec *gaps;
  size_t n;            /* gaps */
  tc_dark_cands *dark;
  int64_t window;      /* coverage_window */
  double min_cov;      /* dark_min_coverage: > 0, the rule on, pairs judged by bounds first */
  int threads;
  uint32_t *by_t1;     /* gaps in order of end */
  size_t next;         /* first of them not complete */
  unsigned char *done;
  uint32_t *pending;   /* per gap: its dark pairs not yet measured */
  size_t *first;       /* per gap: its pairs in adj[first[g] .. first[g + 1]) */
  uint32_t *adj;
  uint32_t *ready;     /* pairs to measure after a slice */
  tc_cov_bound *bound; /* per gap with pairs, once complete: its coverage bounds */
};
typedef tc_gap_finisher finisher;

void tc_gap_finisher_free(tc_gap_finisher *f) {
  if (!f)
    return;
  for (size_t i = 0; f->bound && i < f->n; i++)
    tc_cov_bound_free(&f->bound[i]);
  free(f->bound);
  free(f->by_t1);
  free(f->done);
  free(f->pending);
  free(f->first);
  free(f->adj);
  free(f->ready);
  free(f);
}

tc_status tc_gap_finisher_create(tc_gap_rec *gaps, size_t n, tc_dark_cands *dark, int64_t window, double min_cov,
                                 int threads, tc_gap_finisher **out) {
  /* the pairs are indexed by the first run that completes gaps one by one */
  finisher *f = calloc(1, sizeof *f);
  *out = f;
  if (!f)
    return TC_ERR_NOMEM;
  *f = (finisher){.gaps = gaps, .n = n, .dark = dark, .window = window, .min_cov = min_cov, .threads = threads};
  f->by_t1 = malloc((n ? n : 1) * sizeof *f->by_t1);
  f->done = calloc(n ? n : 1, 1);
  f->bound = calloc(n ? n : 1, sizeof *f->bound);
  if (!f->by_t1 || !f->done || !f->bound)
    return TC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++)
    f->by_t1[i] = (uint32_t)i;
  if (n)
    qsort_r(f->by_t1, n, sizeof *f->by_t1, cmp_t1, (void *)gaps);
  return TC_OK;
}

/* Each gap's pairs (adj) and how many wait (pending). */
static tc_status finisher_pairs(finisher *f, const tc_dark_cands *dc) {
  size_t n = f->n;
  f->pending = calloc(n ? n : 1, sizeof *f->pending);
  f->first = calloc(n + 1, sizeof *f->first);
  f->adj = malloc((dc->n ? 2 * dc->n : 1) * sizeof *f->adj);
  f->ready = malloc((dc->n ? dc->n : 1) * sizeof *f->ready);
  size_t *at = malloc((n ? n : 1) * sizeof *at);
  if (!f->pending || !f->first || !f->adj || !f->ready || !at) {
    free(at);
    return TC_ERR_NOMEM;
  }
  for (size_t k = 0; k < dc->n; k++) {
    f->pending[dc->v[k].i]++;
    f->pending[dc->v[k].j]++;
  }
  for (size_t i = 0; i < n; i++)
    f->first[i + 1] = f->first[i] + f->pending[i];
  memcpy(at, f->first, (n ? n : 1) * sizeof *at);
  for (size_t k = 0; k < dc->n; k++) {
    f->adj[at[dc->v[k].i]++] = (uint32_t)k;
    f->adj[at[dc->v[k].j]++] = (uint32_t)k;
  }
  free(at);
  return TC_OK;
}

/* The coverage bounds of complete gap gi over its whole span, where the coverage rule
 * is on: most pairs of a dense area fall short of it, and the bounds say so without the
 * count over their windows. A pair's bound reads the blocks its overlap meets and no
 * other, so they are the same over any span that holds the overlap. */
static tc_status bound_gap(const finisher *f, uint32_t gi) {
  const tc_gap_rec *g = &f->gaps[gi];
  return tc_cov_bound_build(&f->bound[gi], g, g->g.t0, g->g.t1, f->window);
}

/* Gap g complete: its own coverage and others_seen, where they are reported. */
static void own_coverage(tc_gap_rec *g, int64_t window) {
  if (g->want & TC_COV_OWN) {
    g->g.coverage = tc_cov_gap(g, window);
    g->g.others_seen = tc_cov_others(g);
  }
}

/* Pair c is measured: a gap none of whose pairs waits any more lets its evidence go. */
static inline void settle(finisher *f, const tc_dark_cand *c) {
  if (!--f->pending[c->i]) {
    tc_cov_release(&f->gaps[c->i]);
    tc_cov_bound_free(&f->bound[c->i]);
  }
  if (!--f->pending[c->j]) {
    tc_cov_release(&f->gaps[c->j]);
    tc_cov_bound_free(&f->bound[c->j]);
  }
}

/* tc_gap_finisher_run when every gap completes at once (the end of pass 2, none completed
 * before): the pairs need no order, so no index of them, and each is judged where it
 * lies; the evidence goes once all are measured. */
static tc_status finish_all(finisher *f) {
  const int bounded = f->min_cov > 0;
  tc_dark_cand *v = f->dark->v;
  const size_t np = f->dark->n;
  unsigned char *paired = f->done; /* no gap is done yet: marks the gaps with pairs */
  for (size_t k = 0; k < np; k++)
    paired[v[k].i] = paired[v[k].j] = 1;
  for (size_t i = 0; i < f->n; i++) {
    tc_gap_rec *g = &f->gaps[i];
    own_coverage(g, f->window);
    if (!paired[i])
      tc_cov_release(g);
    else if (bounded)
      TC_TRY(bound_gap(f, (uint32_t)i));
  }
  long long nl = (long long)np;
  if (bounded) {
    tc_dark_pairs_coverage_bounded(f->gaps, v, np, f->window, f->min_cov, f->bound, f->threads);
  } else {
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(f->threads) if (nl > 256)
#endif
    for (long long k = 0; k < nl; k++)
      tc_dark_pair_coverage(f->gaps, &v[k], f->window);
  }
  for (size_t i = 0; i < f->n; i++) {
    f->done[i] = 1;
    tc_cov_release(&f->gaps[i]);
    tc_cov_bound_free(&f->bound[i]);
  }
  f->next = f->n;
  return TC_OK;
}

/* A pair is judged by its bounds as soon as both gaps are complete (most fall short
 * there, in O(1)); the pairs that need the counts over their windows are measured after
 * the loop, in parallel. */
tc_status tc_gap_finisher_run(tc_gap_finisher *f, int64_t t_end) {
  if (f->next == 0 && t_end == INT64_MAX)
    return finish_all(f);
  if (!f->adj)
    TC_TRY(finisher_pairs(f, f->dark));
  const int bounded = f->min_cov > 0;
  tc_dark_cand *v = f->dark->v;
  size_t nready = 0;
  for (; f->next < f->n && f->gaps[f->by_t1[f->next]].g.t1 <= t_end; f->next++) {
    uint32_t gi = f->by_t1[f->next];
    tc_gap_rec *g = &f->gaps[gi];
    f->done[gi] = 1;
    own_coverage(g, f->window);
    if (f->first[gi] == f->first[gi + 1]) {
      tc_cov_release(g);
      continue;
    }
    if (bounded)
      TC_TRY(bound_gap(f, gi));
    for (size_t q = f->first[gi]; q < f->first[gi + 1]; q++) {
      tc_dark_cand *c = &v[f->adj[q]];
      if (!f->done[c->i == gi ? c->j : c->i])
        continue;
      if (!bounded ||
          tc_dark_pair_bound(f->gaps, c, f->window, f->min_cov, &f->bound[c->i], &f->bound[c->j]))
        f->ready[nready++] = f->adj[q];
      else
        settle(f, c);
    }
  }
  long long nr = (long long)nready;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(f->threads) if (nr > 256)
#endif
  for (long long k = 0; k < nr; k++) {
    tc_dark_cand *c = &v[f->ready[k]];
    if (bounded)
      tc_dark_pair_coverage_exact(f->gaps, c, f->window, f->min_cov);
    else
      tc_dark_pair_coverage(f->gaps, c, f->window);
  }
  for (size_t k = 0; k < nready; k++)
    settle(f, &v[f->ready[k]]);
  return TC_OK;
}
