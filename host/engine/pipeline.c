/* The streaming driver. Each bucket's fixes become grid positions as they arrive
 * (grid.c). Invariant after loading every fix with t < T: positions at grid times
 * u < T - max_gap are final (a later fix would be more than max_gap after the last
 * one at or before u), so grid times s with s + slot < T - max_gap have final
 * positions and final slot speeds and are processed now. */
#include "host/engine/engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/engine/exact.h"
#include "host/engine/grid.h"
#include "host/engine/grow.h"
#include "host/engine/runs.h"
#include "io/clock.h"

/* Positions per block (~100 bytes each across the block's buffers). Small blocks
 * reuse the same few megabytes, hot in cache, instead of touching fresh memory, which
 * costs more than the work on it; at least BLOCK_MIN_SLOTS grid times per block keep
 * the per-block costs (a search per vessel, one flush of the open runs) small. */
#define BLOCK_POSITIONS (1u << 16)
#define BLOCK_MIN_SLOTS 16

/* Runs shards per engine thread. A block's close pairs are linked shard by shard, each
 * taken by whichever thread is free: with one shard per thread, a thread that wakes
 * late (the other core busy with the reader or another process) left the whole stage
 * to the first one; with several, they share what is left. */
#define SHARDS_PER_THREAD 4

typedef struct {
  const tc_bucket_source *src;
  tc_columns *cols;
  int64_t t_end;
  int eof;
  tc_status st;
  tc_err err;
  double busy_s; /* time the read took, overlapped or not */
} prefetch_job;

static void *prefetch_main(void *arg) {
  prefetch_job *j = arg;
  double t0 = tc_clock_wall();
  j->eof = 0;
  tc_err_clear(&j->err);
  j->st = j->src->next(j->src->ctx, j->cols, &j->t_end, &j->eof, &j->err);
  j->busy_s = tc_clock_wall() - t0;
  return NULL;
}

/* A slice read, waited on since t_wait: the wait and the read's own time to stats. */
static void read_done(tc_engine_stats *stats, const prefetch_job *j, double t_wait) {
  stats->t_read_wait += tc_clock_wall() - t_wait;
  stats->t_read += j->busy_s;
}

static int64_t ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

typedef struct {
  const tc_params *p;
  const tc_backend_ops *ops;
  void *bstate;
  tc_grid_cpu *grid;
  uint32_t *fx_mmsi;           /* the bucket's vessels (fx_off: their first rows) */
  size_t *fx_off;
  size_t cap_fx;
  tc_grid_block blk[2];         /* a block's positions and its candidates; two when the */
  tc_pairbuf cand[2];           /* backend overlaps (the device on k+1, the host on k) */
  tc_closebuf close;
  unsigned char *in_close;     /* per block position: in a close pair */
  tc_pos_speed *pos;           /* and then it with its slot speed */
  size_t cap_speed;
  tc_runs **runs;              /* one per shard: pairs split by hash, linked in parallel */
  int threads;
  tc_encounter_list *found;    /* per shard */
  tc_edge_runs *edges;         /* per shard, in a part run */
  unsigned nshards;
  int fresh;                   /* tc_grid_block.fresh */
  tc_engine_stats *stats;
} engine;

/* Links the block's close pairs, shard by shard in parallel, then judges what can no
 * longer grow: every later close time is >= s_next. */
static tc_status link_runs(engine *e, const tc_grid_block *blk, int64_t s_next) {
  int bad = 0; /* the largest failing status: TC_ERR_IO (the spill file) over NOMEM */
  long long ns = (long long)e->nshards;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(e->threads) reduction(max : bad)
#endif
  for (long long k = 0; k < ns; k++) {
    tc_status st = TC_OK;
    if (blk)
      st = tc_runs_add(e->runs[k], blk, &e->close, e->pos, (unsigned)k, e->nshards);
    if (st == TC_OK)
      st = tc_runs_flush(e->runs[k], s_next, &e->found[k]);
    if ((int)st > bad)
      bad = (int)st;
  }
  size_t open = 0;
  for (unsigned k = 0; k < e->nshards; k++)
    open += tc_runs_open(e->runs[k]);
  if (open > e->stats->peak_open_pairs)
    e->stats->peak_open_pairs = open;
  return (tc_status)bad;
}

