/* trajcorr bench: runs the benchmark suites (bench/harness/) and writes one JSON
 * record per measurement, optionally a Markdown table. Progress goes to stderr,
 * one line per finished measurement to stdout. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/harness/machine.h"
#include "bench/harness/record.h"
#include "bench/harness/results_md.h"
#include "bench/harness/suites.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "io/outpath.h"

static void on_progress(void *ctx, const char *msg) {
  (void)ctx;
  fprintf(stderr, "[bench] %s\n", msg);
}

static void fmt_secs(char *b, size_t cap, double s) {
  if (s < 1e-3)
    snprintf(b, cap, "%.3g us", s * 1e6);
  else if (s < 1.0)
    snprintf(b, cap, "%.3g ms", s * 1e3);
  else
    snprintf(b, cap, "%.3g s", s);
}

static void on_record(void *ctx, const tc_bench_record *r) {
  (void)ctx;
  char med[32] = "-";
  if (r->timed)
    fmt_secs(med, sizeof med, r->timing.median_s);
  printf("%-8s %-44s", r->suite, r->name);
  for (size_t i = 0; i < r->nparams; i++) {
    if (!strcmp(r->params[i].key, "area"))
      continue; /* already in the name */
    if (r->params[i].is_num)
      printf(" %s=%g", r->params[i].key, r->params[i].num);
    else
      printf(" %s=%s", r->params[i].key, r->params[i].str);
  }
  if (r->timed)
    printf("  median %s (%d run%s)", med, r->timing.reps, r->timing.reps == 1 ? "" : "s");
  for (size_t i = 0; i < r->nmetrics && i < 3; i++)
    printf("  %s %.4g%s%s", r->metrics[i].key, r->metrics[i].value, r->metrics[i].unit[0] ? " " : "",
           r->metrics[i].unit);
  printf("  %s%s%s\n", r->ok ? "ok" : "FAILED", r->note[0] ? ": " : "", r->note);
  fflush(stdout);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

/* The source tree this program was built from (for bench/peers and ../shared/data):
 * __FILE__ is the absolute path CMake compiled. */
static int source_root(char *buf, size_t cap) {
  const char *tail = "/host/cli/cmd_bench.c";
  const char *f = __FILE__;
  size_t n = strlen(f), t = strlen(tail);
  if (f[0] != '/' || n <= t || strcmp(f + n - t, tail) != 0 || n - t >= cap)
    return 0;
  memcpy(buf, f, n - t);
  buf[n - t] = '\0';
  return 1;
}

