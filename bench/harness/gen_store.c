#include "bench/harness/gen_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/generate/traffic.h"
#include "bench/harness/benchfn.h"
#include "io/codec.h"
#include "io/import.h"

#define GEN_BATCH 65536

tc_status tc_bench_make_store(const char *path, const tc_bench_gen_opts *o, tc_bench_gen_result *res,
                              tc_err *err) {
  memset(res, 0, sizeof *res);
  tc_status st = TC_OK;
  tc_gen *g = NULL;
  tc_import *im = NULL;
  tc_fix *buf = malloc(GEN_BATCH * sizeof *buf);
  if (!buf) {
    st = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  if (unlink(path) != 0 && errno != ENOENT) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot remove the old store: %s", path, strerror(errno));
    goto cleanup;
  }
  tc_gen_params gp;
  tc_gen_params_default(&gp);
  tc_gen_params_clean(&gp);
  gp.vessels = o->vessels;
  gp.days = o->days;
  gp.seed = o->seed;
  if ((st = tc_gen_create(&gp, &g, err)) != TC_OK)
    goto cleanup;
  tc_import_opts io;
  tc_import_opts_init(&io);
  io.deflate_level = o->deflate_level;
  if (o->codec)
    io.codec = tc_codec_parse(o->codec);
  if (o->bucket_s > 0)
    io.bucket_s = o->bucket_s;
  if ((st = tc_import_begin(path, &io, &im, err)) != TC_OK)
    goto cleanup;
  /* Generation and import interleave (batch by batch); time each side apart. */
  for (;;) {
    size_t n = 0;
    double a = tc_bench_now();
    if ((st = tc_gen_next(g, buf, GEN_BATCH, &n, err)) != TC_OK)
      goto cleanup;
    double b = tc_bench_now();
    res->gen_s += b - a;
    if (n == 0)
      break;
    res->rows_generated += n;
    for (size_t i = 0; i < n; i++)
      if ((st = tc_import_add_fix(im, &buf[i], err)) != TC_OK)
        goto cleanup;
    res->import_s += tc_bench_now() - b;
  }
  tc_import_result ir;
  double c = tc_bench_now();
  if ((st = tc_import_commit(im, &ir, err)) != TC_OK)
    goto cleanup;
  res->import_s += tc_bench_now() - c;
  res->rows_stored = ir.store.rows;
  struct stat sb;
  if (stat(path, &sb) == 0)
    res->file_bytes = (uint64_t)sb.st_size;
cleanup:
  tc_import_abort(im);
  tc_gen_free(g);
  free(buf);
  return st;
}
