#include "bench/harness/record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/harness/json.h"
#include "host/engine/grow.h"
#include "io/timefmt.h"

struct tc_bench_log {
  tc_bench_record *v;
  size_t n, cap;
};

tc_status tc_bench_log_create(tc_bench_log **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

void tc_bench_log_free(tc_bench_log *l) {
  if (!l)
    return;
  free(l->v);
  free(l);
}

tc_bench_record *tc_bench_log_add(tc_bench_log *l, const char *suite, const char *name) {
  tc_bench_record *nv = tc_grow(l->v, &l->cap, l->n + 1, sizeof *nv, 32);
  if (!nv)
    return NULL;
  l->v = nv;
  tc_bench_record *r = &l->v[l->n++];
  memset(r, 0, sizeof *r);
  snprintf(r->suite, sizeof r->suite, "%s", suite);
  snprintf(r->name, sizeof r->name, "%s", name);
  r->ok = 1;
  return r;
}

size_t tc_bench_log_count(const tc_bench_log *l) { return l->n; }

const tc_bench_record *tc_bench_log_get(const tc_bench_log *l, size_t i) {
  return i < l->n ? &l->v[i] : NULL;
}

size_t tc_bench_log_failures(const tc_bench_log *l) {
  size_t bad = 0;
  for (size_t i = 0; i < l->n; i++)
    bad += !l->v[i].ok;
  return bad;
}

void tc_bench_rec_num(tc_bench_record *r, const char *key, double v) {
  if (r->nparams == TC_BENCH_MAX_PARAMS)
    return;
  tc_bench_param *p = &r->params[r->nparams++];
  snprintf(p->key, sizeof p->key, "%s", key);
  p->is_num = 1;
  p->num = v;
  p->str[0] = '\0';
}

void tc_bench_rec_str(tc_bench_record *r, const char *key, const char *s) {
  if (r->nparams == TC_BENCH_MAX_PARAMS)
    return;
  tc_bench_param *p = &r->params[r->nparams++];
  snprintf(p->key, sizeof p->key, "%s", key);
  p->is_num = 0;
  snprintf(p->str, sizeof p->str, "%s", s ? s : "");
}

void tc_bench_rec_metric(tc_bench_record *r, const char *key, double v, const char *unit) {
  if (r->nmetrics == TC_BENCH_MAX_METRICS)
    return;
  tc_bench_metric *m = &r->metrics[r->nmetrics++];
  snprintf(m->key, sizeof m->key, "%s", key);
  m->value = v;
  snprintf(m->unit, sizeof m->unit, "%s", unit ? unit : "");
}

void tc_bench_rec_timing(tc_bench_record *r, const tc_bench_result *t) {
  r->timed = 1;
  r->timing = *t;
  if (t->checked && !t->check_ok)
    r->ok = 0;
}

void tc_bench_rec_fail(tc_bench_record *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->note, sizeof r->note, fmt, ap);
  va_end(ap);
  r->ok = 0;
}

void tc_bench_rec_note(tc_bench_record *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->note, sizeof r->note, fmt, ap);
  va_end(ap);
}

double tc_bench_rec_get_metric(const tc_bench_record *r, const char *key) {
  for (size_t i = 0; i < r->nmetrics; i++)
    if (!strcmp(r->metrics[i].key, key))
      return r->metrics[i].value;
  return NAN;
}

static void record_json(const tc_bench_record *r, tc_json *j) {
  tc_json_obj_begin(j);
  tc_json_kstr(j, "suite", r->suite);
  tc_json_kstr(j, "name", r->name);
  tc_json_kbool(j, "ok", r->ok);
  tc_json_kstr(j, "note", r->note);
  tc_json_key(j, "params");
  tc_json_obj_begin(j);
  for (size_t i = 0; i < r->nparams; i++) {
    if (r->params[i].is_num)
      tc_json_knum(j, r->params[i].key, r->params[i].num);
    else
      tc_json_kstr(j, r->params[i].key, r->params[i].str);
  }
  tc_json_obj_end(j);
  tc_json_key(j, "timing");
  if (r->timed) {
    const tc_bench_result *t = &r->timing;
    tc_json_obj_begin(j);
    tc_json_kint(j, "reps", t->reps);
    tc_json_knum(j, "min_s", t->min_s);
    tc_json_knum(j, "median_s", t->median_s);
    tc_json_knum(j, "max_s", t->max_s);
    tc_json_knum(j, "mean_s", t->mean_s);
    tc_json_knum(j, "cpu_s", t->cpu_s);
    tc_json_kuint(j, "items", t->work.items);
    tc_json_kuint(j, "bytes", t->work.bytes);
    tc_json_key(j, "checked");
    tc_json_bool(j, t->checked);
    tc_json_key(j, "check_ok");
    if (t->checked)
      tc_json_bool(j, t->check_ok);
    else
      tc_json_null(j);
    tc_json_obj_end(j);
  } else {
    tc_json_null(j);
  }
  tc_json_key(j, "metrics");
  tc_json_obj_begin(j);
  for (size_t i = 0; i < r->nmetrics; i++)
    tc_json_knum(j, r->metrics[i].key, r->metrics[i].value);
  tc_json_obj_end(j);
  tc_json_key(j, "units");
  tc_json_obj_begin(j);
  for (size_t i = 0; i < r->nmetrics; i++)
    tc_json_kstr(j, r->metrics[i].key, r->metrics[i].unit);
  tc_json_obj_end(j);
  tc_json_obj_end(j);
}

tc_status tc_bench_log_write_json(const tc_bench_log *l, const tc_machine_info *m, const char *mode,
                                  const char *path, tc_err *err) {
  tc_json *j = NULL;
  tc_status st = tc_json_create(1, &j);
  if (st != TC_OK)
    return tc_fail(err, st, "%s: out of memory for the results", path);
  char when[TC_ISO_LEN];
  tc_time_format_iso((int64_t)time(NULL), when);
  tc_json_obj_begin(j);
  tc_json_kstr(j, "schema", "trajcorr-bench/1");
  tc_json_kstr(j, "created", when);
  tc_json_kstr(j, "mode", mode);
  tc_json_key(j, "machine");
  tc_machine_json(m, j);
  tc_json_key(j, "records");
  tc_json_arr_begin(j);
  for (size_t i = 0; i < l->n; i++)
    record_json(&l->v[i], j);
  tc_json_arr_end(j);
  tc_json_kuint(j, "failures", tc_bench_log_failures(l));
  tc_json_obj_end(j);
  st = tc_json_write_file(j, path, err);
  tc_json_free(j);
  return st;
}
