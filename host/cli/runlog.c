/* Progress, per-bucket JSON logs and closing lines (runlog.h). */
#include "host/cli/runlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "host/report/sidecar.h"
#include "io/clock.h"
#include "io/json.h"
#include "io/timefmt.h"

struct tc_runlog {
  const char *prog;
  int json, bar, quiet, rank, shown;
  int64_t t_first, t_last, bucket_s, t_logged;
  uint64_t rows_total, buckets;
  double start, last_draw;
};

static double rss_mb(void) {
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
}

static double cpu_s(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
         1e-6 * (double)ru.ru_stime.tv_usec;
}

tc_runlog *tc_runlog_create(const char *prog, int log, int quiet, int rank, int64_t t_first, int64_t t_last,
                            int64_t bucket_s, uint64_t rows_total) {
  tc_runlog *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->prog = prog;
  l->json = log == 1;
  l->bar = !l->json && !quiet && isatty(STDERR_FILENO);
  l->quiet = quiet;
  l->rank = rank;
  l->t_first = t_first;
  l->t_last = t_last;
  l->bucket_s = bucket_s > 0 ? bucket_s : 1;
  l->t_logged = t_first;
  l->rows_total = rows_total;
  l->buckets = t_last > t_first ? (uint64_t)((t_last - t_first + l->bucket_s - 1) / l->bucket_s) : 0;
  l->start = l->last_draw = tc_clock_wall();
  return l;
}

void tc_runlog_clear(tc_runlog *l) {
  if (l && l->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    l->shown = 0;
  }
}

void tc_runlog_free(tc_runlog *l) {
  tc_runlog_clear(l);
  free(l);
}

/* Seconds left at the rows' rate so far; -1 when not known yet. */
static double eta(const tc_runlog *l, uint64_t rows, double rate) {
  if (rate <= 0 || l->rows_total == 0)
    return -1;
  return rows >= l->rows_total ? 0 : (double)(l->rows_total - rows) / rate;
}

void tc_runlog_tick(void *ctx, const tc_engine_tick *t) {
  tc_runlog *l = ctx;
  double now = tc_clock_wall(), el = now - l->start;
  double rate = el > 0 ? (double)t->fixes_read / el : 0;
  int64_t te = t->t_end > l->t_last ? l->t_last : t->t_end;
  uint64_t done = te > l->t_first ? (uint64_t)((te - l->t_first) / l->bucket_s) : 0;
  if (l->json) {
    /* one object per bucket completed (a slice in the middle of a bucket adds none) */
    if (t->t_end <= l->t_logged)
      return;
    l->t_logged = t->t_end;
    char wall[TC_ISO_LEN], bucket[TC_ISO_LEN];
    tc_time_format_iso((int64_t)time(NULL), wall);
    tc_time_format_iso(t->t_end, bucket);
    fprintf(stderr,
            "{\"event\":\"bucket\",\"prog\":\"%s\",\"time\":\"%s\",\"rank\":%d,\"bucket_end\":\"%s\","
            "\"buckets_done\":%llu,\"buckets\":%llu,\"rows\":%llu,\"rate_rows_s\":%.0f,\"eta_s\":%.1f,"
            "\"rss_mb\":%.1f}\n",
            l->prog, wall, l->rank, bucket, (unsigned long long)done, (unsigned long long)l->buckets,
            (unsigned long long)t->fixes_read, rate, eta(l, t->fixes_read, rate), rss_mb());
    fflush(stderr);
    return;
  }
  if (!l->bar || now - l->last_draw < 0.25)
    return;
  l->last_draw = now;
  double e = eta(l, t->fixes_read, rate);
  char etas[32] = "";
  if (e >= 0)
    snprintf(etas, sizeof etas, ", ETA %.0f:%02.0f", e / 60 >= 1 ? (double)(int)(e / 60) : 0.0,
             e - 60.0 * (double)(int)(e / 60));
  fprintf(stderr, "\r\033[K%s: bucket %llu of %llu, %.2f M rows, %.2f M rows/s%s", l->prog,
          (unsigned long long)done, (unsigned long long)l->buckets, 1e-6 * (double)t->fixes_read, 1e-6 * rate,
          etas);
  fflush(stderr);
  l->shown = 1;
}

