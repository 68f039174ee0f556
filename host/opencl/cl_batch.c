/* Sub-batches of the OpenCL backends: a grid block is cut into runs of consecutive
 * grid times that fit the device memory budget; each is written without blocking while
 * the previous one computes (two input sets, a transfer queue and a compute queue) and
 * staged (unit vectors in double -> cells and cell-relative offsets) on the device, or
 * on the host for a device without fp64, then
 *   "opencl":          cell keys and occupancy bits -> counting sort (histogram, scan,
 *                      scatter) -> neighbour-cell scan emitting pairs through an
 *                      atomic counter
 *                      (a CPU device: all of it in one kernel, a work-item a grid
 *                      time, cl_slots.c)
 *   "opencl-allpairs": tiled all pairs of each grid time, same emitter.
 * A full pair buffer is never a silent drop: the count still grows, and the host
 * reruns the pair kernel with a larger buffer, or halves the sub-batch when the
 * budget allows no larger one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/opencl/cl_slots.h"
#include "host/opencl/cl_stage.h"
#include "host/opencl/cl_state.h"
#include "io/clock.h"

#define COUNT_LIMIT TC_OCL_COUNT_LIMIT
#define MAX_PENDING TC_OCL_MAX_PENDING
#define kname tc_ocl_kernel_names
enum { K_KEYS, K_SCAN, K_ADD, K_SCATTER, K_NEIGH, K_ALLPAIRS, K_STAGE };
enum { P_KEYS = TC_P_KEYS, P_SORT = TC_P_SORT, P_PAIRS = TC_P_PAIRS, P_WRITE = TC_P_WRITE,
       P_READ = TC_P_READ };

typedef tc_ocl ocl;
typedef tc_ocl_inset inset;


/* ---- one sub-batch ------------------------------------------------------------ */

static size_t batch_n(const tc_grid_block *blk, tc_cl_batch b) {
  return blk->off[b.s1] - blk->off[b.s0];
}

