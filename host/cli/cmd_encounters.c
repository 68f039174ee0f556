/* trajcorr encounters STORE [-o OUT]: the spec's encounter list from a track store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "host/engine/engine.h"
#include "host/report/output.h"
#include "host/report/encounters_csv.h"
#include "io/outpath.h"
#include "io/store.h"
#include "io/timefmt.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr encounters STORE [-o OUT] [options]\n"
          "Finds every pair of vessels that meet (spec/encounters.md) in a track store.\n\n"
          "  -o, --output FILE        encounters CSV ('-' = standard output, the default);\n"
          "                           a JSON sidecar FILE.json holds parameters and counts\n"
          "      --meta FILE          write the JSON metadata here instead\n"
          "Spec parameters (defaults in brackets; durations take s/m/h/d suffixes):\n"
          "      --slot D             grid step [600]\n"
          "      --max-gap D          longest gap interpolated across [3600]\n"
          "      --max-implied-speed KN  teleport filter, 0 disables [50]\n"
          "      --dist M             proximity threshold in metres [500]\n"
          "      --merge-gap D        runs this close in time are one encounter [14400]\n"
          "      --min-duration D     shortest encounter [7200]\n"
          "      --max-speed KN       both median speeds below this [2]\n"
          "Selection:\n"
          "      --from T, --to T     grid times from <= s < to (ISO 8601 UTC or Unix s)\n"
          "      --mmsi FILE          only pairs involving these MMSIs (one per line)\n"
          "Execution:\n"
          "      --backend B          auto|openmp|allpairs|opencl|opencl-allpairs [auto]\n"
          "      --threads N          CPU threads [OMP_NUM_THREADS, else every core but one from 4 cores]\n"
          "      --precision P        double|single (single screens in float, re-checks exactly)\n"
          "      --platform N, --device N, --device-type gpu|cpu|any   OpenCL device\n"
          "      --device-memory SIZE device memory the OpenCL backend may use [auto]\n"
          "      --profile            per-stage times on stderr\n"
          "  -q, --quiet              no summary on stderr\n");
  fputs(tc_output_help(), f);
}

enum { O_SLOT = 256, O_MAXGAP, O_MIS, O_DIST, O_MERGE, O_MINDUR, O_MAXSPEED, O_FROM, O_TO, O_MMSI,
       O_BACKEND, O_THREADS, O_PRECISION, O_PLATFORM, O_DEVICE, O_DEVTYPE, O_DEVMEM, O_PROFILE,
       O_META };

static const struct option longopts[] = {
    {"output", required_argument, 0, 'o'}, {"meta", required_argument, 0, O_META},
    {"slot", required_argument, 0, O_SLOT}, {"max-gap", required_argument, 0, O_MAXGAP},
    {"max-implied-speed", required_argument, 0, O_MIS}, {"dist", required_argument, 0, O_DIST},
    {"merge-gap", required_argument, 0, O_MERGE}, {"min-duration", required_argument, 0, O_MINDUR},
    {"max-speed", required_argument, 0, O_MAXSPEED}, {"from", required_argument, 0, O_FROM},
    {"to", required_argument, 0, O_TO}, {"mmsi", required_argument, 0, O_MMSI},
    {"backend", required_argument, 0, O_BACKEND}, {"threads", required_argument, 0, O_THREADS},
    {"precision", required_argument, 0, O_PRECISION}, {"platform", required_argument, 0, O_PLATFORM},
    {"device", required_argument, 0, O_DEVICE}, {"device-type", required_argument, 0, O_DEVTYPE},
    {"device-memory", required_argument, 0, O_DEVMEM}, {"profile", no_argument, 0, O_PROFILE},
    {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* One MMSI per line (blank lines and # comments allowed), sorted and unique. */
