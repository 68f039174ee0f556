#include "bench/harness/suites.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* SUITE TABLE: default order, cheapest first; those marked 1 run only when named. */
static const tc_bench_suite suites[] = {
    {"geo", "kernels/geo.h math: haversine, chord screen, interpolation (per call)",
     tc_bench_suite_geo, 0},
    {"engine", "encounter engine in memory on the real tracks, every backend, checked against "
               "the expected lists",
     tc_bench_suite_engine, 0},
    {"kernels", "pair search and grid stage per backend, device and precision, 1k..1M positions "
                "(tests/s, pairs/s, GB/s); candidates checked by brute force", tc_bench_suite_kernels, 0},
    {"io", "store import, and reading + decompressing every bucket (rows/s, MB/s)", tc_bench_suite_io, 0},
    {"pipeline", "generate -> import -> encounters as commands: time, fixes/s, peak RSS, scaling "
                 "exponents over vessels and days; checked against the generator's truth",
     tc_bench_suite_pipeline, 0},
    {"peers", "the numpy/scipy peer beside trajcorr on the same inputs; outputs compared, ratio",
     tc_bench_suite_peers, 0},
    {"load", "the 1 500-vessel case idle and beside --load N busy processes, alternating: default "
             "vs --threads 1 vs OMP_WAIT_POLICY=passive vs libgomp's spinning",
     tc_bench_suite_load, 1},
};

const tc_bench_suite *tc_bench_suites(size_t *n) {
  *n = sizeof suites / sizeof suites[0];
  return suites;
}

const tc_bench_suite *tc_bench_suite_find(const char *name) {
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (!strcmp(suites[i].name, name))
      return &suites[i];
  return NULL;
}

void tc_bench_progress(tc_bench_ctx *c, const char *fmt, ...) {
  if (!c->progress)
    return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->progress(c->cb_ctx, msg);
}

tc_bench_record *tc_bench_new(tc_bench_ctx *c, const char *suite, const char *name) {
  return tc_bench_log_add(c->log, suite, name);
}

void tc_bench_done(tc_bench_ctx *c, const tc_bench_record *r) {
  if (c->on_record)
    c->on_record(c->cb_ctx, r);
}

void tc_bench_strcpy(char *dst, size_t cap, const char *src) {
  if (cap == 0)
    return;
  size_t n = strlen(src);
  if (n >= cap)
    n = cap - 1;
  memmove(dst, src, n);
  dst[n] = '\0';
}

tc_status tc_bench_pathf(char *buf, size_t cap, tc_err *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= cap)
    return tc_fail(err, TC_ERR_OVERFLOW, "path too long: %.200s...", buf);
  return TC_OK;
}

void tc_bench_ctx_spec(const tc_bench_ctx *c, tc_bench_spec *s) {
  tc_bench_spec_default(s);
  s->budget_s = c->budget_s > 0 ? c->budget_s : (c->quick ? 0.2 : 2.0);
  s->min_reps = c->quick ? 2 : 3;
  s->max_reps = c->quick ? 20 : 200;
  s->warmup = 1;
}

tc_status tc_bench_ctx_measure(const tc_bench_ctx *c, const tc_bench_spec *fn, tc_bench_record *r,
                               tc_bench_result *res) {
  tc_bench_spec s;
  tc_bench_ctx_spec(c, &s);
  s.run = fn->run;
  s.setup = fn->setup;
  s.check = fn->check;
  s.payload = fn->payload;
  tc_err e = {0};
  tc_status ms = tc_bench_measure(&s, res, &e);
  if (res->reps > 0)
    tc_bench_rec_timing(r, res);
  if (ms != TC_OK)
    tc_bench_rec_fail(r, "%s", e.msg);
  return ms;
}
