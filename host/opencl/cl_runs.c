/* Close times linked into runs on the device (kernels/runs.cl): the host side.
 *
 * Each sub-batch's decided pairs are appended on the device to its block's accumulation;
 * at the block's last sub-batch the device sorts them by (vessel pair, grid time) with its
 * key sort (cl_sort.c), cuts each vessel pair's close times into runs at gaps over
 * merge_gap and decides each run against the open-run table it keeps across blocks and
 * buckets. A run the host could judge alone and
 * would reject on its duration whatever the speeds (spec §4: end - start < min_duration)
 * stays on the device, counted only; every other run comes back whole as close pairs,
 * read straight into the op's list, because judging needs each close time's positions and
 * slot speeds (medians, means) in the host's libm values. What keeps the list openmp's:
 * each of the host's candidates gets either all its close pairs or none (and then it is
 * one the host would reject).
 *
 * The table holds the runs open at the end of the last linking, all of which went back to
 * the host (a run that a later close time may join always does), and is complete from a
 * horizon `known_t` on: runs starting within merge_gap of it may continue close times the
 * table never saw (a checkpoint's open candidates, another device's share, pairs the device
 * could not hold) and come back. Without the MMSIs of the block's vessels (the op called
 * outside the engine), with several devices (each sees a share of every block), or with
 * TRAJCORR_CL_DEVICE_RUNS=0 (to measure the table), there is no table and every
 * accumulation is its own horizon. An accumulation that would pass the budget or the
 * largest buffer is linked early (its end is then the next sub-batch's start); a sub-batch
 * that does not fit alone comes back whole and starts a new horizon (the tests force both
 * with TRAJCORR_CL_RUNS_MAX=PAIRS, the most pairs an accumulation may hold).
 *
 * Grid times are grid indices since base_t, uint on the device. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/opencl/cl_state.h"

enum { RK_GATHER, RK_HEADS, RK_WALK, RK_CARRY, RK_COUNT };
static const char *const rk_names[RK_COUNT] = {"tc_run_gather", "tc_run_heads", "tc_run_walk",
                                               "tc_run_carry"};
/* Per accumulated pair: B_PQ and B_K0 hold the accumulation (the pair, p and q; its sort
 * key); the rest are the linking's scratch (B_K1, B_PQ1: the sort's other half). */
enum { B_PQ, B_K0, B_K1, B_PQ1, B_KEEP, B_OP, B_OQ, B_COUNT };
#define B_HELD B_K0 /* the last buffer whose pairs a larger accumulation keeps */
static size_t b_elem(int i) { return i <= B_PQ1 ? 8 : 4; }
enum { PAIR_BYTES = 8 * 4 + 4 * 3 };

struct tc_ocl_runs {
  cl_kernel k[RK_COUNT];
  cl_mem b[B_COUNT];           /* per accumulated pair (b_elem bytes each) */
  size_t bcap;                 /* pairs they hold */
  cl_mem mmsi, rcnt;           /* vessel MMSIs; counts */
  size_t mmsi_cap;
  cl_uint vb, wb;              /* the accumulation's key: bits of a vessel index, of a grid time */
  cl_mem tab[2];
  size_t tcap[2];              /* slots (4 uints each) each holds */
  int cur;                     /* tab[cur]: the runs open at end_t */
  size_t ucap;                 /* slots tab[cur] uses (its hash's size); 0: empty */
  size_t live;                 /* its entries */
  int valid;                   /* tab[cur] is complete from known_t to end_t */
  int started;                 /* an accumulation was made: the host may hold pairs */
  int64_t base_t, known_t, end_t;
  /* the accumulation: n pairs of grid times from acc_t (a grid time of block acc_blk) */
  int acc;
  size_t n;
  int64_t acc_t;
  const tc_grid_block *acc_blk;
  int whole;                   /* linked with the table */
  int no_table;                /* TRAJCORR_CL_DEVICE_RUNS=0 */
  size_t max_pairs;            /* TRAJCORR_CL_RUNS_MAX=PAIRS: a smaller accumulation (tests) */
  cl_uint h[4];                /* counts read back: kept pairs, runs dropped, entries */
};