static int read_mmsi_file(const char *path, uint32_t **out, size_t *n) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "trajcorr encounters: --mmsi %s: cannot open\n", path);
    return 0;
  }
  char line[256];
  size_t cap = 0, lineno = 0;
  *out = NULL;
  *n = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
      continue;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
      end++;
    if (end == p || *end || v < 1 || v > 999999999UL) {
      fprintf(stderr, "trajcorr encounters: %s:%zu: not an MMSI (1..999999999)\n", path, lineno);
      fclose(f);
      free(*out);
      return 0;
    }
    if (*n == cap) {
      cap = cap ? 2 * cap : 64;
      uint32_t *m = realloc(*out, cap * sizeof *m);
      if (!m) {
        fclose(f);
        free(*out);
        return 0;
      }
      *out = m;
    }
    (*out)[(*n)++] = (uint32_t)v;
  }
  fclose(f);
  qsort(*out, *n, sizeof **out, cmp_u32);
  size_t w = 0;
  for (size_t i = 0; i < *n; i++)
    if (!w || (*out)[i] != (*out)[w - 1])
      (*out)[w++] = (*out)[i];
  *n = w;
  return 1;
}

#define BAD(opt)                                                                 \
  do {                                                                           \
    fprintf(stderr, "trajcorr encounters: invalid value for %s: '%s'\n", opt, optarg); \
    return 2;                                                                    \
  } while (0)

static void write_meta(FILE *m, int argc, char **argv, const char *store_path,
                       const tc_store_info *info, const tc_params *p, const char *backend,
                       const tc_engine_stats *st) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  struct stat sb;
  long long size = stat(store_path, &sb) == 0 ? (long long)sb.st_size : -1;
  fprintf(m, "{\n  \"program\": \"trajcorr\", \"version\": \"%s\", \"build\": \"%s\",\n",
          TRAJCORR_VERSION, TRAJCORR_BUILD_TYPE);
  fprintf(m, "  \"command\": [");
  for (int i = 0; i < argc; i++) {
    fputc('"', m);
    for (const char *c = argv[i]; *c; c++)
      if (*c == '"' || *c == '\\')
        fprintf(m, "\\%c", *c);
      else if ((unsigned char)*c < 0x20)
        fprintf(m, "\\u%04x", *c);
      else
        fputc(*c, m);
    fprintf(m, "\"%s", i + 1 < argc ? ", " : "");
  }
  fprintf(m, "],\n");
  tc_time_format_iso(info->t_min, a);
  tc_time_format_iso(info->t_max, b);
  fprintf(m,
          "  \"input\": {\"store_bytes\": %lld, \"format_version\": %d, \"rows\": %llu, "
          "\"vessels\": %llu, \"buckets\": %zu, \"bucket_s\": %lld, \"t_min\": \"%s\", "
          "\"t_max\": \"%s\", \"sources\": %zu},\n",
          size, info->format_version, (unsigned long long)info->rows,
          (unsigned long long)info->vessels, info->nbuckets, (long long)info->bucket_s, a, b,
          info->nsources);
  fprintf(m,
          "  \"parameters\": {\"slot\": %lld, \"max_gap\": %lld, \"max_implied_speed_kn\": %g, "
          "\"dist_m\": %g, \"merge_gap\": %lld, \"min_duration\": %lld, \"max_speed_kn\": %g, "
          "\"from\": %lld, \"to\": %lld, \"mmsi_filter\": %zu},\n",
          (long long)p->slot, (long long)p->max_gap, p->max_implied_speed_kn, p->dist_m,
          (long long)p->merge_gap, (long long)p->min_duration, p->max_speed_kn,
          (long long)(p->from == INT64_MIN ? -1 : p->from), (long long)(p->to == INT64_MAX ? -1 : p->to),
          p->n_mmsi_filter);
  fprintf(m, "  \"backend\": \"%s\", \"precision\": \"%s\",\n", backend,
          st->precision ? st->precision : "double");
  fprintf(m,
          "  \"counts\": {\"reads\": %llu, \"fixes_read\": %llu, \"teleport_dropped\": %llu, "
          "\"grid_times\": %llu, \"grid_positions\": %llu, \"distance_tests\": %llu, "
          "\"candidate_pairs\": %llu, \"close_pairs\": %llu, \"candidates\": %llu, "
          "\"encounters\": %llu}\n}\n",
          (unsigned long long)st->reads, (unsigned long long)st->fixes_read,
          (unsigned long long)st->teleport_dropped, (unsigned long long)st->grid_times,
          (unsigned long long)st->grid_positions, (unsigned long long)st->distance_tests,
          (unsigned long long)st->candidate_pairs, (unsigned long long)st->close_pairs,
          (unsigned long long)st->candidates, (unsigned long long)st->encounters);
}

