/* trajcorr encounters STORE... [-o OUT]: the spec's encounter list from track stores,
 * several read as one timeline (host/engine/source_multi.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/backend.h"
#include "host/backends/auto.h"
#include "host/cli/args.h"
#include "host/cli/events_ranked.h"
#include "host/cli/commands.h"
#include "host/cli/progress.h"
#include "host/cli/runlog.h"
#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_device.h"
#endif
#include "host/cli/specs.h"
#include "host/cli/stopsig.h"
#include "host/engine/ckpt.h"
#include "host/engine/engine.h"
#include "host/engine/parts.h"
#include "host/engine/source_multi.h"
#include "host/events/events.h"
#include "host/report/output.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_csv.h"
#include "host/report/events_out.h"
#include "host/report/rank_events.h"
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


/* auto starts as the OpenMP backend; once the stores are open, tc_backend_auto may pick
 * OpenCL instead (a GPU or accelerator and a dense enough input, host/backends/auto.h). */
static const tc_backend_ops *pick_backend(const char *name) {
  return tc_backend_find(strcmp(name, "auto") ? name : "openmp");
}

/* --device: N, a list N,M,... (at most TC_MAX_DEVICES, 0..64 each) or all. 1 when valid. */
static int parse_devices(const char *v, tc_backend_config *cfg) {
  if (!v)
    return 1;
  if (!strcmp(v, "all")) {
    cfg->all_devices = 1;
    return 1;
  }
  int n = 0;
  const char *c = v;
  for (;;) {
    char *end = NULL;
    errno = 0;
    long d = strtol(c, &end, 10);
    if (end == c || errno || d < 0 || d > 64 || n == TC_MAX_DEVICES || (*end && *end != ','))
      break;
    cfg->devices[n++] = (int)d;
    if (!*end) {
      if (n == 1)
        cfg->device = cfg->devices[0]; /* one device: the single-device path */
      else
        cfg->ndevices = n;
      return 1;
    }
    c = end + 1;
  }
  fprintf(stderr, "trajcorr encounters: --device '%s': expected a device number (0-64), a list of up to "
                  "%d of them (0,1) or all\n", v, TC_MAX_DEVICES);
  return 0;
}

/* --backend auto for these stores: their fixes per day against the crossover. */
static tc_status pick_auto(const tc_store_info *const *info, size_t n, const tc_backend_config *cfg,
                           const tc_backend_ops **ops, char *why, size_t cap, tc_err *err) {
  uint64_t rows = 0;
  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    rows += info[i]->rows;
    if (info[i]->rows && info[i]->t_min < t0)
      t0 = info[i]->t_min;
    if (info[i]->rows && info[i]->t_max > t1)
      t1 = info[i]->t_max;
  }
  return tc_backend_auto(rows ? tc_auto_fixes_per_day(rows, t0, t1) : 0, cfg, ops, why, cap, err);
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
  char dev[32] = "";
  uint64_t close = d->listed + d->dropped_pairs; /* the close pairs: read back, or kept back */
  if (d->devices > 1) /* times and bytes are then sums over the devices */
    snprintf(dev, sizeof dev, " (%d devices, summed)", d->devices);
  fprintf(stderr,
          "profile %s%s: startup %.3f s (context %.3f s, program %.3f s: %s%s); host: stage %.3f s, "
          "wait %.3f s; device: keys %.3f s, sort %.3f s, pairs %.3f s, runs %.3f s, write %.3f s, "
          "read %.3f s; moved %.1f MB up (staged on the %s), %.1f MB down (%.1f B a close pair); "
          "%s %llu pairs back, %llu of them to the host's exact test, %llu more dropped on the "
          "device (%llu runs too short to report); %llu blocks (%llu split), %llu sub-batches "
          "(%llu by grid time), "
          "%llu retries, %llu splits; largest buffer %.1f MB%s, budget %.1f MB\n",
          backend, dev, d->t_context + d->t_program, d->t_context, d->t_program,
          !strcmp(d->program_from, "disk cache") ? "cache hit"
          : !strcmp(d->program_from, "built")    ? "cache miss, built"
                                                 : "already built",
          d->cache_written ? ", cached" : "", d->t_stage, d->t_wait, d->t_keys, d->t_sort, d->t_pairs,
          d->t_runs, d->t_write, d->t_read, 1e-6 * (double)d->bytes_up,
          d->device_stage ? "device" : "host", 1e-6 * (double)d->bytes_down,
          close ? (double)d->bytes_down / (double)close : 0.0,
          d->decided ? "decided on the device:" : "screened on the device:",
          (unsigned long long)d->listed,
          (unsigned long long)(d->decided ? d->band : d->listed),
          (unsigned long long)d->dropped_pairs, (unsigned long long)d->dropped_runs,
          (unsigned long long)d->blocks, (unsigned long long)d->split_blocks,
          (unsigned long long)d->batches, (unsigned long long)d->slot_batches,
          (unsigned long long)d->retries,
          (unsigned long long)d->splits, 1e-6 * (double)d->max_alloc,
          d->max_alloc_forced ? " (TRAJCORR_CL_MAX_ALLOC)" : "", 1e-6 * (double)d->budget);
}

