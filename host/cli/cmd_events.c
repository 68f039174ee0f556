/* trajcorr events STORE... -o PREFIX: loitering, AIS gaps and dark rendezvous
 * (spec/events.md) from track stores, several read as one timeline
 * (host/engine/store_set.h). Options: host/cli/specs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/events_ranked.h"
#include "host/cli/runlog.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/cli/stopsig.h"
#include "host/mpi/ranks.h"
#include "host/engine/engine.h"
#include "host/engine/source_multi.h"
#include "host/engine/store_set.h"
#include "host/events/events.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_csv.h"
#include "host/report/events_gdal.h"
#include "host/report/gdal_lib.h"
#include "host/report/events_out.h"
#include "host/report/tracks_multi.h"
#include "host/report/tracks_store.h"
#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_dark.h"
#include "host/opencl/cl_device.h"
#endif
#include "io/outpath.h"
#include "io/store.h"

/* "loitering,gaps,dark", any subset in any order, as TC_EV_* bits; 0 when s names
 * anything else or nothing. */
static unsigned parse_kinds(const char *s) {
  unsigned k = 0;
  while (*s) {
    size_t n = strcspn(s, ",");
    if (n == 9 && !strncmp(s, "loitering", n))
      k |= TC_EV_LOITER;
    else if (n == 4 && !strncmp(s, "gaps", n))
      k |= TC_EV_GAPS;
    else if (n == 4 && !strncmp(s, "dark", n))
      k |= TC_EV_DARK;
    else
      return 0;
    s += n + (s[n] == ',');
  }
  return k;
}

static int usage_error(const char *msg, const char *value) {
  fprintf(stderr, "trajcorr events: %s%s%s%s\n", msg, value ? " '" : "", value ? value : "", value ? "'" : "");
  tc_cli_usage_line(&tc_cli_events, stderr);
  return 2;
}

/* What the table cannot check: -o given, the kinds, the backend built, the parameters
 * together, and no output onto an input. -1 to go on, else the exit status. */
static int check_args(tc_events_args *a) {
  if (!a->out)
    return usage_error("give -o PREFIX (the files are PREFIX.KIND.csv and PREFIX.events.json)", NULL);
  if (!(a->e.kinds = parse_kinds(a->kinds)))
    return usage_error("--kinds: not a comma-separated list of loitering, gaps, dark:", a->kinds);
#ifndef TRAJCORR_HAVE_OPENCL
  if (!strcmp(a->backend, "opencl"))
    return usage_error("--backend opencl: this build has no OpenCL", NULL);
#endif
  tc_err err = {0};
  if (a->format > TC_EV_FORMAT_SHP) /* GDAL's driver names: GPKG, FlatGeobuf, ESRI Shapefile */
    a->format -= TC_EV_FORMAT_SHP - TC_EV_FORMAT_HDF5;
  /* a build or machine without GDAL refuses its formats before any work */
  if (a->format >= TC_EV_FORMAT_GPKG && tc_gdal_load(tc_events_gdal_title(a->format), &err) != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    return 2;
  }
  if (tc_params_check(&a->p, &err) != TC_OK || tc_event_params_check(&a->e, &err) != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    return 2;
  }
  char outs[TC_EV_NPATHS][TC_EV_PATH_MAX];
  const char *outp[TC_EV_NPATHS + 1];
  size_t nout = 0;
  if (tc_events_paths(a->out, a->e.kinds, a->format, outs, &nout, &err) != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    return 2;
  }
  for (size_t i = 0; i < nout; i++)
    outp[i] = outs[i];
  if (a->encounters)
    outp[nout++] = a->encounters;
  size_t nin = a->stores.n + a->ports.n + 1;
  const char **ins = malloc(nin * sizeof *ins);
  if (!ins) {
    fprintf(stderr, "trajcorr events: out of memory\n");
    return 1;
  }
  nin = 0;
  memcpy(ins, a->stores.v, a->stores.n * sizeof *ins);
  nin += a->stores.n;
  if (a->watchlist)
    ins[nin++] = a->watchlist;
  if (a->ports.n)
    memcpy(ins + nin, a->ports.v, a->ports.n * sizeof *ins);
  tc_status s = tc_outpath_check(outp, nout, ins, nin + a->ports.n, &err);
  free(ins);
  if (s != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    return 2;
  }
  return -1;
}

