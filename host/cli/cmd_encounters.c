/* trajcorr encounters STORE... [-o OUT]: the spec's encounter list from track stores,
 * several read as one timeline (host/engine/source_multi.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "host/cli/specs.h"
#include "host/cli/stopsig.h"
#include "host/engine/ckpt.h"
#include "host/engine/engine.h"
#include "host/engine/source_multi.h"
#include "host/events/events.h"
#include "host/report/output.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_csv.h"
#include "host/report/events_out.h"
#include "host/report/sidecar.h"
#include "io/outpath.h"
#include "io/store.h"
#include "io/timefmt.h"

/* Stopped by a signal at a bucket edge with the checkpoint written: EX_TEMPFAIL of
 * sysexits.h, "try again later", which batch systems can take as "requeue me". */
#define TC_EXIT_CHECKPOINTED 75

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


/* auto is the OpenMP backend: end to end it was as fast as or faster than OpenCL on
 * every GPU measured (H100, H200; docs/opencl.md), where the host stages dominate and
 * a GPU context costs ~0.3 s a run. */
static const tc_backend_ops *pick_backend(const char *name) {
  return tc_backend_find(strcmp(name, "auto") ? name : "openmp");
}

static void on_progress(void *user, const char *what, uint64_t done, uint64_t total) {
  tc_progress_update(user, what, done, done, total);
}

/* The list, its sidecar (FILE.json unless --meta), the GeoJSON tracks file beside it,
 * the events files of --with-events and every input must be distinct files: writing
 * the list onto a store would replace it. 1 when they are. */
static int outputs_distinct(const char *out, const char *meta, const char *with_events, const tc_strlist *stores,
                            const char *mmsi_file, const tc_output *ao, const char *ckpt, const char *state,
                            const char *since) {
  char side[4096], tracks[4096], ev[TC_EV_NPATHS][TC_EV_PATH_MAX];
  tc_err err = {0};
  if (!meta && strcmp(out, "-") && !tc_path_is_stream(out)) {
    snprintf(side, sizeof side, "%s.json", out);
    meta = side;
  }
  const char *outs[5 + TC_EV_NPATHS] = {out, meta, ckpt, state};
  size_t nout = 4, nev = 0;
  if (tc_output_tracks_path(ao, out, tracks, sizeof tracks))
    outs[nout++] = tracks;
  if (with_events) {
    if (tc_events_paths(with_events, TC_EV_ALL, TC_EV_FORMAT_CSV, ev, &nev, &err) != TC_OK) {
      fprintf(stderr, "trajcorr encounters: --with-events %s\n", err.msg);
      return 0;
    }
    for (size_t i = 0; i < nev; i++)
      outs[nout++] = ev[i];
  }
  const char **ins = malloc((stores->n + 24) * sizeof *ins);
  if (!ins) {
    fprintf(stderr, "trajcorr encounters: out of memory\n");
    return 0;
  }
  memcpy(ins, stores->v, stores->n * sizeof *ins);
  ins[stores->n] = mmsi_file;
  size_t nin = stores->n + 1 + tc_output_inputs(ao, ins + stores->n + 1, 21);
  /* the nightly update's state is read, then replaced: --since S --save-state S */
  if (since && !(state && tc_path_same_file(since, state)))
    ins[nin++] = since;
  int ok = tc_outpath_check(outs, nout, ins, nin, &err) == TC_OK;
  free(ins);
  if (!ok)
    fprintf(stderr, "trajcorr encounters: %s\n", err.msg);
  return ok;
}

/* The device backend's part of --profile: start-up (context, program and where it
 * came from), host and device seconds by step, bytes each way, how blocks were cut. */
static void print_device_profile(const char *backend, const tc_device_profile *d) {
  fprintf(stderr,
          "profile %s: startup %.3f s (context %.3f s, program %.3f s: %s%s); host: stage %.3f s, "
          "wait %.3f s; device: keys %.3f s, sort %.3f s, pairs %.3f s, write %.3f s, read %.3f s; "
          "moved %.1f MB up, %.1f MB down; %llu blocks (%llu split), %llu sub-batches, %llu "
          "retries, %llu splits; largest buffer %.1f MB%s, budget %.1f MB\n",
          backend, d->t_context + d->t_program, d->t_context, d->t_program,
          !strcmp(d->program_from, "disk cache") ? "cache hit"
          : !strcmp(d->program_from, "built")    ? "cache miss, built"
                                                 : "already built",
          d->cache_written ? ", cached" : "", d->t_stage, d->t_wait, d->t_keys, d->t_sort, d->t_pairs,
          d->t_write, d->t_read, 1e-6 * (double)d->bytes_up, 1e-6 * (double)d->bytes_down,
          (unsigned long long)d->blocks, (unsigned long long)d->split_blocks,
          (unsigned long long)d->batches, (unsigned long long)d->retries,
          (unsigned long long)d->splits, 1e-6 * (double)d->max_alloc,
          d->max_alloc_forced ? " (TRAJCORR_CL_MAX_ALLOC)" : "", 1e-6 * (double)d->budget);
}

