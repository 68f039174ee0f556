/* Synthetic stores for the benchmarks: `trajcorr generate` traffic (bench/generate)
 * imported in process, without a CSV in between. */
#ifndef TC_BENCH_GEN_STORE_H
#define TC_BENCH_GEN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct {
  size_t vessels;
  double days;
  uint64_t seed;
  int deflate_level;        /* 0 = uncompressed */
  int64_t bucket_s;         /* 0 = the import default (one day) */
  const char *codec;        /* "delta", "deflate", "none" (io/codec.h); NULL = the import default */
} tc_bench_gen_opts;

typedef struct {
  uint64_t rows_generated;  /* fixes the generator produced */
  uint64_t rows_stored;
  double gen_s;             /* generating (wall) */
  double import_s;          /* adding the rows and committing the store (wall) */
  uint64_t file_bytes;
} tc_bench_gen_result;

/* Generates clean traffic (no feed noise) and imports it into a new store at path
 * (an existing file there is removed first). */
tc_status tc_bench_make_store(const char *path, const tc_bench_gen_opts *o, tc_bench_gen_result *res,
                              tc_err *err);

#endif
