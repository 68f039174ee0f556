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

static void usage(FILE *f) {
  size_t n;
  const tc_bench_suite *s = tc_bench_suites(&n);
  fprintf(f,
          "usage: trajcorr bench [SUITE...] [--quick] [-o results.json] [--md results.md]\n"
          "                      [--budget SECONDS] [--data DIR] [--peers DIR] [--python PATH]\n"
          "                      [--max-vessels N] [--max-days D] [--load N] [--work-dir DIR] [--keep]\n"
          "                      [--list]\n\n"
          "Times trajcorr and writes one JSON record per measurement (machine, parameters,\n"
          "min/median/max time, throughput, peak memory, whether the result checked out).\n"
          "Every measured result is checked after timing; the exit status is 1 when any\n"
          "check or run failed.\n\n"
          "  --quick          small sizes and short budgets (a smoke run: under 2 minutes)\n"
          "  -o FILE          results as JSON (schema trajcorr-bench/1)\n"
          "  --md FILE        results as Markdown tables\n"
          "  --budget S       time budget per measurement (default 2 s; quick 0.2 s)\n"
          "  --data DIR       shared sample data (real-tracks/ inside); default: beside the sources\n"
          "  --peers DIR      folder of encounters_numpy.py; default: the installed share/trajcorr/peers,\n"
          "                   else bench/peers of the sources\n"
          "  --python PATH    interpreter with numpy, scipy and h5py (default /usr/bin/python3)\n"
          "  --max-vessels N  pipeline: leave out fleets above N (full run: 1k..300k)\n"
          "  --max-days D     pipeline: leave out periods above D days (full run: 1..30)\n"
          "  --load N         the load suite's busy processes in its loaded runs (default: one per core)\n"
          "  --work-dir DIR   scratch folder (default: a new one under $TMPDIR, removed after)\n"
          "  --keep           keep the scratch folder\n"
          "  --list           list the suites and exit\n\n"
          "Suites (default: all but those marked *, in this order):\n");
  for (size_t i = 0; i < n; i++)
    fprintf(f, "  %-9s%s%s\n", s[i].name, s[i].on_request ? "* " : "  ", s[i].summary);
}

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
  const char *json_path = NULL, *md_path = NULL, *data = NULL, *peers = NULL;
  const char *python = "/usr/bin/python3", *work = NULL;
  int quick = 0, keep = 0, rc = 1;
  double budget = 0, max_days = 0;
  long max_vessels = 0, load_procs = 0;
  const char **names = calloc((size_t)argc + 1, sizeof *names);
  size_t nnames = 0;
  tc_bench_log *log = NULL;
  char self[PATH_MAX], root[PATH_MAX], data_buf[PATH_MAX], peers_buf[PATH_MAX];
  char work_buf[PATH_MAX] = "";
  int made_work = 0, ran = 0;
  if (!names) {
    fprintf(stderr, "trajcorr bench: out of memory\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(a, "-o") || !strcmp(a, "--md") || !strcmp(a, "--budget") ||
                !strcmp(a, "--data") || !strcmp(a, "--peers") || !strcmp(a, "--python") ||
                !strcmp(a, "--work-dir") || !strcmp(a, "--max-vessels") || !strcmp(a, "--max-days") ||
                !strcmp(a, "--load");
    if (takes && !v) {
      fprintf(stderr, "trajcorr bench: %s needs a value\n", a);
      rc = 2;
      goto cleanup;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      rc = 0;
      goto cleanup;
    } else if (!strcmp(a, "--list")) {
      size_t n;
      const tc_bench_suite *s = tc_bench_suites(&n);
      for (size_t k = 0; k < n; k++)
        printf("%-9s%s%s\n", s[k].name, s[k].on_request ? "* " : "  ", s[k].summary);
      rc = 0;
      goto cleanup;
    } else if (!strcmp(a, "--quick")) {
      quick = 1;
    } else if (!strcmp(a, "--keep")) {
      keep = 1;
    } else if (!strcmp(a, "-o")) {
      json_path = argv[++i];
    } else if (!strcmp(a, "--md")) {
      md_path = argv[++i];
    } else if (!strcmp(a, "--data")) {
      data = argv[++i];
    } else if (!strcmp(a, "--peers")) {
      peers = argv[++i];
    } else if (!strcmp(a, "--python")) {
      python = argv[++i];
    } else if (!strcmp(a, "--work-dir")) {
      work = argv[++i];
    } else if (!strcmp(a, "--budget")) {
      if (!tc_arg_double(argv[++i], &budget) || budget <= 0) {
        fprintf(stderr, "trajcorr bench: --budget wants a positive number of seconds, not '%s'\n", argv[i]);
        rc = 2;
        goto cleanup;
      }
    } else if (!strcmp(a, "--max-vessels")) {
      if (!tc_arg_long(argv[++i], 1, 100000000, &max_vessels)) {
        fprintf(stderr, "trajcorr bench: --max-vessels wants a positive count, not '%s'\n", argv[i]);
        rc = 2;
        goto cleanup;
      }
    } else if (!strcmp(a, "--max-days")) {
      if (!tc_arg_double(argv[++i], &max_days) || max_days <= 0) {
        fprintf(stderr, "trajcorr bench: --max-days wants a positive number of days, not '%s'\n", argv[i]);
        rc = 2;
        goto cleanup;
      }
    } else if (!strcmp(a, "--load")) {
      if (!tc_arg_long(argv[++i], 1, 256, &load_procs)) {
        fprintf(stderr, "trajcorr bench: --load wants a count of busy processes (1..256), not '%s'\n", argv[i]);
        rc = 2;
        goto cleanup;
      }
    } else if (a[0] == '-') {
      fprintf(stderr, "trajcorr bench: unknown option '%s'\n", a);
      usage(stderr);
      rc = 2;
      goto cleanup;
    } else if (!tc_bench_suite_find(a)) {
      fprintf(stderr, "trajcorr bench: unknown suite '%s' (trajcorr bench --list)\n", a);
      rc = 2;
      goto cleanup;
    } else {
      names[nnames++] = a;
    }
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
      .load_procs = (int)load_procs,
      .log = log,
      .progress = on_progress, .on_record = on_record, .cb_ctx = NULL,
  };
  size_t nall;
  const tc_bench_suite *all = tc_bench_suites(&nall);
  int fatal = 0;
  for (size_t k = 0; k < nall && !fatal; k++) {
    int wanted = nnames == 0 && !all[k].on_request;
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
  free(names);
  if (ran)
    tc_cli_closing_line("trajcorr bench", t_start);
  return rc;
}