/* The checkpoint and update options that cannot go together. 1 when they can. */
static int ckpt_usage(const tc_encounters_args *a, const tc_ranks *rk) {
  const char *bad = NULL;
  /* each rank reads its own time part and keeps its runs at the part's edges: no state
   * of one engine to cut, and a job with ranks is rerun whole (docs/cluster.md) */
  int any = a->checkpoint || a->resume || a->checkpoint_every || a->since || a->save_state;
  if (rk->size > 1 && any)
    bad = "--checkpoint, --resume, --since and --save-state run in one process, not under mpirun with "
          "several ranks (a job with ranks is run again whole)";
  else if (a->resume && !a->checkpoint)
    bad = "--resume goes on from a --checkpoint FILE: give it";
  else if (a->checkpoint_every && !a->checkpoint)
    bad = "--checkpoint-every needs --checkpoint FILE";
  else if (a->since && a->checkpoint)
    bad = "--since reads only the new buckets: it takes no --checkpoint (run it again if it is stopped)";
  else if (a->with_events && (a->checkpoint || a->since || a->save_state))
    bad = "--with-events keeps no state across runs: leave out --checkpoint, --since and --save-state (or run "
          "trajcorr events on its own)";
  if (bad && rk->rank == 0)
    fprintf(stderr, "trajcorr encounters: %s\n", bad);
  return bad == NULL;
}

static int run_ranked(int argc, char **argv, const tc_encounters_args *a, tc_output *ao, const tc_ranks *rk,
                      double t_start);

/* The engine in one process (with the checkpoint hooks), or this rank's part of a split run;
 * with progress. */
static tc_status run_engine(const tc_ranks *rk, tc_store **stores, size_t nst, const tc_bucket_source *src,
                            const tc_params *p, const tc_backend_ops *ops, const tc_backend_config *cfg,
                            const tc_engine_hooks *ckpt, int log, int quiet, tc_encounter_list *list,
                            tc_rank_figures **figures, tc_engine_stats *st, tc_err *err) {
  tc_part *parts = calloc((size_t)rk->size, sizeof *parts);
  if (!parts || (rk->size > 1 && !(*figures = calloc((size_t)rk->size, sizeof **figures)))) {
    free(parts);
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  }
  /* the progress covers this rank's part (the whole run for one process) */
  tc_status s = tc_parts_plan(stores, nst, p, (unsigned)rk->size, 0, parts, err);
  tc_runlog *l = NULL;
  if (s == TC_OK) {
    const tc_part *me = &parts[rk->rank];
    int64_t t0 = INT64_MAX, t1 = INT64_MIN, bs = 0;
    for (size_t i = 0; i < nst; i++) {
      const tc_store_info *in = tc_store_get_info(stores[i]);
      if (in->nbuckets == 0)
        continue;
      int64_t b0, bl;
      uint64_t r;
      if (tc_store_bucket(stores[i], 0, &b0, &r) == TC_OK && b0 < t0)
        t0 = b0;
      if (tc_store_bucket(stores[i], in->nbuckets - 1, &bl, &r) == TC_OK && bl + in->bucket_s > t1)
        t1 = bl + in->bucket_s;
      if (!bs)
        bs = in->bucket_s;
    }
    if (me->s_lo > t0)
      t0 = me->s_lo;
    if (me->s_hi < t1)
      t1 = me->s_hi;
    l = tc_runlog_create("trajcorr encounters", log, quiet, rk->rank, t0, t1, bs, me->rows);
  }
  tc_engine_hooks h = {0}; /* checkpoints in one process only (refused with ranks) */
  if (ckpt && rk->size == 1)
    h = *ckpt;
  h.tick = l ? tc_runlog_tick : NULL;
  h.tick_ctx = l;
  if (s == TC_OK && rk->size > 1)
    s = tc_ranks_encounters(rk, stores, nst, p, ops, cfg, &h, list, *figures, st, err);
  else if (s == TC_OK)
    s = tc_encounters_run_hooked(src, p, ops, cfg, &h, list, st, err);
  tc_runlog_free(l);
  free(parts);
  return s;
}

