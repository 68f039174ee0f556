/* trajcorr import STORE FILE...: AIS files into the HDF5 track store (io/import.h). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/cli/progress.h"
#include "host/cli/stopsig.h"
#include "io/import.h"
#include "io/outpath.h"
#include "io/timefmt.h"

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
                          uint64_t in_bytes, double secs, int recode_only) {
  const tc_clean_counts *c = &r->clean;
  const tc_store_info *in = &r->store;
  struct stat sb;
  double bpr = stat(store, &sb) == 0 && in->rows ? (double)sb.st_size / (double)in->rows : 0;
  if (recode_only) { /* nothing was read: the rows were rewritten in the store's new codec */
    printf("store %s: recoded; %" PRIu64 " rows, %" PRIu64 " vessels, %zu buckets\n", store, in->rows, in->vessels,
           in->nbuckets);
    printf("%.2f s: %.0f rows/s recoded; %.1f bytes/row stored\n", secs, secs > 0 ? (double)in->rows / secs : 0,
           bpr);
    return;
  }
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
  printf("%.2f s: %.0f rows/s, %.1f MB/s of input; %zu spill runs; %.1f bytes/row stored\n", secs,
         secs > 0 ? (double)c->rows_read / secs : 0, secs > 0 ? (double)in_bytes / secs / 1e6 : 0,
         r->spill_runs, bpr);
}

int cmd_import(int argc, char **argv) {
  tc_import_args a;
  int rc = tc_cli_parse(&tc_cli_import, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  tc_import_opts o = a.o;
  tc_reader_opts ro = a.ro;
  int quiet = a.quiet;
  const char *store = a.store;
  const char **files = a.files.v;
  size_t nfiles = a.files.n;
  if (nfiles == 0 && !o.recode) {
    fprintf(stderr, "trajcorr import: missing FILE (only --recode runs without one)\n");
    tc_cli_free(&tc_cli_import, &a);
    return 2;
  }
  if (!store_not_input(store, files, nfiles)) {
    tc_cli_free(&tc_cli_import, &a);
    return 2;
  }
  rc = 1;
  double t0 = tc_cli_now();
  progress_ctx pc = {.bar = tc_progress_create(!quiet)};
  o.progress = on_progress;
  o.progress_ctx = &pc;
  /* a signal stops the import (io/import.h's cancel: it removes its temporary file and
   * leaves the store as it was); a second one ends it at once (host/cli/stopsig.h) */
  o.cancel = &tc_stop_signal;
  tc_catch_stop_signals();
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
  if (st != TC_OK && tc_stop_signal) { /* whatever failed, the signal is the reason */
    fprintf(stderr, "trajcorr import: interrupted by %s: store %s unchanged\n", tc_stop_signal_name(tc_stop_signal), store);
    rc = 128 + tc_stop_signal;
  } else if (st != TC_OK) {
    fprintf(stderr, "trajcorr import: %s\n", err.msg[0] ? err.msg : tc_status_name(st));
    if (sk.nsamples && !ro.strict)
      print_skips(stderr, &sk);
    fprintf(stderr, "trajcorr import: %s was not changed\n", store);
    rc = (st == TC_ERR_ARG || (ro.strict && st == TC_ERR_FORMAT)) ? 2 : 1;
  } else {
    if (tc_stop_signal) /* too late to stop: the new store was already in place */
      fprintf(stderr, "trajcorr import: %s arrived after the store was written; the import is complete\n",
              tc_stop_signal_name(tc_stop_signal));
    if (!quiet) {
      print_summary(store, &res, &sk, in_bytes, tc_cli_now() - t0, nfiles == 0);
      fflush(stdout);
      tc_cli_closing_line("trajcorr import", t0);
    }
    rc = 0;
  }
  tc_cli_free(&tc_cli_import, &a);
  return rc;
}
