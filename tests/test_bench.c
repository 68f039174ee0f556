/* The benchmark harness: its pieces in process (timing loop, JSON writer, fit,
 * encounter-list comparison) and a smoke run of `trajcorr bench --quick` whose JSON
 * must parse and have the documented structure (not any particular speed). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/harness/benchfn.h"
#include "bench/harness/compare.h"
#include "io/json.h"
#include "bench/harness/spawn.h"
#include "support/sanitizer.h"

#define PY "/usr/bin/python3"

static const char *tmpdir(void) {
  const char *t = getenv("TC_TEST_TMP");
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s/bench", t && *t ? t : "/tmp/trajcorr-test-tmp");
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", buf);
  cr_assert_eq(system(cmd), 0, "cannot create %s", buf);
  return buf;
}

/* Last bytes of a file, for assertion messages. */
static const char *tail_of(const char *path) {
  static char buf[1500];
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f)
    return "(no output)";
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, n > 1400 ? n - 1400 : 0, SEEK_SET);
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  buf[got] = '\0';
  fclose(f);
  return buf;
}

static int run(const char *const *argv, const char *out, const char *errp, double timeout) {
  tc_bench_cmd c = {argv, NULL, out, errp, timeout};
  tc_bench_proc p;
  tc_err e = {0};
  cr_assert_eq(tc_bench_spawn(&c, &p, &e), TC_OK, "spawn %s: %s", argv[0], e.msg);
  cr_assert_not(p.timed_out, "%s timed out after %.0f s", argv[0], timeout);
  return p.exit_code;
}

/* ---- timing loop */

typedef struct {
  int runs, setups;
  int fail_check;
} counter;

static tc_status count_run(void *p, tc_bench_work *w, tc_err *err) {
  (void)err;
  counter *c = p;
  c->runs++;
  w->items = 7;
  return TC_OK;
}

static tc_status count_setup(void *p, tc_err *err) {
  (void)err;
  ((counter *)p)->setups++;
  return TC_OK;
}

static tc_status count_check(void *p, tc_err *err) {
  counter *c = p;
  return c->fail_check ? tc_fail(err, TC_ERR_INTERNAL, "wrong on purpose") : TC_OK;
}

Test(bench, measure_honours_warmup_and_repetitions) {
  counter c = {0, 0, 0};
  tc_bench_spec s;
  tc_bench_spec_default(&s);
  s.run = count_run;
  s.setup = count_setup;
  s.check = count_check;
  s.payload = &c;
  s.warmup = 2;
  s.min_reps = 5;
  s.max_reps = 9;
  s.budget_s = 1e9; /* the budget never runs out: max_reps decides */
  tc_bench_result r;
  tc_err e = {0};
  cr_assert_eq(tc_bench_measure(&s, &r, &e), TC_OK, "%s", e.msg);
  cr_assert_eq(r.reps, 9);
  cr_assert_eq(c.runs, 11);
  cr_assert_eq(c.setups, 11);
  cr_assert(r.min_s <= r.median_s && r.median_s <= r.max_s);
  cr_assert_eq(r.work.items, 7u);
  cr_assert(r.checked && r.check_ok);

  s.budget_s = 0; /* spent at once: min_reps decides */
  c.fail_check = 1;
  cr_assert_eq(tc_bench_measure(&s, &r, &e), TC_ERR_INTERNAL);
  cr_assert_eq(r.reps, 5);
  cr_assert(r.checked && !r.check_ok);
  cr_assert(strstr(e.msg, "wrong on purpose"));

  s.max_reps = 2; /* fewer than min_reps */
  cr_assert_eq(tc_bench_measure(&s, &r, &e), TC_ERR_ARG);
}

Test(bench, median_and_power_fit) {
  double v[] = {5, 1, 4, 2};
  cr_assert_float_eq(tc_bench_median(v, 4), 3.0, 1e-12);
  double w[] = {9, 1, 3};
  cr_assert_float_eq(tc_bench_median(w, 3), 3.0, 1e-12);
  double x[] = {1000, 3000, 10000, 30000}, y[4];
  for (int i = 0; i < 4; i++)
    y[i] = 0.002 * pow(x[i], 1.5);
  double k, r2;
  tc_err e = {0};
  cr_assert_eq(tc_bench_fit_power(x, y, 4, &k, &r2, &e), TC_OK);
  cr_assert_float_eq(k, 1.5, 1e-9);
  cr_assert_float_eq(r2, 1.0, 1e-9);
  double one[] = {5, 5};
  cr_assert_eq(tc_bench_fit_power(one, y, 2, &k, &r2, &e), TC_ERR_ARG);
}