/* The checkpoint and update options that cannot go together. 1 when they can. */
static int ckpt_usage(const tc_encounters_args *a) {
  const char *bad = NULL;
  if (a->resume && !a->checkpoint)
    bad = "--resume goes on from a --checkpoint FILE: give it";
  else if (a->checkpoint_every && !a->checkpoint)
    bad = "--checkpoint-every needs --checkpoint FILE";
  else if (a->since && a->checkpoint)
    bad = "--since reads only the new buckets: it takes no --checkpoint (run it again if it is stopped)";
  else if (a->with_events && (a->checkpoint || a->since || a->save_state))
    bad = "--with-events keeps no state across runs: leave out --checkpoint, --since and --save-state (or run "
          "trajcorr events on its own)";
  if (bad)
    fprintf(stderr, "trajcorr encounters: %s\n", bad);
  return bad == NULL;
}

static int run(int argc, char **argv, const tc_encounters_args *a, tc_output *ao) {
  double t_start = tc_cli_now();
  tc_params p = a->p;
  tc_backend_config cfg = a->cfg;
  const char *out = a->out, *meta = a->meta, *backend = a->backend, *mmsi_file = a->mmsi_file;
  int quiet = a->quiet;
  const tc_strlist *paths = &a->stores;
  tc_err ferr = {0}; /* an unknown extension is refused before the work, not after */
  if (!tc_path_is_stream(out) && tc_output_check_path(ao, out, &ferr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", ferr.msg);
    return 2;
  }
  if (!outputs_distinct(out, meta, a->with_events, paths, mmsi_file, ao, a->checkpoint, a->save_state, a->since))
    return 2;
  if (!ckpt_usage(a))
    return 2;
  /* The events cover every fix of the store, and a pair with an encounter is not a dark
   * rendezvous: an encounter list cut by time or MMSI would turn some into one. */
  if (a->with_events && (p.from != INT64_MIN || p.to != INT64_MAX || mmsi_file)) {
    fprintf(stderr, "trajcorr encounters: --with-events covers the whole store: leave out --from, --to and "
                    "--mmsi (or run trajcorr events on its own)\n");
    return 2;
  }
  /* The events (their places, second pass and sidecar) are those of one store. */
  if (a->with_events && paths->n > 1) {
    fprintf(stderr, "trajcorr encounters: --with-events reads one store, not %zu: give one store (or run "
                    "trajcorr events on each)\n", paths->n);
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
  size_t nst = paths->n;
  tc_store **stores = calloc(nst, sizeof *stores);
  const char **spath = calloc(nst, sizeof *spath);
  const tc_store_info **sinfo = calloc(nst, sizeof *sinfo);
  tc_multi_source *msrc = NULL;
  tc_ckpt *ck = NULL;
  tc_encounter_list list;
  tc_encounter_list_init(&list);
  char *mtext = NULL;
  size_t mlen = 0;
  tc_events *ev = NULL;
  tc_event_params ep;
  tc_event_params_default(&ep);
  tc_event_lists evl;
  tc_event_lists_init(&evl);
  tc_status s = stores && spath && sinfo ? TC_OK : tc_fail(&err, TC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; s == TC_OK && i < nst; i++)
    s = tc_store_open(paths->v[i], &stores[i], &err);
  if (s != TC_OK)
    goto fail;
  if ((s = tc_stores_order(stores, nst, &err)) != TC_OK) {
    rc = 2; /* overlapping stores: bad usage, nothing written */
    goto fail;
  }
  for (size_t i = 0; i < nst; i++) {
    spath[i] = tc_store_path(stores[i]);
    sinfo[i] = tc_store_get_info(stores[i]);
  }
  /* threads: the first slice's decoding, as the engine's */
  if ((s = tc_multi_source_create(stores, nst, tc_params_threads(&p), &msrc, &err)) != TC_OK)
    goto fail;
  tc_bucket_source store_src = tc_multi_source_get(msrc), src = store_src;
  /* --with-events: the events' first pass rides along the engine's read (a tee) */
  tc_events_tee_ctx tctx;
  if (a->with_events) {
    if ((s = tc_events_create(&p, &ep, &ev, &err)) != TC_OK)
      goto fail;
    src = tc_events_tee(&tctx, &store_src, ev);
  }
  /* checkpoints, the nightly update and signals (host/engine/ckpt.h) */
  tc_ckpt_opts co = {a->checkpoint, (double)a->checkpoint_every, a->resume, a->since, a->save_state,
                     &tc_stop_signal};
  if ((s = tc_ckpt_create(&co, stores, nst, &p, msrc, &ck, &err)) != TC_OK) {
    rc = s == TC_ERR_ARG ? 2 : 1;
    goto fail;
  }
  if (!quiet && tc_ckpt_skipped(ck))
    fprintf(stderr, "trajcorr encounters: %s %s: %llu of %llu buckets done before, reading the rest\n",
            a->since ? "update from state" : "resuming from checkpoint", a->since ? a->since : a->checkpoint,
            (unsigned long long)tc_ckpt_skipped(ck), (unsigned long long)tc_ckpt_buckets(ck));
  tc_bucket_source csrc = tc_ckpt_source(ck, &src);
  tc_catch_stop_signals();
  tc_engine_stats st;
  double t_engine = tc_cli_now();
  s = tc_encounters_run_hooked(&csrc, &p, ops, &cfg, tc_ckpt_hooks(ck), &list, &st, &err);
  if (s == TC_OK && tc_stop_signal && !a->checkpoint)
    s = tc_fail(&err, TC_ERR_CANCELLED, "stopped by a signal");
  if (s == TC_ERR_CANCELLED && tc_stop_signal) {
    int sig = tc_stop_signal;
    if (tc_ckpt_stopped_at_edge(ck)) {
      fprintf(stderr, "trajcorr encounters: interrupted by %s: %s; nothing else written. Run the same command "
                      "with --resume to go on.\n", tc_stop_signal_name(sig), err.msg);
      rc = TC_EXIT_CHECKPOINTED;
    } else {
      fprintf(stderr, "trajcorr encounters: interrupted by %s: nothing written\n", tc_stop_signal_name(sig));
      rc = 128 + sig;
    }
    goto done;
  }
  if (s != TC_OK)
    goto fail;
  if (a->with_events) { /* before the analyst outputs, which may leave encounters out */
    tc_event_stats est;
    size_t nplaces;
    tc_events_out eo = {a->with_events, TC_EV_FORMAT_CSV, a->out_opts.ports.v, a->out_opts.ports.n, 1,
                        a->out_opts.o.port_radius, "openmp", argc, argv, spath[0]};
    if ((s = tc_events_complete(ev, stores[0], &p, &ep, &list, &eo, &evl, &est, &nplaces, &err)) != TC_OK)
      goto fail;
    if (!quiet)
      fprintf(stderr,
              "trajcorr encounters: events: %zu loitering, %zu gaps, %zu dark rendezvous, %zu places -> %s.*\n",
              evl.n_loiter, evl.n_gaps, evl.n_dark, nplaces, a->with_events);
  }
  double t_output = tc_cli_now();
  if ((s = tc_sidecar_text(argc, argv, spath, sinfo, nst, &p, ops->name, &st, &mtext,
                           &mlen, &err)) != TC_OK)
    goto fail;
  char meta_path[4096];
  if (!meta && strcmp(out, "-") && !tc_path_is_stream(out)) { /* no /dev/null.json */
    snprintf(meta_path, sizeof meta_path, "%s.json", out);
    meta = meta_path;
  }
  if (tc_output_wanted(ao, out)) {
    tc_progress *bar = tc_progress_create(!quiet);
    if (bar)
      tc_output_set_progress(ao, on_progress, bar);
    if ((s = tc_output_use_stores(ao, stores, nst, &err)) == TC_OK)
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
  if ((s = tc_ckpt_finish(ck, &err)) != TC_OK)
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
  if (cfg.profile && st.has_device)
    print_device_profile(ops->name, &st.device);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr encounters: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  free(mtext);
  free(mmsi);
  tc_events_free(ev);
  tc_event_lists_free(&evl);
  tc_encounter_list_free(&list);
  tc_ckpt_free(ck);
  tc_multi_source_free(msrc);
  for (size_t i = 0; stores && i < nst; i++)
    tc_store_close(stores[i]);
  free(stores);
  free(spath);
  free(sinfo);
  if (!quiet)
    tc_cli_closing_line("trajcorr encounters", t_start);
  return rc;
}

int cmd_encounters(int argc, char **argv) {
  tc_encounters_args a;
  int rc = tc_cli_parse(&tc_cli_encounters, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  /* The analyst outputs (formats, context, ranking). */
  tc_output *ao = NULL;
  tc_err aerr = {0};
  tc_output_opts oo = tc_output_args_get(&a.out_opts);
  if (tc_output_create(&ao) != TC_OK || tc_output_configure(ao, &oo, a.out_opts.given, &aerr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", aerr.msg[0] ? aerr.msg : "out of memory");
    tc_output_free(ao);
    tc_cli_free(&tc_cli_encounters, &a);
    return 2;
  }
  rc = run(argc, argv, &a, ao);
  tc_output_free(ao);
  tc_cli_free(&tc_cli_encounters, &a);
  return rc;
}