void tc_runlog_close(tc_runlog *l, double t_start, const tc_rank_figures *f, int k) {
  double real = tc_clock_wall() - t_start;
  tc_runlog_clear(l);
  if (l->json) {
    fprintf(stderr, "{\"event\":\"done\",\"prog\":\"%s\",\"rank\":%d,\"real_s\":%.3f,\"cpu_s\":%.3f,\"rss_mb\":%.1f}\n",
            l->prog, l->rank, real, cpu_s(), rss_mb());
  }
  if (f && k > 1 && l->rank == 0) {
    double cpu = 0, rss = 0, wall = 0;
    for (int i = 0; i < k; i++) {
      cpu += f[i].t_cpu;
      rss += f[i].rss_mb;
      if (f[i].t_wall > wall)
        wall = f[i].t_wall;
      if (l->json)
        fprintf(stderr,
                "{\"event\":\"rank\",\"prog\":\"%s\",\"rank\":%d,\"rows\":%llu,\"fixes_read\":%llu,"
                "\"engine_real_s\":%.3f,\"engine_cpu_s\":%.3f,\"rss_mb\":%.1f,\"from_start\":%s}\n",
                l->prog, i, (unsigned long long)f[i].rows, (unsigned long long)f[i].fixes_read, f[i].t_wall,
                f[i].t_cpu, f[i].rss_mb, f[i].from_start ? "true" : "false");
      else if (!l->quiet)
        fprintf(stderr, "%s: rank %d of %d: %llu rows (%llu read), engine real %.3f s, CPU %.3f s, peak RSS %.1f MB%s\n",
                l->prog, i, k, (unsigned long long)f[i].rows, (unsigned long long)f[i].fixes_read, f[i].t_wall,
                f[i].t_cpu, f[i].rss_mb, f[i].from_start && i ? " (read from the start)" : "");
    }
    if (l->json)
      fprintf(stderr, "{\"event\":\"total\",\"prog\":\"%s\",\"ranks\":%d,\"real_s\":%.3f,\"engine_real_s\":%.3f,"
                      "\"engine_cpu_s\":%.3f,\"rss_mb\":%.1f}\n", l->prog, k, real, wall, cpu, rss);
    else if (!l->quiet)
      fprintf(stderr, "%s: %d ranks: real %.3f s, engine real %.3f s (slowest rank), engine CPU %.3f s, "
                      "peak RSS %.1f MB (all ranks)\n", l->prog, k, real, wall, cpu, rss);
  }
  fflush(stderr);
}

int tc_runlog_sidecar_ranks(char **text, size_t *len, const tc_rank_figures *f, int k) {
  json_error_t je;
  json_t *o = json_loadb(*text, *len, 0, &je), *arr = json_array();
  int bad = !o || !arr;
  if (!bad) {
    tc_json_set(o, "ranks", json_integer(k), &bad);
    for (int i = 0; i < k; i++) {
      json_t *r = json_object();
      char lo[TC_ISO_LEN] = "", hi[TC_ISO_LEN] = "";
      if (f[i].s_lo != INT64_MIN && f[i].s_lo != INT64_MAX) /* an empty part: INT64_MAX */
        tc_time_format_iso(f[i].s_lo, lo);
      if (f[i].s_hi != INT64_MAX)
        tc_time_format_iso(f[i].s_hi, hi);
      bad |= !r;
      if (r) {
        tc_json_set(r, "rank", json_integer(i), &bad);
        tc_json_set(r, "from", lo[0] ? json_string(lo) : json_null(), &bad);
        tc_json_set(r, "to", hi[0] ? json_string(hi) : json_null(), &bad);
        tc_json_set(r, "rows", json_integer((json_int_t)f[i].rows), &bad);
        tc_json_set(r, "fixes_read", json_integer((json_int_t)f[i].fixes_read), &bad);
        tc_json_set(r, "encounters_inside", json_integer((json_int_t)f[i].encounters), &bad);
        tc_json_set(r, "edge_runs", json_integer((json_int_t)f[i].edge_runs), &bad);
        tc_json_set(r, "read_from_start", json_boolean(f[i].from_start), &bad);
        tc_json_set(r, "real_s", tc_json_fixed(f[i].t_wall, 3), &bad);
        tc_json_set(r, "cpu_s", tc_json_fixed(f[i].t_cpu, 3), &bad);
        tc_json_set(r, "peak_rss_mb", tc_json_fixed(f[i].rss_mb, 1), &bad);
        tc_json_push(arr, r, &bad);
      }
    }
    tc_json_set(o, "rank_figures", arr, &bad);
    arr = NULL;
  }
  json_decref(arr);
  char *t = NULL;
  size_t n = 0;
  tc_err err = {0};
  if (tc_sidecar_dump(o, bad, "sidecar", &t, &n, &err) != TC_OK) /* takes o */
    return 0;
  free(*text);
  *text = t;
  *len = n;
  return 1;
}
