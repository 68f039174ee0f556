/* trajcorr report STORE [ENCOUNTERS.csv] -o report.html: one self-contained HTML page
 * for analysts (host/report/report.h). Without a list, the encounters are computed
 * with the spec's defaults; without --ports, anchorages found in the store flag the
 * encounters at anchor. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "host/engine/engine.h"
#include "host/report/output.h"
#include "host/report/report.h"
#include "host/report/encounters_csv.h"
#include "io/store.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr report STORE [ENCOUNTERS.csv] [-o report.html] [options]\n"
          "Writes one HTML page that opens with no network: a map of the encounters over the\n"
          "shoreline, a sortable table, counts per day and per flag pair, and per encounter a\n"
          "panel with both tracks and plots of distance and speeds. Without ENCOUNTERS.csv the\n"
          "encounters are computed from STORE with the spec's defaults.\n\n"
          "  -o, --output FILE       page to write [report.html]\n"
          "      --title TEXT        page title\n"
          "      --panels N          candidates (best first) with a panel [200]\n"

          "  -q, --quiet             no summary on stderr\n"
          "Candidate options (default order: --sort score):\n%s",
          tc_output_help());
}

enum { O_TITLE = 256, O_PANELS };

static const struct option longopts[] = {
    {"output", required_argument, 0, 'o'}, {"title", required_argument, 0, O_TITLE},
    {"panels", required_argument, 0, O_PANELS},
    {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

static void on_progress(void *user, const char *what, uint64_t done, uint64_t total) {
  tc_progress_update(user, what, done, done, total);
}

static tc_status compute(tc_store *store, tc_encounter_list *list, tc_err *err) {
  tc_params p;
  tc_params_default(&p);
  tc_backend_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.platform = cfg.device = -1;
  const tc_backend_ops *ops = tc_backend_find("openmp");
  if (!ops)
    return tc_fail(err, TC_ERR_UNSUPPORTED, "no CPU backend built");
  tc_store_source_ctx sctx;
  tc_bucket_source src = tc_store_source(&sctx, store);
  tc_engine_stats st;
  return tc_encounters_run(&src, &p, ops, &cfg, list, &st, err);
}

int cmd_report(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_output *o = NULL;
  tc_err err = {0};
  if (tc_output_create(&o) != TC_OK) {
    fprintf(stderr, "trajcorr report: out of memory\n");
    return 1;
  }
  tc_report_opts ro;
  tc_report_defaults(&ro);
  tc_output_set_sort_score(o, 1);
  tc_output_set_tracks(o, 1, ro.max_panels);
  if (tc_output_extract(o, &argc, argv, &err) != TC_OK) {
    fprintf(stderr, "trajcorr report: %s\n", err.msg);
    tc_output_free(o);
    return 2;
  }
  const char *out = "report.html";
  int quiet = 0, c;
  long l;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case O_TITLE: ro.title = optarg; break;
    case O_PANELS:
      if (!tc_arg_long(optarg, 0, 100000, &l)) {
        fprintf(stderr, "trajcorr report: invalid --panels '%s'\n", optarg);
        tc_output_free(o);
        return 2;
      }
      ro.max_panels = (size_t)l;
      tc_output_set_tracks(o, 1, l ? (size_t)l : 1);
      break;
    case 'q': quiet = 1; break;
    case 'h': usage(stdout); tc_output_free(o); return 0;
    default: usage(stderr); tc_output_free(o); return 2;
    }
  }
  if (optind != argc - 1 && optind != argc - 2) {
    usage(stderr);
    tc_output_free(o);
    return 2;
  }
  const char *store_path = argv[optind], *list_path = optind == argc - 2 ? argv[optind + 1] : NULL;
  int rc = 1;
  tc_store *store = NULL;
  tc_encounter_list list;
  tc_encounter_list_init(&list);
  tc_progress *bar = tc_progress_create(!quiet);
  if (bar)
    tc_output_set_progress(o, on_progress, bar);
  tc_status s = tc_store_open(store_path, &store, &err);
  if (s != TC_OK)
    goto fail;
  s = list_path ? tc_encounters_csv_read(list_path, &list, &err) : compute(store, &list, &err);
  if (s != TC_OK)
    goto fail;
  if ((s = tc_output_use_store(o, store, &err)) != TC_OK)
    goto fail;
  s = tc_output_prepare(o, &list, &err);
  tc_progress_clear(bar);
  if (s != TC_OK)
    goto fail;
  ro.coast = tc_output_coast(o);
  ro.source = list_path ? list_path : store_path;
  if ((s = tc_report_write(out, tc_output_candidates(o), &ro, &err)) != TC_OK)
    goto fail;
  if (!quiet) {
    char dir[512];
    fprintf(stderr, "trajcorr report: %s; %s -> %s\n", tc_output_summary(o),
            tc_report_find_leaflet(&ro, dir, sizeof dir) ? "maps by Leaflet"
                                                         : "no maps (apt-get install libjs-leaflet)",
            out);
  }
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr report: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  tc_progress_free(bar);
  tc_encounter_list_free(&list);
  tc_output_free(o);
  tc_store_close(store);
  if (!quiet)
    tc_cli_closing_line("trajcorr report", t_start);
  return rc;
}
