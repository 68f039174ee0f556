/* Benchmark measurements, one record each: what was measured (suite, name,
 * parameters), its timing, derived metrics (rows/s, MB/s, peak RSS, ratios) and
 * whether its result checked out. Written as JSON (one object per record) here and
 * as a Markdown table by results_md.h. */
#ifndef TC_BENCH_RECORD_H
#define TC_BENCH_RECORD_H

#include <stddef.h>

#include "bench/harness/benchfn.h"
#include "bench/harness/machine.h"
#include "io/status.h"

#define TC_BENCH_MAX_PARAMS 10
#define TC_BENCH_MAX_METRICS 14

typedef struct {
  char key[32];
  int is_num;
  double num;
  char str[96];
} tc_bench_param;

typedef struct {
  char key[32];
  double value;
  char unit[16];
} tc_bench_metric;

typedef struct {
  char suite[24];
  char name[80];
  size_t nparams;
  tc_bench_param params[TC_BENCH_MAX_PARAMS];
  int timed;                 /* timing holds a measurement */
  tc_bench_result timing;
  size_t nmetrics;
  tc_bench_metric metrics[TC_BENCH_MAX_METRICS];
  int ok;                    /* ran, and its check (if any) passed */
  char note[256];            /* why not ok, or a remark */
} tc_bench_record;

typedef struct tc_bench_log tc_bench_log;

tc_status tc_bench_log_create(tc_bench_log **out);
void tc_bench_log_free(tc_bench_log *l); /* NULL safe */

/* A new record (ok = 1, nothing else set), owned by the log; NULL when out of
 * memory. The pointer stays valid until the next tc_bench_log_add. */
tc_bench_record *tc_bench_log_add(tc_bench_log *l, const char *suite, const char *name);
size_t tc_bench_log_count(const tc_bench_log *l);
const tc_bench_record *tc_bench_log_get(const tc_bench_log *l, size_t i);
/* Records that are not ok. */
size_t tc_bench_log_failures(const tc_bench_log *l);

/* Setters drop what does not fit (more than the MAX_ entries) rather than fail. */
void tc_bench_rec_num(tc_bench_record *r, const char *key, double v);
void tc_bench_rec_str(tc_bench_record *r, const char *key, const char *s);
void tc_bench_rec_metric(tc_bench_record *r, const char *key, double v, const char *unit);
void tc_bench_rec_timing(tc_bench_record *r, const tc_bench_result *t);
/* Marks the record failed with a note (printf-style). */
void tc_bench_rec_fail(tc_bench_record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the note without failing the record (a remark: "unchecked: ..."). */
void tc_bench_rec_note(tc_bench_record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Value of a metric, NaN when absent. */
double tc_bench_rec_get_metric(const tc_bench_record *r, const char *key);

/* Whole results file: {"schema", "created", "mode", "machine", "records": [...]}. */
tc_status tc_bench_log_write_json(const tc_bench_log *l, const tc_machine_info *m, const char *mode,
                                  const char *path, tc_err *err);

#endif