void tc_ocl_runs_free(tc_ocl *s) {
  tc_ocl_runs *r = s ? s->runs : NULL;
  if (!r)
    return;
  for (int i = 0; i < RK_COUNT; i++)
    if (r->k[i])
      clReleaseKernel(r->k[i]);
  for (int i = 0; i < B_COUNT; i++)
    if (r->b[i])
      clReleaseMemObject(r->b[i]);
  cl_mem *m[] = {&r->mmsi, &r->rcnt, &r->tab[0], &r->tab[1]};
  for (size_t j = 0; j < sizeof m / sizeof m[0]; j++)
    if (*m[j])
      clReleaseMemObject(*m[j]);
  free(r);
  s->runs = NULL;
}

static tc_status runs_get(tc_ocl *s, tc_ocl_runs **out, tc_err *err) {
  tc_status st = TC_OK;
  if (!s->runs) {
    if (!(s->runs = calloc(1, sizeof *s->runs)))
      return tc_fail(err, TC_ERR_NOMEM, "out of memory for the OpenCL run state");
    const char *v = getenv("TRAJCORR_CL_DEVICE_RUNS");
    s->runs->no_table = v && !strcmp(v, "0");
    const char *x = getenv("TRAJCORR_CL_RUNS_MAX");
    s->runs->max_pairs = x && *x ? strtoull(x, NULL, 10) : 0;
    for (int i = 0; i < RK_COUNT; i++) {
      cl_int rc = CL_SUCCESS;
      s->runs->k[i] = clCreateKernel(s->prog, rk_names[i], &rc);
      if (rc != CL_SUCCESS) {
        st = tc_cl_fail(err, rc, "clCreateKernel", __FILE__, __LINE__);
        tc_err_prefix(err, "kernel %s: ", rk_names[i]);
        tc_ocl_runs_free(s);
        return st;
      }
    }
  }
  *out = s->runs;
  return TC_OK;
}

static size_t pow2_at_least(size_t n) {
  size_t c = 1024;
  while (c < n)
    c *= 2;
  return c;
}

static tc_status launch(tc_ocl *s, cl_kernel k, const char *name, size_t n, tc_err *err) {
  tc_status st = TC_OK;
  size_t wg = s->wg, global = n ? (n + wg - 1) / wg * wg : wg;
  TC_CL_TRY(err, clEnqueueNDRangeKernel(s->q, k, 1, NULL, &global, &wg, 0, NULL,
                                        tc_ocl_prof_slot(s, TC_P_RUNS)));
cleanup:
  if (st != TC_OK)
    tc_err_prefix(err, "kernel %s over %zu items: ", name, n);
  return st;
}


/* Bytes a buffer of `need` elements adds over what `cap` holds. */
static size_t more(size_t cap, size_t need, size_t elem) { return need > cap ? (need - cap) * elem : 0; }

/* Open-table slots for an accumulation of n pairs. */
static size_t open_slots(const tc_ocl_runs *r, size_t n) {
  return r->whole ? pow2_at_least(2 * (r->live + n)) : 0;
}

/* Whether the budget and the largest buffer allow buffers for an accumulation of n pairs. */
static int fits(const tc_ocl *s, const tc_ocl_runs *r, size_t n) {
  size_t o = open_slots(r, n), nt = 1 - (size_t)r->cur;
  size_t grow = more(r->bcap, n, PAIR_BYTES) + more(s->sort_hist_cap, tc_ocl_sort_hist(s, n), 4) +
                more(r->tcap[nt], o, 16);
  if (r->max_pairs && n > r->max_pairs)
    return 0;
  return 16 * (uint64_t)o <= s->dev.max_alloc && 8 * (uint64_t)n <= s->dev.max_alloc && 4 * (uint64_t)tc_ocl_sort_hist(s, n) <= s->dev.max_alloc &&
         s->used + grow <= s->budget;
}

/* Grows every buffer for an accumulation of n pairs, keeping the pairs held; *ok = 0 when
 * the budget or the largest buffer does not allow it (nothing is grown then). */
