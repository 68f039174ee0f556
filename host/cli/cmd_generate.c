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
#include "io/import.h"
#include "io/outpath.h"
#include "io/sha256.h"

#define BATCH 4096

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr generate -o FILE [--truth FILE] [--store STORE] [options]\n\n"
          "Writes synthetic AIS traffic (mmsi,timestamp,lat,lon,sog,cog,heading), the same bytes\n"
          "for the same options: vessels on shipping lanes (8-20 kn, reports every 20-120 s),\n"
          "port anchorages (reports every 3 min), planted ship-to-ship meetings that must be\n"
          "found, decoys that must not, outages and real-feed noise. About 1 200 rows per\n"
          "vessel and day: --vessels 4100 gives 5 M rows a day.\n\n"
          "  -o, --output FILE   fixes CSV; '-' for standard output; gzip when FILE ends in .gz\n"
          "  --truth FILE        truth CSV: kind,mmsi_a,mmsi_b,start,end,expected,lat,lon,...\n"
          "  --store STORE       also import the fixes into a track store (created if absent)\n"
          "  --force             import even if the store has this content already\n"
          "  --vessels N         vessels of every kind (default 1000)\n"
          "  --days D            length of the period (default 1, at least 0.5)\n"
          "  --start TIME        ISO 8601 UTC or Unix seconds (default 2024-01-01T00:00:00Z)\n"
          "  --seed S            PRNG seed (default 1)\n"
          "  --meetings N        planted meetings (default vessels/100 a day, 2..200 a day,\n"
          "                      at most vessels/40)\n"
          "  --decoys N          decoys, cycling short / convoy / idle (default: as meetings)\n"
          "  --ports N           port anchorages (default 4, a fifth of the vessels)\n"
          "  --regions N         300 km sea regions with 4 shipping lanes each (default 3;\n"
          "                      up to 200: more regions keep lane traffic sparse in a large fleet)\n"
          "  --antimeridian      one region, its lanes and its scenarios straddle 180 degrees\n"
          "  --clean             no duplicates, out-of-order or invalid rows\n"
          "  --dup-rate R, --ooo-rate R, --bad-rate R   noise per row (0.003, 0.005, 0.001)\n"
          "  --min-interval S, --max-interval S         moving report interval (20, 120)\n"
          "  --gz-level N        gzip level 1-9 (default 1: fast)\n"
          "  -q, --quiet         no summary on standard error\n");
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  if (!*s || *s == '-')
    return 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end)
    return 0;
  *out = (uint64_t)v;
  return 1;
}

typedef struct {
  const char *out, *truth, *store;
  int gz_level, quiet, force;
  tc_gen_params p;
} opts;

