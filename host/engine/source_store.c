/* A bucket source over an open track store. */
#include "host/engine/source.h"
#include "io/store_chunks.h"

static tc_status store_next(void *vctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  tc_store_source_ctx *c = vctx;
  const tc_store_info *info = tc_store_get_info(c->store);
  cols->n = 0;
  if (c->k >= info->nbuckets) {
    *eof = 1;
    return TC_OK;
  }
  int64_t t0;
  uint64_t rows;
  TC_TRY(tc_store_bucket(c->store, c->k, &t0, &rows));
  /* The engine needs positions only: sog, cog and heading stay on disk. */
  /* The first bucket is read while the engine waits: every thread decodes. Later ones
   * are read while the engine computes on all threads (pipeline.c), so one thread
   * decodes: a second team would only contend with the engine's for the cores. */
  int threads = c->k == 0 ? c->threads : 1;
  TC_TRY(tc_store_read_bucket_cols(c->store, c->k, cols, TC_COL_POSITION, threads, err));
  c->k++;
  *t_end = t0 + info->bucket_s;
  *eof = 0;
  return TC_OK;
}

tc_bucket_source tc_store_source(tc_store_source_ctx *ctx, tc_store *store) {
  ctx->store = store;
  ctx->k = 0;
  ctx->threads = 0;
  tc_bucket_source s = {ctx, store_next};
  return s;
}
