/* A bucket source over an open track store, a slice of whole chunks at a time: the
 * engine turns each slice into grid positions at once, so a large bucket's rows never
 * need to be in memory together. */
#include "host/engine/source.h"
#include "io/store_chunks.h"

/* Rows per slice by default: whole chunks, about this many (a chunk at least). A
 * bucket of up to this many rows is one slice: reading it whole is fastest (each
 * slice costs HDF5 calls, and grid times can only be processed once every vessel of
 * the bucket is in); beyond it, memory stays at two slices. */
#define SLICE_ROWS (1u << 22)

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
  if (c->row == 0 && rows <= c->slice_rows) {
    c->slice = rows; /* one slice: no need to ask for the chunk length */
  } else if (c->row == 0) {
    uint64_t chunk;
    TC_TRY(tc_store_bucket_chunk(c->store, c->k, &chunk, err));
    c->slice = chunk == 0 ? rows : chunk * (c->slice_rows > chunk ? c->slice_rows / chunk : 1);
  }
  uint64_t n = rows - c->row < c->slice ? rows - c->row : c->slice;
  /* The engine needs positions only: sog, cog and heading stay on disk. A bucket's
   * first slice is read while the engine processes the grid times of the bucket before
   * (pipeline.c), so one thread decodes it: a second team would only contend with the
   * engine's for the cores. Other slices are read while the engine only turns the
   * previous slice into positions, which is quicker than inflating one on one thread,
   * so every thread decodes them (and the very first slice, which nothing overlaps). */
  int threads = c->row == 0 && c->k > 0 ? 1 : c->threads;
  TC_TRY(tc_store_read_bucket_slice(c->store, c->k, c->row, n, cols, TC_COL_POSITION | c->also, threads, err));
  c->row += n;
  /* Every earlier bucket is complete; this one only once its last slice is read. */
  *t_end = t0;
  if (c->row == rows) {
    c->k++;
    c->row = 0;
    *t_end = t0 + info->bucket_s;
  }
  *eof = 0;
  return TC_OK;
}

tc_bucket_source tc_store_source(tc_store_source_ctx *ctx, tc_store *store) {
  ctx->store = store;
  ctx->k = 0;
  ctx->row = 0;
  ctx->slice = 0;
  ctx->slice_rows = SLICE_ROWS;
  ctx->threads = 0;
  ctx->also = 0;
  tc_bucket_source s = {ctx, store_next, 0};
  return s;
}