/* Stages sub-batch b on the host and writes it, without blocking, into set `set`. */
static tc_status stage_write(ocl *s, const tc_grid_block *blk, tc_cl_batch b, int set,
                             tc_err *err) {
  tc_status st = TC_OK;
  inset *in = &s->in[set];
  size_t n = batch_n(blk, b), ns = b.s1 - b.s0 + 1;
  if (in->written) { /* the host arrays are still being read by the last write */
    double tw = tc_clock_wall();
    cl_int wrc = clWaitForEvents(1, &in->written);
    s->info.t_wait += tc_clock_wall() - tw;
    TC_CL_TRY_RC(err, wrc, "clWaitForEvents");
    clReleaseEvent(in->written);
    in->written = NULL;
  }
  if (n > in->dcap) { /* what the screen reads, on the device: cells and offsets */
    size_t old = in->dcap;
    int with_pos = !(s->dev_stage && !s->allpairs); /* tc_stage_keys makes no offsets */
    in->dcap = 0;
    if ((st = tc_ocl_remake(s, &in->cell, old * 16, n * 16, "cells", err)) != TC_OK ||
        (with_pos &&
         (st = tc_ocl_remake(s, &in->pos, old * s->rsize, n * s->rsize, "offsets", err)) != TC_OK))
      goto cleanup;
    in->dcap = n;
  }
  if (s->dev_stage && !s->zero_copy && n > in->ucap) { /* the unit vectors they are made from */
    size_t old = in->ucap;
    in->ucap = 0;
    if ((st = tc_ocl_remake(s, &in->ux, old * 8, n * 8, "unit vectors", err)) != TC_OK ||
        (st = tc_ocl_remake(s, &in->uy, old * 8, n * 8, "unit vectors", err)) != TC_OK ||
        (st = tc_ocl_remake(s, &in->uz, old * 8, n * 8, "unit vectors", err)) != TC_OK)
      goto cleanup;
    in->ucap = n;
  }
  if (!s->dev_stage && n > in->cap) { /* host staging arrays */
    int32_t *hc = realloc(in->hcell, n * 16);
    if (hc)
      in->hcell = hc;
    void *hp = realloc(in->hpos, n * s->rsize);
    if (hp)
      in->hpos = hp;
    if (!hc || !hp) {
      st = tc_fail(err, TC_ERR_NOMEM, "OpenCL staging: %zu positions", n);
      goto cleanup;
    }
    in->cap = n;
  }
  if (ns > in->slot_cap) {
    size_t old = in->slot_cap;
    in->slot_cap = 0;
    if ((st = tc_ocl_remake(s, &in->slot, old * 4, ns * 4, "grid-time offsets", err)) != TC_OK ||
        (st = tc_ocl_remake(s, &in->boff, old * 4, ns * 4, "bucket offsets", err)) != TC_OK)
      goto cleanup;
    uint32_t *hs = realloc(in->hslot, ns * 4);
    if (hs)
      in->hslot = hs;
    uint32_t *hb = realloc(in->hboff, ns * 4);
    if (hb)
      in->hboff = hb;
    if (!hs || !hb) {
      st = tc_fail(err, TC_ERR_NOMEM, "OpenCL staging: %zu grid times", ns);
      goto cleanup;
    }
    in->slot_cap = ns;
  }
  double t0 = tc_clock_wall();
  size_t a = blk->off[b.s0];
  in->nslots = b.s1 - b.s0;
  if (s->dev_stage) {
    /* the block's unit vectors as they are: no host pass over the positions, 24 bytes a
     * position up instead of 16 + 32 (kernels/stage.cl makes cells and offsets) */
    in->nbuckets = tc_cl_stage_offsets(blk, b, in->hslot, in->hboff);
    s->info.t_stage += tc_clock_wall() - t0;
    s->info.bytes_up += n * 24 + 2 * ns * 4;
    const double *u[3] = {blk->x + a, blk->y + a, blk->z + a};
    cl_mem *d[3] = {&in->ux, &in->uy, &in->uz};
    if (s->zero_copy) { /* the device is this CPU: buffers over the block's own arrays, no
                           copy (the op waits for its kernels before it returns) */
      s->info.bytes_up -= n * 24;
      for (int k = 0; n && k < 3; k++) {
        cl_int rc = CL_SUCCESS;
        if (*d[k])
          clReleaseMemObject(*d[k]);
        *d[k] = clCreateBuffer(s->ctx, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, n * 8, (void *)u[k], &rc);
        TC_CL_TRY_RC(err, rc, "clCreateBuffer (CL_MEM_USE_HOST_PTR)");
      }
    } else
      for (int k = 0; k < 3; k++)
        TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, *d[k], CL_FALSE, 0, n * 8, u[k], 0, NULL,
                                            tc_ocl_prof_slot(s, P_WRITE)));
  } else {
    in->nbuckets = tc_cl_stage(blk, b, s->cell, s->single, in->hcell, in->hpos, in->hslot,
                               in->hboff, s->threads);
    s->info.t_stage += tc_clock_wall() - t0;
    s->info.bytes_up += n * 16 + n * s->rsize + 2 * ns * 4;
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, in->cell, CL_FALSE, 0, n * 16, in->hcell, 0, NULL,
                                        tc_ocl_prof_slot(s, P_WRITE)));
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, in->pos, CL_FALSE, 0, n * s->rsize, in->hpos, 0,
                                        NULL, tc_ocl_prof_slot(s, P_WRITE)));
  }
  if (s->drop_runs) { /* vessel indices: which close pairs are one vessel pair's */
    if ((st = tc_ocl_ensure(s, &in->vid, &in->vcap, n, 4, "vessel indices", err)) != TC_OK)
      goto cleanup;
    s->info.bytes_up += n * 4;
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, in->vid, CL_FALSE, 0, n * 4, blk->vid + a, 0, NULL,
                                        tc_ocl_prof_slot(s, P_WRITE)));
  }
  TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, in->slot, CL_FALSE, 0, ns * 4, in->hslot, 0, NULL,
                                      NULL));
  TC_CL_TRY(err, clEnqueueWriteBuffer(s->xq, in->boff, CL_FALSE, 0, ns * 4, in->hboff, 0, NULL,
                                      &in->written));
  TC_CL_TRY(err, clFlush(s->xq));
cleanup:
  return st;
}

