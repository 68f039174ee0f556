/* The "opencl" and "opencl-allpairs" backend instances: device choice, program,
 * queues and kernels, precision, memory budget. The work is in cl_batch.c. */
#include "host/opencl/backend_opencl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/opencl/cl_program.h"
#include "host/engine/exact.h"
#include "host/opencl/cl_state.h"
#include "io/clock.h"
#include "kernels/geo.h"

#define WG_MAX 256

static void oc_destroy(void *state) {
  tc_ocl *s = state;
  if (!s)
    return;
  for (int i = 0; i < s->nsub; i++) {
    oc_destroy(s->sub[i]);
    tc_pairbuf_free(&s->part[i]);
  }
  if (s->q)
    clFinish(s->q);
  if (s->xq)
    clFinish(s->xq);
  for (int i = 0; i < s->npend; i++)
    if (s->pend[i])
      clReleaseEvent(s->pend[i]);
  tc_ocl_runs_free(s);
  for (int i = 0; i < 2; i++) {
    tc_ocl_inset *in = &s->in[i];
    if (in->written)
      clReleaseEvent(in->written);
    cl_mem *m[] = {&in->cell, &in->pos, &in->slot, &in->boff, &in->ux, &in->uy, &in->uz, &in->vid};
    for (int j = 0; j < 8; j++)
      if (*m[j])
        clReleaseMemObject(*m[j]);
    free(in->hcell);
    free(in->hpos);
    free(in->hslot);
    free(in->hboff);
  }
  cl_mem *m[] = {&s->key, &s->rank, &s->scell, &s->spos, &s->sidx,
                 &s->start, &s->occ, &s->tests, &s->pp, &s->pq, &s->count, &s->sort_hist};
  for (size_t j = 0; j < sizeof m / sizeof m[0]; j++)
    if (*m[j])
      clReleaseMemObject(*m[j]);
  for (int j = 0; j < TC_OCL_MAX_LEVELS; j++)
    if (s->lvl[j])
      clReleaseMemObject(s->lvl[j]);
  for (int j = 0; j < TC_K_COUNT; j++)
    if (s->k[j])
      clReleaseKernel(s->k[j]);
  if (s->q)
    clReleaseCommandQueue(s->q);
  if (s->xq)
    clReleaseCommandQueue(s->xq);
  if (s->prog)
    clReleaseProgram(s->prog);
  if (s->ctx)
    clReleaseContext(s->ctx);
  free(s->htests);
  free(s);
}

/* Local size: a power of two every kernel accepts, and whose all-pairs tiles fit in
 * half the local memory. */
static tc_status pick_work_group(tc_ocl *s, tc_err *err) {
  tc_status st = TC_OK;
  size_t wg = WG_MAX < s->dev.max_work_group ? WG_MAX : s->dev.max_work_group;
  for (int i = 0; i < TC_K_COUNT; i++) {
    size_t kw = 0;
    if (!s->k[i] || i == TC_K_SLOT_CELLS) /* lacking (no fp64); or launched in groups of one */
      continue;
    TC_CL_TRY(err, clGetKernelWorkGroupInfo(s->k[i], s->dev.device_id, CL_KERNEL_WORK_GROUP_SIZE,
                                            sizeof kw, &kw, NULL));
    if (kw < wg)
      wg = kw;
  }
  size_t p = 1;
  while (2 * p <= wg)
    p *= 2;
  while (p > 1 && p * (16 + s->rsize) > s->dev.local_mem / 2)
    p /= 2;
  s->wg = p;
cleanup:
  return st;
}

/* Cell size and screen threshold in the device's precision, rounded outwards, and the
 * cell size the host must use so both agree exactly. */
static tc_status set_geometry(tc_ocl *s, double dist_m, tc_err *err) {
  double scr = tc_screen_chord2(dist_m, s->single), cell = tc_cell_size(scr);
  /* The close bound of the device's decision (tc_decide_emit of kernels/cells.cl): a
   * squared chord below it is close. Double: the host's own band (tc_exact_bounds), 1e-6
   * of the chord wide, against offsets exact to ~1e-15; so a pair below it is within
   * dist by far more than the host's chord or haversine could err, and the host, given it,
   * would call it close too. Single: the screen's own margin mirrored below, rounded
   * down. Everything between this bound and the screen goes to the host's exact test. */
  double lo2 = -1, hi2 = -1;
  tc_exact_bounds(dist_m, &lo2, &hi2);
  double band_single = tc_chord2_of_dist(dist_m) * (1.0 - TC_SCREEN_REL_SINGLE) - TC_SCREEN_ABS_SINGLE;
  s->band_d = s->decide ? lo2 : INFINITY;
  s->band_f = s->decide ? (cl_float)band_single : INFINITY;
  if (s->decide && (double)s->band_f > band_single)
    s->band_f = nextafterf(s->band_f, 0.0f);
  if (s->band_f < 0)
    s->band_f = 0;
  if (s->single) {
    s->cell_f = (cl_float)cell;
    if ((double)s->cell_f < cell)
      s->cell_f = nextafterf(s->cell_f, INFINITY);
    s->screen_f = (cl_float)scr;
    if ((double)s->screen_f < scr)
      s->screen_f = nextafterf(s->screen_f, INFINITY);
    s->cell = s->cell_f;
  } else {
    s->cell = s->cell_d = cell;
    s->screen_d = scr;
  }
  if (2.0 / s->cell > (double)(1 << 30))
    return tc_fail(err, TC_ERR_ARG, "dist %g m is too small for the OpenCL cell grid", dist_m);
  return TC_OK;
}