static int run(int argc, char **argv, const tc_encounters_args *a, tc_output *ao) {
  double t_start = tc_cli_now();
  /* under mpirun / srun: one time part per rank, rank 0 writes (host/mpi/ranks.h) */
  tc_ranks rk;
  tc_err rerr = {0};
  if (tc_ranks_init(&rk, &rerr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", rerr.msg);
    return 2;
  }
  int rc_ranks = run_ranked(argc, argv, a, ao, &rk, t_start);
  tc_ranks_finalize(&rk);
  return rc_ranks;
}

static int run_ranked(int argc, char **argv, const tc_encounters_args *a, tc_output *ao, const tc_ranks *rk,
                      double t_start) {
  tc_params p = a->p;
  tc_backend_config cfg = a->cfg;
  if (!parse_devices(a->device, &cfg))
    return 2;
  const char *out = a->out, *meta = a->meta, *backend = a->backend, *mmsi_file = a->mmsi_file;
  int quiet = a->quiet || rk->rank != 0;
  const tc_strlist *paths = &a->stores;
  tc_err ferr = {0}; /* an unknown extension is refused before the work, not after */
  if (!tc_path_is_stream(out) && tc_output_check_path(ao, out, &ferr) != TC_OK) {
    fprintf(stderr, "trajcorr encounters: %s\n", ferr.msg);
    return 2;
  }
  if (!outputs_distinct(out, meta, a->with_events, paths, mmsi_file, ao, a->checkpoint, a->save_state, a->since))
    return 2;
  if (!ckpt_usage(a, rk))
    return 2;
  /* The events cover every fix of the store, and a pair with an encounter is not a dark
   * rendezvous: an encounter list cut by time or MMSI would turn some into one. */
  if (a->with_events && (p.from != INT64_MIN || p.to != INT64_MAX || mmsi_file)) {
    fprintf(stderr, "trajcorr encounters: --with-events covers the whole store: leave out --from, --to and "
                    "--mmsi (or run trajcorr events on its own)\n");
    return 2;
  }
  const tc_backend_ops *ops = pick_backend(backend);
  /* one device per rank on a node: the node-local rank picks it unless --device did */
#ifdef TRAJCORR_HAVE_OPENCL
  if (ops && rk->size > 1 && cfg.device < 0 && !strncmp(ops->name, "opencl", 6)) {
    tc_err derr = {0};
    if (tc_cl_device_nth(cfg.platform, cfg.device_type, rk->local_rank, &cfg.device, &derr) != TC_OK) {
      fprintf(stderr, "trajcorr encounters: rank %d: %s\n", rk->rank, derr.msg);
      tc_ranks_abort(rk, 1); /* the other ranks may have found theirs and would wait */
      return 1;
    }
  }
#endif
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
  tc_anchorage_feed *feed = NULL; /* --with-events: the anchorages, found along the read */
  tc_event_params ep; /* --gap-min is the events' min_gap, so they rank what they list */
  tc_rank_event_params(&ep, tc_output_gap_min(ao));
  ep.stop = tc_stop_requested; /* pass 2 answers a signal as the engine does */
  /* the ranking's events (docs/ranking.md) come from the same read as the encounters */
  int rank_ev = tc_output_wanted(ao, out) && tc_output_events_wanted(ao);
  tc_event_lists evl;
  tc_event_lists_init(&evl);
  tc_rank_figures *figures = NULL;
  tc_memory_source *ev2 = NULL; /* ranks: the events' evidence (host/mpi/events_ranks.h) */
  tc_ranks_dark *dk = NULL;     /* ranks: the dark pairs' maximisation shared (host/mpi/dark_ranks.h) */
  tc_bucket_source pass2 = {0};
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
  char auto_why[256] = "";
  if (!strcmp(backend, "auto") &&
      (s = pick_auto(sinfo, nst, &cfg, &ops, auto_why, sizeof auto_why, &err)) != TC_OK) {
    rc = 2;
    goto fail;
  }
  /* threads: the first slice's decoding, as the engine's */
  if ((s = tc_multi_source_create(stores, nst, tc_params_threads(&p), &msrc, &err)) != TC_OK)
    goto fail;
  tc_bucket_source store_src = tc_multi_source_get(msrc), src = store_src;
  /* --with-events: the events' first pass rides along the engine's read (a tee) */
  tc_events_tee_ctx tctx;
  if (a->with_events || rank_ev) {
    if ((s = tc_events_create(&p, &ep, &ev, &err)) != TC_OK)
      goto fail;
    if (a->with_events && (s = tc_events_anchorages_along(ev, msrc, stores, nst, &feed, &err)) != TC_OK)
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
  if (rk->size == 1) /* ranks: mpirun's signals, and the job is run again whole */
    tc_catch_stop_signals();
  tc_engine_stats st;
  double t_engine = tc_cli_now();
  s = run_engine(rk, stores, nst, &csrc, &p, ops, &cfg, tc_ckpt_hooks(ck), a->log, quiet, &list, &figures, &st,
                 &err);
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
  /* ranks: the events split as the encounters are (host/mpi/events_ranks.h); rank 0
   * finishes them from the evidence gathered instead of the tee's pass 1 */
  if (rk->size > 1 && ev) {
    tc_events_free(ev);
    ev = NULL;
    if ((ep.kinds & TC_EV_DARK) &&
        tc_ranks_dark_create(rk, NULL, tc_params_threads(&p), figures, &dk, &err) != TC_OK) {
      fprintf(stderr, "trajcorr encounters: rank %d: %s\n", rk->rank, err.msg);
      tc_ranks_abort(rk, 1); /* the other ranks would wait for this one */
    }
    tc_cli_dark_spread(rk, dk, &ep);
    if ((s = tc_cli_events_ranked(rk, stores, nst, &p, &ep, NULL, &ev, &ev2, figures, &err)) != TC_OK)
      goto fail;
    if (ev2)
      pass2 = tc_memory_source_get(ev2);
    if (tc_cli_dark_serve(rk, dk, &s, &err)) { /* rank 0 writes; the others share its dark pairs */
      rc = s == TC_OK ? 0 : 1;
      goto done;
    }
  }
  if (rk->rank != 0) { /* rank 0 writes */
    rc = 0;
    goto done;
  }
  if (a->with_events) { /* before the analyst outputs, which may leave encounters out */
    tc_event_stats est;
    size_t nplaces;
    tc_cli_ranks_sidecar side = {figures, rk->size};
    tc_events_out eo = {a->with_events, TC_EV_FORMAT_CSV, a->out_opts.ports.v, a->out_opts.ports.n, 1,
                        a->out_opts.o.port_radius, "openmp", argc, argv, NULL,
                        ev2 ? &pass2 : NULL, ev2 ? tc_cli_ranks_amend : NULL, &side, feed};
    s = tc_events_complete(ev, stores, nst, &p, &ep, &list, &eo, &evl, &est, &nplaces, &err);
    if ((s = tc_cli_dark_done(rk, dk, s, &err)) != TC_OK)
      goto fail;
    if (!quiet)
      fprintf(stderr,
              "trajcorr encounters: events: %zu loitering, %zu gaps, %zu dark rendezvous, %zu places -> %s.*\n",
              evl.n_loiter, evl.n_gaps, evl.n_dark, nplaces, a->with_events);
  } else if (rank_ev && ev2) {
    tc_event_stats est;
    s = tc_events_finish(ev, &pass2, &list, &evl, &est, &err);
    if ((s = tc_cli_dark_done(rk, dk, s, &err)) != TC_OK) {
      tc_err_prefix(&err, "events: ");
      goto fail;
    }
  } else if (rank_ev && (s = tc_rank_events_finish(ev, stores, nst, &p, &list, &evl, &err)) != TC_OK) {
    goto fail;
  }
  if (rank_ev)
    tc_output_set_events(ao, &evl);
  double t_output = tc_cli_now();
  if ((s = tc_sidecar_text(argc, argv, spath, sinfo, nst, &p, ops->name, &st, &mtext,
                           &mlen, &err)) != TC_OK)
    goto fail;
  if (rk->size > 1 && !tc_runlog_sidecar_ranks(&mtext, &mlen, figures, rk->size)) {
    s = tc_fail(&err, TC_ERR_NOMEM, "out of memory writing the sidecar");
    goto fail;
  }
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
  if (cfg.profile) { /* start: options, backend, store opened; output: list, sidecar, closed */
    char op[64] = ""; /* candidates: the engine thread's wait; the op ran beside it */
    if (st.overlapped)
      snprintf(op, sizeof op, " (op %.3f s, beside the host)", st.t_cand_op);
    fprintf(stderr,
            "profile: start %.3f s, read wait %.3f s (reading %.3f s), positions %.3f s, blocks %.3f s, "
            "candidates %.3f s%s, exact %.3f s, speeds %.3f s, runs %.3f s, output %.3f s; backend: kernels "
            "%.3f s, transfers %.3f s; %llu distance tests\n",
            t_engine - t_start, st.t_read_wait, st.t_read, st.t_positions, st.t_grid, st.t_cand, op, st.t_exact,
            st.t_speeds, st.t_runs, tc_cli_now() - t_output, st.backend.t_cand, st.backend.t_transfer,
            (unsigned long long)st.distance_tests);
  }
  if (cfg.profile && auto_why[0])
    fprintf(stderr, "profile: backend auto: %s\n", auto_why);
  if (cfg.profile && st.has_device)
    print_device_profile(ops->name, &st.device);
  rc = 0;
  goto done;
fail:
  if (s == TC_ERR_CANCELLED && tc_stop_signal) { /* the events' pass 2, before any output */
    fprintf(stderr, "trajcorr encounters: interrupted by %s: nothing written\n", tc_stop_signal_name(tc_stop_signal));
    rc = 128 + tc_stop_signal;
  } else if (rk->rank == 0) /* a failure on any rank fails all of them with its message */
    fprintf(stderr, "trajcorr encounters: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  if (rk->size > 1 || a->log) {
    tc_runlog *l = tc_runlog_create("trajcorr encounters", a->log, quiet, rk->rank, 0, 0, 1, 0);
    if (l)
      tc_runlog_close(l, t_start, figures, rk->size);
    tc_runlog_free(l);
  }
  free(figures);
  tc_memory_source_free(ev2);
  tc_ranks_dark_free(dk);
  free(mtext);
  free(mmsi);
  tc_events_free(ev);
  tc_anchorage_feed_free(feed);
  tc_event_lists_free(&evl);
  tc_encounter_list_free(&list);
  tc_ckpt_free(ck);
  tc_multi_source_free(msrc);
  for (size_t i = 0; stores && i < nst; i++)
    tc_store_close(stores[i]);
  free(stores);
  free(spath);
  free(sinfo);
  if (!quiet && !a->log)
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
