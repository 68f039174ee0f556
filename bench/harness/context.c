#include "bench/harness/context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
