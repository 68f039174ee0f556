/* What every benchmark suite is given (tc_bench_ctx) and the helpers suites share:
 * records, progress, paths, the repetition policy. */
#ifndef TC_BENCH_CONTEXT_H
#define TC_BENCH_CONTEXT_H

#include <stddef.h>

#include "bench/harness/benchfn.h"
#include "bench/harness/record.h"
#include "io/status.h"

typedef struct {
  const char *self;       /* the trajcorr program, for stages timed as commands */
  const char *workdir;    /* scratch folder (exists; the caller removes it) */
  const char *python;     /* interpreter with numpy/scipy/h5py, for the peer */
  const char *peers_dir;  /* folder of encounters_numpy.py and compare_encounters.py; NULL = none */
  const char *data_dir;   /* shared sample data (real-tracks/ inside); NULL = none */
  int quick;              /* small sizes, short budgets */
  double budget_s;        /* time budget per measurement */
  size_t max_vessels;     /* pipeline: skip sizes above this (0 = none) */
  double max_days;        /* pipeline: skip periods above this (0 = none) */
  tc_bench_log *log;
  /* Optional: told about each stage and each finished record (the front end prints). */
  void (*progress)(void *ctx, const char *msg);
  void (*on_record)(void *ctx, const tc_bench_record *r);
  void *cb_ctx;
} tc_bench_ctx;

void tc_bench_progress(tc_bench_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a record; on out-of-memory returns NULL (the suite then returns TC_ERR_NOMEM). */
tc_bench_record *tc_bench_new(tc_bench_ctx *c, const char *suite, const char *name);
/* Tells on_record that r is complete. */
void tc_bench_done(tc_bench_ctx *c, const tc_bench_record *r);
/* Truncating string copy (notes and messages: a cut message is fine). */
void tc_bench_strcpy(char *dst, size_t cap, const char *src);
/* printf into a path buffer; TC_ERR_OVERFLOW (naming the path) when it does not fit. */
tc_status tc_bench_pathf(char *buf, size_t cap, tc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Fills spec with the context's repetition policy (quick: fewer, shorter). */
void tc_bench_ctx_spec(const tc_bench_ctx *c, tc_bench_spec *s);
/* Measures fn's run, setup, check and payload under the context's policy into res;
 * records the timing on r when any run was timed, and the error when the measurement
 * failed. Returns the measurement's status. */
tc_status tc_bench_ctx_measure(const tc_bench_ctx *c, const tc_bench_spec *fn, tc_bench_record *r,
                               tc_bench_result *res);

#endif