/* A failed link_runs or tc_runs call: the spill file's message, else `what`. */
static tc_status runs_fail(const engine *e, tc_status s, tc_err *err, const char *what) {
  for (unsigned k = 0; s == TC_ERR_IO && k < e->nshards; k++)
    if (*tc_runs_error(e->runs[k]))
      return tc_fail(err, s, "%s", tc_runs_error(e->runs[k]));
  return tc_fail(err, s, "%s", what);
}

/* The slot speeds of the block positions in close pairs, each computed once however
 * many pairs it is in (a ship moored among others is in many). */
static tc_status close_speeds(engine *e, const tc_grid_block *blk) {
  if (blk->n == 0) /* an empty block (an hour with no fixes): nothing allocated to clear */
    return TC_OK;
  void **const arr[] = {(void **)&e->in_close, (void **)&e->pos};
  const size_t size[] = {sizeof *e->in_close, sizeof *e->pos};
  if (!tc_reserve_all(arr, size, 2, &e->cap_speed, blk->n))
    return TC_ERR_NOMEM;
  memset(e->in_close, 0, blk->n);
  for (size_t i = 0; i < e->close.n; i++) {
    e->in_close[e->close.v[i].p] = 1;
    e->in_close[e->close.v[i].q] = 1;
  }
  tc_grid_cpu_speeds_pos(e->grid, blk, e->in_close, e->pos, e->p->threads);
  return TC_OK;
}

/* One call of the backend's candidates op, on the engine's thread or a thread of its
 * own (tc_backend_ops.overlap); its counts are added in when it is collected. */
typedef struct {
  engine *e;
  const tc_grid_block *blk;
  tc_pairbuf *cand;
  tc_backend_stats st;
  tc_status s;
  tc_err err;
  double busy_s;
} cand_call;

static void *cand_main(void *arg) {
  cand_call *c = arg;
  double t0 = tc_clock_wall();
  memset(&c->st, 0, sizeof c->st);
  tc_err_clear(&c->err);
  c->s = c->e->ops->candidates(c->e->bstate, c->blk, c->cand, &c->st, &c->err);
  c->busy_s = tc_clock_wall() - t0;
  return NULL;
}

/* A finished call's counts into the engine's: the close pairs the device kept back, of
 * runs it judged too short (bc.drop_short_runs), count as close pairs and judged runs. */
static tc_status cand_collect(engine *e, const cand_call *c, tc_err *err) {
  tc_backend_stats_add(&e->stats->backend, &c->st);
  e->stats->t_cand_op += c->busy_s;
  if (c->s != TC_OK) {
    if (err)
      *err = c->err;
    return c->s;
  }
  e->stats->close_pairs += c->st.dropped_pairs;
  tc_runs_add_judged(e->runs[0], c->st.dropped_runs);
  return TC_OK;
}

/* The host's stages on a block whose candidates are in: the exact test, the slot
 * speeds of the close pairs' positions and the linking into runs. */
static tc_status host_stages(engine *e, const tc_grid_block *blk, tc_pairbuf *cand, tc_err *err) {
  const tc_params *p = e->p;
  double t2 = tc_clock_wall();
  tc_status s = tc_exact_filter(blk, cand, tc_grid_cpu_mmsi(e->grid), p->dist_m, p->threads, e->nshards, &e->close);
  if (s != TC_OK)
    return tc_fail(err, s, "exact distance test: out of memory");
  double t3 = tc_clock_wall();
  if ((s = close_speeds(e, blk)) != TC_OK)
    return tc_fail(err, s, "slot speeds: out of memory");
  double t3b = tc_clock_wall();
  if ((s = link_runs(e, blk, blk->s0 + (int64_t)blk->nslots * p->slot)) != TC_OK)
    return runs_fail(e, s, err, "linking close pairs: out of memory");
  double t4 = tc_clock_wall();
  e->stats->grid_positions += blk->n;
  e->stats->grid_times += blk->nslots;
  e->stats->candidate_pairs += cand->n;
  e->stats->close_pairs += e->close.n;
  e->stats->t_exact += t3 - t2;
  e->stats->t_speeds += t3b - t3;
  e->stats->t_runs += t4 - t3b;
  return TC_OK;
}