static tc_status room_for(tc_ocl *s, tc_ocl_runs *r, size_t n, int *ok, tc_err *err) {
  tc_status st = TC_OK;
  cl_mem was = NULL;
  size_t old = r->bcap, was_bytes = 0;
  if (!(*ok = fits(s, r, n)))
    return TC_OK;
  size_t want = n > old && old + old / 2 > n && fits(s, r, old + old / 2) ? old + old / 2 : n;
  if (want > old) { /* the accumulated pairs move to the larger buffers (grown by half at least) */
    for (int i = 0; i < B_COUNT; i++) {
      was = r->b[i];
      was_bytes = b_elem(i) * old;
      r->b[i] = NULL;
      if ((st = tc_ocl_remake(s, &r->b[i], 0, b_elem(i) * want, "run pairs", err)) != TC_OK) {
        r->b[i] = was;
        was = NULL;
        goto cleanup;
      }
      if (i <= B_HELD && r->n)
        TC_CL_TRY(err, clEnqueueCopyBuffer(s->q, was, r->b[i], 0, 0, b_elem(i) * r->n, 0, NULL, NULL));
      tc_ocl_release(s, &was, b_elem(i) * old);
    }
    r->bcap = want;
  }
  size_t o = open_slots(r, n);
  int nt = 1 - r->cur;
  if ((st = tc_ocl_ensure(s, &s->sort_hist, &s->sort_hist_cap, tc_ocl_sort_hist(s, n), 4, "sort counts",
                          err)) != TC_OK)
    goto cleanup;
  if (o > r->tcap[nt]) {
    size_t oldt = r->tcap[nt];
    r->tcap[nt] = 0;
    if ((st = tc_ocl_remake(s, &r->tab[nt], 16 * oldt, 16 * o, "open runs", err)) != TC_OK)
      goto cleanup;
    r->tcap[nt] = o;
  }
cleanup:
  if (was) /* a failed copy: the old buffer goes, and the accumulation with it (an error) */
    tc_ocl_release(s, &was, was_bytes);
  return st;
}

/* Links the accumulation, whose grid times end before `end`: the kept pairs are appended
 * to out, the rest counted as dropped; the new table takes over. */
