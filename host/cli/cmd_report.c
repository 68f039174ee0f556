/* trajcorr report STORE [ENCOUNTERS.csv] -o report.html: one self-contained HTML page
 * for analysts (host/report/report.h). Without a list, the encounters are computed
 * with the spec's defaults; without --ports, anchorages found in the store flag the
 * encounters at anchor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/engine/engine.h"
#include "host/report/anchorage.h"
#include "host/report/output.h"
#include "host/report/report.h"
#include "host/report/encounters_csv.h"
#include "io/outpath.h"
#include "io/store.h"

/* Anchorages of the store (>= 5 vessels in 1 km cells). */
static tc_status store_anchorages(tc_store *store, tc_places **out, tc_err *err) {
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  tc_anchorage_finder *a = NULL;
  tc_columns cols;
  tc_columns_init(&cols);
  *out = NULL;
  tc_status s = tc_anchorage_create(&p, &a, err);
  if (s == TC_OK && tc_places_create(out) != TC_OK)
    s = tc_fail(err, TC_ERR_NOMEM, "out of memory");
  const tc_store_info *info = tc_store_get_info(store);
  for (size_t k = 0; s == TC_OK && k < info->nbuckets; k++)
    if ((s = tc_store_read_bucket(store, k, &cols, err)) == TC_OK)
      s = tc_anchorage_add(a, &cols, err);
  if (s == TC_OK)
    s = tc_anchorage_finish(a, NULL, *out, err);
  tc_anchorage_free(a);
  tc_columns_free(&cols);
  return s;
}

static tc_status compute(tc_store *store, int threads, tc_encounter_list *list, tc_err *err) {
  tc_params p;
  tc_params_default(&p);
  p.threads = threads;
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
  tc_report_args a;
  int rc = tc_cli_parse(&tc_cli_report, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  tc_output *o = NULL;
  tc_err err = {0};
  tc_report_opts ro = a.ro;
  ro.max_panels = a.panels;
  tc_output_opts oo = tc_output_args_get(&a.out_opts);
  if (tc_output_create(&o) != TC_OK || tc_output_configure(o, &oo, a.out_opts.given, &err) != TC_OK) {
    fprintf(stderr, "trajcorr report: %s\n", err.msg[0] ? err.msg : "out of memory");
    tc_output_free(o);
    tc_cli_free(&tc_cli_report, &a);
    return 2;
  }
  tc_output_set_tracks(o, 1, a.panels ? a.panels : 1);
  const char *out = a.out;
  int quiet = a.quiet, anchorages = !a.no_anchorages;
  const char *store_path = a.store, *list_path = a.list;
  const char *outs[] = {out}, *ins[24] = {store_path, list_path};
  size_t nin = 2 + tc_output_inputs(o, ins + 2, 22);
  if (tc_outpath_check(outs, 1, ins, nin, &err) != TC_OK) { /* -o onto the store replaces it */
    fprintf(stderr, "trajcorr report: %s\n", err.msg);
    tc_output_free(o);
    tc_cli_free(&tc_cli_report, &a);
    return 2;
  }
  rc = 1;
  tc_store *store = NULL;
  tc_encounter_list list;
  tc_encounter_list_init(&list);
  tc_status s = tc_store_open(store_path, &store, &err);
  if (s != TC_OK)
    goto fail;
  s = list_path ? tc_encounters_csv_read(list_path, &list, &err) : compute(store, a.threads, &list, &err);
  if (s != TC_OK)
    goto fail;
  if ((s = tc_output_use_store(o, store, &err)) != TC_OK)
    goto fail;
  size_t nanch = 0;
  if (anchorages && !tc_output_has_ports(o)) {
    tc_places *found;
    if ((s = store_anchorages(store, &found, &err)) != TC_OK)
      goto fail;
    nanch = tc_places_count(found);
    tc_output_add_places(o, found);
  }
  if ((s = tc_output_prepare(o, &list, &err)) != TC_OK)
    goto fail;
  ro.coast = tc_output_coast(o);
  ro.source = list_path ? list_path : store_path;
  if ((s = tc_report_write(out, tc_output_candidates(o), &ro, &err)) != TC_OK)
    goto fail;
  if (!quiet) {
    char dir[512];
    fprintf(stderr, "trajcorr report: %s; %zu anchorages found in the store; %s -> %s\n", tc_output_summary(o), nanch,
            tc_report_find_leaflet(&ro, dir, sizeof dir) ? "maps by Leaflet"
                                                         : "no maps (apt-get install libjs-leaflet)",
            out);
  }
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr report: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  tc_encounter_list_free(&list);
  tc_output_free(o);
  tc_store_close(store);
  if (!quiet)
    tc_cli_closing_line("trajcorr report", t_start);
  tc_cli_free(&tc_cli_report, &a);
  return rc;
}
