#include "host/engine/exact.h"

#include <stdlib.h>

#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_closebuf_free(tc_closebuf *c) {
  if (!c)
    return;
  free(c->v);
  free(c->d);
  c->v = NULL;
  c->d = NULL;
  c->n = c->cap = c->dcap = 0;
}

static int cmp_close(const void *pa, const void *pb) {
  const tc_close_pair *a = pa, *b = pb;
  if (a->p != b->p)
    return a->p < b->p ? -1 : 1;
  if (a->q != b->q)
    return a->q < b->q ? -1 : 1;
  return 0;
}

tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, double dist_m,
                          int threads, tc_closebuf *out) {
  (void)threads;
  if (cand->n > out->dcap) {
    double *d = realloc(out->d, cand->n * sizeof *d);
    if (!d)
      return TC_ERR_NOMEM;
    out->d = d;
    out->dcap = cand->n;
  }
  long long n = (long long)cand->n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long k = 0; k < n; k++) {
    uint32_t p = cand->p[k], q = cand->q[k];
    out->d[k] = tc_haversine_m(blk->lat[p], blk->lon[p], blk->lat[q], blk->lon[q]);
  }
  size_t m = 0;
  for (size_t k = 0; k < cand->n; k++)
    m += out->d[k] <= dist_m;
  if (m > out->cap) {
    tc_close_pair *v = realloc(out->v, m * sizeof *v);
    if (!v)
      return TC_ERR_NOMEM;
    out->v = v;
    out->cap = m;
  }
  out->n = 0;
  for (size_t k = 0; k < cand->n; k++)
    if (out->d[k] <= dist_m) {
      tc_close_pair c = {cand->p[k], cand->q[k], out->d[k]};
      out->v[out->n++] = c;
    }
  if (out->n > 1) {
    qsort(out->v, out->n, sizeof *out->v, cmp_close);
    /* A backend that reports a pair twice must not count it twice. */
    size_t w = 1;
    for (size_t k = 1; k < out->n; k++)
      if (out->v[k].p != out->v[w - 1].p || out->v[k].q != out->v[w - 1].q)
        out->v[w++] = out->v[k];
    out->n = w;
  }
  return TC_OK;
}
