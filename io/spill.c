#include "io/spill.h"
#include "io/hugepages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  uint64_t key;
  uint32_t idx, pad;
} item;

typedef struct {
  uint64_t off, left; /* where the unread part of the run is in the file, rows left there */
  tc_fix *buf;
  size_t pos, n, cap;
  int64_t b; /* bucket of buf[pos] */
} run;

/* Rows per bucket: open addressing on the bucket start. */
typedef struct {
  int64_t *t0;
  uint64_t *rows;
  size_t cap, n;
} bucket_map;

struct tc_spill {
  tc_spill_opts o;
  tc_fix *recs;
  size_t n, cap;
  item *order; /* sorted buffer (in-memory output) */
  size_t pos;
  int fd;
  uint64_t file_bytes;
  run *runs;
  size_t nruns, cap_runs;
  size_t *heap;
  size_t nheap;
  int finished;
  uint64_t total;
  bucket_map bm;
  int64_t last_t0;
  uint64_t *last_count;
  int64_t *bt0; /* sorted bucket list, after finish */
  uint64_t *brows;
  tc_fix out;
};

/* Distance (rows) at which a gather through the sorted order prefetches. */
#define PREFETCH_AHEAD 16

int64_t tc_bucket_start(int64_t t, int64_t bs) {
  int64_t q = t / bs;
  if (t % bs != 0 && t < 0)
    q--;
  return q * bs;
}

