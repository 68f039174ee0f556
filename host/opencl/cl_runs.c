/* Runs too short to report, dropped on the device (kernels/runs.cl): the host side.
 * The thresholds become grid-time indices of the sub-batch [s0, s1) of n grid times,
 * whose first grid time is S0 = s0 time and whose end is S1 = S0 + n slot:
 *   - no earlier close time (at most S0 - slot) can join a run starting at index w when
 *     (w + 1) slot > merge_gap, i.e. w >= wmin = floor(merge_gap / slot);
 *   - no later one (at least S1) can join a run ending at w when (n - w) slot > merge_gap,
 *     i.e. w <= wmax = n - wmin - 1;
 *   - close times spanning d grid times with d slot <= merge_gap are one run, and it is
 *     shorter than min_duration when d slot < min_duration: d <= span_max.
 * Such a run is judged by the host's runs on its duration alone (spec §4: end - start <
 * min_duration is no encounter), so dropping its pairs changes no encounter. */
#include <stdint.h>

#include "host/opencl/cl_state.h"

tc_status tc_ocl_drop_runs(tc_ocl *s, const tc_grid_block *blk, size_t s0, size_t s1, int set, size_t *m,
                           int *kept_in_r, tc_err *err) {
  tc_status st = TC_OK;
  (void)blk;
  *kept_in_r = 0;
  if (!s->drop_runs || *m == 0 || s->slot <= 0)
    return TC_OK;
  int64_t n = (int64_t)(s1 - s0), wmin = s->merge_gap / s->slot, wmax = n - wmin - 1;
  int64_t lim = s->merge_gap < s->min_duration - 1 ? s->merge_gap : s->min_duration - 1;
  int64_t span_max = lim < 0 ? -1 : lim / s->slot; /* d slot <= lim */
  if (wmax < wmin || span_max < 0 || wmax > (int64_t)UINT32_MAX - 1)
    return TC_OK; /* the sub-batch is too short for any run to be complete */
  size_t tcap = 1024;
  while (tcap < 2 * *m)
    tcap *= 2;
  /* Room: a device with little memory keeps every pair rather than fail (the buffers are
   * grown only; each must pass the largest allocation, all of them the budget). */
  size_t grow = (4 * tcap > s->rtab_cap ? 16 * tcap - 4 * s->rtab_cap : 0) +
                (*m > s->rpair_cap ? 12 * (*m - s->rpair_cap) : 0);
  if (16 * (uint64_t)tcap > s->dev.max_alloc || s->used + grow > s->budget)
    return TC_OK;
  if ((st = tc_ocl_ensure(s, &s->rtab, &s->rtab_cap, 4 * tcap, 4, "run groups", err)) ||
      (st = tc_ocl_ensure(s, &s->rslot, &s->rpair_cap, *m, 4, "run slots", err)))
    return st;
  if (!s->rp || !s->rq || !s->rcnt || s->rpair_cap > s->rpair_kept) {
    size_t old = s->rpair_kept;
    s->rpair_kept = 0;
    if ((st = tc_ocl_remake(s, &s->rp, 4 * old, 4 * s->rpair_cap, "kept pairs", err)) ||
        (st = tc_ocl_remake(s, &s->rq, 4 * old, 4 * s->rpair_cap, "kept pairs", err)) ||
        (!s->rcnt && (st = tc_ocl_remake(s, &s->rcnt, 0, 8, "run counts", err))))
      return st;
    s->rpair_kept = s->rpair_cap;
  }
  tc_ocl_inset *in = &s->in[set];
  cl_uint um = (cl_uint)*m, base = (cl_uint)blk->off[s0], mask = (cl_uint)(tcap - 1);
  cl_uint lo = (cl_uint)wmin, hi = (cl_uint)wmax, span = (cl_uint)span_max;
  if ((st = tc_ocl_fill_zero(s, s->rtab, 16 * tcap, err)) ||
      (st = tc_ocl_fill_zero(s, s->rcnt, 8, err)) ||
      (st = tc_ocl_args(s->k[TC_K_RUN_GROUP], tc_ocl_kernel_names[TC_K_RUN_GROUP], err, 9, A(s->pp),
                        A(s->pq), A(um), A(base), A(in->vid), A(in->cell), A(s->rtab), A(mask),
                        A(s->rslot))) ||
      (st = tc_ocl_launch(s, TC_K_RUN_GROUP, *m, NULL, TC_P_RUNS, err)) ||
      (st = tc_ocl_args(s->k[TC_K_RUN_DROP], tc_ocl_kernel_names[TC_K_RUN_DROP], err, 11, A(s->pp),
                        A(s->pq), A(um), A(s->rtab), A(s->rslot), A(lo), A(hi), A(span), A(s->rp),
                        A(s->rq), A(s->rcnt))) ||
      (st = tc_ocl_launch(s, TC_K_RUN_DROP, *m, NULL, TC_P_RUNS, err)))
    return st;
  TC_CL_TRY(err, clEnqueueReadBuffer(s->q, s->rcnt, CL_FALSE, 0, 8, s->hrcnt, 0, NULL,
                                     tc_ocl_prof_slot(s, TC_P_READ)));
  s->info.bytes_down += 8;
  if ((st = tc_ocl_wait(s, err)) != TC_OK)
    return st;
  if (s->hrcnt[0] > *m)
    return tc_fail(err, TC_ERR_INTERNAL, "OpenCL runs: %u pairs kept of %zu", (unsigned)s->hrcnt[0], *m);
  *m = s->hrcnt[0];
  *kept_in_r = 1;
cleanup:
  return st;
}
