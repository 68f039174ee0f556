/* A timing harness kept apart from what it times (after zstd's programs/benchfn):
 * the caller hands over a function and its payload; the harness warms up, repeats
 * until a time budget is spent (within min/max repetitions), reports min/median/max
 * wall time and CPU time, then runs the caller's result check, outside the timing. */
#ifndef TC_BENCHFN_H
#define TC_BENCHFN_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

/* What one run processed, for throughput (rows/s, MB/s); either may stay 0. */
typedef struct {
  uint64_t items;
  uint64_t bytes;
} tc_bench_work;

/* One timed run. Must leave what check() looks at in the payload. */
typedef tc_status (*tc_bench_run_fn)(void *payload, tc_bench_work *work, tc_err *err);
/* Untimed preparation before every run, warm-up included (reset outputs, ...). */
typedef tc_status (*tc_bench_setup_fn)(void *payload, tc_err *err);
/* Untimed check of the last run's result; a failure marks the measurement wrong. */
typedef tc_status (*tc_bench_check_fn)(void *payload, tc_err *err);

typedef struct {
  tc_bench_run_fn run;       /* required */
  tc_bench_setup_fn setup;   /* optional */
  tc_bench_check_fn check;   /* optional */
  void *payload;
  int warmup;                /* untimed runs first (0 = none) */
  int min_reps;              /* at least this many timed runs (>= 1) */
  int max_reps;              /* at most this many (>= min_reps, <= TC_BENCH_MAX_REPS) */
  double budget_s;           /* keep repeating while timed runs total less than this */
} tc_bench_spec;

#define TC_BENCH_MAX_REPS 1000

typedef struct {
  int reps;
  double min_s, median_s, max_s, mean_s; /* wall time per run */
  double cpu_s;              /* process CPU time per run (median), all threads */
  double total_s;            /* wall time of all timed runs */
  tc_bench_work work;        /* of the last run */
  int checked;               /* a check ran */
  int check_ok;              /* ... and passed */
} tc_bench_result;

void tc_bench_spec_default(tc_bench_spec *s); /* 1 warm-up, 3..100 reps, 1 s */

/* Runs the measurement. A failing run stops it and returns the run's status. A
 * failing check returns the check's status with r filled (checked = 1, check_ok =
 * 0), so the caller can still record the timing beside the failure. */
tc_status tc_bench_measure(const tc_bench_spec *s, tc_bench_result *r, tc_err *err);

/* Clocks: monotonic wall time and this process's CPU time, seconds. */
double tc_bench_now(void);
double tc_bench_cpu_now(void);
/* Peak resident set size of this process so far, bytes (0 when unknown). */
uint64_t tc_bench_peak_rss(void);

/* Median of v[0..n) (sorts v in place); NaN when n = 0. */
double tc_bench_median(double *v, size_t n);

/* Least-squares slope of log(y) on log(x): the scaling exponent k of y ~ x^k, and
 * R^2 of the fit. Points with x or y <= 0 are skipped; TC_ERR_ARG when fewer than
 * two distinct x remain. */
tc_status tc_bench_fit_power(const double *x, const double *y, size_t n, double *exponent,
                             double *r2, tc_err *err);

#endif
