#include "bench/harness/benchfn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "host/engine/encounter.h"

void tc_bench_spec_default(tc_bench_spec *s) {
  memset(s, 0, sizeof *s);
  s->warmup = 1;
  s->min_reps = 3;
  s->max_reps = 100;
  s->budget_s = 1.0;
}

double tc_bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double tc_bench_cpu_now(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return NAN;
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t tc_bench_peak_rss(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}

double tc_bench_median(double *v, size_t n) {
  return tc_median(v, n);
}

static tc_status prepare(const tc_bench_spec *s, tc_bench_work *w, tc_err *err) {
  if (s->setup)
    TC_TRY(s->setup(s->payload, err));
  memset(w, 0, sizeof *w);
  return TC_OK;
}

tc_status tc_bench_measure(const tc_bench_spec *s, tc_bench_result *r, tc_err *err) {
  memset(r, 0, sizeof *r);
  if (!s->run || s->min_reps < 1 || s->max_reps < s->min_reps || s->max_reps > TC_BENCH_MAX_REPS ||
      s->warmup < 0 || !(s->budget_s >= 0))
    return tc_fail(err, TC_ERR_ARG, "bench: need a run function and 1 <= min_reps <= max_reps <= %d",
                   TC_BENCH_MAX_REPS);
  tc_status st = TC_OK;
  double *wall = malloc(sizeof *wall * (size_t)s->max_reps);
  double *cpu = malloc(sizeof *cpu * (size_t)s->max_reps);
  if (!wall || !cpu) {
    st = tc_fail(err, TC_ERR_NOMEM, "bench: out of memory for %d repetitions", s->max_reps);
    goto cleanup;
  }
  tc_bench_work w;
  for (int i = 0; i < s->warmup; i++) {
    if ((st = prepare(s, &w, err)) != TC_OK || (st = s->run(s->payload, &w, err)) != TC_OK)
      goto cleanup;
  }
  int n = 0;
  double spent = 0.0;
  while (n < s->max_reps && (n < s->min_reps || spent < s->budget_s)) {
    if ((st = prepare(s, &w, err)) != TC_OK)
      goto cleanup;
    double c0 = tc_bench_cpu_now(), t0 = tc_bench_now();
    st = s->run(s->payload, &w, err);
    double t1 = tc_bench_now(), c1 = tc_bench_cpu_now();
    if (st != TC_OK)
      goto cleanup;
    wall[n] = t1 - t0;
    cpu[n] = c1 - c0;
    spent += wall[n];
    n++;
  }
  r->reps = n;
  r->total_s = spent;
  r->mean_s = spent / n;
  r->work = w;
  r->median_s = tc_bench_median(wall, (size_t)n); /* sorts: min and max at the ends */
  r->min_s = wall[0];
  r->max_s = wall[n - 1];
  r->cpu_s = tc_bench_median(cpu, (size_t)n);
  if (s->check) {
    r->checked = 1;
    st = s->check(s->payload, err);
    r->check_ok = st == TC_OK;
  }
cleanup:
  free(wall);
  free(cpu);
  return st;
}

tc_status tc_bench_fit_power(const double *x, const double *y, size_t n, double *exponent,
                             double *r2, tc_err *err) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, xmin = INFINITY, xmax = -INFINITY;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(x[i] > 0) || !(y[i] > 0))
      continue;
    double lx = log(x[i]), ly = log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, syy += ly * ly;
    xmin = fmin(xmin, lx), xmax = fmax(xmax, lx);
    m++;
  }
  if (m < 2 || !(xmax > xmin))
    return tc_fail(err, TC_ERR_ARG, "scaling fit: need two or more distinct positive sizes (have %zu)", m);
  double vx = sxx - sx * sx / (double)m, vy = syy - sy * sy / (double)m;
  double cxy = sxy - sx * sy / (double)m;
  *exponent = cxy / vx;
  *r2 = vy > 0 ? (cxy * cxy) / (vx * vy) : 1.0;
  return TC_OK;
}