/* Device bytes per position of a sub-batch: two input sets, and for the cell search
 * keys, ranks, sorted copies and up to four buckets with their scan sums and occupancy
 * bits. */
static size_t bytes_per_position(const tc_ocl *s) {
  /* device staging: + unit vectors; runs dropped on the device: + vessel indices */
  size_t pos = s->dev_stage && !s->allpairs ? 0 : s->rsize; /* offsets: tc_stage_keys makes none */
  size_t in = 2 * (16 + pos + (s->dev_stage ? 24 : 0) + (s->drop_runs ? 4 : 0));
  /* by grid time: keys, sorted copies, bucket ends (under 4 buckets a position, one more a
   * grid time), 8 occupancy bytes a bucket, a grid time's test counts */
  if (s->slot_cells)
    return in + 4 + 16 + s->rsize + 4 + 20 + 32 + 8;
  return s->allpairs ? in + 8 : in + 4 + 4 + 16 + s->rsize + 4 + 16 + 2 + 4;
}

static tc_status set_budget(tc_ocl *s, size_t device_memory, tc_err *err) {
  s->budget = device_memory ? device_memory : (size_t)(s->dev.global_mem / 2);
  if (s->budget > s->dev.global_mem) /* a budget over the device's memory cannot be had */
    s->budget = (size_t)s->dev.global_mem;
  size_t bpp = bytes_per_position(s);
  size_t nmax = (s->budget - s->budget / 4) / bpp;
  /* no buffer may pass the device's largest allocation: the widest per position are the
   * offsets (rsize) and the hash buckets (under 16 bytes a position) */
  size_t lim = (size_t)(s->dev.max_alloc / 32);
  if (nmax > lim)
    nmax = lim;
  if (nmax > TC_OCL_COUNT_LIMIT / 4)
    nmax = TC_OCL_COUNT_LIMIT / 4;
  /* the cell search's 32-bit indices: under 4 buckets a position, 8 occupancy bits a
   * bucket (kernels/cells.cl) */
  if (nmax > ((size_t)1 << 26))
    nmax = (size_t)1 << 26;
  if (nmax < 2)
    return tc_fail(err, TC_ERR_ARG,
                   "device memory budget of %zu bytes with buffers of at most %llu bytes: too "
                   "small (a sub-batch needs a budget of %zu and buffers of 64)",
                   s->budget, (unsigned long long)s->dev.max_alloc, 8 * bpp);
  s->nmax = nmax;
  size_t pairs = s->budget / 32;
  if (pairs < 1024)
    pairs = 1024;
  if (pairs > (1u << 22))
    pairs = 1u << 22;
  if (pairs > s->dev.max_alloc / 4)
    pairs = (size_t)(s->dev.max_alloc / 4);
  return tc_ocl_set_pair_cap(s, pairs, err);
}

/* The device's largest buffer as TRAJCORR_CL_MAX_ALLOC may lower it (cl_device.c). */
static tc_status force_max_alloc(tc_ocl *s, tc_err *err) {
  int forced = 0;
  tc_status st = tc_cl_device_limit_alloc(&s->dev, &forced, err);
  s->info.max_alloc = s->dev.max_alloc;
  if (forced)
    s->info.max_alloc_forced = 1;
  return st;
}

/* TRAJCORR_CL_HOST_STAGE=1 stages on the host as a device without fp64 must, so the
 * tests compare both stagings on one device. */
static int host_stage_forced(void) {
  const char *v = getenv("TRAJCORR_CL_HOST_STAGE");
  return v && *v && strcmp(v, "0");
}

/* TRAJCORR_CL_DROP_RUNS=0 sends every close pair back (cl_runs.c off), to measure what
 * dropping the short runs on the device gains. */
