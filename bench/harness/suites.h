/* Benchmark suites: each measures one part of trajcorr and appends records to a
 * log. A suite records a failed measurement (with the reason) and goes on; it
 * returns an error only when it cannot go on at all (out of memory). The table
 * (suites.c) calls the suites; the suites call only the context helpers
 * (context.h), so calls point one way. */
#ifndef TC_BENCH_SUITES_H
#define TC_BENCH_SUITES_H

#include <stddef.h>

#include "bench/harness/context.h"
#include "io/status.h"

typedef struct {
  const char *name;
  const char *summary;
  tc_status (*run)(tc_bench_ctx *c, tc_err *err);
} tc_bench_suite;

/* Suites in their default order; n gets the count. */
const tc_bench_suite *tc_bench_suites(size_t *n);
const tc_bench_suite *tc_bench_suite_find(const char *name);

/* The suites (one file each). */
tc_status tc_bench_suite_geo(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_engine(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_io(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_pipeline(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_peers(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_kernels(tc_bench_ctx *c, tc_err *err);
tc_status tc_bench_suite_format(tc_bench_ctx *c, tc_err *err);

#endif
