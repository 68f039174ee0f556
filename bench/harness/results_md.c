#include "bench/harness/results_md.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A table cell: '|' and newlines would break the row. */
static void cell(FILE *f, const char *s) {
  fputc(' ', f);
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else if (*s == '\n' || *s == '\r')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
  fputs(" |", f);
}

static void fmt_time(char *b, size_t cap, double s) {
  if (!isfinite(s))
    snprintf(b, cap, "–");
  else if (s < 1e-3)
    snprintf(b, cap, "%.3g µs", s * 1e6);
  else if (s < 1.0)
    snprintf(b, cap, "%.3g ms", s * 1e3);
  else
    snprintf(b, cap, "%.3g s", s);
}

/* Numbers with SI-ish suffixes so wide ranges stay readable (12.3 M rows/s). */
static void fmt_num(char *b, size_t cap, double v) {
  double a = fabs(v);
  if (!isfinite(v))
    snprintf(b, cap, "–");
  else if (a >= 1e9)
    snprintf(b, cap, "%.3g G", v / 1e9);
  else if (a >= 1e6)
    snprintf(b, cap, "%.3g M", v / 1e6);
  else if (a >= 1e4)
    snprintf(b, cap, "%.3g k", v / 1e3);
  else
    snprintf(b, cap, "%.4g", v);
}

static void row(FILE *f, const tc_bench_record *r) {
  char buf[1024], t[48];
  fputs("|", f);
  cell(f, r->name);
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r->nparams && o < sizeof buf; i++) {
    const tc_bench_param *p = &r->params[i];
    if (p->is_num) {
      fmt_num(t, sizeof t, p->num);
      o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s", i ? ", " : "", p->key, t);
    } else {
      o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s", i ? ", " : "", p->key, p->str);
    }
  }
  cell(f, buf);
  if (r->timed) {
    snprintf(buf, sizeof buf, "%d", r->timing.reps);
    cell(f, buf);
    fmt_time(t, sizeof t, r->timing.median_s);
    cell(f, t);
    char lo[24], hi[24];
    fmt_time(lo, sizeof lo, r->timing.min_s);
    fmt_time(hi, sizeof hi, r->timing.max_s);
    snprintf(buf, sizeof buf, "%s – %s", lo, hi);
    cell(f, buf);
  } else {
    cell(f, "");
    cell(f, "");
    cell(f, "");
  }
  o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r->nmetrics && o < sizeof buf; i++) {
    fmt_num(t, sizeof t, r->metrics[i].value);
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s%s%s", i ? "; " : "", r->metrics[i].key, t,
                          r->metrics[i].unit[0] ? " " : "",
                          r->metrics[i].unit[0] ? r->metrics[i].unit : "");
  }
  cell(f, buf);
  if (r->ok)
    cell(f, r->note[0] ? r->note : "ok");
  else {
    snprintf(buf, sizeof buf, "**FAILED** %s", r->note);
    cell(f, buf);
  }
  fputc('\n', f);
}

tc_status tc_bench_log_write_md(const tc_bench_log *l, const tc_machine_info *m, const char *mode,
                                const char *path, tc_err *err) {
  FILE *f = fopen(path, "w");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  char sum[512];
  tc_machine_summary(m, sum, sizeof sum);
  fprintf(f, "# trajcorr benchmark (%s)\n\n", mode);
  fprintf(f, "Machine: %s; compiler %s; HDF5 %s; OpenMP %s (%d threads, the engine's default %d); OpenCL %s%s%s.\n",
          sum, m->compiler, m->hdf5, m->openmp ? "on" : "off", m->openmp_max_threads, m->engine_threads,
          m->opencl ? "built" : "off", m->accelerators[0] ? ": " : "", m->accelerators);
  size_t n = tc_bench_log_count(l);
  for (size_t i = 0; i < n; i++) {
    const tc_bench_record *r = tc_bench_log_get(l, i);
    int seen = 0;
    for (size_t k = 0; k < i && !seen; k++)
      seen = !strcmp(tc_bench_log_get(l, k)->suite, r->suite);
    if (seen)
      continue;
    fprintf(f, "\n## %s\n\n", r->suite);
    fputs("| measurement | parameters | runs | median | min – max | metrics | check |\n", f);
    fputs("| --- | --- | ---: | ---: | ---: | --- | --- |\n", f);
    for (size_t k = i; k < n; k++)
      if (!strcmp(tc_bench_log_get(l, k)->suite, r->suite))
        row(f, tc_bench_log_get(l, k));
  }
  size_t bad = tc_bench_log_failures(l);
  if (bad)
    fprintf(f, "\n%zu measurement(s) FAILED; see the check column.\n", bad);
  int werr = ferror(f);
  if (fclose(f) != 0 || werr)
    return tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
  return TC_OK;
}