static int drop_runs_off(void) {
  const char *v = getenv("TRAJCORR_CL_DROP_RUNS");
  return v && !strcmp(v, "0");
}

/* The cell search by grid time (cl_slots.c) where it pays: on a CPU device, whose cores
 * each take whole grid times, not on a GPU, which needs a work-item a position.
 * TRAJCORR_CL_SLOT_CELLS=0 forbids it, =1 forces it (any device that stages: the tests). */
static int slot_cells_wanted(const tc_cl_device_info *dev) {
  const char *v = getenv("TRAJCORR_CL_SLOT_CELLS");
  if (v && *v)
    return strcmp(v, "0") != 0;
  return (dev->type_bits & CL_DEVICE_TYPE_CPU) != 0;
}

static tc_status oc_create_common(const tc_backend_config *cfg, int allpairs, void **state,
                                  tc_err *err) {
  tc_status st = TC_OK;
  cl_int rc = CL_SUCCESS;
  tc_ocl *s = NULL;
  if (!(cfg->dist_m > 0) || !isfinite(cfg->dist_m))
    return tc_fail(err, TC_ERR_ARG, "dist %g m: must be a positive number", cfg->dist_m);
  if (!(s = calloc(1, sizeof *s)))
    return tc_fail(err, TC_ERR_NOMEM, "out of memory creating the OpenCL backend");
  s->allpairs = allpairs;
  s->profile = cfg->profile != 0;
  s->threads = cfg->threads;
  s->decide = cfg->decide != 0;
  s->drop_runs = s->decide && cfg->drop_short_runs && cfg->slot > 0 && !drop_runs_off();
  s->slot = cfg->slot;
  s->merge_gap = cfg->merge_gap;
  s->min_duration = cfg->min_duration;
  if ((st = tc_cl_device_select(cfg->platform, cfg->device, cfg->device_type, &s->dev, err)))
    goto cleanup;
  s->single = cfg->single_precision || !s->dev.fp64; /* no fp64: float screen, exact recheck */
  s->rsize = s->single ? 4 * sizeof(cl_float) : 4 * sizeof(cl_double);
  if ((st = force_max_alloc(s, err)) != TC_OK)
    goto cleanup;
  double t0 = tc_clock_wall();
  if ((st = tc_cl_context_get(s->dev.device_id, &s->ctx, err)) != TC_OK)
    goto cleanup;
  s->info.t_context = tc_clock_wall() - t0;
  tc_cl_program_info pi;
  if ((st = tc_cl_program_get(s->dev.device_id, s->single, s->dev.fp64, &s->prog, &pi, err)))
    goto cleanup;
  s->info.t_program = pi.seconds;
  s->info.program_from = pi.from;
  s->info.cache_written = pi.cache_written;
  cl_command_queue_properties props = s->profile ? CL_QUEUE_PROFILING_ENABLE : 0;
  s->q = clCreateCommandQueue(s->ctx, s->dev.device_id, props, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateCommandQueue");
  s->xq = clCreateCommandQueue(s->ctx, s->dev.device_id, props, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateCommandQueue");
  s->dev_stage = s->dev.fp64 && !host_stage_forced();
  const char *zc = getenv("TRAJCORR_CL_ZERO_COPY");
  s->zero_copy = s->dev_stage && (s->dev.type_bits & CL_DEVICE_TYPE_CPU) && !(zc && !strcmp(zc, "0"));
  s->slot_cells = s->dev_stage && !allpairs && slot_cells_wanted(&s->dev);
  for (int i = 0; i < TC_K_COUNT; i++) {
    if ((i == TC_K_STAGE || i == TC_K_STAGE_KEYS || i == TC_K_SCATTER_U || i == TC_K_SLOT_CELLS) &&
        !s->dev.fp64)
      continue;
    s->k[i] = clCreateKernel(s->prog, tc_ocl_kernel_names[i], &rc);
    if (rc != CL_SUCCESS) {
      st = tc_cl_fail(err, rc, "clCreateKernel", __FILE__, __LINE__);
      tc_err_prefix(err, "kernel %s: ", tc_ocl_kernel_names[i]);
      goto cleanup;
    }
  }
  if ((st = pick_work_group(s, err)) || (st = set_geometry(s, cfg->dist_m, err)))
    goto cleanup;
  if ((st = tc_ocl_remake(s, &s->count, 0, 4, "pair count", err)) ||
      (st = set_budget(s, cfg->device_memory, err)))
    goto cleanup;
  snprintf(s->info.device, sizeof s->info.device, "%s", s->dev.name);
  tc_cl_build_options(s->single, s->dev.fp64, s->info.options, sizeof s->info.options);
  s->info.single = s->single;
  s->info.decide = s->decide;
  s->info.device_stage = s->dev_stage;
  s->info.zero_copy = s->zero_copy;
  s->info.slot_cells = s->slot_cells;
  s->info.work_group = s->wg;
  s->info.budget = s->budget;
  s->info.max_positions = s->nmax;
  *state = s;
  s = NULL;
cleanup:
  if (st != TC_OK && st != TC_ERR_UNSUPPORTED && s && s->dev.name[0])
    tc_err_prefix(err, "OpenCL device %d (%s): ", s->dev.index, s->dev.name);
  oc_destroy(s);
  return st;
}

/* One instance, or with several devices (--device all or a list) a shell over one per
 * device (cl_multi.c). */
static tc_status oc_create_devices(const tc_backend_config *cfg, int allpairs, void **state,
                                   tc_err *err) {
  tc_backend_config one[TC_MAX_DEVICES];
  int n = 0;
  tc_status st = tc_ocl_multi_configs(cfg, one, &n, err);
  if (st != TC_OK)
    return st;
  if (n <= 1)
    return oc_create_common(n == 1 ? &one[0] : cfg, allpairs, state, err);
  tc_ocl *s = calloc(1, sizeof *s);
  if (!s)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory creating the OpenCL backend");
  for (int i = 0; i < n && st == TC_OK; i++) {
    void *sub = NULL;
    if ((st = oc_create_common(&one[i], allpairs, &sub, err)) == TC_OK) {
      ((tc_ocl *)sub)->runs_shared = 1; /* a share of each block: no open-run table */
      s->sub[s->nsub++] = sub;
    }
  }
  if (st != TC_OK) {
    tc_err_prefix(err, "--device %s, device %d of %d: ", cfg->all_devices ? "all" : "list",
                  s->nsub + 1, n);
    oc_destroy(s);
    return st;
  }
  s->allpairs = allpairs;
  s->decide = s->sub[0]->decide;
  s->dev_stage = 1;
  for (int i = 0; i < n; i++) /* "staged on the device" only when every device does */
    s->dev_stage &= s->sub[i]->dev_stage;
  s->single = 0;
  for (int i = 0; i < n; i++) /* one device in float makes the run's precision float */
    s->single |= s->sub[i]->single;
  s->info = s->sub[0]->info;
  snprintf(s->info.device, sizeof s->info.device, "%d devices: %.96s, ...", n, s->sub[0]->dev.name);
  snprintf(s->dev.name, sizeof s->dev.name, "%d devices", n);
  *state = s;
  return TC_OK;
}

static tc_status oc_create(const tc_backend_config *cfg, void **state, tc_err *err) {
  return oc_create_devices(cfg, 0, state, err);
}

static tc_status oc_create_allpairs(const tc_backend_config *cfg, void **state, tc_err *err) {
  return oc_create_devices(cfg, 1, state, err);
}

static tc_status oc_candidates(void *state, const tc_grid_block *blk, tc_pairbuf *out,
                               tc_backend_stats *stats, tc_err *err) {
  return tc_ocl_multi_candidates(state, blk, out, stats, err);
}

static const char *oc_precision(void *state) {
  const tc_ocl *s = state;
  return s && s->single ? "single+exact recheck" : "double";
}

void tc_opencl_get_info(void *state, tc_opencl_info *info) {
  const tc_ocl *s = state;
  *info = s->info;
}

tc_status tc_opencl_set_pair_capacity(void *state, size_t pairs, tc_err *err) {
  tc_ocl *s = state;
  if (pairs == 0 || pairs >= TC_OCL_COUNT_LIMIT)
    return tc_fail(err, TC_ERR_ARG, "pair capacity %zu: expected 1 .. 2^31 - 1", pairs);
  tc_status st = TC_OK;
  for (int i = 0; i < s->nsub && st == TC_OK; i++)
    st = tc_ocl_set_pair_cap(s->sub[i], pairs, err);
  return s->nsub ? st : tc_ocl_set_pair_cap(s, pairs, err);
}

/* A device call costs launches and transfers whatever its size: a few million
 * positions per block keep them small beside the work (TRAJCORR_CL_BLOCK_POSITIONS=N sets
 * it, to measure). */
static size_t oc_block_positions(void *state) {
  (void)state;
  const char *v = getenv("TRAJCORR_CL_BLOCK_POSITIONS");
  unsigned long long n = v && *v ? strtoull(v, NULL, 10) : 0;
  return n ? (size_t)n : (size_t)4 << 20;
}

/* Grid times a block holds at least where runs are dropped on the device: 4 merge_gaps. A
 * run can be dropped only where no close time after its block can join it, so the runs
 * within merge_gap of a block's end come back: blocks of 4 M positions were 20 grid times
 * (3 h 20) on a day of 200 000 vessels, under the 4 h merge_gap, and every close pair came
 * back. Longer blocks than this send fewer back but the host's stages, which read
 * per-position arrays of the block at random, slow down (docs/opencl.md, step 6). */
static size_t oc_block_min_slots(void *state) {
  const tc_ocl *s = state;
  if (!s->drop_runs || s->slot <= 0 || s->merge_gap < 0 || s->merge_gap / s->slot > 1024)
    return 0;
  return 4 * (size_t)(s->merge_gap / s->slot);
}

/* The engine seeks block k+1's candidates on a thread of its own while it runs block k's
 * host stages (tc_backend_ops.overlap): the host waits on the device only for what it
 * cannot do meanwhile. TRAJCORR_CL_OVERLAP=0 calls the op in line, to measure. */
static int oc_overlap(void *state) {
  (void)state;
  const char *v = getenv("TRAJCORR_CL_OVERLAP");
  return !(v && !strcmp(v, "0"));
}

static void oc_profile(void *state, tc_device_profile *p);

/* Several devices: the sums over them (start-up is sequential, so it adds up too); the
 * smallest largest-buffer. */
static void oc_profile_multi(const tc_ocl *s, tc_device_profile *p) {
  oc_profile(s->sub[0], p);
  p->devices = s->nsub;
  for (int k = 1; k < s->nsub; k++) {
    tc_device_profile d;
    oc_profile(s->sub[k], &d);
    p->t_context += d.t_context;
    p->t_program += d.t_program;
    p->cache_written |= d.cache_written;
    p->t_stage += d.t_stage;
    p->t_wait += d.t_wait;
    p->t_keys += d.t_keys;
    p->t_sort += d.t_sort;
    p->t_pairs += d.t_pairs;
    p->t_write += d.t_write;
    p->t_read += d.t_read;
    p->t_runs += d.t_runs;
    p->dropped_pairs += d.dropped_pairs;
    p->dropped_runs += d.dropped_runs;
    p->bytes_up += d.bytes_up;
    p->bytes_down += d.bytes_down;
    p->listed += d.listed;
    p->band += d.band;
    p->batches += d.batches;
    p->slot_batches += d.slot_batches;
    p->split_blocks += d.split_blocks;
    p->retries += d.retries;
    p->splits += d.splits;
    p->budget += d.budget;
    if (d.max_alloc < p->max_alloc)
      p->max_alloc = d.max_alloc;
  }
}

static void oc_profile(void *state, tc_device_profile *p) {
  const tc_ocl *s = state;
  const tc_opencl_info *i = &s->info;
  if (s->nsub) {
    oc_profile_multi(s, p);
    return;
  }
  memset(p, 0, sizeof *p);
  p->devices = 1;
  p->t_context = i->t_context;
  p->t_program = i->t_program;
  p->program_from = tc_cl_from_name(i->program_from);
  p->cache_written = i->cache_written;
  p->t_stage = i->t_stage;
  p->t_wait = i->t_wait;
  p->t_keys = i->t_keys;
  p->t_sort = i->t_sort;
  p->t_pairs = i->t_pairs;
  p->t_write = i->t_write;
  p->t_read = i->t_read;
  p->t_runs = i->t_runs;
  p->dropped_pairs = i->dropped_pairs;
  p->dropped_runs = i->dropped_runs;
  p->bytes_up = i->bytes_up;
  p->bytes_down = i->bytes_down;
  p->decided = s->decide;
  p->device_stage = s->dev_stage;
  p->listed = i->listed;
  p->band = i->band;
  p->blocks = i->blocks;
  p->batches = i->batches;
  p->slot_batches = i->slot_batches;
  p->split_blocks = i->split_blocks;
  p->retries = i->retries;
  p->splits = i->splits;
  p->max_alloc = i->max_alloc;
  p->budget = i->budget;
  p->max_alloc_forced = i->max_alloc_forced;
}

const tc_backend_ops tc_backend_opencl = {
    "opencl", oc_create, oc_destroy, oc_candidates, oc_precision, oc_block_positions, oc_profile, 1,
    oc_block_min_slots, oc_overlap,
};

const tc_backend_ops tc_backend_opencl_allpairs = {
    "opencl-allpairs", oc_create_allpairs, oc_destroy, oc_candidates, oc_precision,
    oc_block_positions, oc_profile, 1, oc_block_min_slots, oc_overlap,
};
