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

/* Bucket k whole, from the cache or read into its least recently used slot. */
static tc_status cached_bucket(tc_store_tracks *ctx, size_t k, const tc_columns **out, tc_err *err) {
  int lru = 0;
  for (int i = 0; i < TC_TRACK_CACHE; i++) {
    if (ctx->cache_k[i] == k) {
      ctx->cache_used[i] = ++ctx->clock;
      *out = &ctx->cache[i];
      return TC_OK;
    }
    if (ctx->cache_used[i] < ctx->cache_used[lru])
      lru = i;
  }
  ctx->cache_k[lru] = (size_t)-1;
  TC_TRY(tc_store_read_bucket_cols(ctx->store, k, &ctx->cache[lru], TC_COL_ALL, 0, err));
  ctx->cache_k[lru] = k;
  ctx->cache_used[lru] = ++ctx->clock;
  *out = &ctx->cache[lru];
  return TC_OK;
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
    const tc_columns *src = &ctx->tmp;
    size_t i = 0;
    if (rows <= TC_TRACK_CACHE_ROWS) {
      TC_TRY(cached_bucket(ctx, k, &src, err));
      i = tc_lower_bound_u32(src->mmsi, src->n, mmsi);
    } else {
      TC_TRY(tc_store_read_vessel(ctx->store, k, mmsi, &ctx->tmp, err));
    }
    for (; i < src->n && src->mmsi[i] == mmsi; i++) {
      if (src->t[i] < t0 || src->t[i] > t1)
        continue;
      tc_fix f;
      tc_columns_get(src, i, &f);
      if (tc_columns_push(out, &f) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
    }
  }
  return TC_OK;
}

/* Hour histogram of bucket k (computed from the whole bucket; NULL when too large). */
static const unsigned char *bucket_hours(tc_store_tracks *ctx, size_t k) {
  const tc_store_info *in = tc_store_get_info(ctx->store);
  if (!ctx->hours) {
    ctx->hours = calloc(in->nbuckets ? in->nbuckets : 1, sizeof *ctx->hours);
    if (!ctx->hours)
      return NULL;
    ctx->nhours = in->nbuckets;
  }
  if (k >= ctx->nhours)
    return NULL;
  if (ctx->hours[k])
    return ctx->hours[k];
  int64_t b0;
  uint64_t rows;
  const tc_columns *c;
  tc_err err;
  if (tc_store_bucket(ctx->store, k, &b0, &rows) != TC_OK || rows > TC_TRACK_CACHE_ROWS ||
      cached_bucket(ctx, k, &c, &err) != TC_OK)
    return NULL;
  size_t nb = (size_t)((in->bucket_s + 3599) / 3600);
  unsigned char *h = calloc(nb ? nb : 1, 1);
  if (!h)
    return NULL;
  for (size_t i = 0; i < c->n; i++)
    if (c->t[i] >= b0 && (size_t)((c->t[i] - b0) / 3600) < nb)
      h[(c->t[i] - b0) / 3600] = 1;
  ctx->hours[k] = h;
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
    size_t bin = (size_t)((t - b0) / 3600), nb = (size_t)((in->bucket_s + 3599) / 3600);
    seen += hist[bin] || (bin + 1 < nb && (t - b0) % 3600 && hist[bin + 1]);
  }
  return (double)seen / (double)hours;
}

tc_track_source tc_track_source_store(tc_store_tracks *ctx, tc_store *store) {
  ctx->store = store;
  tc_columns_init(&ctx->tmp);
  ctx->clock = 0;
  for (int i = 0; i < TC_TRACK_CACHE; i++) {
    tc_columns_init(&ctx->cache[i]);
    ctx->cache_k[i] = (size_t)-1;
    ctx->cache_used[i] = 0;
  }
  const tc_store_info *in = tc_store_get_info(store);
  ctx->hours = NULL;
  ctx->nhours = 0;
  tc_track_source s = {ctx, store_read, in->t_min, in->t_max, store_coverage};
  return s;
}

void tc_store_tracks_free(tc_store_tracks *ctx) {
  if (!ctx)
    return;
  tc_columns_free(&ctx->tmp);
  for (int i = 0; i < TC_TRACK_CACHE; i++)
    tc_columns_free(&ctx->cache[i]);
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