static tc_status link_acc(tc_ocl *s, tc_ocl_runs *r, const tc_grid_block *blk, int64_t end,
                          tc_pairbuf *out, tc_backend_stats *stats, tc_err *err) {
  tc_status st = TC_OK;
  size_t m = r->n, ocap = r->ucap, ncap = open_slots(r, m);
  int nt = 1 - r->cur;
  int64_t slot = s->slot;
  r->acc = 0;
  r->n = 0;
  r->valid = 0;
  if (m && !r->rcnt && (st = tc_ocl_remake(s, &r->rcnt, 0, 32, "run counts", err)) != TC_OK)
    return st;
  if (m && r->whole) { /* the table's keys: the MMSIs of the block's vessel indices */
    if ((st = tc_ocl_ensure(s, &r->mmsi, &r->mmsi_cap, blk->nv, 4, "vessel MMSIs", err)) != TC_OK)
      return st;
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->q, r->mmsi, CL_FALSE, 0, 4 * blk->nv, blk->mmsi, 0, NULL,
                                        tc_ocl_prof_slot(s, TC_P_WRITE)));
    s->info.bytes_up += 4 * (uint64_t)blk->nv;
  }
  if (m) {
    cl_uint um = (cl_uint)m, vb = r->vb, wb = r->wb, gs = wb + 1;
    cl_uint un = (cl_uint)((end - r->acc_t) / slot), ugap = (cl_uint)(s->merge_gap / slot);
    cl_uint g0 = (cl_uint)((r->acc_t - r->base_t) / slot), known = (cl_uint)((r->known_t - r->base_t) / slot);
    cl_uint uo = (cl_uint)ocap, unc = (cl_uint)ncap, gend = g0 + un;
    cl_int span = (cl_int)((s->min_duration - 1) / slot);
    cl_mem *b = r->b, key[2] = {b[B_K0], b[B_K1]}, val[2] = {b[B_PQ], b[B_PQ1]};
    /* buffers the kernels do not read without a table or MMSIs: any valid one */
    cl_mem otab = ocap ? r->tab[r->cur] : r->rcnt, ntab = ncap ? r->tab[nt] : r->rcnt;
    cl_mem mmsi = r->whole ? r->mmsi : r->rcnt;
    int so = 0;
    if ((st = tc_ocl_fill_zero(s, r->rcnt, 32, TC_P_RUNS, err)) ||
        (st = tc_ocl_sort(s, key, val, m, (int)(2 * vb + wb + 1), TC_P_RUNS, &so, err)))
      return st;
    if (ncap) { /* the new table holds at most the old entries and one a group: its used part
                   is sized by the groups counted (the rest of the buffer is never touched) */
      if ((st = tc_ocl_args(r->k[RK_HEADS], rk_names[RK_HEADS], err, 4, A(key[so]), A(um), A(gs),
                            A(r->rcnt))) ||
          (st = launch(s, r->k[RK_HEADS], rk_names[RK_HEADS], m, err)))
        return st;
      TC_CL_TRY(err, clEnqueueReadBuffer(s->q, r->rcnt, CL_TRUE, 12, 4, &r->h[3], 0, NULL,
                                         tc_ocl_prof_slot(s, TC_P_READ)));
      s->info.bytes_down += 4;
      size_t need = pow2_at_least(2 * (r->live + r->h[3]));
      ncap = unc = (cl_uint)(need < ncap ? need : ncap);
    }
    if ((ncap && (st = tc_ocl_fill_zero(s, r->tab[nt], 16 * ncap, TC_P_RUNS, err))) ||
        (st = tc_ocl_args(r->k[RK_WALK], rk_names[RK_WALK], err, 16, A(um), A(key[so]), A(vb), A(wb),
                          A(mmsi), A(g0), A(un), A(known), A(ugap), A(span), A(otab), A(uo), A(ntab),
                          A(unc), A(b[B_KEEP]), A(r->rcnt))) ||
        (st = launch(s, r->k[RK_WALK], rk_names[RK_WALK], m, err)))
      return st;
    if (ocap && ncap &&
        ((st = tc_ocl_args(r->k[RK_CARRY], rk_names[RK_CARRY], err, 7, A(otab), A(uo), A(ntab), A(unc),
                           A(gend), A(ugap), A(r->rcnt))) ||
         (st = launch(s, r->k[RK_CARRY], rk_names[RK_CARRY], ocap, err))))
      return st;
    /* the keep flags' exclusive prefix sum in place, the last flag kept aside (cnt[5]) */
    TC_CL_TRY(err, clEnqueueCopyBuffer(s->q, b[B_KEEP], r->rcnt, 4 * (m - 1), 20, 4, 0, NULL, NULL));
    if ((st = tc_ocl_scan(s, b[B_KEEP], m, 0, TC_P_RUNS, err)))
      return st;
    if ((st = tc_ocl_args(s->k[TC_K_RUN_DROP], tc_ocl_kernel_names[TC_K_RUN_DROP], err, 6, A(val[so]),
                          A(um), A(b[B_KEEP]), A(b[B_OP]), A(b[B_OQ]), A(r->rcnt))) ||
        (st = tc_ocl_launch(s, TC_K_RUN_DROP, m, NULL, TC_P_RUNS, err)))
      return st;
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, r->rcnt, CL_FALSE, 0, 16, r->h, 0, NULL,
                                       tc_ocl_prof_slot(s, TC_P_READ)));
    s->info.bytes_down += 16;
    if ((st = tc_ocl_wait(s, err)) != TC_OK)
      return st;
    size_t k = r->h[0];
      if (k > m || r->h[2] > ncap / 2)
      return tc_fail(err, TC_ERR_INTERNAL, "OpenCL runs: %zu pairs kept of %zu, %u open runs in %zu slots",
                     k, m, (unsigned)r->h[2], ncap);
    if (k) {
      if (tc_pairbuf_reserve(out, out->n + k) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu candidate pairs", out->n + k);
      TC_CL_TRY(err, clEnqueueReadBuffer(s->q, b[B_OP], CL_FALSE, 0, 4 * k, out->p + out->n, 0, NULL,
                                         tc_ocl_prof_slot(s, TC_P_READ)));
      TC_CL_TRY(err, clEnqueueReadBuffer(s->q, b[B_OQ], CL_FALSE, 0, 4 * k, out->q + out->n, 0, NULL,
                                         tc_ocl_prof_slot(s, TC_P_READ)));
      s->info.bytes_down += 8 * (uint64_t)k;
      if ((st = tc_ocl_wait(s, err)) != TC_OK)
        return st;
    }
    uint64_t band = 0;
    for (size_t i = 0; i < k; i++)
      band += (out->q[out->n + i] & TC_PAIR_BAND) != 0;
    out->n += k;
    s->info.listed += k;
    s->info.band += band;
    s->info.dropped_pairs += m - k;
    s->info.dropped_runs += r->h[1];
    if (stats) {
      stats->candidates += k;
      stats->band += band;
      stats->dropped_pairs += m - k;
      stats->dropped_runs += r->h[1];
    }
    if (ncap) { /* the new table is the open runs from here on */
      r->cur = nt;
      r->ucap = ncap;
      r->live = r->h[2];
    }
  }
  r->valid = r->whole;
  r->end_t = end;
cleanup:
  return st;
}