/* Grid times [lo, hi), block by block. With an overlapping backend (a device), block
 * k's candidates are sought on a thread of their own while this one runs block k-1's
 * host stages and computes block k+1's positions; blocks are still linked in order, so
 * the runs see what they would in line. */
static tc_status process_range(engine *e, int64_t lo, int64_t hi, tc_err *err) {
  const tc_params *p = e->p;
  size_t want = e->ops->block_positions ? e->ops->block_positions(e->bstate) : BLOCK_POSITIONS;
  size_t nv = tc_grid_cpu_vessels(e->grid);
  size_t per = nv ? want / nv : 1024;
  size_t least = e->ops->block_min_slots ? e->ops->block_min_slots(e->bstate) : 0;
  if (per < BLOCK_MIN_SLOTS)
    per = BLOCK_MIN_SLOTS;
  if (per < least)
    per = least;
  if (per > 1024)
    per = 1024;
  const int overlap = e->ops->overlap && e->ops->overlap(e->bstate) && hi - lo > (int64_t)per * p->slot;
  cand_call call = {.e = e};
  pthread_t th;
  int inflight = 0, cur = 0;
  tc_grid_block *held = NULL; /* a block whose candidates are sought, its host stages to come */
  tc_status s = TC_OK;
  for (int64_t s0 = lo; s0 < hi || held; s0 += (int64_t)per * p->slot) {
    tc_grid_block *b = NULL;
    if (s0 < hi) {
      int64_t left = (hi - s0) / p->slot;
      b = &e->blk[cur];
      b->s0 = s0;
      b->slot = p->slot;
      b->nslots = (size_t)(left < (int64_t)per ? left : (int64_t)per);
      double t0 = tc_clock_wall();
      if ((s = tc_grid_cpu_compute(e->grid, b, p->threads)) != TC_OK) {
        s = tc_fail(err, s, "grid positions: out of memory");
        break;
      }
      b->mmsi = tc_grid_cpu_mmsi(e->grid);
      b->nv = tc_grid_cpu_vessels(e->grid);
      b->fresh = e->fresh;
      e->stats->t_grid += tc_clock_wall() - t0;
    }
    double t1 = tc_clock_wall();
    if (inflight) { /* the held block's candidates */
      pthread_join(th, NULL);
      inflight = 0;
      if ((s = cand_collect(e, &call, err)) != TC_OK)
        break;
    }
    if (b) {
      call.blk = b;
      call.cand = &e->cand[cur];
      if (overlap && pthread_create(&th, NULL, cand_main, &call) == 0) {
        inflight = 1;
      } else {
        cand_main(&call);
        if ((s = cand_collect(e, &call, err)) != TC_OK)
          break;
      }
    }
    e->stats->t_cand += tc_clock_wall() - t1;
    if (held && (s = host_stages(e, held, &e->cand[cur ^ 1], err)) != TC_OK)
      break;
    held = NULL;
    if (inflight) {
      held = b;
      cur ^= 1;
    } else if (b && (s = host_stages(e, b, &e->cand[cur], err)) != TC_OK) {
      break;
    }
  }
  if (inflight) /* a failure on this thread: the device's call ends before anything is freed */
    pthread_join(th, NULL);
  if (overlap)
    e->stats->overlapped = 1;
  return s;
}

/* The bucket's rows as per-vessel fixes: rows are sorted by (mmsi, t), so a vessel's
 * rows end at the lower bound of the next mmsi (a search per vessel, not a pass). */