static int run(int argc, char **argv, tc_events_args *a, const tc_ranks *rk) {
  double t_start = tc_cli_now();
  int rc = check_args(a);
  if (rc >= 0)
    return rc;
  rc = 1;
  int opencl = !strcmp(a->backend, "opencl");
  tc_err err = {0};
  tc_store_set set = {0};
  tc_multi_source *m1 = NULL;
  tc_event_lists l;
  tc_event_lists_init(&l);
  tc_encounter_list enc;
  tc_encounter_list_init(&enc);
  tc_events *ev = NULL;
  tc_anchorage_feed *feed = NULL; /* the anchorages, found along the first pass */
  tc_columns cols;
  tc_columns_init(&cols);
  tc_event_stats st;
  size_t nplaces = 0;
  tc_dark_maximiser dev = {NULL, NULL};
  /* under mpirun / srun: the events split into time parts, rank 0 writes
   * (host/mpi/events_ranks.h) */
  tc_memory_source *ev2 = NULL;
  tc_rank_figures *figures = NULL;
  tc_ranks_dark *dk = NULL; /* the ranks share the dark pairs' maximisation */
#ifdef TRAJCORR_HAVE_OPENCL
  tc_cl_dark *cl = NULL;
#endif
  tc_select *sel = NULL;
  tc_watchlist *watch = NULL;
  tc_vessel_index *vx = NULL;
  /* the selection and the watchlist before the work: a bad one stops it at once */
  tc_status s = tc_select_from_options(a->flags.v, a->flags.n, a->ship_types.v, a->ship_types.n, a->bbox,
                                       a->match_both, &sel, &err);
  if (s != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    rc = 2;
    goto done;
  }
  if (a->watchlist && (s = tc_watchlist_load(a->watchlist, &watch, &err)) != TC_OK)
    goto fail;
  if ((s = tc_store_set_open(&set, a->stores.v, a->stores.n, &err)) != TC_OK) {
    rc = s == TC_ERR_ARG ? 2 : 1; /* overlapping stores: bad usage, nothing written */
    goto fail;
  }
  tc_link_filter lf = {sel, watch, NULL};
  if (tc_link_filter_active(&lf) && (s = tc_vessel_index_from_stores(set.stores, set.n, &vx, &err)) != TC_OK)
    goto fail;
  lf.vessels = vx;
#ifdef TRAJCORR_HAVE_OPENCL
  /* every rank maximises a share of the dark pairs: each on its own device, by its rank
   * on the node unless --device says which */
  if (opencl && (a->e.kinds & TC_EV_DARK)) {
    int device = a->device;
    if (rk->size > 1 && device < 0 &&
        (s = tc_cl_device_nth(a->platform, a->device_type, rk->local_rank, &device, &err)) != TC_OK)
      goto fail_alone;
    if ((s = tc_cl_dark_create(a->platform, device, a->device_type, &cl, &err)) != TC_OK)
      goto fail_alone;
    dev = (tc_dark_maximiser){tc_cl_dark_run, cl};
    a->e.dark_device = &dev;
  }
#endif
  (void)dev;
  if (rk->size > 1) {
    if (!(figures = calloc((size_t)rk->size, sizeof *figures))) {
      s = tc_fail(&err, TC_ERR_NOMEM, "out of memory");
      goto fail_alone;
    }
    int need_enc = (a->e.kinds & TC_EV_DARK) || a->encounters;
    if ((a->e.kinds & TC_EV_DARK) &&
        (s = tc_ranks_dark_create(rk, a->e.dark_device, tc_params_threads(&a->p), figures, &dk, &err)) != TC_OK)
      goto fail_alone;
    tc_cli_dark_spread(rk, dk, &a->e);
    if ((s = tc_cli_events_ranked(rk, set.stores, set.n, &a->p, &a->e, need_enc ? &enc : NULL, &ev, &ev2, figures,
                                  &err)) != TC_OK)
      goto fail;
    if (tc_cli_dark_serve(rk, dk, &s, &err)) { /* rank 0 writes; the others share its dark pairs */
      rc = s == TC_OK ? 0 : 1;
      goto done;
    }
    if (rk->rank != 0) {
      rc = 0;
      goto done;
    }
  } else {
    /* Pass 1 rides along the read that finds the encounters, which the dark rule needs
     * (spec §3: a pair seen together is an encounter, not dark); pass 2 reads again. */
    if ((s = tc_multi_source_create(set.stores, set.n, tc_params_threads(&a->p), &m1, &err)) != TC_OK)
      goto fail;
    tc_bucket_source s1 = tc_multi_source_get(m1);
    a->e.stop = tc_stop_requested; /* pass 2 answers a signal (caught from pass 2 on) */
    if ((s = tc_events_create(&a->p, &a->e, &ev, &err)) != TC_OK)
      goto fail;
    if (!a->no_anchorages &&
        (s = tc_events_anchorages_along(ev, m1, set.stores, set.n, &feed, &err)) != TC_OK)
      goto fail;
    if ((a->e.kinds & TC_EV_DARK) || a->encounters) {
      tc_events_tee_ctx tctx;
      tc_bucket_source tee = tc_events_tee(&tctx, &s1, ev);
      tc_backend_config cfg = {0};
      cfg.platform = cfg.device = -1;
      tc_engine_stats est;
      if ((s = tc_encounters_run(&tee, &a->p, tc_backend_find("openmp"), &cfg, &enc, &est, &err)) != TC_OK)
        goto fail;
    } else {
      for (;;) {
        int64_t t_end;
        int eof = 0;
        if ((s = s1.next(s1.ctx, &cols, &t_end, &eof, &err)) != TC_OK)
          goto fail;
        if (eof)
          break;
        if ((s = tc_events_feed_take(ev, &cols, &err)) != TC_OK)
          goto fail;
      }
    }
  }
  tc_events_out o = {a->out, a->format, a->ports.v, a->ports.n, !a->no_anchorages, a->port_radius,
                     opencl ? "opencl" : "openmp", argc, argv, tc_link_filter_active(&lf) ? &lf : NULL,
                     NULL, NULL, NULL, feed};
  tc_bucket_source pass2 = ev2 ? tc_memory_source_get(ev2) : (tc_bucket_source){0};
  tc_cli_ranks_sidecar side = {figures, rk->size};
  if (ev2) {
    o.pass2 = &pass2;
    o.amend = tc_cli_ranks_amend;
    o.amend_ctx = &side;
  }
  if (rk->size == 1) /* nothing is written before this: until here a signal ends it at once */
    tc_catch_stop_signals();
  s = tc_events_complete(ev, set.stores, set.n, &a->p, &a->e, &enc, &o, &l, &st, &nplaces, &err);
  if ((s = tc_cli_dark_done(rk, dk, s, &err)) != TC_OK)
    goto fail;
  if (a->encounters && (s = tc_encounters_csv_write(a->encounters, &enc, &err)) != TC_OK)
    goto fail;
  if (!a->quiet)
    fprintf(stderr,
            "trajcorr events: %llu fixes (%llu dropped by the teleport filter): %zu loitering, %zu gaps, "
            "%zu dark rendezvous (of %llu overlapping gap pairs), %zu places -> %s.*\n",
            (unsigned long long)st.fixes_read, (unsigned long long)st.teleport_dropped, l.n_loiter,
            l.n_gaps, l.n_dark, (unsigned long long)st.dark_overlaps, nplaces, a->out);
  rc = 0;
  goto done;
fail_alone: /* before the ranks' first agreement: the others would wait for this one */
  if (rk->size > 1) {
    fprintf(stderr, "trajcorr events: rank %d: %s\n", rk->rank, err.msg);
    tc_ranks_abort(rk, 1);
  }
fail:
  if (s == TC_ERR_CANCELLED && tc_stop_signal) {
    fprintf(stderr, "trajcorr events: interrupted by %s: nothing written\n", tc_stop_signal_name(tc_stop_signal));
    rc = 128 + tc_stop_signal;
  } else if (rk->rank == 0) /* a failure on any rank fails all of them with its message */
    fprintf(stderr, "trajcorr events: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  if (rk->size > 1) { /* each rank's rows, time and memory, and the total (rank 0) */
    tc_runlog *lg = tc_runlog_create("trajcorr events", 0, a->quiet, rk->rank, 0, 0, 1, 0);
    if (lg)
      tc_runlog_close(lg, t_start, figures, rk->size);
    tc_runlog_free(lg);
  }
  tc_memory_source_free(ev2);
  tc_ranks_dark_free(dk);
  free(figures);
  tc_event_lists_free(&l);
  tc_encounter_list_free(&enc);
  tc_events_free(ev);
  tc_anchorage_feed_free(feed);
  tc_columns_free(&cols);
  tc_select_free(sel);
  tc_watchlist_free(watch);
  tc_vessel_index_free(vx);
  tc_multi_source_free(m1);
  tc_store_set_close(&set);
#ifdef TRAJCORR_HAVE_OPENCL
  tc_cl_dark_free(cl);
#endif
  if (!a->quiet)
    tc_cli_closing_line("trajcorr events", t_start);
  return rc;
}

int cmd_events(int argc, char **argv) {
  tc_events_args a;
  int rc = tc_cli_parse(&tc_cli_events, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  /* under mpirun / srun: one time part per rank, rank 0 writes (docs/cluster.md) */
  tc_ranks rk;
  tc_err rerr = {0};
  if (tc_ranks_init(&rk, &rerr) != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", rerr.msg);
    tc_ranks_finalize(&rk);
    tc_cli_free(&tc_cli_events, &a);
    return 2;
  }
  if (rk.rank != 0)
    a.quiet = 1;
  rc = run(argc, argv, &a, &rk);
  tc_ranks_finalize(&rk);
  tc_cli_free(&tc_cli_events, &a);
  return rc;
}
