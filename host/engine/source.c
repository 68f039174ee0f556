#include "host/engine/source.h"

#include <stdlib.h>
#include <string.h>

#include "io/clean.h"

struct tc_memory_source {
  tc_fix *rows;
  size_t n, pos;
  int64_t bucket_s;
};

int tc_fix_cmp_import(const void *pa, const void *pb) {
  const tc_fix *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  if (a->lat != b->lat)
    return a->lat < b->lat ? -1 : 1;
  if (a->lon != b->lon)
    return a->lon < b->lon ? -1 : 1;
  return 0;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int cmp_bucket_fix(const void *pa, const void *pb, void *arg) {
  const tc_fix *a = pa, *b = pb;
  int64_t bs = *(const int64_t *)arg;
  int64_t ka = floor_div(a->t, bs), kb = floor_div(b->t, bs);
  if (ka != kb)
    return ka < kb ? -1 : 1;
  return tc_fix_cmp_import(pa, pb);
}

tc_status tc_memory_source_create(const tc_columns *fixes, int64_t bucket_s, tc_memory_source **out) {
  *out = NULL;
  if (bucket_s <= 0)
    return TC_ERR_ARG;
  tc_memory_source *m = calloc(1, sizeof *m);
  if (!m)
    return TC_ERR_NOMEM;
  m->bucket_s = bucket_s;
  m->rows = malloc((fixes->n ? fixes->n : 1) * sizeof *m->rows);
  if (!m->rows) {
    free(m);
    return TC_ERR_NOMEM;
  }
  for (size_t i = 0; i < fixes->n; i++) {
    tc_fix f;
    tc_columns_get(fixes, i, &f);
    if (tc_fix_check(&f) == TC_FIX_OK)
      m->rows[m->n++] = f;
  }
  qsort_r(m->rows, m->n, sizeof *m->rows, cmp_bucket_fix, &m->bucket_s);
  size_t w = 0;
  for (size_t i = 0; i < m->n; i++)
    if (w == 0 || m->rows[i].mmsi != m->rows[w - 1].mmsi || m->rows[i].t != m->rows[w - 1].t)
      m->rows[w++] = m->rows[i];
  m->n = w;
  *out = m;
  return TC_OK;
}

void tc_memory_source_free(tc_memory_source *m) {
  if (!m)
    return;
  free(m->rows);
  free(m);
}

static tc_status memory_next(void *vctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  tc_memory_source *m = vctx;
  cols->n = 0;
  if (m->pos >= m->n) {
    *eof = 1;
    return TC_OK;
  }
  int64_t k = floor_div(m->rows[m->pos].t, m->bucket_s);
  while (m->pos < m->n && floor_div(m->rows[m->pos].t, m->bucket_s) == k) {
    if (tc_columns_push(cols, &m->rows[m->pos]) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "out of memory reading a bucket");
    m->pos++;
  }
  *t_end = (k + 1) * m->bucket_s;
  *eof = 0;
  return TC_OK;
}

tc_bucket_source tc_memory_source_get(tc_memory_source *m) {
  tc_bucket_source s = {m, memory_next, 0};
  return s;
}
