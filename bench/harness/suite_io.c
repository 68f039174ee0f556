/* Reading and decompressing the track store alone: tc_store_read_bucket over every
 * bucket of a generated store, and the engine's read (tc_store_read_bucket_cols, the
 * position columns, decoded on every core), in each codec, warm page cache
 * (dropping the cache would need root and slow everyone else down). Also the import
 * that built each store, timed once. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench/harness/gen_store.h"
#include "bench/harness/suites.h"
#include "io/store.h"
#include "io/store_chunks.h"

/* Bytes per row of tc_columns in memory: mmsi, t, lat, lon, sog, cog, heading. */
#define ROW_BYTES (4 + 8 + 8 + 8 + 4 + 4 + 2)

typedef struct {
  tc_store *store;
  tc_columns cols;
  uint64_t rows;
} io_payload;

static tc_status run_read(void *vp, tc_bench_work *w, tc_err *err) {
  io_payload *p = vp;
  const tc_store_info *in = tc_store_get_info(p->store);
  p->rows = 0;
  for (size_t k = 0; k < in->nbuckets; k++) {
    TC_TRY(tc_store_read_bucket(p->store, k, &p->cols, err));
    p->rows += p->cols.n;
  }
  w->items = p->rows;
  w->bytes = p->rows * ROW_BYTES;
  return TC_OK;
}

/* The engine's read: the position columns, chunks decoded in parallel. */
static tc_status run_read_engine(void *vp, tc_bench_work *w, tc_err *err) {
  io_payload *p = vp;
  const tc_store_info *in = tc_store_get_info(p->store);
  p->rows = 0;
  for (size_t k = 0; k < in->nbuckets; k++) {
    TC_TRY(tc_store_read_bucket_cols(p->store, k, &p->cols, TC_COL_POSITION, 0, err));
    p->rows += p->cols.n;
  }
  w->items = p->rows;
  w->bytes = p->rows * (4 + 8 + 8 + 8);
  return TC_OK;
}

static tc_status check_read_engine(void *vp, tc_err *err) {
  io_payload *p = vp;
  if (p->rows != tc_store_get_info(p->store)->rows)
    return tc_fail(err, TC_ERR_FORMAT, "read %" PRIu64 " rows, the store says %" PRIu64, p->rows,
                   tc_store_get_info(p->store)->rows);
  return TC_OK;
}

/* Every row read, and each bucket sorted by (mmsi, t) inside its time range. */
static tc_status check_read(void *vp, tc_err *err) {
  io_payload *p = vp;
  const tc_store_info *in = tc_store_get_info(p->store);
  if (p->rows != in->rows)
    return tc_fail(err, TC_ERR_FORMAT, "read %" PRIu64 " rows, the store says %" PRIu64, p->rows, in->rows);
  for (size_t k = 0; k < in->nbuckets; k++) {
    int64_t t0;
    uint64_t rows;
    TC_TRY(tc_store_bucket(p->store, k, &t0, &rows));
    TC_TRY(tc_store_read_bucket(p->store, k, &p->cols, err));
    const tc_columns *c = &p->cols;
    if (c->n != rows)
      return tc_fail(err, TC_ERR_FORMAT, "bucket %zu: %zu rows, table says %" PRIu64, k, c->n, rows);
    for (size_t i = 0; i < c->n; i++) {
      if (c->t[i] < t0 || c->t[i] >= t0 + in->bucket_s)
        return tc_fail(err, TC_ERR_FORMAT, "bucket %zu row %zu: t %" PRId64 " outside the bucket", k, i, c->t[i]);
      if (i && (c->mmsi[i] < c->mmsi[i - 1] || (c->mmsi[i] == c->mmsi[i - 1] && c->t[i] <= c->t[i - 1])))
        return tc_fail(err, TC_ERR_FORMAT, "bucket %zu row %zu: not sorted by (mmsi, t)", k, i);
    }
  }
  return TC_OK;
}