/* The pair kernel of a sub-batch already keyed and sorted (or, all pairs, written). */
static tc_status pairs_kernel(ocl *s, int set, size_t n, size_t base, const cl_event *wait,
                              tc_err *err) {
  tc_status st = TC_OK;
  cl_uint un = (cl_uint)n, ub = (cl_uint)base, cap = (cl_uint)s->pair_cap;
  const void *cell = s->single ? (const void *)&s->cell_f : (const void *)&s->cell_d;
  const void *scr = s->single ? (const void *)&s->screen_f : (const void *)&s->screen_d;
  const void *band = s->single ? (const void *)&s->band_f : (const void *)&s->band_d;
  size_t rs = s->single ? sizeof(cl_float) : sizeof(cl_double);
  if ((st = tc_ocl_fill_zero(s, s->count, 4, TC_P_SORT, err)) != TC_OK)
    return st;
  if (s->slot_cells) { /* a CPU device: the whole cell search, a work-item a grid time */
    if ((st = tc_ocl_slot_cells(s, set, n, base, wait, err)) != TC_OK)
      return st;
  } else if (s->allpairs) {
    inset *in = &s->in[set];
    if ((st = tc_ocl_args(s->k[K_ALLPAIRS], kname[K_ALLPAIRS], err, 14, A(in->cell), A(in->pos),
                   A(in->slot), A(un), rs, cell, rs, scr, rs, band, A(ub), A(s->pp), A(s->pq), A(cap),
                   A(s->count), L(s->wg * 16), L(s->wg * s->rsize))) != TC_OK ||
        (st = tc_ocl_launch(s, K_ALLPAIRS, n, wait, P_PAIRS, err)) != TC_OK)
      return st;
  } else {
    inset *in = &s->in[set];
    size_t groups = (n + s->wg - 1) / s->wg;
    if ((st = tc_ocl_fill_zero(s, s->tests, groups * 8, TC_P_SORT, err)) != TC_OK ||
        (st = tc_ocl_args(s->k[K_NEIGH], kname[K_NEIGH], err, 16, A(s->scell), A(s->spos), A(s->sidx),
                   A(s->start), A(in->boff), A(s->occ), A(un), rs, cell, rs, scr, rs, band, A(ub), A(s->pp), A(s->pq),
                   A(cap), A(s->count), A(s->tests))) != TC_OK ||
        (st = tc_ocl_launch(s, K_NEIGH, n, NULL, P_PAIRS, err)) != TC_OK)
      return st;
  }
  cl_int rc = clEnqueueReadBuffer(s->q, s->count, CL_FALSE, 0, 4, &s->hcount, 0, NULL,
                                  tc_ocl_prof_slot(s, P_READ));
  TC_CL_TRY_RC(err, rc, "clEnqueueReadBuffer");
  s->info.bytes_down += 4;
cleanup:
  return st;
}

