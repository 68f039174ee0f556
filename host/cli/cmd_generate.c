/* trajcorr generate: deterministic synthetic AIS traffic with a truth list of planted
 * meetings, decoys and port encounters (bench/generate/, docs/generate.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/generate/csvout.h"
#include "bench/generate/lanes.h"
#include "bench/generate/traffic.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "io/import.h"
#include "io/outpath.h"
#include "io/sha256.h"
#include "io/timefmt.h"

#define BATCH 4096

static int fail(const tc_err *err) {
  const char *m = err->msg[0] ? err->msg : "failed";
  if (!strncmp(m, "generate: ", 10))
    m += 10;
  fprintf(stderr, "trajcorr generate: %s\n", m);
  return err->code == TC_ERR_ARG ? 2 : 1;
}

int cmd_generate(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_generate_args o;
  int rc = tc_cli_parse(&tc_cli_generate, argc, argv, &o);
  if (rc != TC_CLI_RUN)
    return rc;
  if (o.clean)
    tc_gen_params_clean(&o.p);
  if (!o.out && !o.store) {
    fprintf(stderr, "trajcorr generate: give -o FILE ('-o -' for standard output) or --store STORE\n");
    tc_cli_usage_line(&tc_cli_generate, stderr);
    return 2;
  }
  tc_err cerr = {0};
  const char *outs[] = {o.out, o.truth, o.store};
  if (tc_outpath_check(outs, 3, NULL, 0, &cerr) != TC_OK) { /* one would replace another */
    fprintf(stderr, "trajcorr generate: %s\n", cerr.msg);
    return 2;
  }
  tc_err err = {0};
  tc_gen *g = NULL;
  tc_gen_out *out = NULL;
  tc_import *im = NULL;
  tc_fix *fx = malloc(BATCH * sizeof *fx);
  char *txt = malloc(BATCH * TC_GEN_ROW_MAX);
  tc_sha256 sha;
  uint64_t bytes = 0;
  int created = 0;
  rc = 1;
  if (!fx || !txt) {
    fprintf(stderr, "trajcorr generate: out of memory\n");
    goto cleanup;
  }
  if (tc_gen_create(&o.p, &g, &err) != TC_OK) {
    rc = fail(&err);
    goto cleanup;
  }
  /* a device or FIFO (/dev/full, /dev/null) is written, never removed after a failure */
  int is_file = o.out && strcmp(o.out, "-") && !tc_path_is_stream(o.out);
  if (o.out && tc_gen_out_open(o.out, o.gz_level, &out, &err) != TC_OK) {
    rc = fail(&err);
    goto cleanup;
  }
  created = is_file;
  if (o.store) {
    tc_import_opts io;
    tc_import_opts_init(&io);
    io.force = o.force;
    if (tc_import_begin(o.store, &io, &im, &err) != TC_OK) {
      rc = fail(&err);
      goto cleanup;
    }
  }
  /* The store remembers the SHA-256 of the CSV bytes, as if that file were imported. */
  tc_sha256_init(&sha);
  tc_sha256_update(&sha, TC_GEN_FIX_HEADER, strlen(TC_GEN_FIX_HEADER));
  bytes = strlen(TC_GEN_FIX_HEADER);
  if (out && tc_gen_out_write(out, TC_GEN_FIX_HEADER, strlen(TC_GEN_FIX_HEADER), &err) != TC_OK) {
    rc = fail(&err);
    goto cleanup;
  }
  for (;;) {
    size_t n = 0, len = 0;
    if (tc_gen_next(g, fx, BATCH, &n, &err) != TC_OK) {
      rc = fail(&err);
      goto cleanup;
    }
    if (n == 0)
      break;
    for (size_t i = 0; i < n; i++)
      len += tc_gen_format_fix(&fx[i], txt + len);
    bytes += len;
    if (im)
      tc_sha256_update(&sha, txt, len);
    if (out && tc_gen_out_write(out, txt, len, &err) != TC_OK) {
      rc = fail(&err);
      goto cleanup;
    }
    for (size_t i = 0; im && i < n; i++)
      if (tc_import_add_fix(im, &fx[i], &err) != TC_OK) {
        rc = fail(&err);
        goto cleanup;
      }
  }
  if (out) {
    tc_gen_out *tmp = out;
    out = NULL;
    if (tc_gen_out_close(tmp, &err) != TC_OK) {
      rc = fail(&err);
      goto cleanup;
    }
  }
  size_t nt;
  const tc_truth *truth = tc_gen_truth(g, &nt);
  size_t nev;
  const tc_gen_event *ev = tc_gen_events(g, &nev);
  if (o.truth && tc_gen_write_truth_events(o.truth, truth, nt, ev, nev, &err) != TC_OK) {
    rc = fail(&err);
    goto cleanup;
  }
  const tc_gen_stats *s = tc_gen_get_stats(g);
  if (im) {
    uint8_t dig[32];
    tc_store_srcfile src = {0};
    tc_import_result res;
    tc_sha256_final(&sha, dig);
    tc_sha256_hex(dig, src.sha256);
    snprintf(src.name, sizeof src.name,
             "trajcorr generate --seed %" PRIu64 " --vessels %zu --days %g --start %" PRId64
             " --meetings %zu --decoys %zu --ports %zu --regions %d%s%s%s",
             o.p.seed, o.p.vessels, o.p.days, o.p.start, s->meetings, s->decoys, s->ports, s->regions,
             o.p.antimeridian ? " --antimeridian" : "",
             o.p.dup_rate + o.p.ooo_rate + o.p.bad_rate == 0.0 ? " --clean" : "",
             o.p.events ? " --events" : "");
    snprintf(src.format, sizeof src.format, "generate");
    src.size = bytes;
    src.records = s->rows;
    if (tc_import_check_source(im, src.name, src.sha256, &err) != TC_OK ||
        tc_import_add_source(im, &src, &err) != TC_OK || tc_import_commit(im, &res, &err) != TC_OK) {
      rc = fail(&err);
      goto cleanup;
    }
    if (!o.quiet)
      fprintf(stderr, "trajcorr generate: %s: %" PRIu64 " rows stored (%" PRIu64 " invalid, %" PRIu64
                      " duplicates dropped), %zu buckets\n",
              o.store, res.clean.rows_stored, res.clean.bad_position, res.clean.duplicate,
              res.store.nbuckets);
  }
  if (!o.quiet) {
    size_t kinds[TC_TRUTH_KIND_COUNT] = {0};
    for (size_t i = 0; i < nt; i++)
      kinds[truth[i].kind]++;
    fprintf(stderr,
            "trajcorr generate: %" PRIu64 " rows (%.1f MB) from %zu vessels (%zu lane, %zu port, %zu "
            "scripted); noise: %" PRIu64 " duplicate, %" PRIu64 " out of order, %" PRIu64 " invalid\n",
            s->rows, (double)bytes / 1e6, s->vessels, s->lane_vessels, s->port_vessels,
            s->script_vessels, s->duplicates, s->out_of_order, s->invalid);
    fprintf(stderr, "trajcorr generate: truth: %zu meeting, %zu decoy (%zu short, %zu convoy, %zu idle), "
                    "%zu port encounters\n",
            kinds[TC_TRUTH_MEETING], kinds[1] + kinds[2] + kinds[3], kinds[1], kinds[2], kinds[3],
            kinds[TC_TRUTH_PORT]);
    if (o.p.events) {
      char from[32], to[32];
      tc_time_format_iso(s->outage_from, from);
      tc_time_format_iso(s->outage_to, to);
      fprintf(stderr, "trajcorr generate: events: %zu loitering, %zu switch-offs, %zu dark rendezvous; "
                      "receiver outage: region %d (%zu vessels) %s to %s\n",
              s->ev_loiter, s->ev_switch_off, s->ev_dark, s->outage_region, s->outage_vessels, from, to);
    }
    tc_cli_closing_line("trajcorr generate", t_start);
  }
  rc = 0;
cleanup:
  tc_gen_out_abort(out);
  if (rc != 0 && created)
    unlink(o.out); /* no half-written file left behind */
  tc_import_abort(im);
  tc_gen_free(g);
  free(fx);
  free(txt);
  return rc;
}
