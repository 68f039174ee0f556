/* trajcorr report STORE... [ENCOUNTERS.csv] -o report.html: one self-contained HTML page
 * for analysts (host/report/report.h); several stores are read as one timeline. Without
 * a list, the encounters are computed with the spec's defaults; without --ports,
 * anchorages found in the stores flag the encounters at anchor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "host/cli/specs.h"
#include "host/engine/engine.h"
#include "host/engine/source_multi.h"
#include "host/report/output.h"
#include "host/report/report.h"
#include "host/report/rank_events.h"
#include "host/report/encounters_csv.h"
#include "io/hdf5_sig.h"
#include "io/outpath.h"
#include "io/store.h"

static void on_progress(void *user, const char *what, uint64_t done, uint64_t total) {
  tc_progress_update(user, what, done, done, total);
}

/* The encounters with the spec's defaults; ev (NULL: none) is fed the same read. */
static tc_status compute(tc_store *const *stores, size_t nst, int threads, tc_events *ev, tc_encounter_list *list,
                         tc_err *err) {
  tc_params p;
  tc_params_default(&p);
  p.threads = threads;
  tc_backend_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.platform = cfg.device = -1;
  const tc_backend_ops *ops = tc_backend_find("openmp");
  if (!ops)
    return tc_fail(err, TC_ERR_UNSUPPORTED, "no CPU backend built");
  tc_multi_source *m = NULL;
  TC_TRY(tc_multi_source_create(stores, nst, 0, &m, err));
  tc_bucket_source src = tc_multi_source_get(m), inner = src;
  tc_events_tee_ctx tctx;
  if (ev)
    src = tc_events_tee(&tctx, &inner, ev);
  tc_engine_stats st;
  tc_status s = tc_encounters_run(&src, &p, ops, &cfg, list, &st, err);
  tc_multi_source_free(m);
  return s;
}

/* The last of two or more arguments is the encounters list unless it is a store. */
static int is_list_arg(const tc_strlist *in, size_t i) {
  if (in->n < 2 || i + 1 != in->n)
    return 0;
  const char *p = in->v[i];
  size_t n = strlen(p);
  int h5 = (n >= 3 && !strcmp(p + n - 3, ".h5")) || (n >= 5 && !strcmp(p + n - 5, ".hdf5"));
  return !h5 && !tc_file_is_hdf5(p);
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
  int quiet = a.quiet;
  const char *list_path = is_list_arg(&a.inputs, a.inputs.n - 1) ? a.inputs.v[a.inputs.n - 1] : NULL;
  size_t nst = a.inputs.n - (list_path != NULL);
  const char **ins = malloc((a.inputs.n + 22) * sizeof *ins);
  size_t nin = ins ? a.inputs.n + tc_output_inputs(o, ins + a.inputs.n, 22) : 0;
  if (ins)
    memcpy(ins, a.inputs.v, a.inputs.n * sizeof *ins);
  const char *outs[] = {out};
  if (!ins || tc_outpath_check(outs, 1, ins, nin, &err) != TC_OK) { /* -o onto a store replaces it */
    fprintf(stderr, "trajcorr report: %s\n", ins ? err.msg : "out of memory");
    free(ins);
    tc_output_free(o);
    tc_cli_free(&tc_cli_report, &a);
    return 2;
  }
  free(ins);
  rc = 1;
  tc_store **stores = calloc(nst, sizeof *stores);
  char *source = NULL;
  tc_encounter_list list;
  tc_encounter_list_init(&list);
  tc_events *ev = NULL;
  tc_event_lists evl;
  tc_event_lists_init(&evl);
  tc_progress *bar = tc_progress_create(!quiet);
  if (bar)
    tc_output_set_progress(o, on_progress, bar);
  tc_status s = stores ? TC_OK : tc_fail(&err, TC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; s == TC_OK && i < nst; i++)
    s = tc_store_open(a.inputs.v[i], &stores[i], &err);
  if (s != TC_OK)
    goto fail;
  if ((s = tc_stores_order(stores, nst, &err)) != TC_OK) {
    rc = 2; /* overlapping stores: bad usage, nothing written */
    goto fail;
  }
  /* The events of the ranking (docs/ranking.md): their first pass rides along the
   * engine's read when the encounters are computed here. */
  tc_params ep_p;
  tc_params_default(&ep_p);
  ep_p.threads = a.threads;
  tc_event_params ep;
  tc_rank_event_params(&ep, tc_output_gap_min(o));
  int rank_ev = tc_output_events_wanted(o);
  if (rank_ev && !list_path && (s = tc_events_create(&ep_p, &ep, &ev, &err)) != TC_OK)
    goto fail;
  s = list_path ? tc_encounters_csv_read(list_path, &list, &err) : compute(stores, nst, a.threads, ev, &list, &err);
  if (s != TC_OK)
    goto fail;
  if (rank_ev) {
    s = ev ? tc_rank_events_finish(ev, stores, nst, &ep_p, &list, &evl, &err)
           : tc_rank_events_run(stores, nst, &ep_p, &ep, &list, &evl, &err);
    if (s != TC_OK)
      goto fail;
    tc_output_set_events(o, &evl);
  }
  if ((s = tc_output_use_stores(o, stores, nst, &err)) != TC_OK)
    goto fail;
  s = tc_output_prepare(o, &list, &err);
  tc_progress_clear(bar);
  if (s != TC_OK)
    goto fail;
  ro.coast = tc_output_coast(o);
  if (!list_path) { /* the stores, in time order */
    size_t len = 1;
    for (size_t i = 0; i < nst; i++)
      len += strlen(tc_store_path(stores[i])) + 2;
    if (!(source = malloc(len))) {
      s = tc_fail(&err, TC_ERR_NOMEM, "out of memory");
      goto fail;
    }
    source[0] = 0;
    for (size_t i = 0; i < nst; i++)
      strcat(strcat(source, i ? ", " : ""), tc_store_path(stores[i]));
  }
  ro.source = list_path ? list_path : source;
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
  tc_output_free(o); /* before the events it points to */
  tc_events_free(ev);
  tc_event_lists_free(&evl);
  for (size_t i = 0; stores && i < nst; i++)
    tc_store_close(stores[i]);
  free(stores);
  free(source);
  if (!quiet)
    tc_cli_closing_line("trajcorr report", t_start);
  tc_cli_free(&tc_cli_report, &a);
  return rc;
}
