/* The writers' number and time formatting (io/numfmt.h, io/timefmt.h) beside the C
 * library calls they stand in for (snprintf "%.6f", gmtime_r + strftime): the cost
 * per call, and a check that both give the same bytes. These measurements are why
 * the hand-written formatters are kept (their header comments quote them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/harness/suites.h"
#include "io/numfmt.h"
#include "io/timefmt.h"

typedef struct {
  size_t n;
  double *x;
  int64_t *t;
  char *out; /* n slots of SLOT bytes */
} fmt_data;

#define SLOT 40

static uint64_t mix(uint64_t *s) { /* splitmix64: reproducible inputs */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static tc_status run_fixed(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  fmt_data *d = p;
  for (size_t i = 0; i < d->n; i++)
    d->out[i * SLOT + tc_fmt_fixed(d->out + i * SLOT, d->x[i], 6)] = '\0';
  w->items = d->n;
  return TC_OK;
}

static tc_status run_snprintf(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  fmt_data *d = p;
  for (size_t i = 0; i < d->n; i++)
    snprintf(d->out + i * SLOT, SLOT, "%.6f", d->x[i]);
  w->items = d->n;
  return TC_OK;
}

static tc_status check_fixed(void *p, tc_err *err) {
  fmt_data *d = p;
  char want[SLOT];
  for (size_t i = 0; i < d->n; i++) {
    snprintf(want, sizeof want, "%.6f", d->x[i]);
    if (strcmp(want, d->out + i * SLOT))
      return tc_fail(err, TC_ERR_INTERNAL, "%.17g: %s, printf %s", d->x[i], d->out + i * SLOT, want);
  }
  return TC_OK;
}

static tc_status run_iso(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  fmt_data *d = p;
  for (size_t i = 0; i < d->n; i++)
    tc_time_format_iso(d->t[i], d->out + i * SLOT);
  w->items = d->n;
  return TC_OK;
}

static tc_status run_strftime(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  fmt_data *d = p;
  for (size_t i = 0; i < d->n; i++) {
    time_t t = (time_t)d->t[i];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(d->out + i * SLOT, SLOT, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  w->items = d->n;
  return TC_OK;
}

static tc_status check_iso(void *p, tc_err *err) {
  fmt_data *d = p;
  char want[SLOT];
  for (size_t i = 0; i < d->n; i++) {
    time_t t = (time_t)d->t[i];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (strcmp(want, d->out + i * SLOT))
      return tc_fail(err, TC_ERR_INTERNAL, "%lld: %s, strftime %s", (long long)d->t[i], d->out + i * SLOT, want);
  }
  return TC_OK;
}

tc_status tc_bench_suite_format(tc_bench_ctx *c, tc_err *err) {
  fmt_data d = {0};
  tc_status st = TC_OK;
  d.n = c->quick ? (size_t)1 << 16 : (size_t)1 << 20;
  d.x = malloc(d.n * sizeof *d.x);
  d.t = malloc(d.n * sizeof *d.t);
  d.out = malloc(d.n * SLOT);
  if (!d.x || !d.t || !d.out) {
    st = tc_fail(err, TC_ERR_NOMEM, "format suite: out of memory for %zu values", d.n);
    goto cleanup;
  }
  /* Values as the encounters list has them: coordinates and distances; times 1970-2100. */
  uint64_t seed = 7;
  for (size_t i = 0; i < d.n; i++) {
    uint64_t r = mix(&seed);
    d.x[i] = (double)(r >> 11) / 9007199254740992.0 * (i % 2 ? 360.0 : 5000.0) - (i % 2 ? 180.0 : 0.0);
    d.t[i] = (int64_t)(mix(&seed) % 4102444800ULL);
  }
  struct {
    const char *name;
    tc_bench_run_fn run;
    tc_bench_check_fn check;
  } cases[] = {{"number %.6f: io/numfmt tc_fmt_fixed", run_fixed, check_fixed},
               {"number %.6f: snprintf", run_snprintf, check_fixed},
               {"ISO time: io/timefmt tc_time_format_iso", run_iso, check_iso},
               {"ISO time: gmtime_r + strftime", run_strftime, check_iso}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    tc_bench_progress(c, "format: %s", cases[k].name);
    tc_bench_record *r = tc_bench_new(c, "format", cases[k].name);
    if (!r) {
      st = tc_fail(err, TC_ERR_NOMEM, "format suite: out of memory for records");
      goto cleanup;
    }
    tc_bench_rec_num(r, "calls", (double)d.n);
    tc_bench_spec fn = {.run = cases[k].run, .check = cases[k].check, .payload = &d};
    tc_bench_result res;
    tc_bench_ctx_measure(c, &fn, r, &res);
    if (res.reps > 0) {
      tc_bench_rec_metric(r, "ns_per_call", res.median_s / (double)d.n * 1e9, "ns");
      tc_bench_rec_metric(r, "calls_per_s", (double)d.n / res.median_s, "calls/s");
    }
    tc_bench_done(c, r);
  }
cleanup:
  free(d.x);
  free(d.t);
  free(d.out);
  return st;
}