/* Enqueues everything of one sub-batch on the compute queue (nothing waits here). */
static tc_status compute(ocl *s, int set, size_t n, size_t base, tc_err *err) {
  tc_status st = TC_OK;
  inset *in = &s->in[set];
  cl_uint un = (cl_uint)n;
  s->info.batches++;
  cl_uint uns = (cl_uint)in->nslots;
  cl_double cell = s->cell;
  if (s->dev_stage && s->allpairs) {
    if ((st = tc_ocl_args(s->k[K_STAGE], kname[K_STAGE], err, 9, A(in->ux), A(in->uy), A(in->uz), A(un),
                   A(in->slot), A(uns), A(cell), A(in->cell), A(in->pos))) != TC_OK ||
        (st = tc_ocl_launch(s, K_STAGE, n, &in->written, P_KEYS, err)) != TC_OK)
      return st;
  }
  if (s->slot_cells)
    s->info.slot_batches++;
  else if (!s->allpairs) {
    size_t nb = in->nbuckets, groups = (n + s->wg - 1) / s->wg;
    if (n > s->work_cap) {
      size_t old = s->work_cap;
      s->work_cap = 0;
      if ((st = tc_ocl_remake(s, &s->key, old * 4, n * 4, "keys", err)) ||
          (st = tc_ocl_remake(s, &s->rank, old * 4, n * 4, "ranks", err)) ||
          (st = tc_ocl_remake(s, &s->scell, old * 16, n * 16, "sorted cells", err)) ||
          (st = tc_ocl_remake(s, &s->spos, old * s->rsize, n * s->rsize, "sorted offsets", err)) ||
          (st = tc_ocl_remake(s, &s->sidx, old * 4, n * 4, "sorted index", err)))
        return st;
      s->work_cap = n;
    }
    size_t nocc = (8 * nb + 31) / 32; /* occupancy words: 8 bits a bucket */
    if ((st = tc_ocl_ensure(s, &s->start, &s->start_cap, nb + 1, 4, "buckets", err)) ||
        (st = tc_ocl_ensure(s, &s->occ, &s->occ_cap, nocc, 4, "occupancy bits", err)) ||
        (st = tc_ocl_ensure(s, &s->tests, &s->tests_cap, groups, 8, "test counts", err)))
      return st;
    if ((st = tc_ocl_fill_zero(s, s->start, (nb + 1) * 4, TC_P_SORT, err)) ||
        (st = tc_ocl_fill_zero(s, s->occ, nocc * 4, TC_P_SORT, err)))
      return st;
    if (s->dev_stage) { /* cells and keys in one pass; offsets made by the scatter */
      int k = TC_K_STAGE_KEYS;
      if ((st = tc_ocl_args(s->k[k], kname[k], err, 13, A(in->ux), A(in->uy), A(in->uz), A(un),
                            A(in->slot), A(uns), A(cell), A(in->boff), A(in->cell), A(s->key),
                            A(s->rank), A(s->start), A(s->occ))) ||
          (st = tc_ocl_launch(s, k, n, &in->written, P_KEYS, err)) ||
          (st = tc_ocl_scan(s, s->start, nb + 1, 0, P_SORT, err)))
        return st;
      k = TC_K_SCATTER_U;
      if ((st = tc_ocl_args(s->k[k], kname[k], err, 12, A(in->cell), A(in->ux), A(in->uy), A(in->uz),
                            A(cell), A(s->key), A(s->rank), A(s->start), A(un), A(s->scell),
                            A(s->spos), A(s->sidx))) ||
          (st = tc_ocl_launch(s, k, n, NULL, P_SORT, err)))
        return st;
    } else if ((st = tc_ocl_args(s->k[K_KEYS], kname[K_KEYS], err, 7, A(in->cell), A(un), A(in->boff),
                                 A(s->key), A(s->rank), A(s->start), A(s->occ))) ||
               (st = tc_ocl_launch(s, K_KEYS, n, &in->written, P_KEYS, err)) ||
               (st = tc_ocl_scan(s, s->start, nb + 1, 0, P_SORT, err)) ||
               (st = tc_ocl_args(s->k[K_SCATTER], kname[K_SCATTER], err, 9, A(in->cell), A(in->pos),
                                 A(s->key), A(s->rank), A(s->start), A(un), A(s->scell), A(s->spos),
                                 A(s->sidx))) ||
               (st = tc_ocl_launch(s, K_SCATTER, n, NULL, P_SORT, err)))
      return st;
  }
  if ((st = pairs_kernel(s, set, n, base, &in->written, err)) != TC_OK)
    return st;
  TC_CL_TRY(err, clFlush(s->q));
cleanup:
  return st;
}

static uint64_t allpairs_tests(const tc_grid_block *blk, tc_cl_batch b) {
  uint64_t t = 0;
  for (size_t j = b.s0; j < b.s1; j++) {
    uint64_t m = blk->off[j + 1] - blk->off[j];
    t += m * (m ? m - 1 : 0) / 2;
  }
  return t;
}

/* Largest pair buffer (pairs) the budget and the device's allocation limit allow. */
static size_t pair_room(const ocl *s) {
  size_t other = s->used - 8 * s->pair_cap;
  size_t room = s->budget > other ? (s->budget - other) / 8 : 0;
  size_t lim = (size_t)(s->dev.max_alloc / 4);
  if (room > lim)
    room = lim;
  return room < COUNT_LIMIT ? room : COUNT_LIMIT - 1;
}