static tc_status one_store(tc_bench_ctx *c, size_t vessels, double days, const char *codec, tc_err *err) {
  int level = strcmp(codec, "none") ? 1 : 0;
  char path[4096], name[80], label[48];
  tc_status st = TC_OK;
  io_payload p;
  memset(&p, 0, sizeof p);
  tc_columns_init(&p.cols);
  snprintf(label, sizeof label, "%s", level > 0 ? codec : "uncompressed");
  TC_TRY(tc_bench_pathf(path, sizeof path, err, "%s/io-%zu-%g-%s.h5", c->workdir, vessels, days, codec));

  tc_bench_progress(c, "io: generating and importing %zu vessels x %g days (%s)", vessels, days, label);
  snprintf(name, sizeof name, "import generated (%s)", label);
  tc_bench_record *r = tc_bench_new(c, "io", name);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "io suite: out of memory");
  tc_bench_rec_num(r, "vessels", (double)vessels);
  tc_bench_rec_num(r, "days", days);
  tc_bench_rec_str(r, "store", label);
  tc_bench_rec_num(r, "deflate_level", level);
  tc_bench_gen_opts go = {.vessels = vessels, .days = days, .seed = 1, .deflate_level = level, .codec = codec};
  tc_bench_gen_result gr;
  tc_err e = {0};
  if (tc_bench_make_store(path, &go, &gr, &e) != TC_OK) {
    tc_bench_rec_fail(r, "%s", e.msg);
    tc_bench_done(c, r);
    return TC_OK;
  }
  tc_bench_rec_num(r, "rows", (double)gr.rows_stored);
  tc_bench_rec_metric(r, "import_s", gr.import_s, "s");
  tc_bench_rec_metric(r, "import_rows_per_s", (double)gr.rows_generated / gr.import_s, "rows/s");
  tc_bench_rec_metric(r, "generate_rows_per_s", (double)gr.rows_generated / gr.gen_s, "rows/s");
  tc_bench_rec_metric(r, "file_mb", (double)gr.file_bytes / 1e6, "MB");
  tc_bench_rec_metric(r, "bytes_per_row", (double)gr.file_bytes / (double)(gr.rows_stored ? gr.rows_stored : 1), "B");
  if (gr.rows_stored == 0)
    tc_bench_rec_fail(r, "the store holds no rows");
  tc_bench_done(c, r);

  tc_bench_progress(c, "io: reading the %s store", label);
  snprintf(name, sizeof name, "read store (%s)", label);
  if (!(r = tc_bench_new(c, "io", name)))
    return tc_fail(err, TC_ERR_NOMEM, "io suite: out of memory");
  tc_bench_rec_num(r, "vessels", (double)vessels);
  tc_bench_rec_num(r, "days", days);
  tc_bench_rec_str(r, "store", label);
  if ((st = tc_store_open(path, &p.store, &e)) != TC_OK) {
    tc_bench_rec_fail(r, "%s", e.msg);
    tc_bench_done(c, r);
    st = TC_OK;
    goto cleanup;
  }
  const tc_store_info *in = tc_store_get_info(p.store);
  tc_bench_rec_num(r, "rows", (double)in->rows);
  tc_bench_rec_num(r, "buckets", (double)in->nbuckets);
  tc_bench_spec fn = {.run = run_read, .check = check_read, .payload = &p};
  tc_bench_result res;
  tc_bench_ctx_measure(c, &fn, r, &res);
  if (res.reps > 0) {
    tc_bench_rec_metric(r, "rows_per_s", (double)res.work.items / res.median_s, "rows/s");
    tc_bench_rec_metric(r, "mem_mb_per_s", (double)res.work.bytes / res.median_s / 1e6, "MB/s");
    tc_bench_rec_metric(r, "file_mb_per_s", (double)gr.file_bytes / res.median_s / 1e6, "MB/s");
    /* CPU time is the steadier number when others share the machine. */
    tc_bench_rec_metric(r, "rows_per_cpu_s", (double)res.work.items / res.cpu_s, "rows/s");
  }
  tc_bench_done(c, r);

  snprintf(name, sizeof name, "read engine columns (%s)", label);
  if (!(r = tc_bench_new(c, "io", name)))
    return tc_fail(err, TC_ERR_NOMEM, "io suite: out of memory");
  tc_bench_rec_num(r, "vessels", (double)vessels);
  tc_bench_rec_num(r, "days", days);
  tc_bench_rec_str(r, "store", label);
  tc_bench_rec_num(r, "rows", (double)in->rows);
  tc_bench_spec fe = {.run = run_read_engine, .check = check_read_engine, .payload = &p};
  tc_bench_ctx_measure(c, &fe, r, &res);
  if (res.reps > 0) {
    tc_bench_rec_metric(r, "rows_per_s", (double)res.work.items / res.median_s, "rows/s");
    tc_bench_rec_metric(r, "rows_per_cpu_s", (double)res.work.items / res.cpu_s, "rows/s");
  }
  tc_bench_done(c, r);
cleanup:
  tc_store_close(p.store);
  tc_columns_free(&p.cols);
  remove(path);
  return st;
}

tc_status tc_bench_suite_io(tc_bench_ctx *c, tc_err *err) {
  size_t vessels = c->quick ? 300 : 3000;
  double days = c->quick ? 1 : 7;
  TC_TRY(one_store(c, vessels, days, "pack", err));
  if (!c->quick) { /* the smoke run: the default codec and none */
    TC_TRY(one_store(c, vessels, days, "delta", err));
    TC_TRY(one_store(c, vessels, days, "deflate", err));
  }
  TC_TRY(one_store(c, vessels, days, "none", err));
  return TC_OK;
}
