#include "bench/harness/record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/engine/grow.h"
#include "io/json.h"
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

static json_t *record_json(const tc_bench_record *r, int *bad) {
  json_t *o = json_object(), *params = json_object(), *metrics = json_object(), *units = json_object();
  if (!o || !params || !metrics || !units) {
    json_decref(o);
    json_decref(params);
    json_decref(metrics);
    json_decref(units);
    *bad = 1;
    return NULL;
  }
  tc_json_set(o, "suite", tc_json_string(r->suite), bad);
  tc_json_set(o, "name", tc_json_string(r->name), bad);
  tc_json_set(o, "ok", json_boolean(r->ok), bad);
  tc_json_set(o, "note", tc_json_string(r->note), bad);
  for (size_t i = 0; i < r->nparams; i++)
    tc_json_set(params, r->params[i].key,
                r->params[i].is_num ? tc_json_real(r->params[i].num) : tc_json_string(r->params[i].str), bad);
  tc_json_set(o, "params", params, bad);
  json_t *timing = json_null();
  if (r->timed) {
    const tc_bench_result *t = &r->timing;
    timing = json_object();
    if (timing) {
      tc_json_set(timing, "reps", json_integer((json_int_t)t->reps), bad);
      tc_json_set(timing, "min_s", tc_json_real(t->min_s), bad);
      tc_json_set(timing, "median_s", tc_json_real(t->median_s), bad);
      tc_json_set(timing, "max_s", tc_json_real(t->max_s), bad);
      tc_json_set(timing, "mean_s", tc_json_real(t->mean_s), bad);
      tc_json_set(timing, "cpu_s", tc_json_real(t->cpu_s), bad);
      tc_json_set(timing, "items", json_integer((json_int_t)t->work.items), bad);
      tc_json_set(timing, "bytes", json_integer((json_int_t)t->work.bytes), bad);
      tc_json_set(timing, "checked", json_boolean(t->checked), bad);
      tc_json_set(timing, "check_ok", t->checked ? json_boolean(t->check_ok) : json_null(), bad);
    }
  }
  tc_json_set(o, "timing", timing, bad);
  for (size_t i = 0; i < r->nmetrics; i++) {
    tc_json_set(metrics, r->metrics[i].key, tc_json_real(r->metrics[i].value), bad);
    tc_json_set(units, r->metrics[i].key, tc_json_string(r->metrics[i].unit), bad);
  }
  tc_json_set(o, "metrics", metrics, bad);
  tc_json_set(o, "units", units, bad);
  return o;
}

tc_status tc_bench_log_write_json(const tc_bench_log *l, const tc_machine_info *m, const char *mode,
                                  const char *path, tc_err *err) {
  int bad = 0;
  char when[TC_ISO_LEN];
  tc_time_format_iso((int64_t)time(NULL), when);
  json_t *doc = json_object(), *records = json_array();
  if (!doc || !records)
    bad = 1;
  else {
    tc_json_set(doc, "schema", json_string("trajcorr-bench/1"), &bad);
    tc_json_set(doc, "created", json_string(when), &bad);
    tc_json_set(doc, "mode", tc_json_string(mode), &bad);
    tc_json_set(doc, "machine", tc_machine_json(m), &bad);
    for (size_t i = 0; i < l->n; i++)
      tc_json_push(records, record_json(&l->v[i], &bad), &bad);
    tc_json_set(doc, "records", records, &bad);
    records = NULL;
    tc_json_set(doc, "failures", json_integer((json_int_t)tc_bench_log_failures(l)), &bad);
  }
  tc_status st = bad
                     ? tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the results", path)
                     /* %.10g, as the Markdown tables round */
                     : tc_json_write_file(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10), path, err);
  json_decref(records);
  json_decref(doc);
  return st;
}
