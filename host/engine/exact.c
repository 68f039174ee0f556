#include "host/engine/exact.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_closebuf_free(tc_closebuf *c) {
  if (!c)
    return;
  free(c->v);
  free(c->tmp);
  free(c->d);
  free(c->cosl);
  memset(c, 0, sizeof *c);
}

static int grow(void **p, size_t *cap, size_t n, size_t size) {
  if (n <= *cap)
    return 1;
  void *q = realloc(*p, n * size);
  if (!q)
    return 0;
  *p = q;
  *cap = n;
  return 1;
}

/* Stable LSD radix pass by 16 bits of a field, skipped when that digit is constant. */
static void radix_pass(tc_close_pair **v, tc_close_pair **tmp, size_t n, int by_key, int shift,
                       size_t *cnt) {
  tc_close_pair *a = *v, *b = *tmp;
#define DIGIT(r) ((by_key ? (r).key >> shift : (uint64_t)(r).p >> shift) & 0xFFFF)
  uint64_t first = DIGIT(a[0]);
  size_t i = 1;
  while (i < n && DIGIT(a[i]) == first)
    i++;
  if (i == n)
    return;
  memset(cnt, 0, 65536 * sizeof *cnt);
  for (i = 0; i < n; i++)
    cnt[DIGIT(a[i])]++;
  size_t sum = 0;
  for (size_t k = 0; k < 65536; k++) {
    size_t c = cnt[k];
    cnt[k] = sum;
    sum += c;
  }
  for (i = 0; i < n; i++)
    b[cnt[DIGIT(a[i])]++] = a[i];
#undef DIGIT
  *v = b;
  *tmp = a;
}

tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, double dist_m,
                          int threads, tc_closebuf *out) {
  (void)threads;
  if (!grow((void **)&out->d, &out->dcap, cand->n, sizeof *out->d))
    return TC_ERR_NOMEM;
  long long n = (long long)cand->n;
  /* cos(lat) once per position pays when there are many candidates per position. */
  int per_position = cand->n > blk->n / 4;
  if (per_position) {
    if (!grow((void **)&out->cosl, &out->ccap, blk->n, sizeof *out->cosl))
      return TC_ERR_NOMEM;
    long long np = (long long)blk->n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
    for (long long k = 0; k < np; k++)
      out->cosl[k] = tc_cos_lat(blk->lat[k]);
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long k = 0; k < n; k++) {
    uint32_t p = cand->p[k], q = cand->q[k];
    double ca = per_position ? out->cosl[p] : tc_cos_lat(blk->lat[p]);
    double cb = per_position ? out->cosl[q] : tc_cos_lat(blk->lat[q]);
    out->d[k] = tc_haversine_cos_m(blk->lat[p], blk->lon[p], ca, blk->lat[q], blk->lon[q], cb);
  }
  size_t m = 0;
  for (size_t k = 0; k < cand->n; k++)
    m += out->d[k] <= dist_m;
  if (m > out->cap) { /* v and tmp swap roles while sorting: same capacity */
    size_t cap = out->cap;
    if (!grow((void **)&out->v, &cap, m, sizeof *out->v))
      return TC_ERR_NOMEM;
    cap = out->cap;
    if (!grow((void **)&out->tmp, &cap, m, sizeof *out->tmp))
      return TC_ERR_NOMEM;
    out->cap = m;
  }
  out->n = 0;
  for (size_t k = 0; k < cand->n; k++)
    if (out->d[k] <= dist_m) {
      uint32_t p = cand->p[k], q = cand->q[k];
      tc_close_pair c = {((uint64_t)blk->vid[p] << 32) | blk->vid[q], p, q, out->d[k]};
      out->v[out->n++] = c;
    }
  if (out->n > 1) {
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!cnt)
      return TC_ERR_NOMEM;
    /* by p (time order within a pair), then stably by pair */
    for (int sh = 0; sh < 32; sh += 16)
      radix_pass(&out->v, &out->tmp, out->n, 0, sh, cnt);
    for (int sh = 0; sh < 64; sh += 16)
      radix_pass(&out->v, &out->tmp, out->n, 1, sh, cnt);
    free(cnt);
    /* A backend that reports a pair twice must not count it twice. */
    size_t w = 1;
    for (size_t k = 1; k < out->n; k++)
      if (out->v[k].p != out->v[w - 1].p || out->v[k].q != out->v[w - 1].q)
        out->v[w++] = out->v[k];
    out->n = w;
  }
  return TC_OK;
}
