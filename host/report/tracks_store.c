#include "host/report/tracks_store.h"
#include "io/store_chunks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* First bucket whose span [t0, t0 + bucket_s) ends after t (buckets are in time order). */
static size_t first_bucket(const tc_store *s, int64_t t) {
  const tc_store_info *in = tc_store_get_info(s);
  size_t lo = 0, hi = in->nbuckets;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    int64_t t0;
    uint64_t rows;
    if (tc_store_bucket(s, m, &t0, &rows) == TC_OK && t0 + in->bucket_s <= t)
      lo = m + 1;
    else
      hi = m;
  }
  return lo;
}

static tc_status store_read(void *vctx, uint32_t mmsi, int64_t t0, int64_t t1, tc_columns *out, tc_err *err) {
  tc_store_tracks *ctx = vctx;
  const tc_store_info *in = tc_store_get_info(ctx->store);
  out->n = 0;
  for (size_t k = first_bucket(ctx->store, t0); k < in->nbuckets; k++) {
    int64_t b0;
    uint64_t rows;
    TC_TRY(tc_store_bucket(ctx->store, k, &b0, &rows));
    if (b0 > t1)
      break;
    TC_TRY(tc_store_read_vessel(ctx->store, k, mmsi, &ctx->tmp, err));
    for (size_t i = 0; i < ctx->tmp.n; i++) {
      if (ctx->tmp.t[i] < t0 || ctx->tmp.t[i] > t1)
        continue;
      tc_fix f;
      tc_columns_get(&ctx->tmp, i, &f);
      if (tc_columns_push(out, &f) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
    }
  }
  return TC_OK;
}

static size_t hours_per_bucket(const tc_store_info *in) { return (size_t)((in->bucket_s + 3599) / 3600); }

/* The hour histogram of bucket k, allocated empty when missing (NULL: no memory). */
static unsigned char *hist_slot(tc_store_tracks *ctx, size_t k, int *fresh) {
  const tc_store_info *in = tc_store_get_info(ctx->store);
  *fresh = 0;
  if (!ctx->hours) {
    ctx->hours = calloc(in->nbuckets ? in->nbuckets : 1, sizeof *ctx->hours);
    if (!ctx->hours)
      return NULL;
    ctx->nhours = in->nbuckets;
  }
  if (k >= ctx->nhours)
    return NULL;
  if (!ctx->hours[k]) {
    size_t nb = hours_per_bucket(in);
    ctx->hours[k] = calloc(nb ? nb : 1, 1);
    *fresh = 1;
  }
  return ctx->hours[k];
}

static void hist_add(unsigned char *h, size_t nb, int64_t b0, const int64_t *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (t[i] >= b0 && (size_t)((t[i] - b0) / 3600) < nb)
      h[(t[i] - b0) / 3600] = 1;
}

/* Rows per slice of bucket k. */
static tc_status slice_len(tc_store_tracks *ctx, size_t k, uint64_t rows, uint64_t *out, tc_err *err) {
  if (ctx->slice_rows) {
    *out = ctx->slice_rows;
    return TC_OK;
  }
  if (rows <= TC_TRACK_SLICE_ROWS) {
    *out = rows ? rows : 1;
    return TC_OK;
  }
  uint64_t chunk;
  TC_TRY(tc_store_bucket_chunk(ctx->store, k, &chunk, err));
  *out = chunk == 0 ? rows : chunk * (TC_TRACK_SLICE_ROWS > chunk ? TC_TRACK_SLICE_ROWS / chunk : 1);
  return TC_OK;
}

/* Hour histogram of bucket k, reading its time column when no batch has (NULL on error). */
static const unsigned char *bucket_hours(tc_store_tracks *ctx, size_t k) {
  const tc_store_info *in = tc_store_get_info(ctx->store);
  int fresh;
  unsigned char *h = hist_slot(ctx, k, &fresh);
  if (!h || !fresh)
    return h;
  int64_t b0;
  uint64_t rows, step;
  tc_err err;
  tc_columns c;
  tc_columns_init(&c);
  int ok = tc_store_bucket(ctx->store, k, &b0, &rows) == TC_OK && slice_len(ctx, k, rows, &step, &err) == TC_OK;
  for (uint64_t r = 0; ok && r < rows; r += step) {
    uint64_t n = rows - r < step ? rows - r : step;
    ok = tc_store_read_bucket_slice(ctx->store, k, r, n, &c, TC_COL_T, 0, &err) == TC_OK;
    if (ok)
      hist_add(h, hours_per_bucket(in), b0, c.t, c.n);
  }
  tc_columns_free(&c);
  if (!ok) { /* unknown: asked again next time */
    free(h);
    ctx->hours[k] = NULL;
    return NULL;
  }
  return h;
}

static double store_coverage(void *vctx, int64_t t0, int64_t t1) {
  tc_store_tracks *ctx = vctx;
  const tc_store_info *in = tc_store_get_info(ctx->store);
  int64_t hours = (t1 - t0) / 3600, seen = 0;
  if (hours <= 0 || in->bucket_s <= 0)
    return NAN;
  size_t k = first_bucket(ctx->store, t0);
  for (int64_t h = 0; h < hours; h++) {
    int64_t t = t0 + h * 3600, b0 = 0;
    uint64_t rows;
    while (k < in->nbuckets && tc_store_bucket(ctx->store, k, &b0, &rows) == TC_OK && b0 + in->bucket_s <= t)
      k++;
    if (k >= in->nbuckets || b0 > t)
      continue; /* no bucket: nothing stored then */
    const unsigned char *hist = bucket_hours(ctx, k);
    if (!hist)
      return NAN;
    /* the hour starting at t overlaps histogram bins (t - b0) / 3600 and the next */
    size_t bin = (size_t)((t - b0) / 3600), nb = hours_per_bucket(in);
    int next = 0;
    if (bin + 1 < nb && (t - b0) % 3600)
      next = hist[bin + 1];
    else if (bin + 1 >= nb && (t - b0) % 3600 && k + 1 < in->nbuckets) {
      /* the next bin is the next bucket's first hour, when that bucket follows on */
      int64_t n0;
      if (tc_store_bucket(ctx->store, k + 1, &n0, &rows) == TC_OK && n0 == b0 + in->bucket_s) {
        const unsigned char *nh = bucket_hours(ctx, k + 1);
        if (!nh)
          return NAN;
        next = nh[0];
      }
    }
    seen += hist[bin] || next;
  }
  return (double)seen / (double)hours;
}

/* ---- batches ---- */

static int cmp_t0(const void *pa, const void *pb, void *vc) {
  const tc_track_req *r = vc;
  const tc_track_req *a = &r[*(const size_t *)pa], *b = &r[*(const size_t *)pb];
  if (a->t0 != b->t0)
    return a->t0 < b->t0 ? -1 : 1;
  return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

static int cmp_mmsi(const void *pa, const void *pb, void *vc) {
  const tc_track_req *r = vc;
  const tc_track_req *a = &r[*(const size_t *)pa], *b = &r[*(const size_t *)pb];
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* Hands the rows of one slice (sorted by (mmsi, t)) to the active requests (sorted by
 * mmsi): each vessel's rows are found once and walked by each of its requests. */
static tc_status distribute(const tc_columns *c, tc_track_req *reqs, const size_t *act, size_t nact, tc_err *err) {
  size_t pos = 0;
  for (size_t a = 0; a < nact && pos < c->n; a++) {
    tc_track_req *r = &reqs[act[a]];
    if (c->mmsi[pos] < r->mmsi)
      pos += tc_lower_bound_u32(c->mmsi + pos, c->n - pos, r->mmsi);
    for (size_t i = pos; i < c->n && c->mmsi[i] == r->mmsi; i++) {
      if (c->t[i] < r->t0 || c->t[i] > r->t1)
        continue;
      if (r->gap)
        tc_gap_scan_fix(r->gap, c->t[i]);
      if (r->out) {
        tc_fix f;
        tc_columns_get(c, i, &f);
        if (tc_columns_push(r->out, &f) != TC_OK)
          return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
      }
    }
  }
  return TC_OK;
}

static tc_status store_gather(void *vctx, tc_track_req *reqs, size_t n, tc_track_progress progress, void *user,
                              tc_err *err) {
  tc_store_tracks *ctx = vctx;
  const tc_store_info *in = tc_store_get_info(ctx->store);
  tc_status s = TC_OK;
  size_t *by_t0 = malloc((n ? n : 1) * sizeof *by_t0), *act = malloc((n ? n : 1) * sizeof *act);
  tc_columns c;
  tc_columns_init(&c);
  if (!by_t0 || !act) {
    s = tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++)
    by_t0[i] = i;
  qsort_r(by_t0, n, sizeof *by_t0, cmp_t0, reqs);
  /* The rows to read, for the progress: every bucket some request overlaps. */
  uint64_t total = 0, done = 0;
  for (int pass = 0; pass < 2; pass++) {
    size_t next = 0, nact = 0;
    for (size_t k = n ? first_bucket(ctx->store, reqs[by_t0[0]].t0) : in->nbuckets; k < in->nbuckets; k++) {
      int64_t b0;
      uint64_t rows;
      if ((s = tc_store_bucket(ctx->store, k, &b0, &rows)) != TC_OK)
        goto cleanup;
      int64_t b1 = b0 + in->bucket_s;
      /* Active: requests overlapping [b0, b1); those ending before b0 are done. */
      size_t w = 0;
      for (size_t a = 0; a < nact; a++)
        if (reqs[act[a]].t1 >= b0)
          act[w++] = act[a];
      nact = w;
      for (; next < n && reqs[by_t0[next]].t0 < b1; next++)
        if (reqs[by_t0[next]].t1 >= b0)
          act[nact++] = by_t0[next];
      if (nact == 0) {
        if (next == n)
          break;
        continue;
      }
      if (rows == 0)
        continue;
      if (pass == 0) {
        total += rows;
        continue;
      }
      qsort_r(act, nact, sizeof *act, cmp_mmsi, reqs);
      unsigned cols = TC_COL_MMSI | TC_COL_T;
      for (size_t a = 0; a < nact; a++)
        if (reqs[act[a]].out)
          cols = TC_COL_ALL;
      int fresh;
      unsigned char *h = hist_slot(ctx, k, &fresh);
      if (!h) {
        s = tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
        goto cleanup;
      }
      uint64_t step;
      if ((s = slice_len(ctx, k, rows, &step, err)) != TC_OK)
        goto cleanup;
      for (uint64_t r = 0; r < rows; r += step) {
        uint64_t m = rows - r < step ? rows - r : step;
        if ((s = tc_store_read_bucket_slice(ctx->store, k, r, m, &c, cols, 0, err)) != TC_OK)
          goto cleanup;
        if (fresh)
          hist_add(h, hours_per_bucket(in), b0, c.t, c.n);
        if ((s = distribute(&c, reqs, act, nact, err)) != TC_OK)
          goto cleanup;
        done += m;
        if (progress)
          progress(user, "reading tracks", done, total);
      }
    }
  }
cleanup:
  free(by_t0);
  free(act);
  tc_columns_free(&c);
  return s;
}

tc_track_source tc_track_source_store(tc_store_tracks *ctx, tc_store *store) {
  ctx->store = store;
  tc_columns_init(&ctx->tmp);
  const tc_store_info *in = tc_store_get_info(store);
  ctx->hours = NULL;
  ctx->nhours = 0;
  const char *env = getenv("TC_TRACK_SLICE_ROWS");
  ctx->slice_rows = env ? strtoull(env, NULL, 10) : 0;
  tc_track_source s = {ctx, store_read, in->t_min, in->t_max, store_coverage, store_gather};
  return s;
}

void tc_store_tracks_free(tc_store_tracks *ctx) {
  if (!ctx)
    return;
  tc_columns_free(&ctx->tmp);
  for (size_t k = 0; ctx->hours && k < ctx->nhours; k++)
    free(ctx->hours[k]);
  free(ctx->hours);
  ctx->hours = NULL;
}

tc_status tc_vessel_index_from_store(tc_store *store, tc_vessel_index **out, tc_err *err) {
  const tc_vessel_static *rows;
  size_t n;
  *out = NULL;
  TC_TRY(tc_store_vessels(store, &rows, &n, err));
  if (n == 0)
    return TC_OK;
  return tc_vessel_index_create(rows, n, out, err);
}
