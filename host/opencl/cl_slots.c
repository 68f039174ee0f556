/* Host side of the cell search by grid time: its scratch buffers and its launch of one
 * work-item a group, so a CPU device's threads share the grid times out (a group of many
 * would give one thread a whole sub-batch). */
#include "host/opencl/cl_slots.h"

tc_status tc_ocl_slot_cells(tc_ocl *s, int set, size_t n, size_t base, const cl_event *wait,
                            tc_err *err) {
  tc_status st = TC_OK;
  tc_ocl_inset *in = &s->in[set];
  size_t nb = in->nbuckets, ns = in->nslots;
  if (n > s->work_cap) { /* keys and the sorted copies; the cells go to the set's own */
    size_t old = s->work_cap;
    s->work_cap = 0;
    tc_ocl_release(s, &s->rank, old * 4); /* the chain's ranks: not used here */
    if ((st = tc_ocl_remake(s, &s->key, old * 4, n * 4, "keys", err)) ||
        (st = tc_ocl_remake(s, &s->scell, old * 16, n * 16, "sorted cells", err)) ||
        (st = tc_ocl_remake(s, &s->spos, old * s->rsize, n * s->rsize, "sorted offsets", err)) ||
        (st = tc_ocl_remake(s, &s->sidx, old * 4, n * 4, "sorted index", err)))
      return st;
    s->work_cap = n;
  }
  /* the kernel's scratch, a grid time's share sized by its nb >= 2 m buckets: nb + 1 uints
   * (radix histogram, then column starts), nb ulongs (two arrays of m sort keys) */
  if ((st = tc_ocl_ensure(s, &s->start, &s->start_cap, nb + ns, 4, "buckets", err)) ||
      (st = tc_ocl_ensure(s, &s->occ, &s->occ_cap, 2 * nb, 4, "occupancy bits", err)) ||
      (st = tc_ocl_ensure(s, &s->tests, &s->tests_cap, ns, 8, "test counts", err)))
    return st;
  cl_uint uns = (cl_uint)ns, ub = (cl_uint)base, cap = (cl_uint)s->pair_cap;
  cl_double cell = s->cell;
  const void *cellr = s->single ? (const void *)&s->cell_f : (const void *)&s->cell_d;
  const void *scr = s->single ? (const void *)&s->screen_f : (const void *)&s->screen_d;
  const void *band = s->single ? (const void *)&s->band_f : (const void *)&s->band_d;
  size_t rs = s->single ? sizeof(cl_float) : sizeof(cl_double);
  int k = TC_K_SLOT_CELLS;
  if ((st = tc_ocl_args(s->k[k], tc_ocl_kernel_names[k], err, 23, A(in->ux), A(in->uy), A(in->uz),
                        A(in->slot), A(uns), A(cell), A(in->boff), A(in->cell), A(s->key),
                        A(s->start), A(s->occ), A(s->scell), A(s->spos), A(s->sidx), rs, cellr, rs,
                        scr, rs, band, A(ub), A(s->pp), A(s->pq), A(cap), A(s->count),
                        A(s->tests))) != TC_OK)
    return st;
  size_t global = ns ? ns : 1, local = 1;
  TC_CL_TRY(err, clEnqueueNDRangeKernel(s->q, s->k[k], 1, NULL, &global, &local, wait ? 1 : 0,
                                        wait, tc_ocl_prof_slot(s, TC_P_PAIRS)));
cleanup:
  if (st != TC_OK)
    tc_err_prefix(err, "kernel %s over %zu grid times: ", tc_ocl_kernel_names[k], ns);
  return st;
}