static tc_status bucket_fixes(engine *e, const tc_columns *b, tc_track_window *fx) {
  void **const arr[] = {(void **)&e->fx_mmsi, (void **)&e->fx_off};
  const size_t size[] = {sizeof *e->fx_mmsi, sizeof *e->fx_off};
  size_t nv = 0;
  for (size_t i = 0;; nv++) {
    if (!tc_reserve_all(arr, size, 2, &e->cap_fx, nv + 1))
      return TC_ERR_NOMEM;
    e->fx_off[nv] = i;
    if (i == b->n)
      break;
    uint32_t m = b->mmsi[i];
    e->fx_mmsi[nv] = m;
    i = m == UINT32_MAX ? b->n : i + tc_lower_bound_u32(b->mmsi + i, b->n - i, m + 1);
  }
  *fx = (tc_track_window){nv, e->fx_mmsi, e->fx_off, b->t, b->lat, b->lon, e->p->max_gap};
  return TC_OK;
}

tc_status tc_encounters_run(const tc_bucket_source *src, const tc_params *p,
                            const tc_backend_ops *ops, const tc_backend_config *cfg,
                            tc_encounter_list *out, tc_engine_stats *stats, tc_err *err) {
  return tc_encounters_run_hooked(src, p, ops, cfg, NULL, out, stats, err);
}