tc_status tc_ocl_set_pair_cap(ocl *s, size_t cap, tc_err *err) {
  tc_status st;
  size_t old = s->pair_cap;
  s->pair_cap = 0;
  tc_ocl_release(s, &s->pp, 4 * old);
  tc_ocl_release(s, &s->pq, 4 * old);
  if ((st = tc_ocl_remake(s, &s->pp, 0, 4 * cap, "pair", err)) ||
      (st = tc_ocl_remake(s, &s->pq, 0, 4 * cap, "pair", err)))
    return st;
  s->pair_cap = cap;
  s->info.pair_capacity = cap;
  return TC_OK;
}

static tc_status run_sync(ocl *s, const tc_grid_block *blk, tc_cl_batch b, int set,
                          tc_pairbuf *out, tc_backend_stats *stats, tc_err *err);

/* Waits for sub-batch b, answers an overflow, appends its pairs to out. */
static tc_status finish(ocl *s, const tc_grid_block *blk, tc_cl_batch b, int set, tc_pairbuf *out,
                        tc_backend_stats *stats, tc_err *err) {
  tc_status st = TC_OK;
  size_t n = batch_n(blk, b), base = blk->off[b.s0];
  /* the neighbour scan's test counts: a pair of words a group, or a grid time */
  size_t groups = s->slot_cells ? b.s1 - b.s0 : (n + s->wg - 1) / s->wg;
  if ((st = tc_ocl_wait(s, err)) != TC_OK)
    goto cleanup;
  if (s->hcount > s->pair_cap) {
    size_t need = s->hcount + s->hcount / 8 + 1024;
    if (s->hcount < COUNT_LIMIT && need <= pair_room(s)) {
      s->info.retries++;
      if ((st = tc_ocl_set_pair_cap(s, need, err)) != TC_OK ||
          (st = pairs_kernel(s, set, n, base, NULL, err)) != TC_OK)
        goto cleanup;
      if ((st = tc_ocl_wait(s, err)) != TC_OK)
        goto cleanup;
      if (s->hcount > s->pair_cap) {
        st = tc_fail(err, TC_ERR_INTERNAL, "OpenCL pair count changed on rerun (%u > %zu)",
                     (unsigned)s->hcount, s->pair_cap);
        goto cleanup;
      }
    } else if (b.s1 - b.s0 > 1) { /* halve the grid times; each half runs on its own */
      s->info.splits++;
      tc_cl_batch h1 = {b.s0, b.s0 + (b.s1 - b.s0) / 2}, h2 = {h1.s1, b.s1};
      if ((st = run_sync(s, blk, h1, set, out, stats, err)) == TC_OK)
        st = run_sync(s, blk, h2, set, out, stats, err);
      goto cleanup;
    } else {
      st = tc_fail(err, TC_ERR_OVERFLOW,
                   "grid time %lld: %s%u candidate pairs do not fit the OpenCL device memory "
                   "budget of %zu bytes (raise --device-memory or lower --dist)",
                   (long long)(blk->s0 + (int64_t)b.s0 * blk->slot),
                   s->hcount >= COUNT_LIMIT ? "over " : "", (unsigned)s->hcount, s->budget);
      goto cleanup;
    }
  }
  size_t m = s->hcount;
  /* runs linked on the device (cl_runs.c): it appends to out what the host needs itself */
  if (s->decide && (st = tc_ocl_drop_runs(s, blk, b.s0, b.s1, set, &m, out, stats, err)) != TC_OK)
    goto cleanup;
  if (m) {
    out->pair_ordered = 0;
    if (tc_pairbuf_reserve(out, out->n + m) != TC_OK) {
      st = tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu candidate pairs", out->n + m);
      goto cleanup;
    }
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, s->pp, CL_FALSE, 0, 4 * m, out->p + out->n,
                                       0, NULL, tc_ocl_prof_slot(s, P_READ)));
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, s->pq, CL_FALSE, 0, 4 * m, out->q + out->n,
                                       0, NULL, tc_ocl_prof_slot(s, P_READ)));
    s->info.bytes_down += 8 * (uint64_t)m;
  }
  uint64_t tests = 0;
  if (s->allpairs) {
    tests = allpairs_tests(blk, b);
  } else {
    if (groups > s->htests_cap) { /* two words a group: low, high (tc_group_add) */
      cl_uint *t = realloc(s->htests, groups * 2 * sizeof *t);
      if (!t) {
        st = tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu test counts", groups);
        goto cleanup;
      }
      s->htests = t;
      s->htests_cap = groups;
    }
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, s->tests, CL_FALSE, 0, groups * 8, s->htests, 0, NULL,
                                       tc_ocl_prof_slot(s, P_READ)));
    s->info.bytes_down += 8 * (uint64_t)groups;
  }
  if ((st = tc_ocl_wait(s, err)) != TC_OK)
    goto cleanup;
  for (size_t g = 0; !s->allpairs && g < groups; g++)
    tests += s->htests[2 * g] + ((uint64_t)s->htests[2 * g + 1] << 32);
  uint64_t band = 0;
  for (size_t i = 0; s->decide && i < m; i++)
    band += (out->q[out->n + i] & TC_PAIR_BAND) != 0;
  s->info.band += band;
  s->info.listed += m;
  out->n += m;
  if (stats) {
    stats->candidates += m;
    stats->tests += tests;
    stats->band += band;
  }
