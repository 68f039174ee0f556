/* Several stores as one bucket source (source_multi.h): each store through its own
 * tc_store_source, one after the other in time order. */
#include "host/engine/source_multi.h"

#include <stdlib.h>

#include "io/outpath.h"
#include "io/timefmt.h"

struct tc_multi_source {
  tc_store_source_ctx *ctx; /* one per store */
  tc_bucket_source *src;
  size_t n, cur;
  int64_t t_done; /* the latest t_end reported */
};

static int is_empty(const tc_store *s) {
  const tc_store_info *i = tc_store_get_info(s);
  return i->nbuckets == 0 || i->rows == 0;
}

static int cmp_store_time(const void *pa, const void *pb) {
  const tc_store *a = *(tc_store *const *)pa, *b = *(tc_store *const *)pb;
  int ea = is_empty(a), eb = is_empty(b);
  if (ea != eb)
    return ea ? -1 : 1;
  if (ea)
    return 0;
  const tc_store_info *x = tc_store_get_info(a), *y = tc_store_get_info(b);
  if (x->t_min != y->t_min)
    return x->t_min < y->t_min ? -1 : 1;
  return (x->t_max > y->t_max) - (x->t_max < y->t_max);
}

tc_status tc_stores_order(tc_store **stores, size_t n, tc_err *err) {
  /* qsort is not stable: equal keys only arise for empty stores (which hold nothing,
   * so their order cannot change what is read) or for stores that overlap (refused). */
  qsort(stores, n, sizeof *stores, cmp_store_time);
  for (size_t i = 1; i < n; i++) {
    if (is_empty(stores[i - 1]))
      continue;
    const tc_store_info *a = tc_store_get_info(stores[i - 1]), *b = tc_store_get_info(stores[i]);
    if (a->t_max < b->t_min)
      continue;
    if (tc_path_same_file(tc_store_path(stores[i - 1]), tc_store_path(stores[i])))
      return tc_fail(err, TC_ERR_ARG, "store %s is given twice (also as %s)", tc_store_path(stores[i - 1]),
                     tc_store_path(stores[i]));
    char o0[TC_ISO_LEN], o1[TC_ISO_LEN], a0[TC_ISO_LEN], a1[TC_ISO_LEN], b0[TC_ISO_LEN], b1[TC_ISO_LEN];
    tc_time_format_iso(b->t_min, o0);
    tc_time_format_iso(a->t_max < b->t_max ? a->t_max : b->t_max, o1);
    tc_time_format_iso(a->t_min, a0);
    tc_time_format_iso(a->t_max, a1);
    tc_time_format_iso(b->t_min, b0);
    tc_time_format_iso(b->t_max, b1);
    return tc_fail(err, TC_ERR_ARG,
                   "stores %s and %s overlap in time from %s to %s (%s holds fixes %s to %s, %s holds %s "
                   "to %s); stores read as one timeline must not share a fix time",
                   tc_store_path(stores[i - 1]), tc_store_path(stores[i]), o0, o1, tc_store_path(stores[i - 1]),
                   a0, a1, tc_store_path(stores[i]), b0, b1);
  }
  return TC_OK;
}

void tc_multi_source_free(tc_multi_source *m) {
  if (!m)
    return;
  free(m->ctx);
  free(m->src);
  free(m);
}

tc_status tc_multi_source_create(tc_store *const *stores, size_t n, int threads, tc_multi_source **out,
                                 tc_err *err) {
  *out = NULL;
  tc_multi_source *m = calloc(1, sizeof *m);
  if (m) {
    m->ctx = calloc(n ? n : 1, sizeof *m->ctx);
    m->src = calloc(n ? n : 1, sizeof *m->src);
  }
  if (!m || !m->ctx || !m->src) {
    tc_multi_source_free(m);
    return tc_fail(err, TC_ERR_NOMEM, "out of memory opening %zu stores", n);
  }
  m->n = n;
  m->t_done = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    m->src[i] = tc_store_source(&m->ctx[i], stores[i]);
    m->ctx[i].threads = threads;
  }
  *out = m;
  return TC_OK;
}

/* A store's own t_end claims only its own fixes; the next store may hold fixes inside
 * the span of this store's last bucket, so the claim is capped at the next non-empty
 * store's first fix time. Claims never go back (an earlier one stays true). */
static tc_status multi_next(void *vctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  tc_multi_source *m = vctx;
  for (; m->cur < m->n; m->cur++) {
    int64_t t = 0;
    int done = 0;
    TC_TRY(m->src[m->cur].next(m->src[m->cur].ctx, cols, &t, &done, err));
    if (done)
      continue;
    for (size_t j = m->cur + 1; j < m->n; j++)
      if (!is_empty(m->ctx[j].store)) {
        int64_t next_min = tc_store_get_info(m->ctx[j].store)->t_min;
        if (t > next_min)
          t = next_min;
        break;
      }
    if (t > m->t_done)
      m->t_done = t;
    *t_end = m->t_done;
    *eof = 0;
    return TC_OK;
  }
  cols->n = 0;
  *eof = 1;
  return TC_OK;
}

void tc_multi_source_also_read(tc_multi_source *m, unsigned cols) {
  for (size_t i = 0; i < m->n; i++)
    m->ctx[i].also = cols;
}

tc_bucket_source tc_multi_source_get(tc_multi_source *m) {
  tc_bucket_source s = {m, multi_next, 0};
  return s;
}

void tc_multi_source_position(const tc_multi_source *m, uint64_t *buckets, int *at_edge, int64_t *t_done) {
  uint64_t b = 0;
  int edge = 1;
  for (size_t i = 0; i < m->n && i <= m->cur; i++) {
    b += m->ctx[i].k;
    edge = m->ctx[i].row == 0;
  }
  *buckets = b;
  *at_edge = edge;
  *t_done = m->t_done;
}

tc_status tc_multi_source_skip(tc_multi_source *m, uint64_t buckets, int64_t t_done, tc_err *err) {
  uint64_t left = buckets;
  for (m->cur = 0; m->cur < m->n; m->cur++) {
    size_t nb = tc_store_get_info(m->ctx[m->cur].store)->nbuckets;
    if (left < nb) {
      m->ctx[m->cur].k = (size_t)left;
      left = 0;
      break;
    }
    m->ctx[m->cur].k = nb;
    left -= nb;
  }
  if (left)
    return tc_fail(err, TC_ERR_ARG, "the stores hold fewer than the %llu buckets to skip",
                   (unsigned long long)buckets);
  m->t_done = t_done;
  return TC_OK;
}

void tc_multi_source_seek(tc_multi_source *m, int64_t t) {
  for (size_t i = 0; i < m->n; i++) {
    tc_store_source_ctx *c = &m->ctx[i];
    const tc_store_info *info = tc_store_get_info(c->store);
    c->row = 0;
    for (c->k = 0; c->k < info->nbuckets; c->k++) {
      int64_t t0;
      uint64_t rows;
      if (tc_store_bucket(c->store, c->k, &t0, &rows) != TC_OK || t0 + info->bucket_s > t)
        break;
    }
  }
}