tc_status tc_encounters_run_hooked(const tc_bucket_source *src, const tc_params *p, const tc_backend_ops *ops,
                                   const tc_backend_config *cfg, const tc_engine_hooks *hooks,
                                   tc_encounter_list *out, tc_engine_stats *stats, tc_err *err) {
  static const tc_engine_hooks none = {0};
  if (!hooks)
    hooks = &none;
  /* a part's runs at its edges are not in a checkpoint's state */
  if (hooks->edges && (hooks->restore || hooks->after_slice))
    return tc_fail(err, TC_ERR_ARG, "a time part of a split run takes no checkpoints");
  tc_status s = tc_params_check(p, err);
  if (s != TC_OK)
    return s;
  tc_params pt = *p; /* with the thread count decided once, for every stage */
  pt.threads = tc_params_threads(p);
  p = &pt;
  engine e;
  memset(&e, 0, sizeof e);
  memset(stats, 0, sizeof *stats);
  e.p = p;
  e.ops = ops;
  e.stats = stats;
  tc_columns cols; /* one slice of rows: read, turned into positions, then read again */
  tc_columns_init(&cols);
  prefetch_job job;
  pthread_t th;
  int running = 0;
  size_t out_n0 = out->n;

  tc_backend_config bc = *cfg;
  bc.dist_m = p->dist_m;
  bc.single_precision = p->single_precision;
  bc.threads = p->threads;
  bc.decide = 1; /* a device that decides sends back close pairs, not candidates */
  /* ... and may keep back the runs too short to report, which the runs would judge alone
   * (counted as judged: checkpoints keep the count): not when an MMSI filter skips pairs,
   * nor in a time part, whose runs at its head go to the edges unjudged */
  bc.drop_short_runs = !p->mmsi_filter && !hooks->edges;
  bc.slot = p->slot;
  bc.merge_gap = p->merge_gap;
  bc.min_duration = p->min_duration;
  job.src = src;
  job.cols = &cols;
  /* A backend that loads a driver starts on this thread while the reader thread reads the
   * first slice (a thread of its own for the driver failed to exit under ASan once PoCL
   * was loaded; this one outlives the driver). Else the first slice is read below. */
  if (ops->slow_create) {
    if (pthread_create(&th, NULL, prefetch_main, &job) != 0) {
      s = tc_fail(err, TC_ERR_INTERNAL, "cannot start the reader thread");
      goto cleanup;
    }
    running = 1;
  }
  if ((s = ops->create(&bc, &e.bstate, err)) != TC_OK)
    goto cleanup;
  stats->precision = ops->precision ? ops->precision(e.bstate) : "double";
  e.threads = p->threads;
  e.nshards = p->threads > 1 ? (unsigned)p->threads * SHARDS_PER_THREAD : 1;
  e.runs = calloc(e.nshards, sizeof *e.runs);
  e.found = calloc(e.nshards, sizeof *e.found);
  e.edges = hooks->edges ? calloc(e.nshards, sizeof *e.edges) : NULL;
  s = e.runs && e.found && (e.edges || !hooks->edges)
          ? tc_grid_cpu_create(p->slot, p->max_gap, p->max_implied_speed_kn, &e.grid)
          : TC_ERR_NOMEM;
  for (unsigned k = 0; s == TC_OK && k < e.nshards; k++)
    if ((s = tc_runs_create(p, &e.runs[k])) == TC_OK) {
      /* the spill budget is per engine thread, whatever the shards */
      tc_runs_spill_from(e.runs[k], TC_RUNS_SPILL_FROM * (size_t)e.threads / e.nshards);
      if (e.edges)
        tc_runs_set_head(e.runs[k], hooks->head_until, &e.edges[k]);
    }
  if (s != TC_OK) {
    tc_fail(err, s, "out of memory starting the engine");
    goto cleanup;
  }

  int64_t s_done = INT64_MIN; /* grid times below this are processed */
  tc_engine_view view = {e.grid, e.runs, e.found, e.nshards, &s_done, stats};
  uint64_t slice = 0;
  int read_first = running; /* the first slice, read while the backend started */
  double tr = tc_clock_wall();
  if (running) { /* joined before the restore, which ran before the read until then */
    pthread_join(th, NULL);
    running = 0;
    read_done(stats, &job, tr);
  }
  if (hooks->restore && (s = hooks->restore(hooks->ctx, &view, err)) != TC_OK)
    goto cleanup;
  e.fresh = 1; /* no candidate restored open: no close time from before can join a run */
  for (unsigned k = 0; k < e.nshards; k++)
    e.fresh &= tc_runs_open(e.runs[k]) == 0;
  if (!read_first) {
    /* Nothing to overlap: read here, so that its decoding team is the one the engine
     * then reuses (a second team costs a thread start each). */
    tr = tc_clock_wall();
    prefetch_main(&job);
    read_done(stats, &job, tr);
  }
  int64_t from = p->from == INT64_MIN ? INT64_MIN : ceil_to(p->from, p->slot);
  for (;;) {
    if (running) {
      double tw = tc_clock_wall();
      pthread_join(th, NULL);
      running = 0;
      read_done(stats, &job, tw);
    }
    if (job.st != TC_OK) {
      if (err)
        *err = job.err;
      s = job.st;
      goto cleanup;
    }
    int eof = job.eof;
    int64_t T = job.t_end;
    double t0 = tc_clock_wall();
    tc_track_window fx;
    if (!eof) {
      stats->reads++;
      stats->fixes_read += cols.n;
      if ((s = bucket_fixes(&e, &cols, &fx)) != TC_OK ||
          (s = tc_grid_cpu_add(e.grid, &fx, s_done == INT64_MIN ? INT64_MIN : s_done - p->slot, T,
                               p->threads, &stats->teleport_dropped)) != TC_OK) {
        tc_fail(err, s, s == TC_ERR_FORMAT ? "fixes out of (mmsi, t) order reached the grid (a damaged store?)"
                                           : "out of memory computing grid positions");
        goto cleanup;
      }
      if (hooks->after_add && (s = hooks->after_add(hooks->ctx, e.grid, T, err)) != TC_OK)
        goto cleanup;
      /* The rows are now positions: they take the next slice while this one's grid
       * times are processed (reading during the add would only slow both down). */
      if (pthread_create(&th, NULL, prefetch_main, &job) != 0) {
        s = tc_fail(err, TC_ERR_INTERNAL, "cannot start the reader thread");
        goto cleanup;
      }
      running = 1;
    }
    stats->t_positions += tc_clock_wall() - t0;
    int64_t s_fin;
    if (eof) {
      int64_t tmax = tc_grid_cpu_last_fix(e.grid);
      s_fin = tmax == INT64_MIN ? s_done : ceil_to(tmax, p->slot) + p->slot;
    } else {
      s_fin = ceil_to(T - p->max_gap - p->slot, p->slot);
    }
    int64_t lo = s_done, tmin = tc_grid_cpu_first(e.grid); /* a grid time */
    if (tmin != INT64_MAX && (lo == INT64_MIN || lo < tmin))
      lo = tmin;
    if (lo < from)
      lo = from;
    int64_t hi = s_fin < p->to ? s_fin : p->to;
    if (lo != INT64_MIN && lo < hi) {
      if ((s = process_range(&e, lo, hi, err)) != TC_OK)
        goto cleanup;
    }
    int64_t was = s_done;
    if (hi > s_done || s_done == INT64_MIN)
      s_done = s_fin > s_done ? s_fin : s_done;
    if (hooks->tick) {
      tc_engine_tick tk = {stats->reads, stats->fixes_read, T, s_done};
      hooks->tick(hooks->tick_ctx, &tk);
    }
    /* Every grid time before --to is final: what is left to read cannot add a close
     * time, so the read stops here instead of carrying the grid to the store's end
     * (a part of a rank's split keeps its runs open for the next part instead). */
    int past_to = !src->read_all && p->to != INT64_MAX && s_done != INT64_MIN && s_done >= p->to;
    /* A part ends at p->to: a close time of the next part (>= p->to) may still extend
     * what ended less than merge_gap before it. */
    int part_end = hooks->edges && p->to != INT64_MAX && s_done != INT64_MIN && s_done >= p->to;
    if (eof || past_to || part_end || s_done != was) { /* else no grid time became final: nothing new can close */
      double t1 = tc_clock_wall();
      if ((s = link_runs(&e, NULL, eof ? INT64_MAX : part_end ? p->to : past_to ? INT64_MAX : s_done)) != TC_OK) {
        runs_fail(&e, s, err, "out of memory judging encounters");
        goto cleanup;
      }
      for (unsigned k = 0; part_end && !eof && k < e.nshards; k++)
        if ((s = tc_runs_export_open(e.runs[k], &e.edges[k])) != TC_OK) {
          runs_fail(&e, s, err, "out of memory keeping the runs open at the part's end");
          goto cleanup;
        }
      stats->t_runs += tc_clock_wall() - t1;
    }
    if (eof || part_end || past_to)
      break;
    if (hooks->after_slice && (s = hooks->after_slice(hooks->ctx, &view, ++slice, err)) != TC_OK)
      goto cleanup;
  }
  for (unsigned k = 0; e.edges && k < e.nshards; k++)
    for (size_t i = 0; i < e.edges[k].n; i++) {
      const tc_edge_runs *x = &e.edges[k];
      if (tc_edge_runs_push(hooks->edges, x->key[i], x->flags[i], x->t + x->off[i], x->off[i + 1] - x->off[i]) !=
          TC_OK) {
        s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting the part's edge runs");
        goto cleanup;
      }
    }
  for (unsigned k = 0; k < e.nshards; k++) {
    stats->candidates += tc_runs_candidates(e.runs[k]);
    for (size_t i = 0; i < e.found[k].n; i++)
      if (tc_encounter_list_push(out, &e.found[k].v[i]) != TC_OK) {
        s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting encounters");
        goto cleanup;
      }
  }
  stats->distance_tests = stats->backend.tests;
  tc_encounter_list_sort(out);
  stats->encounters = out->n - out_n0;

cleanup:
  if (running)
    pthread_join(th, NULL);
  tc_columns_free(&cols);
  free(e.fx_mmsi);
  free(e.fx_off);
  free(e.in_close);
  free(e.pos);
  for (unsigned k = 0; e.runs && k < e.nshards; k++)
    tc_runs_free(e.runs[k]);
  for (unsigned k = 0; e.found && k < e.nshards; k++)
    tc_encounter_list_free(&e.found[k]);
  for (unsigned k = 0; e.edges && k < e.nshards; k++)
    tc_edge_runs_free(&e.edges[k]);
  free(e.edges);
  free(e.runs);
  free(e.found);
  tc_grid_cpu_free(e.grid);
  for (int k = 0; k < 2; k++) {
    tc_grid_block_free(&e.blk[k]);
    tc_pairbuf_free(&e.cand[k]);
  }
  tc_closebuf_free(&e.close);
  if (e.bstate && ops->profile) {
    ops->profile(e.bstate, &stats->device);
    stats->has_device = 1;
  }
  if (e.bstate)
    ops->destroy(e.bstate);
  return s;
}