/* ---- JSON (jansson) and the writers' shared rules */

Test(bench, json_escapes_and_structure) {
  int bad = 0;
  json_t *o = json_object(), *a = json_array();
  cr_assert(o && a);
  tc_json_set(o, "s", tc_json_string("a\"b\\c\n\x01\xff" "\xc3" "é\xf4\x90\x80\x80"), &bad);
  tc_json_set(o, "nan", tc_json_real(NAN), &bad);
  tc_json_set(o, "inf", tc_json_real(-INFINITY), &bad);
  tc_json_set(o, "x", tc_json_real(0.5), &bad);
  tc_json_set(o, "i", json_integer(-3), &bad);
  tc_json_push(a, json_true(), &bad);
  tc_json_push(a, json_null(), &bad);
  tc_json_push(a, tc_json_string(NULL), &bad);
  tc_json_set(o, "a", a, &bad);
  cr_assert_not(bad);
  char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
  cr_assert_not_null(text);
  /* bad bytes (a lone 0xff, a cut sequence, a code point above U+10FFFF) are U+FFFD each */
  cr_assert_str_eq(text, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xef\xbf\xbdé"
                         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"nan\":null,\"inf\":null,"
                         "\"x\":0.5,\"i\":-3,\"a\":[true,null,null]}");
  json_error_t je;
  json_t *back = json_loads(text, 0, &je); /* read back: valid JSON, keys in order */
  cr_assert_not_null(back, "%s", je.text);
  cr_assert(json_equal(back, o));
  const char *k0 = json_object_iter_key(json_object_iter(back));
  cr_assert_str_eq(k0, "s");
  json_decref(back);
  free(text);
  json_decref(o);
  cr_assert(json_is_null(tc_json_string(NULL)));
}

/* ---- encounter comparison (the engine suite's result check) */

Test(bench, compare_encounters_tolerances) {
  tc_encounter_list a, b;
  tc_encounter_list_init(&a);
  tc_encounter_list_init(&b);
  tc_encounter e1 = {111, 222, 1000, 9000, 14, 100.0, 120.0, 10.0, 179.9999995, 0.1, 0.2};
  tc_encounter e2 = {111, 333, 1000, 9000, 14, 200.0, 220.0, 11.0, 20.0, 0.1, 0.2};
  cr_assert_eq(tc_encounter_list_push(&a, &e1), TC_OK);
  cr_assert_eq(tc_encounter_list_push(&a, &e2), TC_OK);
  tc_encounter f1 = e1, f2 = e2;
  f1.mean_lon = -179.9999995; /* 1e-6 deg apart across the antimeridian */
  f2.min_dist_m += 0.005;
  cr_assert_eq(tc_encounter_list_push(&b, &f2), TC_OK); /* order does not matter */
  cr_assert_eq(tc_encounter_list_push(&b, &f1), TC_OK);
  tc_bench_cmp r;
  char sum[300];
  cr_assert_eq(tc_bench_compare_encounters(&a, &b, TC_BENCH_TOL_EXPECTED, &r, sum, sizeof sum), 1, "%s", sum);
  b.v[0].min_dist_m += 0.02;
  cr_assert_eq(tc_bench_compare_encounters(&a, &b, TC_BENCH_TOL_EXPECTED, &r, sum, sizeof sum), 0);
  cr_assert_eq(r.value_mismatches, 1u);
  b.v[0].min_dist_m = e2.min_dist_m;
  b.v[1].end += 600; /* a different key */
  cr_assert_eq(tc_bench_compare_encounters(&a, &b, TC_BENCH_TOL_EXPECTED, &r, sum, sizeof sum), 0);
  cr_assert_eq(r.only_expected, 1u);
  cr_assert_eq(r.only_actual, 1u);
  tc_encounter_list_free(&a);
  tc_encounter_list_free(&b);
}

/* ---- the command */

Test(bench, unknown_suite_and_option_are_usage_errors) {
  const char *d = tmpdir();
  char out[4200], err[4200];
  snprintf(out, sizeof out, "%s/usage.out", d);
  snprintf(err, sizeof err, "%s/usage.err", d);
  const char *a1[] = {TC_BINARY, "bench", "no-such-suite", NULL};
  cr_assert_eq(run(a1, out, err, 30), 2, "%s", tail_of(err));
  cr_assert(strstr(tail_of(err), "no-such-suite"));
  const char *a2[] = {TC_BINARY, "bench", "--budget", "-1", NULL};
  cr_assert_eq(run(a2, out, err, 30), 2, "%s", tail_of(err));
  const char *a3[] = {TC_BINARY, "bench", "--list", NULL};
  cr_assert_eq(run(a3, out, err, 30), 0, "%s", tail_of(err));
  cr_assert(strstr(tail_of(out), "engine"));
}