/* auto is the OpenMP backend: end to end it was as fast as or faster than OpenCL on
 * every GPU measured (H100, H200; docs/opencl.md), where the host stages dominate and
 * a GPU context costs ~0.3 s a run. */
static const tc_backend_ops *pick_backend(const char *name) {
  return tc_backend_find(strcmp(name, "auto") ? name : "openmp");
}

static void on_progress(void *user, const char *what, uint64_t done, uint64_t total) {
  tc_progress_update(user, what, done, done, total);
}

static int run(int argc, char **argv, tc_output *ao) {
  double t_start = tc_cli_now();
  tc_params p;
  tc_params_default(&p);
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  const char *out = "-", *meta = NULL, *backend = "auto", *mmsi_file = NULL;
  int quiet = 0, c;
  long l;
  double d;
  uint64_t sz;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case O_META: meta = optarg; break;
    case O_SLOT: if (!tc_arg_duration(optarg, &p.slot)) BAD("--slot"); break;
    case O_MAXGAP: if (!tc_arg_duration(optarg, &p.max_gap)) BAD("--max-gap"); break;
    case O_MIS: if (!tc_arg_double(optarg, &p.max_implied_speed_kn)) BAD("--max-implied-speed"); break;
    case O_DIST: if (!tc_arg_double(optarg, &p.dist_m)) BAD("--dist"); break;
    case O_MERGE: if (!tc_arg_duration(optarg, &p.merge_gap)) BAD("--merge-gap"); break;
    case O_MINDUR: if (!tc_arg_duration(optarg, &p.min_duration)) BAD("--min-duration"); break;
    case O_MAXSPEED: if (!tc_arg_double(optarg, &p.max_speed_kn)) BAD("--max-speed"); break;
    case O_FROM: if (!tc_arg_time(optarg, &p.from)) BAD("--from"); break;
    case O_TO: if (!tc_arg_time(optarg, &p.to)) BAD("--to"); break;
    case O_MMSI: mmsi_file = optarg; break;
    case O_BACKEND: backend = optarg; break;
    case O_THREADS: if (!tc_arg_long(optarg, 1, 4096, &l)) BAD("--threads"); p.threads = (int)l; break;
    case O_PRECISION:
      if (!strcmp(optarg, "single")) p.single_precision = 1;
      else if (!strcmp(optarg, "double")) p.single_precision = 0;
      else BAD("--precision");
      break;
    case O_PLATFORM: if (!tc_arg_long(optarg, 0, 64, &l)) BAD("--platform"); cfg.platform = (int)l; break;
    case O_DEVICE: if (!tc_arg_long(optarg, 0, 64, &l)) BAD("--device"); cfg.device = (int)l; break;
    case O_DEVTYPE:
      if (!strcmp(optarg, "any")) cfg.device_type = 0;
      else if (!strcmp(optarg, "gpu")) cfg.device_type = 1;
      else if (!strcmp(optarg, "cpu")) cfg.device_type = 2;
      else BAD("--device-type");
      break;
    case O_DEVMEM: if (!tc_arg_size(optarg, &sz)) BAD("--device-memory"); cfg.device_memory = sz; break;
    case O_PROFILE: cfg.profile = 1; break;
    case 'q': quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  (void)d;
  if (optind != argc - 1) {
    usage(stderr);
    return 2;
  }
  const char *store_path = argv[optind];
  tc_err ferr = {0};
  if (!tc_path_is_stream(out) && tc_output_check_path(ao, out, &ferr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", ferr.msg);
    return 2;
  }
  const tc_backend_ops *ops = pick_backend(backend);
  if (!ops) {
    fprintf(stderr, "trajcorr encounters: unknown or unavailable backend '%s' (built: openmp, allpairs%s)\n",
            backend, tc_backend_find("opencl") ? ", opencl, opencl-allpairs" : "");
    return 2;
  }
  uint32_t *mmsi = NULL;
  size_t nmmsi = 0;
  if (mmsi_file) {
    if (!read_mmsi_file(mmsi_file, &mmsi, &nmmsi))
      return 2;
    p.mmsi_filter = mmsi;
    p.n_mmsi_filter = nmmsi;
  }
  tc_err err = {0};
  if (tc_params_check(&p, &err) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", err.msg);
    free(mmsi);
    return 2;
  }
  int rc = 1;
  tc_store *store = NULL;
  tc_encounter_list list;
  tc_encounter_list_init(&list);
  char *mtext = NULL;
  size_t mlen = 0;
  tc_status s = tc_store_open(store_path, &store, &err);
  if (s != TC_OK)
    goto fail;
  tc_store_source_ctx sctx;
  tc_bucket_source src = tc_store_source(&sctx, store);
  sctx.threads = tc_params_threads(&p); /* the first slice's decoding, as the engine's */
  tc_engine_stats st;
  double t_engine = tc_cli_now();
  if ((s = tc_encounters_run(&src, &p, ops, &cfg, &list, &st, &err)) != TC_OK)
    goto fail;
  double t_output = tc_cli_now();
  FILE *m = open_memstream(&mtext, &mlen);
  if (!m) {
    s = tc_fail(&err, TC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  write_meta(m, argc, argv, store_path, tc_store_get_info(store), &p, ops->name, &st);
  fclose(m);
  char meta_path[4096];
  if (!meta && strcmp(out, "-") && !tc_path_is_stream(out)) { /* no /dev/null.json */
    snprintf(meta_path, sizeof meta_path, "%s.json", out);
    meta = meta_path;
  }
  if (tc_output_wanted(ao, out)) {
    tc_progress *bar = tc_progress_create(!quiet);
    if (bar)
      tc_output_set_progress(ao, on_progress, bar);
    if ((s = tc_output_use_store(ao, store, &err)) == TC_OK)
      s = tc_output_write(out, NULL, &list, ao, &err);
    tc_output_set_progress(ao, NULL, NULL);
    tc_progress_free(bar);
    if (s != TC_OK)
      goto fail;
    if (!quiet)
      fprintf(stderr, "trajcorr encounters: %s\n", tc_output_summary(ao));
  } else if ((s = tc_encounters_csv_write(out, &list, &err)) != TC_OK) {
    goto fail;
  }
  if (meta && (s = tc_write_file_atomic(meta, mtext, mlen, &err)) != TC_OK)
    goto fail;
  if (!quiet) {
    fprintf(stderr,
            "trajcorr encounters: %llu fixes (%llu dropped by the teleport filter), %llu grid "
            "positions, %llu close pairs, %llu candidates, %llu encounters [%s, %s]%s%s\n",
            (unsigned long long)st.fixes_read, (unsigned long long)st.teleport_dropped,
            (unsigned long long)st.grid_positions, (unsigned long long)st.close_pairs,
            (unsigned long long)st.candidates, (unsigned long long)st.encounters, ops->name,
            st.precision, strcmp(out, "-") ? " -> " : "", strcmp(out, "-") ? out : "");
  }
  if (cfg.profile) /* start: options, backend, store opened; output: list, sidecar, closed */
    fprintf(stderr,
            "profile: start %.3f s, read wait %.3f s (reading %.3f s), positions %.3f s, blocks %.3f s, "
            "candidates %.3f s, exact %.3f s, speeds %.3f s, runs %.3f s, output %.3f s; backend: kernels "
            "%.3f s, transfers %.3f s; %llu distance tests\n",
            t_engine - t_start, st.t_read_wait, st.t_read, st.t_positions, st.t_grid, st.t_cand, st.t_exact,
            st.t_speeds, st.t_runs, tc_cli_now() - t_output, st.backend.t_cand, st.backend.t_transfer,
            (unsigned long long)st.distance_tests);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr encounters: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  free(mtext);
  free(mmsi);
  tc_encounter_list_free(&list);
  tc_store_close(store);
  if (!quiet)
    tc_cli_closing_line("trajcorr encounters", t_start);
  return rc;
}

int cmd_encounters(int argc, char **argv) {
  /* The analyst outputs (formats, context, ranking) take their options first. */
  tc_output *ao = NULL;
  tc_err aerr = {0};
  if (tc_output_create(&ao) != TC_OK || tc_output_extract(ao, &argc, argv, &aerr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", aerr.msg[0] ? aerr.msg : "out of memory");
    tc_output_free(ao);
    return 2;
  }
  int rc = run(argc, argv, ao);
  tc_output_free(ao);
  return rc;
}