cleanup:
  return st;
}

/* One sub-batch start to end (after a split). */
static tc_status run_sync(ocl *s, const tc_grid_block *blk, tc_cl_batch b, int set,
                          tc_pairbuf *out, tc_backend_stats *stats, tc_err *err) {
  tc_status st;
  if (batch_n(blk, b) < 2)
    return TC_OK;
  if ((st = stage_write(s, blk, b, set, err)) || (st = compute(s, set, batch_n(blk, b),
                                                               blk->off[b.s0], err)))
    return st;
  return finish(s, blk, b, set, out, stats, err);
}

tc_status tc_ocl_candidates(ocl *s, const tc_grid_block *blk, tc_pairbuf *out,
                            tc_backend_stats *stats, tc_err *err) {
  tc_status st = TC_OK;
  tc_cl_batch *plan = NULL;
  size_t nb = 0;
  double k0 = s->info.t_keys + s->info.t_sort + s->info.t_pairs;
  double x0 = s->info.t_write + s->info.t_read;
  out->n = 0;
  out->decided = s->decide;
  out->pair_ordered = 1; /* until pairs come back as the pair kernel emitted them */
  if (blk->n && !(blk->x && blk->y && blk->z))
    return tc_fail(err, TC_ERR_ARG, "grid block without unit vectors (the grid fills x, y, z)");
  if (blk->n > TC_PAIR_BAND - 1) /* the band flag takes q's top bit */
    return tc_fail(err, TC_ERR_OVERFLOW, "grid block of %zu positions: over 2^31", blk->n);
  if ((st = tc_cl_plan(blk, s->nmax, &plan, &nb, err)) != TC_OK)
    return st;
  s->info.blocks++;
  s->info.split_blocks += nb > 1;
  if (nb && (st = stage_write(s, blk, plan[0], 0, err)) != TC_OK)
    goto cleanup;
  for (size_t k = 0; k < nb; k++) {
    int set = (int)(k & 1);
    if ((st = compute(s, set, batch_n(blk, plan[k]), blk->off[plan[k].s0], err)) != TC_OK)
      goto cleanup;
    /* the next sub-batch's staging and transfer overlap this one's kernels */
    if (k + 1 < nb && (st = stage_write(s, blk, plan[k + 1], 1 - set, err)) != TC_OK)
      goto cleanup;
    if ((st = finish(s, blk, plan[k], set, out, stats, err)) != TC_OK)
      goto cleanup;
  }
cleanup:
  if (st != TC_OK) {
    clFinish(s->q);
    clFinish(s->xq);
    tc_err_prefix(err, "OpenCL %s on %s: ", s->allpairs ? "all pairs" : "cell search",
                  s->dev.name);
  }
  if (s->profile) {
    tc_ocl_prof_collect(s);
    if (stats) {
      stats->t_cand += s->info.t_keys + s->info.t_sort + s->info.t_pairs - k0;
      stats->t_transfer += s->info.t_write + s->info.t_read - x0;
    }
  }
  free(plan);
  return st;
}
