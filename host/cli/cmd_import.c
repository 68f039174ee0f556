/* trajcorr import STORE FILE...: AIS files into the HDF5 track store (io/import.h). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "io/import.h"
#include "io/outpath.h"
#include "io/timefmt.h"

/* The first SIGINT, SIGTERM or SIGHUP asks the import to stop (io/import.h's cancel:
 * it removes its temporary file and leaves the store as it was); SA_RESETHAND puts the
 * default action back, so a second one ends the program at once. No SA_RESTART: a read
 * blocked on a pipe or terminal returns, and the import stops there too. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

static void catch_stop_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr import STORE FILE... [options]\n"
          "Adds AIS positions and static data from FILEs (CSV, NMEA; .gz; '-' = standard\n"
          "input) to the HDF5 track STORE, creating it if missing. The store is replaced\n"
          "atomically: on any failure it stays as it was.\n\n"
          "  --bucket D    bucket length of a new store: 3600, 1h, 6h, 1d (default), 7d\n"
          "  --deflate N   compression level of a new store, 0 (none) to 9 (default 1)\n"
          "  --memory M    memory for sorting, e.g. 256M, 1G (default 1G); more spills to disk\n"
          "  --format F    input format: auto (default), csv, dma, marinecadastre, nmea\n"
          "  --time-base T NMEA without receive times (no tag block c:, trailing Unix time\n"
          "                or $PGHP): the time given to its messages (ISO 8601 or Unix s)\n"
          "  --force       import files whose content the store already has\n"
          "  --strict      stop at the first bad row (exit 2) instead of skipping it\n"
          "  --quiet       no progress and no summary\n\n"
          "Exit status: 0 success, 1 failure, 2 bad usage or a row rejected by --strict;\n"
          "stopped by a signal (the store unchanged): 128 + its number, 130 for SIGINT,\n"
          "143 for SIGTERM, 129 for SIGHUP. A second signal ends it at once.\n");
}

typedef struct {
  tc_progress *bar;
  char label[96];
} progress_ctx;

static void on_progress(void *vctx, const tc_import_progress *p) {
  progress_ctx *c = vctx;
  if (p->writing)
    tc_progress_update(c->bar, "writing store", p->done, p->done, p->total);
  else
    tc_progress_update(c->bar, c->label, p->records, p->done, p->total);
}

/* What the reader skipped, over all files: counts per reason and the first samples. */
typedef struct {
  size_t nreasons;
  struct {
    char reason[64];
    uint64_t count;
  } reasons[64];
  size_t nsamples;
  char samples[TC_READER_MAX_SAMPLES][256];
} skip_summary;

static void add_counts(skip_summary *s, const tc_reader_counts *c) {
  for (size_t i = 0; i < c->nreasons; i++) {
    size_t j = 0;
    while (j < s->nreasons && strcmp(s->reasons[j].reason, c->reasons[i].reason))
      j++;
    if (j == s->nreasons && s->nreasons < sizeof s->reasons / sizeof s->reasons[0])
      snprintf(s->reasons[s->nreasons++].reason, 64, "%s", c->reasons[i].reason);
    if (j < s->nreasons)
      s->reasons[j].count += c->reasons[i].count;
  }
  for (size_t i = 0; i < c->nsamples && s->nsamples < TC_READER_MAX_SAMPLES; i++)
    snprintf(s->samples[s->nsamples++], 256, "%s", c->samples[i]);
}

static void print_skips(FILE *f, const skip_summary *s) {
  if (s->nreasons) {
    fprintf(f, "skipped rows by reason:\n");
    for (size_t i = 0; i < s->nreasons; i++)
      fprintf(f, "  %-40s %12" PRIu64 "\n", s->reasons[i].reason, s->reasons[i].count);
  }
  if (s->nsamples) {
    fprintf(f, "first bad rows:\n");
    for (size_t i = 0; i < s->nsamples; i++)
      fprintf(f, "  %s\n", s->samples[i]);
  }
}

static void print_summary(const char *store, const tc_import_result *r, const skip_summary *sk,
                          uint64_t in_bytes, double secs) {
  const tc_clean_counts *c = &r->clean;
  const tc_store_info *in = &r->store;
  printf("rows read        %12" PRIu64 "\n", c->rows_read);
  printf("  parse errors   %12" PRIu64 "\n", c->parse_errors);
  printf("  not vessels    %12" PRIu64 "\n", c->non_vessel);
  printf("  bad position   %12" PRIu64 "   (rule 1: |lat|>90, |lon|>180, (0,0))\n", c->bad_position);
  printf("  bad MMSI       %12" PRIu64 "   (rule 1: outside 1..999999999)\n", c->bad_mmsi);
  printf("  duplicates     %12" PRIu64 "   (rule 2: same mmsi and time)\n", c->duplicate);
  printf("rows stored      %12" PRIu64 "\n", c->rows_stored);
  printf("static records   %12" PRIu64 "   (vessel table +%" PRIu64 ")\n", r->statics, r->statics_kept);
  print_skips(stdout, sk);
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(in->t_min, a);
  tc_time_format_iso(in->t_max, b);
  printf("store %s: %s; now %" PRIu64 " rows, %" PRIu64 " vessels, %zu buckets of %" PRId64
         " s, %s .. %s\n", store, r->created ? "created" : "updated", in->rows, in->vessels,
         in->nbuckets, in->bucket_s, a, b);
  struct stat sb;
  double bpr = stat(store, &sb) == 0 && in->rows ? (double)sb.st_size / (double)in->rows : 0;
  printf("%.2f s: %.0f rows/s, %.1f MB/s of input; %zu spill runs; %.1f bytes/row stored\n", secs,
         secs > 0 ? (double)c->rows_read / secs : 0, secs > 0 ? (double)in_bytes / secs / 1e6 : 0,
         r->spill_runs, bpr);
}