static uint64_t *bm_slot(bucket_map *m, int64_t t0) {
  if (2 * (m->n + 1) > m->cap) {
    size_t nc = m->cap ? 2 * m->cap : 64;
    int64_t *k = malloc(nc * sizeof *k);
    uint64_t *v = calloc(nc, sizeof *v);
    if (!k || !v) {
      free(k), free(v);
      return NULL;
    }
    for (size_t i = 0; i < m->cap; i++)
      if (m->rows[i]) {
        size_t j = ((uint64_t)m->t0[i] * 0x9E3779B97F4A7C15ull >> 20) & (nc - 1);
        while (v[j])
          j = (j + 1) & (nc - 1);
        k[j] = m->t0[i], v[j] = m->rows[i];
      }
    free(m->t0), free(m->rows);
    m->t0 = k, m->rows = v, m->cap = nc;
  }
  size_t j = ((uint64_t)t0 * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
  while (m->rows[j] && m->t0[j] != t0)
    j = (j + 1) & (m->cap - 1);
  if (!m->rows[j])
    m->t0[j] = t0, m->n++; /* a slot is in use once its count is non-zero (set by the caller) */
  return &m->rows[j];
}

static uint64_t bm_get(const bucket_map *m, int64_t t0) {
  size_t j = ((uint64_t)t0 * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
  while (m->rows[j] && m->t0[j] != t0)
    j = (j + 1) & (m->cap - 1);
  return m->rows[j];
}

tc_status tc_spill_create(const tc_spill_opts *o, tc_spill **out, tc_err *err) {
  *out = NULL;
  if (o->bucket_s <= 0 || o->max_rows < 2)
    return tc_fail(err, TC_ERR_ARG, "spill: bad options (bucket %lld s, %zu rows)",
                   (long long)o->bucket_s, o->max_rows);
  tc_spill *s = calloc(1, sizeof *s);
  if (!s)
    return tc_fail(err, TC_ERR_NOMEM, "spill: no memory");
  s->o = *o;
  if (s->o.max_rows > UINT32_MAX)
    s->o.max_rows = UINT32_MAX;
  s->fd = -1;
  *out = s;
  return TC_OK;
}

/* ---- sorting one buffer ---- */

static int bits_for(uint64_t v) {
  int b = 0;
  while (v) {
    b++;
    v >>= 1;
  }
  return b;
}

static int cmp_pos(const tc_fix *a, const tc_fix *b) {
  if (a->lat != b->lat)
    return a->lat < b->lat ? -1 : 1;
  if (a->lon != b->lon)
    return a->lon < b->lon ? -1 : 1;
  return 0;
}

static int cmp_full(const void *pa, const void *pb, void *ctx) {
  const item *x = pa, *y = pb;
  const tc_spill *s = ctx;
  const tc_fix *a = &s->recs[x->idx], *b = &s->recs[y->idx];
  int64_t ba = tc_bucket_start(a->t, s->o.bucket_s), bb = tc_bucket_start(b->t, s->o.bucket_s);
  if (ba != bb)
    return ba < bb ? -1 : 1;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  int c = cmp_pos(a, b);
  return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* LSD radix sort on the low `bits` bits of key, 11 bits a pass; stable. Returns the
 * array holding the result (a or tmp). */
static item *radix(item *a, item *tmp, size_t n, int bits, uint32_t (*cnt)[2048]) {
  int passes = (bits + 10) / 11;
  memset(cnt, 0, (size_t)passes * sizeof *cnt);
  for (size_t i = 0; i < n; i++)
    for (int p = 0; p < passes; p++)
      cnt[p][(a[i].key >> (11 * p)) & 2047]++;
  for (int p = 0; p < passes; p++) {
    uint32_t *c = cnt[p], sum = 0;
    if (c[(a[0].key >> (11 * p)) & 2047] == n)
      continue; /* every key has the same digit here */
    for (int d = 0; d < 2048; d++) {
      uint32_t v = c[d];
      c[d] = sum;
      sum += v;
    }
    for (size_t i = 0; i < n; i++)
      tmp[c[(a[i].key >> (11 * p)) & 2047]++] = a[i];
    item *t = a;
    a = tmp;
    tmp = t;
  }
  return a;
}

/* Fresh pages cost more to fault in than the sort's work on them (io/hugepages.h: the
 * kernel zeroes each one): the two arrays are faulted in on every thread at once
 * rather than by the first pass of one. */
static void prefault(void *p, size_t bytes) {
  volatile char *c = p;
  long np = (long)((bytes + 4095) / 4096);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (np > 256)
#endif
  for (long k = 0; k < np; k++)
    c[(size_t)k * 4096] = 0;
}

/* Sorts recs[0..n) into s->order. Key: bucket offset | mmsi (30 bits) | time in bucket. */
static tc_status sort_buffer(tc_spill *s, tc_err *err) {
  size_t n = s->n;
  int64_t bs = s->o.bucket_s, bmin = INT64_MAX, bmax = INT64_MIN;
  free(s->order);
  s->order = malloc((n ? n : 1) * sizeof(item));
  item *tmp = malloc((n ? n : 1) * sizeof(item));
  uint32_t(*cnt)[2048] = malloc(6 * sizeof *cnt);
  if (!s->order || !tmp || !cnt) {
    free(tmp), free(cnt);
    return tc_fail(err, TC_ERR_NOMEM, "import: no memory to sort %zu rows", n);
  }
  tc_want_huge_pages(s->order, n * sizeof(item));
  tc_want_huge_pages(tmp, n * sizeof(item));
  prefault(s->order, n * sizeof(item));
  prefault(tmp, n * sizeof(item));
  const long ln = (long)n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) reduction(min : bmin) reduction(max : bmax) if (ln > 65536)
#endif
  for (long i = 0; i < ln; i++) {
    int64_t b = tc_bucket_start(s->recs[i].t, bs) / bs;
    bmin = b < bmin ? b : bmin;
    bmax = b > bmax ? b : bmax;
  }
  int tb = bits_for((uint64_t)(bs - 1)), bb = n ? bits_for((uint64_t)bmax - (uint64_t)bmin) : 0;
  item *res = s->order;
  if (n && tb + 30 + bb <= 64) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (ln > 65536)
#endif
    for (long i = 0; i < ln; i++) {
      const tc_fix *f = &s->recs[i];
      int64_t t0 = tc_bucket_start(f->t, bs);
      uint64_t key = (uint64_t)(t0 / bs - bmin) << (30 + tb);
      s->order[i] = (item){key | (uint64_t)f->mmsi << tb | (uint64_t)(f->t - t0), (uint32_t)i, 0};
    }
    res = radix(s->order, tmp, n, tb + 30 + bb, cnt);
    /* Equal keys are equal (bucket, mmsi, t): order them by (lat, lon), stably. */
    for (size_t i = 0; i + 1 < n;) {
      size_t j = i + 1;
      while (j < n && res[j].key == res[i].key)
        j++;
      for (size_t a = i + 1; a < j; a++) {
        item x = res[a];
        size_t b = a;
        while (b > i && cmp_pos(&s->recs[x.idx], &s->recs[res[b - 1].idx]) < 0) {
          res[b] = res[b - 1];
          b--;
        }
        res[b] = x;
      }
      i = j;
    }
  } else if (n) { /* times spread over more buckets than the key holds: compare */
    for (size_t i = 0; i < n; i++)
      s->order[i] = (item){0, (uint32_t)i, 0};
    qsort_r(s->order, n, sizeof(item), cmp_full, s);
  }
  if (res != s->order) {
    free(s->order);
    s->order = res;
  } else {
    free(tmp);
  }
  free(cnt);
  s->pos = 0;
  return TC_OK;
}

/* ---- spilling runs ---- */

static tc_status write_all(tc_spill *s, const void *p, size_t len, tc_err *err) {
  const char *c = p;
  while (len) {
    ssize_t w = pwrite(s->fd, c, len, (off_t)s->file_bytes);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return tc_fail(err, TC_ERR_IO, "import: cannot write the spill file in %s: %s", s->o.dir,
                     w < 0 ? strerror(errno) : "nothing written");
    c += w;
    len -= (size_t)w;
    s->file_bytes += (uint64_t)w;
  }
  return TC_OK;
}

static tc_status spill_run(tc_spill *s, tc_err *err) {
  tc_status st = TC_OK;
  if (s->fd < 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/.trajcorr-spill.XXXXXX", s->o.dir);
    s->fd = mkostemp(path, O_CLOEXEC);
    if (s->fd < 0)
      return tc_fail(err, TC_ERR_IO, "import: cannot create a spill file in %s: %s", s->o.dir,
                     strerror(errno));
    unlink(path); /* gone whatever happens to this process */
  }
  TC_TRY(sort_buffer(s, err));
  if (s->nruns == s->cap_runs) {
    size_t nc = s->cap_runs ? 2 * s->cap_runs : 16;
    run *r = realloc(s->runs, nc * sizeof *r);
    if (!r)
      return tc_fail(err, TC_ERR_NOMEM, "import: no memory for spill runs");
    s->runs = r;
    s->cap_runs = nc;
  }
  s->runs[s->nruns++] = (run){.off = s->file_bytes, .left = s->n};
  enum { STAGE = 16384 };
  tc_fix *stage = malloc(STAGE * sizeof *stage);
  if (!stage)
    return tc_fail(err, TC_ERR_NOMEM, "import: no memory for spilling");
  for (size_t i = 0; i < s->n && st == TC_OK; i += STAGE) {
    size_t m = s->n - i < STAGE ? s->n - i : STAGE;
    for (size_t j = 0; j < m; j++) {
      if (i + j + PREFETCH_AHEAD < s->n)
        __builtin_prefetch(&s->recs[s->order[i + j + PREFETCH_AHEAD].idx]);
      stage[j] = s->recs[s->order[i + j].idx];
    }
    st = write_all(s, stage, m * sizeof *stage, err);
  }
  free(stage);
  s->n = 0;
  free(s->order);
  s->order = NULL;
  return st;
}

tc_status tc_spill_add(tc_spill *s, const tc_fix *f, tc_err *err) {
  if (s->finished)
    return tc_fail(err, TC_ERR_INTERNAL, "spill: add after finish");
  if (s->n == s->cap) {
    if (s->n == s->o.max_rows) {
      TC_TRY(spill_run(s, err));
    } else {
      size_t nc = s->cap ? 2 * s->cap : 65536;
      if (nc > s->o.max_rows)
        nc = s->o.max_rows;
      tc_fix *r = realloc(s->recs, nc * sizeof *r);
      if (!r)
        return tc_fail(err, TC_ERR_NOMEM, "import: no memory to buffer %zu rows (lower --memory)", nc);
      s->recs = r;
      s->cap = nc;
      tc_want_huge_pages(r, nc * sizeof *r);
    }
  }
  int64_t t0 = tc_bucket_start(f->t, s->o.bucket_s);
  if (!s->last_count || t0 != s->last_t0) {
    s->last_count = bm_slot(&s->bm, t0);
    if (!s->last_count)
      return tc_fail(err, TC_ERR_NOMEM, "import: no memory for the bucket map");
    s->last_t0 = t0;
  }
  ++*s->last_count;
  s->recs[s->n++] = *f;
  s->total++;
  return TC_OK;
}

/* ---- merging ---- */

static tc_status run_fill(tc_spill *s, run *r, tc_err *err) {
  size_t m = r->left < r->cap ? (size_t)r->left : r->cap;
  size_t bytes = m * sizeof(tc_fix), got = 0;
  while (got < bytes) {
    ssize_t n = pread(s->fd, (char *)r->buf + got, bytes - got, (off_t)(r->off + got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return tc_fail(err, TC_ERR_IO, "import: cannot read the spill file back: %s",
                     n < 0 ? strerror(errno) : "unexpected end");
    got += (size_t)n;
  }
  r->off += bytes;
  r->left -= m;
  r->pos = 0;
  r->n = m;
  if (m)
    r->b = tc_bucket_start(r->buf[0].t, s->o.bucket_s);
  return TC_OK;
}

/* Store order between the heads of two runs; the earlier run wins ties (input order). */
static int run_less(const tc_spill *s, size_t x, size_t y) {
  const run *rx = &s->runs[x], *ry = &s->runs[y];
  const tc_fix *a = &rx->buf[rx->pos], *b = &ry->buf[ry->pos];
  if (rx->b != ry->b)
    return rx->b < ry->b;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi;
  if (a->t != b->t)
    return a->t < b->t;
  int c = cmp_pos(a, b);
  return c ? c < 0 : x < y;
}

static void sift_down(tc_spill *s, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < s->nheap && run_less(s, s->heap[l], s->heap[m]))
      m = l;
    if (l + 1 < s->nheap && run_less(s, s->heap[l + 1], s->heap[m]))
      m = l + 1;
    if (m == i)
      return;
    size_t t = s->heap[i];
    s->heap[i] = s->heap[m];
    s->heap[m] = t;
    i = m;
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

tc_status tc_spill_finish(tc_spill *s, tc_err *err) {
  if (s->finished)
    return TC_OK;
  s->finished = 1;
  size_t nb = s->bm.n, j = 0;
  s->bt0 = malloc((nb ? nb : 1) * sizeof *s->bt0);
  s->brows = malloc((nb ? nb : 1) * sizeof *s->brows);
  if (!s->bt0 || !s->brows)
    return tc_fail(err, TC_ERR_NOMEM, "import: no memory for the bucket list");
  for (size_t i = 0; i < s->bm.cap; i++)
    if (s->bm.rows[i])
      s->bt0[j++] = s->bm.t0[i];
  qsort(s->bt0, nb, sizeof *s->bt0, cmp_i64);
  for (size_t i = 0; i < nb; i++)
    s->brows[i] = bm_get(&s->bm, s->bt0[i]);
  if (s->nruns == 0)
    return sort_buffer(s, err); /* everything fits: the output is the sorted buffer */
  if (s->n)
    TC_TRY(spill_run(s, err));
  free(s->recs);
  s->recs = NULL;
  s->cap = 0;
  size_t per = s->o.merge_bytes / sizeof(tc_fix) / s->nruns;
  if (per < 64)
    per = 64;
  s->heap = malloc(s->nruns * sizeof *s->heap);
  if (!s->heap)
    return tc_fail(err, TC_ERR_NOMEM, "import: no memory to merge %zu runs", s->nruns);
  for (size_t r = 0; r < s->nruns; r++) {
    s->runs[r].cap = per;
    s->runs[r].buf = malloc(per * sizeof(tc_fix));
    if (!s->runs[r].buf)
      return tc_fail(err, TC_ERR_NOMEM, "import: no memory to merge %zu runs", s->nruns);
    TC_TRY(run_fill(s, &s->runs[r], err));
    if (s->runs[r].n)
      s->heap[s->nheap++] = r;
  }
  for (size_t i = s->nheap / 2; i-- > 0;)
    sift_down(s, i);
  return TC_OK;
}

tc_status tc_spill_next(tc_spill *s, const tc_fix **f, tc_err *err) {
  *f = NULL;
  if (!s->finished)
    return tc_fail(err, TC_ERR_INTERNAL, "spill: next before finish");
  if (s->nruns == 0) {
    if (s->pos + PREFETCH_AHEAD < s->n)
      __builtin_prefetch(&s->recs[s->order[s->pos + PREFETCH_AHEAD].idx]);
    if (s->pos < s->n)
      *f = &s->recs[s->order[s->pos++].idx];
    return TC_OK;
  }
  if (s->nheap == 0)
    return TC_OK;
  run *r = &s->runs[s->heap[0]];
  s->out = r->buf[r->pos++];
  *f = &s->out;
  if (r->pos == r->n) {
    if (r->left)
      TC_TRY(run_fill(s, r, err));
    else
      r->n = 0;
  } else {
    r->b = tc_bucket_start(r->buf[r->pos].t, s->o.bucket_s);
  }
  if (r->n == 0)
    s->heap[0] = s->heap[--s->nheap];
  if (s->nheap)
    sift_down(s, 0);
  return TC_OK;
}

size_t tc_spill_buckets(const tc_spill *s, const int64_t **t0, const uint64_t **rows) {
  *t0 = s->bt0;
  *rows = s->brows;
  return s->finished ? s->bm.n : 0;
}

uint64_t tc_spill_rows(const tc_spill *s) { return s->total; }
size_t tc_spill_runs(const tc_spill *s) { return s->nruns; }
uint64_t tc_spill_bytes(const tc_spill *s) { return s->file_bytes; }

void tc_spill_free(tc_spill *s) {
  if (!s)
    return;
  if (s->fd >= 0)
    close(s->fd);
  for (size_t r = 0; r < s->nruns; r++)
    free(s->runs[r].buf);
  free(s->runs);
  free(s->heap);
  free(s->recs);
  free(s->order);
  free(s->bm.t0);
  free(s->bm.rows);
  free(s->bt0);
  free(s->brows);
  free(s);
}