/* Structure of a results file, checked by Python's json module (speed not judged). */
static const char *const check_py =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "assert d['schema']=='trajcorr-bench/1', d.get('schema')\n"
    "assert d['mode']=='quick'\n"
    "m=d['machine']\n"
    "for k in ('cpu_model','cores_online','mem_total_bytes','os','version','build_type'):\n"
    "  assert k in m, k\n"
    "assert m['cores_online']>=1 and m['mem_total_bytes']>0\n"
    "R=d['records']; assert isinstance(R,list) and R\n"
    "suites=set()\n"
    "for r in R:\n"
    "  for k in ('suite','name','ok','note','params','timing','metrics','units'):\n"
    "    assert k in r, (k, r.get('name'))\n"
    "  assert isinstance(r['ok'],bool) and isinstance(r['params'],dict)\n"
    "  assert set(r['metrics'])==set(r['units'])\n"
    "  assert all(v is None or isinstance(v,(int,float)) for v in r['metrics'].values())\n"
    "  t=r['timing']\n"
    "  if t is not None:\n"
    "    assert t['reps']>=1 and 0<=t['min_s']<=t['median_s']<=t['max_s'], (r['name'],t)\n"
    "  assert r['ok'], (r['suite'],r['name'],r['note'])\n"
    "  suites.add(r['suite'])\n"
    "assert d['failures']==0\n"
    "assert 'geo' in suites and 'engine' in suites, suites\n"
    "print(len(R),'records',sorted(suites))\n";

/* A guard against a hang, not a speed limit: under the sanitizer on a loaded machine the
 * suites take several times as long. */
#if TC_UNDER_ASAN
#define QUICK_LIMIT 500
#else
#define QUICK_LIMIT 200
#endif

Test(bench, quick_run_writes_valid_json, .timeout = QUICK_LIMIT + 40) {
  const char *d = tmpdir();
  char json[4200], md[4200], out[4200], err[4200], py[4200];
  snprintf(json, sizeof json, "%s/quick.json", d);
  snprintf(md, sizeof md, "%s/quick.md", d);
  snprintf(out, sizeof out, "%s/quick.out", d);
  snprintf(err, sizeof err, "%s/quick.err", d);
  snprintf(py, sizeof py, "%s/check_results.py", d);
  remove(json);
#if TC_UNDER_ASAN
  /* Every suite but peers, whose time goes to the numpy peer in Python (not under the
   * sanitizer); the trajcorr commands it runs are the pipeline suite's. */
  const char *argv[] = {TC_BINARY, "bench", "geo", "engine", "kernels", "io", "pipeline",
                        "--quick", "-o", json, "--md", md, NULL};
#else
  const char *argv[] = {TC_BINARY, "bench", "--quick", "-o", json, "--md", md, NULL};
#endif
  int rc = run(argv, out, err, QUICK_LIMIT);
  cr_assert_eq(rc, 0, "trajcorr bench --quick exited %d:\n%s", rc, tail_of(err));
  struct stat sb;
  cr_assert_eq(stat(md, &sb), 0, "no Markdown written");
  cr_assert(strstr(tail_of(md), "| measurement |") || sb.st_size > 0);

  if (stat(PY, &sb) != 0)
    cr_skip("%s absent: JSON not validated", PY);
  const char *tool[] = {PY, "-m", "json.tool", json, NULL};
  cr_assert_eq(run(tool, NULL, err, 60), 0, "json.tool rejects %s:\n%s", json, tail_of(err));
  FILE *f = fopen(py, "w");
  cr_assert_not_null(f);
  cr_assert_eq(fputs(check_py, f) >= 0, 1);
  cr_assert_eq(fclose(f), 0);
  const char *chk[] = {PY, py, json, NULL};
  cr_assert_eq(run(chk, out, err, 60), 0, "results structure:\n%s", tail_of(err));
  json_error_t je; /* and by the library that wrote it */
  json_t *doc = json_load_file(json, 0, &je);
  cr_assert_not_null(doc, "%s: %s at line %d", json, je.text, je.line);
  cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "trajcorr-bench/1");
  cr_assert_gt(json_array_size(json_object_get(doc, "records")), 0);
  const char *k0 = json_object_iter_key(json_object_iter(doc));
  cr_assert_str_eq(k0, "schema", "members in the order written");
  json_decref(doc);
}