/* A FILE that is the store itself (by any path or link) would be read while the store
 * is replaced: refused. 1 when none is. */
static int store_not_input(const char *store, const char **files, size_t nfiles) {
  tc_err err = {0};
  const char *outs[] = {store};
  if (tc_outpath_check(outs, 1, files, nfiles, &err) == TC_OK)
    return 1;
  fprintf(stderr, "trajcorr import: %s\n", err.msg);
  return 0;
}

int cmd_import(int argc, char **argv) {
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_reader_opts ro = {.format = NULL, .strict = 0, .time_base = INT64_MIN};
  int quiet = 0, rc = 1;
  const char *store = NULL;
  const char **files = calloc((size_t)argc, sizeof *files);
  size_t nfiles = 0;
  if (!files) {
    fprintf(stderr, "trajcorr import: out of memory\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int64_t d;
    uint64_t sz;
    long l;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      free(files);
      return 0;
    } else if (!strcmp(a, "--force")) {
      o.force = 1;
    } else if (!strcmp(a, "--strict")) {
      ro.strict = 1;
    } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
      quiet = 1;
    } else if (!strcmp(a, "--bucket") || !strcmp(a, "--deflate") || !strcmp(a, "--memory") ||
               !strcmp(a, "--format") || !strcmp(a, "--buffer-rows") || !strcmp(a, "--time-base")) {
      int ok = v != NULL;
      if (ok && !strcmp(a, "--bucket"))
        ok = tc_arg_duration(v, &d) && d > 0 && (o.bucket_s = d);
      else if (ok && !strcmp(a, "--deflate"))
        ok = tc_arg_long(v, 0, 9, &l) && ((o.deflate_level = (int)l), 1);
      else if (ok && !strcmp(a, "--memory"))
        ok = tc_arg_size(v, &sz) && sz >= (1u << 20) && sz <= SIZE_MAX && (o.memory_bytes = sz);
      else if (ok && !strcmp(a, "--time-base"))
        ok = tc_arg_time(v, &ro.time_base);
      else if (ok && !strcmp(a, "--buffer-rows")) /* for tests: rows buffered before a spill */
        ok = tc_arg_long(v, 1024, 1L << 30, &l) && (o.max_buffer_rows = (size_t)l);
      else if (ok)
        ro.format = v;
      if (!ok) {
        fprintf(stderr, "trajcorr import: bad value for %s: '%s'%s\n", a, v ? v : "",
                !strcmp(a, "--bucket") ? " (e.g. 3600, 1h, 6h, 1d, 7d)"
                : !strcmp(a, "--memory") ? " (at least 1M; e.g. 256M, 1G)" : "");
        free(files);
        return 2;
      }
      i++;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "trajcorr import: unknown option '%s'\n", a);
      usage(stderr);
      free(files);
      return 2;
    } else if (!store) {
      store = a;
    } else {
      files[nfiles++] = a;
    }
  }
  if (!store || !nfiles) {
    usage(stderr);
    free(files);
    return 2;
  }
  if (!store_not_input(store, files, nfiles)) {
    free(files);
    return 2;
  }
  double t0 = tc_cli_now();
  progress_ctx pc = {.bar = tc_progress_create(!quiet)};
  o.progress = on_progress;
  o.progress_ctx = &pc;
  o.cancel = &stop_signal;
  catch_stop_signals();
  tc_err err;
  tc_err_clear(&err);
  tc_import *im = NULL;
  skip_summary sk;
  memset(&sk, 0, sizeof sk);
  tc_import_result res;
  uint64_t in_bytes = 0;
  tc_status st = tc_import_begin(store, &o, &im, &err);
  for (size_t f = 0; f < nfiles && st == TC_OK; f++) {
    tc_reader_counts counts;
    snprintf(pc.label, sizeof pc.label, "%s", files[f]);
    st = tc_import_source(im, files[f], &ro, &counts, &err);
    add_counts(&sk, &counts);
    struct stat sb;
    if (st == TC_OK && strcmp(files[f], "-") && stat(files[f], &sb) == 0)
      in_bytes += (uint64_t)sb.st_size;
  }
  if (st == TC_OK)
    st = tc_import_commit(im, &res, &err);
  tc_progress_free(pc.bar);
  tc_import_abort(im);
  if (st != TC_OK && stop_signal) { /* whatever failed, the signal is the reason */
    fprintf(stderr, "trajcorr import: interrupted by %s: store %s unchanged\n",
            stop_signal == SIGINT ? "SIGINT" : stop_signal == SIGTERM ? "SIGTERM" : "SIGHUP", store);
    rc = 128 + stop_signal;
  } else if (st != TC_OK) {
    fprintf(stderr, "trajcorr import: %s\n", err.msg[0] ? err.msg : tc_status_name(st));
    if (sk.nsamples && !ro.strict)
      print_skips(stderr, &sk);
    fprintf(stderr, "trajcorr import: %s was not changed\n", store);
    rc = (st == TC_ERR_ARG || (ro.strict && st == TC_ERR_FORMAT)) ? 2 : 1;
  } else {
    if (stop_signal) /* too late to stop: the new store was already in place */
      fprintf(stderr, "trajcorr import: %s arrived after the store was written; the import is complete\n",
              stop_signal == SIGINT ? "SIGINT" : stop_signal == SIGTERM ? "SIGTERM" : "SIGHUP");
    if (!quiet) {
      print_summary(store, &res, &sk, in_bytes, tc_cli_now() - t0);
      fflush(stdout);
      tc_cli_closing_line("trajcorr import", t0);
    }
    rc = 0;
  }
  free(files);
  return rc;
}