/* Returns 0 when parsed, 2 on a usage error (already printed), -1 for --help. */
static int parse(int argc, char **argv, opts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = NULL;
    char name[64];
    const char *eq = strchr(a, '=');
    if (!strncmp(a, "--", 2) && eq && (size_t)(eq - a) < sizeof name) {
      memcpy(name, a, (size_t)(eq - a));
      name[eq - a] = 0;
      val = eq + 1;
      a = name;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help"))
      return -1;
    int flag = !strcmp(a, "--antimeridian") || !strcmp(a, "--clean") || !strcmp(a, "--force") ||
               !strcmp(a, "-q") || !strcmp(a, "--quiet");
    if (flag) {
      if (val) {
        fprintf(stderr, "trajcorr generate: %s takes no value\n", a);
        return 2;
      }
      if (!strcmp(a, "--antimeridian"))
        o->p.antimeridian = 1;
      else if (!strcmp(a, "--clean"))
        tc_gen_params_clean(&o->p);
      else if (!strcmp(a, "--force"))
        o->force = 1;
      else
        o->quiet = 1;
      continue;
    }
    static const char *const valued[] = {"-o", "--output", "--truth", "--store", "--vessels", "--days",
                                         "--start", "--seed", "--meetings", "--decoys", "--ports", "--regions",
                                         "--dup-rate", "--ooo-rate", "--bad-rate", "--min-interval",
                                         "--max-interval", "--gz-level"};
    size_t v = 0;
    while (v < sizeof valued / sizeof valued[0] && strcmp(a, valued[v]))
      v++;
    if (v == sizeof valued / sizeof valued[0]) {
      fprintf(stderr, "trajcorr generate: unknown option '%s'\n", a);
      return 2;
    }
    if (!val) {
      if (i + 1 >= argc) {
        fprintf(stderr, "trajcorr generate: %s needs a value\n", a);
        return 2;
      }
      val = argv[++i];
    }
    long l;
    int ok = 1;
    if (!strcmp(a, "-o") || !strcmp(a, "--output"))
      o->out = val;
    else if (!strcmp(a, "--truth"))
      o->truth = val;
    else if (!strcmp(a, "--store"))
      o->store = val;
    else if (!strcmp(a, "--vessels"))
      ok = tc_arg_long(val, 1, 10000000, &l) && (o->p.vessels = (size_t)l, 1);
    else if (!strcmp(a, "--days"))
      ok = tc_arg_double(val, &o->p.days) && o->p.days >= 0.5 && o->p.days <= 3660.0;
    else if (!strcmp(a, "--start"))
      ok = tc_arg_time(val, &o->p.start);
    else if (!strcmp(a, "--seed"))
      ok = parse_u64(val, &o->p.seed);
    else if (!strcmp(a, "--meetings"))
      ok = tc_arg_long(val, 0, 1000000, &o->p.meetings);
    else if (!strcmp(a, "--decoys"))
      ok = tc_arg_long(val, 0, 1000000, &o->p.decoys);
    else if (!strcmp(a, "--ports"))
      ok = tc_arg_long(val, 0, 1000, &o->p.ports);
    else if (!strcmp(a, "--regions"))
      ok = tc_arg_long(val, 1, TC_GEN_MAX_REGIONS, &l) && (o->p.regions = (int)l, 1);
    else if (!strcmp(a, "--dup-rate"))
      ok = tc_arg_double(val, &o->p.dup_rate);
    else if (!strcmp(a, "--ooo-rate"))
      ok = tc_arg_double(val, &o->p.ooo_rate);
    else if (!strcmp(a, "--bad-rate"))
      ok = tc_arg_double(val, &o->p.bad_rate);
    else if (!strcmp(a, "--min-interval"))
      ok = tc_arg_double(val, &o->p.min_interval_s);
    else if (!strcmp(a, "--max-interval"))
      ok = tc_arg_double(val, &o->p.max_interval_s);
    else if (!strcmp(a, "--gz-level"))
      ok = tc_arg_long(val, 1, 9, &l) && (o->gz_level = (int)l, 1);
    else {
      fprintf(stderr, "trajcorr generate: unknown option '%s'\n", a);
      return 2;
    }
    if (!ok) {
      fprintf(stderr, "trajcorr generate: %s: bad value '%s'\n", a, val);
      return 2;
    }
  }
  if (!o->out && !o->store) {
    fprintf(stderr, "trajcorr generate: give -o FILE ('-o -' for standard output) or --store STORE\n");
    return 2;
  }
  return 0;
}

static int fail(const tc_err *err) {
  const char *m = err->msg[0] ? err->msg : "failed";
  if (!strncmp(m, "generate: ", 10))
    m += 10;
  fprintf(stderr, "trajcorr generate: %s\n", m);
  return err->code == TC_ERR_ARG ? 2 : 1;
}

int cmd_generate(int argc, char **argv) {
  double t_start = tc_cli_now();
  opts o = {0};
  o.gz_level = 1;
  tc_gen_params_default(&o.p);
  int rc = parse(argc, argv, &o);
  if (rc < 0) {
    usage(stdout);
    return 0;
  }
  if (rc) {
    fprintf(stderr, "(trajcorr generate --help lists the options)\n");
    return rc;
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
  if (o.truth && tc_gen_write_truth(o.truth, truth, nt, &err) != TC_OK) {
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
             " --meetings %zu --decoys %zu --ports %zu --regions %d%s%s",
             o.p.seed, o.p.vessels, o.p.days, o.p.start, s->meetings, s->decoys, s->ports, s->regions,
             o.p.antimeridian ? " --antimeridian" : "",
             o.p.dup_rate + o.p.ooo_rate + o.p.bad_rate == 0.0 ? " --clean" : "");
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