tc_status tc_ocl_drop_runs(tc_ocl *s, const tc_grid_block *blk, size_t s0, size_t s1, int set, size_t *m,
                           tc_pairbuf *out, tc_backend_stats *stats, tc_err *err) {
  tc_status st = TC_OK;
  tc_ocl_runs *r = NULL;
  if (!s->drop_runs || s->slot <= 0 || s->merge_gap < 0 || s->min_duration < 1 ||
      s->merge_gap / s->slot > INT32_MAX || (s->min_duration - 1) / s->slot > INT32_MAX)
    return TC_OK; /* every pair back: the host's runs stage links them */
  if ((st = runs_get(s, &r, err)) != TC_OK)
    return st;
  int64_t slot = s->slot, S0 = blk->s0 + (int64_t)s0 * slot, S1 = blk->s0 + (int64_t)s1 * slot;
  int last = 1; /* no later sub-batch of this block (plans skip grid times without a pair) */
  for (size_t j = s1; last && j < blk->nslots; j++)
    last = blk->off[j + 1] - blk->off[j] < 2;
  if (r->acc && r->acc_blk != blk)
    r->acc = 0, r->n = 0, r->valid = 0; /* a block left unfinished (an error): start afresh */
  cl_uint vb = 0, wb = 0; /* the sort keys' fields: a vessel index, a grid time of the block */
  while (vb < 32 && ((uint64_t)1 << vb) < blk->nv)
    vb++;
  while (wb < 40 && ((uint64_t)1 << wb) < blk->nslots)
    wb++;
  if (2 * vb + wb + 1 > 64) { /* keys too wide (billions of vessels): the pairs come back */
    r->acc = 0, r->n = 0, r->valid = 0;
    return TC_OK;
  }
  r->vb = vb;
  r->wb = wb;
  if (!r->acc) { /* a new accumulation: linked to the table, or a new horizon */
    int whole = blk->mmsi && blk->nv && !s->runs_shared && !r->no_table && blk->nv <= UINT32_MAX &&
                4 * (uint64_t)blk->nv <= s->dev.max_alloc;
    if (!(whole && r->valid && S0 >= r->end_t && (S0 - r->base_t) / slot < INT32_MAX - 2 * (int64_t)blk->nslots)) {
      r->known_t = r->base_t = S0;
      /* the first accumulation of a fresh run: no close time before it exists, so its
       * horizon lies more than merge_gap earlier and the runs at its head may go too */
      if (whole && blk->fresh && !r->started)
        r->known_t = r->base_t = S0 - (s->merge_gap / slot + 1) * slot;
      r->live = 0;
      r->ucap = 0;
    }
    r->started = 1;
    r->whole = whole;
    r->acc = 1;
    r->acc_t = S0;
    r->acc_blk = blk;
    r->n = 0;
  }
  int ok = 0;
  if (*m && (st = room_for(s, r, r->n + *m, &ok, err)) != TC_OK)
    return st;
  if (*m && !ok && r->n) { /* full: link what is held, ending where this sub-batch starts */
    if ((st = link_acc(s, r, blk, S0, out, stats, err)) != TC_OK)
      return st;
    r->acc = 1; /* a new accumulation, linked to the table just made */
    r->acc_t = S0;
    r->acc_blk = blk;
    if (!r->whole)
      r->known_t = r->base_t = S0;
    if ((st = room_for(s, r, *m, &ok, err)) != TC_OK)
      return st;
  }
  if (*m && !ok) { /* this sub-batch alone does not fit: its pairs come back as they are */
    r->acc = 0;
    r->valid = 0;
    return TC_OK;
  }
  if (*m) {
    tc_ocl_inset *in = &s->in[set];
    cl_uint um = (cl_uint)*m, base = (cl_uint)blk->off[s0], at = (cl_uint)r->n;
    cl_uint woff = (cl_uint)((S0 - r->acc_t) / slot);
    cl_mem *b = r->b;
    if ((st = tc_ocl_args(r->k[RK_GATHER], rk_names[RK_GATHER], err, 12, A(s->pp), A(s->pq), A(um),
                          A(base), A(in->vid), A(in->cell), A(woff), A(at), A(vb), A(wb), A(b[B_PQ]),
                          A(b[B_K0]))) ||
        (st = launch(s, r->k[RK_GATHER], rk_names[RK_GATHER], *m, err)))
      return st;
    r->n += *m;
  }
  *m = 0;
  /* the queue is in order: the next sub-batch's pair kernel runs after the gather */
  return last ? link_acc(s, r, blk, S1, out, stats, err) : TC_OK;
}