static int is_dir(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

int cmd_bench(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_bench_args a;
  int rc = tc_cli_parse(&tc_cli_bench, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  const char *json_path = a.json_path, *md_path = a.md_path, *data = a.data, *peers = a.peers;
  const char *python = a.python, *work = a.work;
  int quick = a.quick, keep = a.keep;
  double budget = a.budget_s, max_days = a.max_days;
  long max_vessels = a.max_vessels;
  const char **names = a.suites.v;
  size_t nnames = a.suites.n;
  tc_bench_log *log = NULL;
  char self[PATH_MAX], root[PATH_MAX], data_buf[PATH_MAX], peers_buf[PATH_MAX];
  char work_buf[PATH_MAX] = "";
  int made_work = 0, ran = 0;
  rc = 1;
  if (a.list) {
    size_t n;
    const tc_bench_suite *s = tc_bench_suites(&n);
    for (size_t k = 0; k < n; k++)
      printf("%-9s %s\n", s[k].name, s[k].summary);
    rc = 0;
    goto cleanup;
  }
  for (size_t i = 0; i < nnames; i++)
    if (!tc_bench_suite_find(names[i])) {
      fprintf(stderr, "trajcorr bench: unknown suite '%s' (trajcorr bench --list)\n", names[i]);
      rc = 2;
      goto cleanup;
    }

  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sl <= 0) {
    fprintf(stderr, "trajcorr bench: cannot find this program's path (/proc/self/exe): %s\n", strerror(errno));
    goto cleanup;
  }
  self[sl] = '\0';
  int have_root = source_root(root, sizeof root);
  if (!data && have_root && (size_t)snprintf(data_buf, sizeof data_buf, "%s/../shared/data", root) < sizeof data_buf &&
      is_dir(data_buf))
    data = data_buf;
#ifdef TRAJCORR_PEERS_FROM_BIN
  /* An installed copy's own peers first (cmake --install, the .deb): bin/../share/trajcorr/peers. */
  const char *slash = strrchr(self, '/');
  if (!peers && slash &&
      (size_t)snprintf(peers_buf, sizeof peers_buf, "%.*s/%s", (int)(slash - self), self, TRAJCORR_PEERS_FROM_BIN) <
          sizeof peers_buf &&
      is_dir(peers_buf))
    peers = peers_buf;
#endif
  if (!peers && have_root && (size_t)snprintf(peers_buf, sizeof peers_buf, "%s/bench/peers", root) < sizeof peers_buf &&
      is_dir(peers_buf))
    peers = peers_buf;
  {
    tc_err cerr = {0};
    const char *outs[] = {json_path, md_path}, *ins[] = {data, peers};
    if (tc_outpath_check(outs, 2, ins, 2, &cerr) != TC_OK) { /* a result onto an input or each other */
      fprintf(stderr, "trajcorr bench: %s\n", cerr.msg);
      rc = 2;
      goto cleanup;
    }
  }
  if (!work) {
    const char *tmp = getenv("TMPDIR");
    if ((size_t)snprintf(work_buf, sizeof work_buf, "%s/trajcorr-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
            sizeof work_buf ||
        !mkdtemp(work_buf)) {
      fprintf(stderr, "trajcorr bench: cannot create a scratch folder under %s: %s\n", tmp ? tmp : "/tmp",
              strerror(errno));
      goto cleanup;
    }
    made_work = 1;
    work = work_buf;
  } else if (!is_dir(work) && mkdir(work, 0755) != 0) {
    fprintf(stderr, "trajcorr bench: cannot create --work-dir %s: %s\n", work, strerror(errno));
    goto cleanup;
  }
  if (!is_file(python) && strchr(python, '/'))
    fprintf(stderr, "trajcorr bench: note: %s not found; the peer comparisons will fail\n", python);

  ran = 1;
  tc_machine_info mi;
  tc_err err = {0};
  if (tc_machine_collect(&mi, NULL, NULL, &err) != TC_OK)
    fprintf(stderr, "trajcorr bench: note: %s\n", err.msg);
  if (tc_bench_log_create(&log) != TC_OK) {
    fprintf(stderr, "trajcorr bench: out of memory\n");
    goto cleanup;
  }
  char sum[512];
  tc_machine_summary(&mi, sum, sizeof sum);
  fprintf(stderr, "[bench] %s\n[bench] %s run; scratch %s\n", sum, quick ? "quick" : "full", work);

  tc_bench_ctx ctx = {
      .self = self, .workdir = work, .python = python, .peers_dir = peers, .data_dir = data,
      .quick = quick, .budget_s = budget, .max_vessels = (size_t)max_vessels, .max_days = max_days,
      .log = log,
      .progress = on_progress, .on_record = on_record, .cb_ctx = NULL,
  };
  size_t nall;
  const tc_bench_suite *all = tc_bench_suites(&nall);
  int fatal = 0;
  for (size_t k = 0; k < nall && !fatal; k++) {
    int wanted = nnames == 0;
    for (size_t i = 0; i < nnames && !wanted; i++)
      wanted = !strcmp(names[i], all[k].name);
    if (!wanted)
      continue;
    tc_err se = {0};
    if (all[k].run(&ctx, &se) != TC_OK) {
      fprintf(stderr, "trajcorr bench: suite %s stopped: %s\n", all[k].name, se.msg);
      fatal = 1;
    }
  }
  const char *mode = quick ? "quick" : "full";
  int wrote_ok = 1;
  if (json_path && tc_bench_log_write_json(log, &mi, mode, json_path, &err) != TC_OK) {
    fprintf(stderr, "trajcorr bench: %s\n", err.msg);
    wrote_ok = 0;
  }
  if (md_path && tc_bench_log_write_md(log, &mi, mode, md_path, &err) != TC_OK) {
    fprintf(stderr, "trajcorr bench: %s\n", err.msg);
    wrote_ok = 0;
  }
  size_t bad = tc_bench_log_failures(log);
  fprintf(stderr, "[bench] %zu measurement(s), %zu failed%s%s%s%s\n", tc_bench_log_count(log), bad,
          json_path ? "; JSON " : "", json_path ? json_path : "", md_path ? "; Markdown " : "",
          md_path ? md_path : "");
  rc = (bad || fatal || !wrote_ok) ? 1 : 0;

cleanup:
  if (made_work && !keep && nftw(work_buf, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
    fprintf(stderr, "trajcorr bench: could not remove scratch %s: %s\n", work_buf, strerror(errno));
  else if (made_work && keep)
    fprintf(stderr, "[bench] kept scratch folder %s\n", work_buf);
  tc_bench_log_free(log);
  tc_cli_free(&tc_cli_bench, &a);
  if (ran)
    tc_cli_closing_line("trajcorr bench", t_start);
  return rc;
}
